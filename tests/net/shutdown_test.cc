// Graceful shutdown: stop accepting, let pending requests finish, close at the deadline.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "net_test_support.h"

namespace gregor::net::testing {
namespace {

bool accepts_connections(uint16_t port) {
  Client probe(port);
  return probe.connected();
}

TEST(NetShutdown, PendingRequestIsAnsweredBeforeTheConnectionCloses) {
  LoopThread loop;
  ScriptedHandler handler(
      [&](Connection&, RequestSlot slot, Frame) { handler.held.push_back(std::move(slot)); });
  ServerHarness harness(loop, ServerHarness::default_config(), handler);
  const uint16_t port = harness.port();
  Client client(port);
  ASSERT_TRUE(client.send_frame(bytes_of("acks=all")));
  ASSERT_TRUE(loop.wait_until([&] { return handler.held.size() == 1; }));

  auto done = harness.begin_shutdown(std::chrono::milliseconds(kTimeout));
  EXPECT_FALSE(accepts_connections(port));
  EXPECT_NE(done.wait_for(0ms), std::future_status::ready);

  loop.run([&] { handler.held[0].respond(Response(bytes_of("replicated"))); });
  EXPECT_EQ(client.read_frame(), bytes_of("replicated"));
  EXPECT_TRUE(client.wait_closed());
  EXPECT_EQ(done.wait_for(kTimeout), std::future_status::ready);
}

TEST(NetShutdown, DeadlineClosesConnectionsThatAreStillBusy) {
  LoopThread loop;
  ScriptedHandler handler(
      [&](Connection&, RequestSlot slot, Frame) { handler.held.push_back(std::move(slot)); });
  ServerHarness harness(loop, ServerHarness::default_config(), handler);
  Client busy(harness.port());
  Client quiet(harness.port());
  ASSERT_TRUE(busy.send_frame(bytes_of("never answered")));
  ASSERT_TRUE(loop.wait_until([&] { return handler.held.size() == 1 && handler.opened == 2; }));

  auto done = harness.begin_shutdown(50ms);
  EXPECT_TRUE(quiet.wait_closed());  // Nothing pending: closed at once.
  EXPECT_TRUE(busy.wait_closed());   // Closed when the grace period ran out.
  ASSERT_EQ(done.wait_for(kTimeout), std::future_status::ready);
  // Finishing the slot after everything is gone does nothing.
  loop.run([&] { handler.held[0].respond(Response(bytes_of("late"))); });
}

}  // namespace
}  // namespace gregor::net::testing
