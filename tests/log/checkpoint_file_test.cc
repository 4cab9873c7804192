#include "checkpoint_file.h"

#include <fstream>

#include <gtest/gtest.h>

#include "log_test_util.h"

namespace gregor::log {
namespace {

using testing::TempDir;

TEST(CheckpointFile, OffsetCheckpointRoundTripsInKafkaFormat) {
  OffsetMap offsets;
  offsets[TopicPartition{"orders", PartitionId(3)}] = Offset(42);
  offsets[TopicPartition{"a.b_c-d", PartitionId(0)}] = Offset(0);
  std::string text = format_offset_checkpoint(offsets);
  EXPECT_EQ(text, "0\n2\na.b_c-d 0 0\norders 3 42\n");
  auto parsed = parse_offset_checkpoint(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, offsets);
}

TEST(CheckpointFile, EpochCheckpointRoundTrips) {
  std::vector<EpochEntry> entries = {{LeaderEpoch(0), Offset(0)}, {LeaderEpoch(3), Offset(120)}};
  std::string text = format_epoch_checkpoint(entries);
  EXPECT_EQ(text, "0\n2\n0 0\n3 120\n");
  auto parsed = parse_epoch_checkpoint(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, entries);
}

TEST(CheckpointFile, RejectsMalformedFiles) {
  EXPECT_FALSE(parse_offset_checkpoint("1\n0\n").ok());            // unknown version
  EXPECT_FALSE(parse_offset_checkpoint("0\n2\nt 0 1\n").ok());     // torn: count mismatch
  EXPECT_FALSE(parse_offset_checkpoint("0\n1\nt zero 1\n").ok());  // bad partition
  EXPECT_FALSE(parse_offset_checkpoint("0\n1\nt 0\n").ok());       // missing field
  EXPECT_FALSE(parse_epoch_checkpoint("0\n1\n1 2 3\n").ok());
  EXPECT_TRUE(parse_offset_checkpoint("").ok());  // empty file: no entries
}

TEST(CheckpointFile, MissingFileReadsAsEmpty) {
  TempDir dir;
  auto read = read_offset_checkpoint(dir.path() / "recovery-point-offset-checkpoint");
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->empty());
}

TEST(CheckpointFile, WriteIsAtomicAndLeavesNoTempFile) {
  TempDir dir;
  auto path = dir.path() / "replication-offset-checkpoint";
  OffsetMap first{{TopicPartition{"t", PartitionId(0)}, Offset(5)}};
  ASSERT_TRUE(write_offset_checkpoint(path, first).ok());
  // A crash in the middle of the next write leaves a partial temp file behind; the
  // checkpoint itself still reads as the previous version.
  {
    std::ofstream tmp(dir.path() / "replication-offset-checkpoint.tmp");
    tmp << "0\n3\nt 0 ";
  }
  auto read = read_offset_checkpoint(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, first);
  // The next complete write replaces both.
  OffsetMap second{{TopicPartition{"t", PartitionId(0)}, Offset(9)}};
  ASSERT_TRUE(write_offset_checkpoint(path, second).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "replication-offset-checkpoint.tmp"));
  read = read_offset_checkpoint(path);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, second);
}

}  // namespace
}  // namespace gregor::log
