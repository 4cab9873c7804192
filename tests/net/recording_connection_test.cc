#include "gregor/net/recording_connection.h"

#include <gtest/gtest.h>

namespace gregor::net {
namespace {

TEST(RecordingConnection, AppliesTheConnectionOrderingRules) {
  auto connection = RecordingConnection::create();
  RequestSlot first = connection->next_slot();
  RequestSlot second = connection->next_slot();
  RequestSlot third = connection->next_slot();
  second.respond(Response({2}));
  EXPECT_TRUE(connection->replies().empty());
  first.finish_without_response();
  ASSERT_EQ(connection->replies().size(), 2u);
  EXPECT_EQ(connection->replies()[0].action, Reply::Action::kNone);
  EXPECT_EQ(connection->replies()[1].response.size(), 1u);
  third.close_connection();
  EXPECT_FALSE(connection->is_open());
  EXPECT_EQ(connection->pending(), 0u);
}

TEST(RecordingConnection, DroppedSlotClosesAndLateSlotsAreHarmless) {
  auto connection = RecordingConnection::create();
  { RequestSlot forgotten = connection->next_slot(); }
  EXPECT_FALSE(connection->is_open());

  RequestSlot outlives = RecordingConnection::create()->next_slot();
  EXPECT_FALSE(outlives.connection_open());
  outlives.respond(Response({1}));  // The connection is gone; nothing happens.
  EXPECT_FALSE(outlives.pending());
}

}  // namespace
}  // namespace gregor::net
