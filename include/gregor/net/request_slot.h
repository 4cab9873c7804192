// A request's place in its connection's response order. The handler receives one slot per
// frame and finishes it exactly once, now or later (a long-poll fetch, acks=all, a group
// join), always on the loop thread. Responses leave the connection in request order however
// the slots finish.
#pragma once

#include <cstdint>
#include <memory>

#include "gregor/net/connection.h"
#include "gregor/net/frame.h"

namespace gregor::net {

// How one request ends.
struct Reply {
  enum class Action {
    kSend,   // Write `response` when every earlier request has been answered.
    kNone,   // No response (e.g. a produce with acks=0); later responses don't wait for it.
    kClose,  // Close the connection once every earlier response has been written.
  };
  Action action = Action::kNone;
  Response response;
};

// Move-only. Holds only a weak reference to its connection, so a slot that outlives the
// connection (a purgatory entry whose client went away) is harmless: finishing it does nothing.
class RequestSlot {
 public:
  RequestSlot(std::weak_ptr<Connection> connection, uint64_t sequence)
      : connection_(std::move(connection)), sequence_(sequence) {}
  RequestSlot(RequestSlot&& other) noexcept;
  RequestSlot& operator=(RequestSlot&& other) noexcept;
  RequestSlot(const RequestSlot&) = delete;
  RequestSlot& operator=(const RequestSlot&) = delete;

  // A slot destroyed without being finished closes its connection (with a log line): every
  // later response on the connection would otherwise wait for it forever.
  ~RequestSlot();

  // The request's position on its connection, counting from 0.
  uint64_t sequence() const { return sequence_; }
  // True until one of the finishing calls below has been made.
  bool pending() const { return pending_; }
  // True while the connection can still deliver a response.
  bool connection_open() const;

  // Each of these finishes the slot; calls after the first are ignored.
  void respond(Response response);
  void finish_without_response();
  void close_connection();

 private:
  void finish(Reply reply);

  std::weak_ptr<Connection> connection_;
  uint64_t sequence_ = 0;
  bool pending_ = true;
};

}  // namespace gregor::net
