// Connection limits and the idle reaper.
#include <gtest/gtest.h>

#include "net_test_support.h"

namespace gregor::net::testing {
namespace {

TEST(NetLimits, PerIpLimitRefusesExtraConnections) {
  LoopThread loop;
  ScriptedHandler handler;
  ServerConfig config = ServerHarness::default_config();
  config.max_connections_per_ip = 2;
  ServerHarness harness(loop, config, handler);
  auto first = std::make_unique<Client>(harness.port());
  Client second(harness.port());
  ASSERT_TRUE(loop.wait_until([&] { return handler.opened == 2; }));
  Client third(harness.port());
  EXPECT_TRUE(third.wait_closed());
  EXPECT_EQ(harness.counters().connections_refused, 1u);

  // The admitted ones work, and a place frees up when one leaves.
  ASSERT_TRUE(second.send_frame(bytes_of("ok")));
  EXPECT_EQ(second.read_frame(), bytes_of("ok"));
  first.reset();
  ASSERT_TRUE(loop.wait_until([&] { return handler.closed == 1; }));
  Client fourth(harness.port());
  ASSERT_TRUE(fourth.send_frame(bytes_of("welcome")));
  EXPECT_EQ(fourth.read_frame(), bytes_of("welcome"));
}

TEST(NetLimits, PerIpOverrideAndServerWideLimit) {
  LoopThread loop;
  ScriptedHandler handler;
  ServerConfig config = ServerHarness::default_config();
  config.max_connections_per_ip_overrides["127.0.0.1"] = 1;
  ServerHarness harness(loop, config, handler);
  Client first(harness.port());
  ASSERT_TRUE(loop.wait_until([&] { return handler.opened == 1; }));
  Client second(harness.port());
  EXPECT_TRUE(second.wait_closed());

  LoopThread loop2;
  ScriptedHandler handler2;
  ServerConfig config2 = ServerHarness::default_config();
  config2.max_connections = 1;
  ServerHarness harness2(loop2, config2, handler2);
  Client a(harness2.port());
  ASSERT_TRUE(loop2.wait_until([&] { return handler2.opened == 1; }));
  Client b(harness2.port());
  EXPECT_TRUE(b.wait_closed());
  EXPECT_EQ(harness2.counters().connections_refused, 1u);
}

TEST(NetLimits, IdleConnectionsAreClosedButBusyOnesAreNot) {
  LoopThread loop;
  ScriptedHandler handler(
      [&](Connection&, RequestSlot slot, Frame) { handler.held.push_back(std::move(slot)); });
  ServerConfig config = ServerHarness::default_config();
  config.connections_max_idle_ms = 100;
  ServerHarness harness(loop, config, handler);
  // `busy` goes quiet first, but has a request pending, so it must survive.
  Client busy(harness.port());
  ASSERT_TRUE(busy.send_frame(bytes_of("long poll")));
  ASSERT_TRUE(loop.wait_until([&] { return handler.held.size() == 1; }));
  Client idle(harness.port());
  ASSERT_TRUE(idle.connected());
  EXPECT_TRUE(idle.wait_closed());
  EXPECT_EQ(harness.counters().connections_open, 1u);
  loop.run([&] { handler.held[0].respond(Response(bytes_of("done"))); });
  EXPECT_EQ(busy.read_frame(), bytes_of("done"));
  // Once answered, it is idle too and goes the same way.
  EXPECT_TRUE(busy.wait_closed());
}

TEST(NetLimits, ClientThatStopsReadingIsReapedAsIdle) {
  LoopThread loop;
  ScriptedHandler handler([](Connection&, RequestSlot slot, Frame) {
    slot.respond(Response(std::vector<uint8_t>(size_t{16} << 20, 'z')));
  });
  ServerConfig config = ServerHarness::default_config();
  config.connections_max_idle_ms = 100;
  config.socket_send_buffer_bytes = 64 * 1024;
  ServerHarness harness(loop, config, handler);
  Client stuck(harness.port());
  ASSERT_TRUE(stuck.send_frame(bytes_of("fetch")));
  // The client never reads, so the response can't drain; the reaper must still close it.
  ASSERT_TRUE(loop.wait_until([&] { return handler.closed == 1; }));
  EXPECT_EQ(harness.counters().connections_open, 0u);
}

}  // namespace
}  // namespace gregor::net::testing
