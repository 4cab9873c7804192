#include "time_index.h"

#include <gtest/gtest.h>

#include "log_test_util.h"

namespace gregor::log {
namespace {

using testing::TempDir;

class TimeIndexTest : public ::testing::Test {
 protected:
  TimeIndex open() {
    auto index = TimeIndex::open(dir_.path() / "00000000000000000100.timeindex", Offset(100));
    EXPECT_TRUE(index.ok());
    EXPECT_TRUE(index->file().preallocate(1200).ok());
    return std::move(index).value();
  }
  TempDir dir_;
};

TEST_F(TimeIndexTest, OnlyIncreasingTimestampsAreAppended) {
  TimeIndex index = open();
  ASSERT_TRUE(index.maybe_append(1000, Offset(105)).ok());
  ASSERT_TRUE(index.maybe_append(1000, Offset(110)).ok());  // not newer: skipped
  ASSERT_TRUE(index.maybe_append(900, Offset(120)).ok());   // older: skipped
  ASSERT_TRUE(index.maybe_append(2000, Offset(130)).ok());
  EXPECT_EQ(index.entries(), 2u);
  EXPECT_EQ(index.last_entry().timestamp, 2000);
  EXPECT_EQ(index.last_entry().offset, Offset(130));
}

TEST_F(TimeIndexTest, EntryLayoutIsTimestampThenRelativeOffset) {
  TimeIndex index = open();
  ASSERT_TRUE(index.maybe_append(0x0102030405060708, Offset(103)).ok());
  ASSERT_TRUE(index.file().trim().ok());
  auto bytes = testing::read_file(dir_.path() / "00000000000000000100.timeindex");
  std::vector<uint8_t> expected = {1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 3};
  EXPECT_EQ(bytes, expected);
}

TEST_F(TimeIndexTest, LastEntryBeforeIsStrict) {
  TimeIndex index = open();
  ASSERT_TRUE(index.maybe_append(1000, Offset(105)).ok());
  ASSERT_TRUE(index.maybe_append(2000, Offset(130)).ok());
  EXPECT_FALSE(index.last_entry_before(1000).has_value());
  EXPECT_EQ(index.last_entry_before(1001)->offset, Offset(105));
  EXPECT_EQ(index.last_entry_before(2000)->offset, Offset(105));
  EXPECT_EQ(index.last_entry_before(5000)->offset, Offset(130));
}

TEST_F(TimeIndexTest, TruncateAndReserveTheRollSlot) {
  TimeIndex index = open();
  ASSERT_TRUE(index.maybe_append(1000, Offset(105)).ok());
  ASSERT_TRUE(index.maybe_append(2000, Offset(130)).ok());
  index.truncate_to(Offset(130));
  EXPECT_EQ(index.entries(), 1u);
  EXPECT_EQ(index.last_entry().timestamp, 1000);
  EXPECT_TRUE(index.is_full(2));  // one slot always stays free for the roll entry
  EXPECT_FALSE(index.is_full(3));
}

}  // namespace
}  // namespace gregor::log
