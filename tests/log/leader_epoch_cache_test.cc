#include "leader_epoch_cache.h"

#include <gtest/gtest.h>

#include "log_test_util.h"

namespace gregor::log {
namespace {

using testing::TempDir;

TEST(LeaderEpochCache, AssignKeepsEpochsAndOffsetsIncreasing) {
  TempDir dir;
  LeaderEpochCache cache(dir.path() / "leader-epoch-checkpoint", {});
  EXPECT_TRUE(cache.assign(LeaderEpoch(0), Offset(0)));
  EXPECT_FALSE(cache.assign(LeaderEpoch(0), Offset(10)));  // same epoch later: no news
  EXPECT_TRUE(cache.assign(LeaderEpoch(2), Offset(10)));
  EXPECT_TRUE(cache.assign(LeaderEpoch(3), Offset(20)));
  // An epoch that overlaps history replaces the conflicting tail.
  EXPECT_TRUE(cache.assign(LeaderEpoch(4), Offset(15)));
  std::vector<EpochEntry> expected = {
      {LeaderEpoch(0), Offset(0)}, {LeaderEpoch(2), Offset(10)}, {LeaderEpoch(4), Offset(15)}};
  EXPECT_EQ(cache.entries(), expected);
  EXPECT_EQ(cache.latest_epoch(), LeaderEpoch(4));
  EXPECT_EQ(cache.epoch_for_offset(Offset(12)), LeaderEpoch(2));
}

TEST(LeaderEpochCache, EndOffsetForEpochFollowsKafka) {
  TempDir dir;
  LeaderEpochCache cache(
      dir.path() / "leader-epoch-checkpoint",
      {{LeaderEpoch(1), Offset(0)}, {LeaderEpoch(3), Offset(50)}, {LeaderEpoch(5), Offset(80)}});
  using P = std::pair<LeaderEpoch, Offset>;
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(5), Offset(100)), P(LeaderEpoch(5), Offset(100)));
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(3), Offset(100)), P(LeaderEpoch(3), Offset(80)));
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(4), Offset(100)), P(LeaderEpoch(3), Offset(80)));
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(0), Offset(100)), P(LeaderEpoch(0), Offset(0)));
  EXPECT_EQ(cache.end_offset_for(LeaderEpoch(9), Offset(100)), std::nullopt);
}

TEST(LeaderEpochCache, TruncationFromBothEnds) {
  TempDir dir;
  LeaderEpochCache cache(
      dir.path() / "leader-epoch-checkpoint",
      {{LeaderEpoch(1), Offset(0)}, {LeaderEpoch(3), Offset(50)}, {LeaderEpoch(5), Offset(80)}});
  EXPECT_TRUE(cache.truncate_from_end(Offset(80)));
  EXPECT_EQ(cache.latest_epoch(), LeaderEpoch(3));
  EXPECT_TRUE(cache.truncate_from_start(Offset(60)));
  std::vector<EpochEntry> expected = {{LeaderEpoch(3), Offset(60)}};
  EXPECT_EQ(cache.entries(), expected);
}

TEST(LeaderEpochCache, PersistWritesTheCheckpointOnlyWhenChanged) {
  TempDir dir;
  auto path = dir.path() / "leader-epoch-checkpoint";
  LeaderEpochCache cache(path, {});
  cache.assign(LeaderEpoch(7), Offset(3));
  ASSERT_TRUE(cache.persist().ok());
  EXPECT_FALSE(cache.dirty());
  auto read = read_epoch_checkpoint(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, cache.entries());
}

}  // namespace
}  // namespace gregor::log
