#include "offset_index.h"

#include <gtest/gtest.h>

#include "log_test_util.h"

namespace gregor::log {
namespace {

using testing::TempDir;

class OffsetIndexTest : public ::testing::Test {
 protected:
  OffsetIndex open(uint64_t prealloc = 4096) {
    auto index = OffsetIndex::open(dir_.path() / "00000000000000000100.index", Offset(100));
    EXPECT_TRUE(index.ok());
    EXPECT_TRUE(index->file().preallocate(prealloc).ok());
    return std::move(index).value();
  }
  TempDir dir_;
};

TEST_F(OffsetIndexTest, LookupFindsTheLargestEntryAtOrBelowTheTarget) {
  OffsetIndex index = open();
  ASSERT_TRUE(index.append(Offset(110), 1000).ok());
  ASSERT_TRUE(index.append(Offset(130), 2000).ok());
  ASSERT_TRUE(index.append(Offset(150), 3000).ok());
  EXPECT_EQ(index.lookup(Offset(100)).position, 0u);  // before the first entry
  EXPECT_EQ(index.lookup(Offset(109)).position, 0u);
  EXPECT_EQ(index.lookup(Offset(110)).position, 1000u);
  EXPECT_EQ(index.lookup(Offset(129)).position, 1000u);
  EXPECT_EQ(index.lookup(Offset(131)).position, 2000u);
  EXPECT_EQ(index.lookup(Offset(1000)).position, 3000u);
  EXPECT_EQ(index.lookup(Offset(1000)).offset, Offset(150));
}

TEST_F(OffsetIndexTest, EntriesAreBigEndianRelativeOffsetAndPosition) {
  OffsetIndex index = open();
  ASSERT_TRUE(index.append(Offset(100 + 0x0102), 0x01020304).ok());
  ASSERT_TRUE(index.file().trim().ok());
  auto bytes = testing::read_file(dir_.path() / "00000000000000000100.index");
  std::vector<uint8_t> expected = {0, 0, 0x01, 0x02, 0x01, 0x02, 0x03, 0x04};
  EXPECT_EQ(bytes, expected);
}

TEST_F(OffsetIndexTest, PreallocatedThenTrimmedLikeKafka) {
  OffsetIndex index = open(4096);
  EXPECT_EQ(testing::file_size(dir_.path() / "00000000000000000100.index"), 4096u);
  EXPECT_EQ(index.file().capacity(), 512u);
  ASSERT_TRUE(index.append(Offset(105), 64).ok());
  ASSERT_TRUE(index.file().trim().ok());
  EXPECT_EQ(testing::file_size(dir_.path() / "00000000000000000100.index"), 8u);
  // Reopening counts entries from the trimmed length.
  index.file().close();
  auto reopened = OffsetIndex::open(dir_.path() / "00000000000000000100.index", Offset(100));
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(reopened->entries(), 1u);
  EXPECT_EQ(reopened->entry(0).offset, Offset(105));
}

TEST_F(OffsetIndexTest, TruncateRemovesEntriesAtOrAfterTheOffset) {
  OffsetIndex index = open();
  ASSERT_TRUE(index.append(Offset(110), 1000).ok());
  ASSERT_TRUE(index.append(Offset(130), 2000).ok());
  ASSERT_TRUE(index.append(Offset(150), 3000).ok());
  index.truncate_to(Offset(130));
  EXPECT_EQ(index.entries(), 1u);
  index.truncate_to(Offset(111));
  EXPECT_EQ(index.entries(), 1u);
  index.truncate_to(Offset(100));
  EXPECT_EQ(index.entries(), 0u);
}

TEST_F(OffsetIndexTest, ConsistencyChecksCatchDamage) {
  OffsetIndex index = open();
  ASSERT_TRUE(index.append(Offset(110), 1000).ok());
  ASSERT_TRUE(index.append(Offset(130), 2000).ok());
  EXPECT_TRUE(index.is_consistent(5000, true));
  EXPECT_FALSE(index.is_consistent(1500, true));  // points past the log
  // The preallocated zeros of a crashed index read as entries going backwards.
  auto crashed = OffsetIndex::open(dir_.path() / "00000000000000000100.index", Offset(100));
  ASSERT_TRUE(crashed.ok());
  EXPECT_EQ(crashed->entries(), 512u);
  EXPECT_FALSE(crashed->is_consistent(1u << 30, true));
  EXPECT_FALSE(crashed->is_consistent(1u << 30, false));
}

}  // namespace
}  // namespace gregor::log
