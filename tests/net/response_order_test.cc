#include "response_order.h"

#include <gtest/gtest.h>

namespace gregor::net {
namespace {

Reply send(uint8_t tag) {
  return Reply{Reply::Action::kSend, Response({tag})};
}

uint8_t tag_of(const Reply& reply) {
  return std::get<std::vector<uint8_t>>(reply.response.chunks().at(0)).at(0);
}

TEST(ResponseOrder, ReleasesRepliesInRequestOrder) {
  ResponseOrder order;
  for (uint64_t i = 0; i < 3; ++i)
    EXPECT_EQ(order.open_slot(), i);
  EXPECT_EQ(order.finish(2, send(2)), ResponseOrder::FinishResult::kAccepted);
  EXPECT_EQ(order.finish(1, send(1)), ResponseOrder::FinishResult::kAccepted);
  EXPECT_FALSE(order.pop_ready());  // 0 is still pending.
  EXPECT_EQ(order.in_flight(), 3u);
  EXPECT_EQ(order.finish(0, send(0)), ResponseOrder::FinishResult::kAccepted);
  for (uint8_t i = 0; i < 3; ++i) {
    auto reply = order.pop_ready();
    ASSERT_TRUE(reply);
    EXPECT_EQ(tag_of(*reply), i);
  }
  EXPECT_FALSE(order.pop_ready());
  EXPECT_EQ(order.in_flight(), 0u);
}

TEST(ResponseOrder, ClassifiesBadFinishes) {
  ResponseOrder order;
  order.open_slot();
  EXPECT_EQ(order.finish(5, send(0)), ResponseOrder::FinishResult::kUnknown);
  EXPECT_EQ(order.finish(0, send(0)), ResponseOrder::FinishResult::kAccepted);
  EXPECT_EQ(order.finish(0, send(0)), ResponseOrder::FinishResult::kDuplicate);
  ASSERT_TRUE(order.pop_ready());
  EXPECT_EQ(order.finish(0, send(0)), ResponseOrder::FinishResult::kStale);
}

TEST(ResponseOrder, AbandonedSlotsBecomeStale) {
  ResponseOrder order;
  order.open_slot();
  order.open_slot();
  EXPECT_EQ(order.abandon_all(), 2u);
  EXPECT_EQ(order.in_flight(), 0u);
  EXPECT_EQ(order.finish(1, send(1)), ResponseOrder::FinishResult::kStale);
  EXPECT_EQ(order.open_slot(), 2u);  // Numbering continues.
}

}  // namespace
}  // namespace gregor::net
