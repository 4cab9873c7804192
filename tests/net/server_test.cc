// The Kafka-protocol server end to end over 127.0.0.1: framing, ordering, handler actions,
// listeners and connection limits.
#include "gregor/net/server.h"

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <gtest/gtest.h>

#include "net_test_support.h"

namespace gregor::net::testing {
namespace {

std::vector<uint8_t> index_payload(uint32_t i) {
  return be32(static_cast<int32_t>(i));
}

// Routes the default logger into memory for the life of the object.
class LogCapture {
 public:
  LogCapture() : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(256)) {
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink_));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  std::vector<std::string> lines() const { return sink_->last_formatted(); }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

TEST(NetServer, EchoesFrames) {
  LoopThread loop;
  ScriptedHandler handler;
  ServerHarness harness(loop, ServerHarness::default_config(), handler);
  Client client(harness.port());
  ASSERT_TRUE(client.connected());
  for (const std::string text : {"one", "", "three"}) {
    ASSERT_TRUE(client.send_frame(bytes_of(text)));
    EXPECT_EQ(client.read_frame(), bytes_of(text));
  }
  ListenerCounters counters = harness.counters();
  EXPECT_EQ(counters.requests_received, 3u);
  EXPECT_EQ(counters.bytes_in, 3u * 4 + 8);
  EXPECT_EQ(counters.bytes_out, 3u * 4 + 8);
  EXPECT_EQ(counters.connections_open, 1u);
  EXPECT_EQ(counters.requests_in_flight, 0u);
}

TEST(NetServer, PipelinedResponsesKeepRequestOrderWhenCompletedInReverse) {
  constexpr uint32_t kRequests = 200;
  LoopThread loop;
  ScriptedHandler handler;
  handler.set([&](Connection&, RequestSlot slot, Frame frame) {
    handler.held.push_back(std::move(slot));
    (void)frame;
    if (handler.held.size() < kRequests) return;
    // Every request has arrived: answer them last to first.
    for (size_t i = handler.held.size(); i-- > 0;) {
      handler.held[i].respond(Response(index_payload(static_cast<uint32_t>(i))));
    }
    handler.held.clear();
  });
  ServerConfig config = ServerHarness::default_config();
  config.flow.max_in_flight_requests = 256;  // All 200 must be dispatched before any answer.
  config.flow.resume_in_flight_requests = 128;
  ServerHarness harness(loop, config, handler);
  Client client(harness.port());
  std::vector<uint8_t> all;
  for (uint32_t i = 0; i < kRequests; ++i) {
    auto frame = be32(4);
    auto payload = index_payload(i);
    all.insert(all.end(), frame.begin(), frame.end());
    all.insert(all.end(), payload.begin(), payload.end());
  }
  ASSERT_TRUE(client.send_bytes(all));
  for (uint32_t i = 0; i < kRequests; ++i)
    ASSERT_EQ(client.read_frame(), index_payload(i));
}

TEST(NetServer, BadFrameSizeClosesOnlyThatConnection) {
  LogCapture log;
  LoopThread loop;
  ScriptedHandler handler;
  ServerConfig config = ServerHarness::default_config();
  config.socket_request_max_bytes = 1000;
  ServerHarness harness(loop, config, handler);
  Client good(harness.port());
  Client oversized(harness.port());
  Client negative(harness.port());
  ASSERT_TRUE(good.send_frame(bytes_of("before")));
  EXPECT_EQ(good.read_frame(), bytes_of("before"));

  ASSERT_TRUE(oversized.send_bytes(be32(1001)));
  ASSERT_TRUE(negative.send_bytes(be32(-5)));
  EXPECT_TRUE(oversized.wait_closed());
  EXPECT_TRUE(negative.wait_closed());

  ASSERT_TRUE(good.send_frame(bytes_of("after")));
  EXPECT_EQ(good.read_frame(), bytes_of("after"));
  ListenerCounters counters = harness.counters();
  EXPECT_EQ(counters.frames_rejected, 2u);
  EXPECT_EQ(counters.connections_open, 1u);
  loop.run([&] { EXPECT_EQ(handler.frames, 2u); });

  size_t size_lines = 0;
  for (const auto& line : log.lines()) {
    if (line.find("frame size 1001 is above the limit (socket.request.max.bytes = 1000)") !=
            std::string::npos &&
        line.find("127.0.0.1:") != std::string::npos) {
      ++size_lines;
    }
    if (line.find("frame size -5 is negative") != std::string::npos) ++size_lines;
  }
  EXPECT_EQ(size_lines, 2u);
}

TEST(NetServer, TruncatedFrameIsNeverDispatched) {
  LoopThread loop;
  ScriptedHandler handler;
  ServerHarness harness(loop, ServerHarness::default_config(), handler);
  {
    Client client(harness.port());
    auto partial = be32(100);
    partial.resize(partial.size() + 10, 'x');
    ASSERT_TRUE(client.send_bytes(partial));
  }
  ASSERT_TRUE(loop.wait_until([&] { return handler.closed == 1; }));
  loop.run([&] { EXPECT_EQ(handler.frames, 0u); });
  EXPECT_EQ(harness.counters().connections_closed, 1u);
  EXPECT_EQ(harness.counters().requests_in_flight, 0u);
}

TEST(NetServer, HandlerMaySkipTheResponseOrCloseAfterEarlierResponses) {
  LoopThread loop;
  ScriptedHandler handler([](Connection& connection, RequestSlot slot, Frame frame) {
    const std::string text(frame.bytes().begin(), frame.bytes().end());
    if (text == "none") {
      slot.finish_without_response();
    } else if (text == "close") {
      slot.close_connection();
    } else {
      echo(connection, std::move(slot), std::move(frame));
    }
  });
  ServerHarness harness(loop, ServerHarness::default_config(), handler);
  Client client(harness.port());
  for (const std::string text : {"a", "none", "b", "close"}) {
    ASSERT_TRUE(client.send_frame(bytes_of(text)));
  }
  EXPECT_EQ(client.read_frame(), bytes_of("a"));
  EXPECT_EQ(client.read_frame(), bytes_of("b"));
  EXPECT_TRUE(client.wait_closed());
  ASSERT_TRUE(loop.wait_until([&] { return handler.closed == 1; }));
  loop.run([&] { EXPECT_EQ(handler.frames, 4u); });
}

TEST(NetServer, ResponseForAClosedConnectionIsDropped) {
  LoopThread loop;
  ScriptedHandler handler(
      [&](Connection&, RequestSlot slot, Frame) { handler.held.push_back(std::move(slot)); });
  ServerHarness harness(loop, ServerHarness::default_config(), handler);
  {
    Client client(harness.port());
    ASSERT_TRUE(client.send_frame(bytes_of("later")));
    ASSERT_TRUE(loop.wait_until([&] { return handler.held.size() == 1; }));
  }
  // Wait until the connection is gone entirely (its memory released), then answer.
  ASSERT_TRUE(loop.wait_until([&] { return handler.closed == 1; }));
  ASSERT_TRUE(loop.wait_until([&] { return !handler.held[0].connection_open(); }));
  loop.run([&] {
    handler.held[0].respond(Response(bytes_of("too late")));
    EXPECT_FALSE(handler.held[0].pending());
  });
  EXPECT_EQ(harness.counters().bytes_out, 0u);
}

TEST(NetServer, AbandonedSlotClosesItsConnection) {
  LoopThread loop;
  ScriptedHandler handler([](Connection&, RequestSlot, Frame) {});
  ServerHarness harness(loop, ServerHarness::default_config(), handler);
  Client client(harness.port());
  ASSERT_TRUE(client.send_frame(bytes_of("forgotten")));
  EXPECT_TRUE(client.wait_closed());
}

TEST(NetServer, ServesSeveralNamedListeners) {
  LoopThread loop;
  ScriptedHandler handler;
  ServerConfig config = ServerHarness::default_config();
  config.listeners.push_back(ListenerConfig{"INTERNAL", "127.0.0.1", 0});
  ServerHarness harness(loop, config, handler);
  ASSERT_NE(harness.port("PLAINTEXT"), harness.port("INTERNAL"));
  Client external(harness.port("PLAINTEXT"));
  Client internal(harness.port("INTERNAL"));
  ASSERT_TRUE(internal.send_frame(bytes_of("in")));
  EXPECT_EQ(internal.read_frame(), bytes_of("in"));
  ASSERT_TRUE(external.send_frame(bytes_of("ex")));
  EXPECT_EQ(external.read_frame(), bytes_of("ex"));
  EXPECT_EQ(harness.counters("PLAINTEXT").connections_created, 1u);
  EXPECT_EQ(harness.counters("INTERNAL").connections_created, 1u);
  EXPECT_EQ(harness.counters("INTERNAL").requests_received, 1u);
}

TEST(NetServer, RefusesABusyPort) {
  LoopThread loop;
  ScriptedHandler handler;
  ServerHarness first(loop, ServerHarness::default_config(), handler);
  ServerConfig clash = ServerHarness::default_config();
  clash.listeners[0].port = first.port();
  std::unique_ptr<Server> busy;
  auto closed = std::make_shared<std::promise<void>>();
  loop.run([&] {
    busy = std::make_unique<Server>(loop.loop(), clash, handler);
    auto started = busy->start();
    ASSERT_FALSE(started.ok());
    EXPECT_EQ(started.error().code, NetErrc::kBindFailed);
    EXPECT_NE(started.error().message.find("listener PLAINTEXT"), std::string::npos);
    EXPECT_FALSE(busy->bound_port("PLAINTEXT"));
    // The failed start still owns handles, which close asynchronously.
    busy->shutdown(0ms, [closed] { closed->set_value(); });
  });
  ASSERT_EQ(closed->get_future().wait_for(kTimeout), std::future_status::ready);
  loop.run([&] { busy.reset(); });
}

TEST(NetServer, RejectsInvalidConfig) {
  LoopThread loop;
  ScriptedHandler handler;
  auto start_error = [&](ServerConfig config) {
    Server server(loop.loop(), std::move(config), handler);
    auto started = server.start();  // Validation fails before any handle exists.
    return started.ok() ? std::string("started") : started.error().message;
  };
  EXPECT_NE(start_error(ServerConfig{}).find("listeners"), std::string::npos);
  ServerConfig ssl = ServerHarness::default_config();
  ssl.listeners[0].security_protocol = SecurityProtocol::kSsl;
  EXPECT_NE(start_error(ssl).find("SSL is not supported yet"), std::string::npos);
  ServerConfig duplicate = ServerHarness::default_config();
  duplicate.listeners.push_back(duplicate.listeners[0]);
  EXPECT_NE(start_error(duplicate).find("duplicate name PLAINTEXT"), std::string::npos);
  ServerConfig watermarks = ServerHarness::default_config();
  watermarks.flow.resume_in_flight_requests = watermarks.flow.max_in_flight_requests;
  EXPECT_NE(start_error(watermarks).find("resume_in_flight_requests"), std::string::npos);
}

}  // namespace
}  // namespace gregor::net::testing
