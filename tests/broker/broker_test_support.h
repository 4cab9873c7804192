// Helpers for broker unit tests: a Broker built from properties (never started), and
// running one request through the real pipeline on a recording connection.
#pragma once

#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "broker/broker.h"
#include "broker/request_pipeline.h"
#include "gregor/config/broker_config.h"
#include "gregor/net/recording_connection.h"
#include "gregor/wire/codec.h"
#include "gregor/wire/gen/headers.h"

namespace gregor::broker::testing {

class BrokerFixture {
 public:
  BrokerFixture() {
    uv_loop_init(&loop_);
    config::Properties props{{"broker.id", "1"},
                             {"zookeeper.connect", "127.0.0.1:1/unused"},
                             {"listeners", "PLAINTEXT://127.0.0.1:9092"}};
    broker_ = std::make_unique<Broker>(&loop_, std::move(*config::BrokerConfig::create(props)));
    pipeline_ = std::make_unique<RequestPipeline>(broker_.get(), broker_->metrics());
  }
  ~BrokerFixture() {
    pipeline_.reset();
    broker_.reset();
    uv_run(&loop_, UV_RUN_NOWAIT);
    uv_loop_close(&loop_);
  }

  Broker& broker() { return *broker_; }

  // Sends one frame (header and body, no size prefix) through the pipeline. Returns the
  // response bytes (header included), or nullopt when the connection was closed.
  std::optional<wire::Bytes> roundtrip(const wire::Bytes& frame) {
    auto conn = net::RecordingConnection::create(
        net::ConnectionInfo{net::ConnectionId(1), "PLAINTEXT", {}, "127.0.0.1", 5555});
    pipeline_->on_frame(*conn, conn->next_slot(), net::Frame::copy_of(frame));
    if (conn->replies().empty()) return std::nullopt;
    const net::Reply& reply = conn->replies().front();
    if (reply.action != net::Reply::Action::kSend) return std::nullopt;
    wire::Bytes out;
    for (const auto& chunk : reply.response.chunks()) {
      const auto& bytes = std::get<std::vector<uint8_t>>(chunk);
      out.insert(out.end(), bytes.begin(), bytes.end());
    }
    return out;
  }

  // Encodes a request with its header for api `Message`'s version.
  template <class Message>
  static wire::Bytes request(const Message& body, int16_t key, int16_t version,
                             int16_t header_version, int32_t correlation_id = 7) {
    wire::Writer w;
    wire::RequestHeader h;
    h.request_api_key = key;
    h.request_api_version = version;
    h.correlation_id = correlation_id;
    h.client_id = "unit-test";
    h.encode(w, header_version);
    body.encode(w, version);
    return w.buffer();
  }

 private:
  uv_loop_t loop_{};
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<RequestPipeline> pipeline_;
};

// Decodes a response frame: skips the header of `header_version` and decodes the body.
template <class Message>
Message decode_response(const wire::Bytes& bytes, int16_t version, int16_t header_version) {
  wire::Reader r(bytes);
  wire::ResponseHeader h;
  h.decode(r, header_version);
  Message m;
  m.decode(r, version);
  EXPECT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r.remaining(), 0u);
  return m;
}

}  // namespace gregor::broker::testing
