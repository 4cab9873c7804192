// Backpressure from requests in flight and from queued response bytes, and per-turn fairness.
#include <gtest/gtest.h>

#include "net_test_support.h"

namespace gregor::net::testing {
namespace {

TEST(NetFlowControl, InFlightWatermarkStopsReadingUntilRequestsComplete) {
  constexpr size_t kFrames = 20;
  constexpr size_t kPayload = size_t{16} << 10;
  LoopThread loop;
  ScriptedHandler handler(
      [&](Connection&, RequestSlot slot, Frame) { handler.held.push_back(std::move(slot)); });
  ServerConfig config = ServerHarness::default_config();
  config.flow.max_in_flight_requests = 4;
  config.flow.resume_in_flight_requests = 2;
  ServerHarness harness(loop, config, handler);
  Client client(harness.port());
  for (size_t i = 0; i < kFrames; ++i) {
    ASSERT_TRUE(client.send_frame(std::vector<uint8_t>(kPayload, static_cast<uint8_t>(i))));
  }
  ASSERT_TRUE(
      loop.wait_until([&] { return harness.server().stats()[0].counters.read_pauses > 0; }));
  loop.run([&] {
    EXPECT_EQ(handler.frames, 4u);
    // Reading really stopped: most of what the client sent is still in the kernel.
    EXPECT_LT(harness.server().stats()[0].counters.bytes_in, kFrames * kPayload / 2);
  });

  // Completing requests resumes reading; answer everything as it arrives from now on.
  loop.run([&] {
    handler.set([](Connection&, RequestSlot slot, Frame frame) {
      slot.respond(
          Response(std::vector<uint8_t>(frame.bytes().begin(), frame.bytes().begin() + 1)));
    });
    for (auto& slot : handler.held) {
      slot.respond(Response(std::vector<uint8_t>{static_cast<uint8_t>(slot.sequence())}));
    }
    handler.held.clear();
  });
  for (size_t i = 0; i < kFrames; ++i) {
    ASSERT_EQ(client.read_frame(), std::vector<uint8_t>{static_cast<uint8_t>(i)});
  }
  EXPECT_EQ(harness.counters().requests_received, kFrames);
}

TEST(NetFlowControl, QueuedWriteBytesStopReadingUntilTheClientCatchesUp) {
  constexpr size_t kResponse = size_t{8} << 20;
  LoopThread loop;
  ScriptedHandler handler([](Connection&, RequestSlot slot, Frame frame) {
    slot.respond(Response(std::vector<uint8_t>(kResponse, frame.bytes()[0])));
  });
  ServerConfig config = ServerHarness::default_config();
  config.flow.max_queued_write_bytes = size_t{1} << 20;
  config.flow.resume_queued_write_bytes = size_t{512} << 10;
  config.socket_send_buffer_bytes = 64 * 1024;
  ServerHarness harness(loop, config, handler);
  Client client(harness.port());
  for (uint8_t i = 0; i < 3; ++i)
    ASSERT_TRUE(client.send_frame({i}));
  ASSERT_TRUE(
      loop.wait_until([&] { return harness.server().stats()[0].counters.read_pauses > 0; }));
  loop.run([&] { EXPECT_EQ(handler.frames, 1u); });
  for (uint8_t i = 0; i < 3; ++i) {
    auto response = client.read_frame();
    ASSERT_TRUE(response);
    ASSERT_EQ(response->size(), kResponse);
    EXPECT_EQ((*response)[kResponse - 1], i);
  }
  loop.run([&] { EXPECT_EQ(handler.frames, 3u); });
}

TEST(NetFlowControl, FairnessBudgetYieldsWithoutLosingFrames) {
  constexpr uint32_t kFrames = 300;
  LoopThread loop;
  ScriptedHandler handler;
  ServerConfig config = ServerHarness::default_config();
  config.flow.max_frames_per_turn = 4;
  config.flow.max_read_bytes_per_turn = 64;
  config.flow.max_in_flight_requests = 1000;
  config.flow.resume_in_flight_requests = 500;
  ServerHarness harness(loop, config, handler);
  Client a(harness.port());
  Client b(harness.port());
  std::vector<uint8_t> burst;
  for (uint32_t i = 0; i < kFrames; ++i) {
    auto frame = be32(4);
    auto payload = be32(static_cast<int32_t>(i));
    burst.insert(burst.end(), frame.begin(), frame.end());
    burst.insert(burst.end(), payload.begin(), payload.end());
  }
  ASSERT_TRUE(a.send_bytes(burst));
  ASSERT_TRUE(b.send_bytes(burst));
  for (uint32_t i = 0; i < kFrames; ++i) {
    ASSERT_EQ(a.read_frame(), be32(static_cast<int32_t>(i)));
    ASSERT_EQ(b.read_frame(), be32(static_cast<int32_t>(i)));
  }
}

}  // namespace
}  // namespace gregor::net::testing
