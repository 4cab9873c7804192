// A request as handlers see it, and how they answer it.
//
// A handler is a free function of one API. It receives the decoded request and a Reply;
// it calls the Reply exactly once, now or later (long-poll fetch, acks=all, group joins),
// always on the event-loop thread. The Reply writes the response header the API version
// asks for and hands the bytes to the connection, which sends responses in request order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "gregor/wire/api_descriptor.h"
#include "gregor/wire/codec.h"

namespace gregor::broker {

class Broker;

// Where a request's answer goes. Implemented by the connection adapter; tests use fakes.
class Completion {
 public:
  virtual ~Completion() = default;
  // Sends a complete response frame body (header included, size prefix not).
  virtual void send(wire::Writer&& frame) = 0;
  // The request needs no answer (Produce with acks=0).
  virtual void no_response() = 0;
  // The request cannot be answered; Kafka closes the connection in these cases.
  virtual void close_connection(std::string_view why) = 0;
};

struct RequestContext {
  const wire::ApiDescriptor* api = nullptr;
  int16_t version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  std::string listener;      // the listener name the request arrived on
  Broker* broker = nullptr;  // the services handlers compose
};

// Writes the response header for the request's API version followed by the body.
void write_response_header(wire::Writer& w, const RequestContext& ctx);

// Answers one request with a Response message. Cheap to move; call exactly once.
template <class Response>
class Reply {
 public:
  Reply(const RequestContext& ctx, std::shared_ptr<Completion> done)
      : ctx_(ctx), done_(std::move(done)) {}

  int16_t version() const { return ctx_.version; }
  const RequestContext& context() const { return ctx_; }

  void operator()(const Response& response) {
    wire::Writer w;
    write_response_header(w, ctx_);
    response.encode(w, ctx_.version);
    done_->send(std::move(w));
  }
  void no_response() { done_->no_response(); }
  void close_connection(std::string_view why) { done_->close_connection(why); }

 private:
  RequestContext ctx_;
  std::shared_ptr<Completion> done_;
};

}  // namespace gregor::broker
