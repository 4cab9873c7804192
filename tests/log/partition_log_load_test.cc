// Loading a partition log: recovery after an unclean shutdown (torn tails, corrupt
// batches), the clean-shutdown shortcut, and indexes that are missing or damaged.
#include <fstream>

#include <gtest/gtest.h>

#include "gregor/log/partition_log.h"
#include "gregor/records/byte_order.h"
#include "log_test_util.h"
#include "segment_files.h"

namespace gregor::log {
namespace {

using records::load_be32;
using records::load_be64;
using records::store_be32;
using records::store_be64;

using testing::LogFixture;

ReadOptions to_log_end(uint64_t max_bytes = 1) {
  ReadOptions o;
  o.max_bytes = max_bytes;
  o.limit = ReadLimit::kLogEnd;
  return o;
}

// Positions (file offsets) of the batches in a segment file, found by walking lengths.
std::vector<uint64_t> batch_positions(const std::filesystem::path& file) {
  auto bytes = testing::read_file(file);
  std::vector<uint64_t> out;
  uint64_t pos = 0;
  while (pos + 12 <= bytes.size()) {
    out.push_back(pos);
    pos += 12 + load_be32(bytes.data() + pos + 8);
  }
  return out;
}

void flip_byte(const std::filesystem::path& file, uint64_t position) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(position));
  char c = 0;
  f.read(&c, 1);
  c ^= 0x5a;
  f.seekp(static_cast<std::streamoff>(position));
  f.write(&c, 1);
}

// Every offset below the log end is readable, through the indexes, as the batch
// containing it.
void expect_all_readable(PartitionLog& log) {
  for (int64_t offset = log.log_start_offset().value(); offset < log.log_end_offset().value();
       ++offset) {
    auto read = log.read(Offset(offset), to_log_end());
    ASSERT_TRUE(read.ok()) << offset;
    ASSERT_TRUE(read->records.has_value()) << offset;
    auto bytes = testing::read_range(*read->records);
    auto batch = records::RecordBatchView::parse(bytes);
    ASSERT_TRUE(batch.ok()) << offset;
    EXPECT_LE(batch->base_offset(), Offset(offset));
    EXPECT_GE(batch->last_offset(), Offset(offset));
  }
}

class Recovery : public ::testing::Test {
 protected:
  // Writes `batches` batches of 3 records and "crashes": the log object goes away without
  // close(), leaving preallocated indexes and no trimmed files.
  void write_and_crash(int batches, size_t value_size = 50) {
    auto log = fx_.open();
    for (int i = 0; i < batches; ++i)
      fx_.append(*log, 3, 1000 + i, value_size);
    fx_.flusher()->drain();
  }
  std::filesystem::path first_log() const { return fx_.dir() / "00000000000000000000.log"; }
  LogFixture fx_;
};

TEST_F(Recovery, TornTailIsCutBackToTheLastCompleteBatch) {
  write_and_crash(10);
  auto positions = batch_positions(first_log());
  ASSERT_EQ(positions.size(), 10u);
  std::filesystem::resize_file(first_log(), testing::file_size(first_log()) - 10);
  auto log = fx_.open(/*clean=*/false, Offset(0));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), Offset(27));
  EXPECT_EQ(testing::file_size(first_log()), positions[9]);
  expect_all_readable(*log);
  // Appends continue where the valid data ends.
  EXPECT_EQ(fx_.append(*log, 3, 5000).first_offset, Offset(27));
}

TEST_F(Recovery, CorruptCrcTruncatesAtThatBatch) {
  write_and_crash(10);
  auto positions = batch_positions(first_log());
  flip_byte(first_log(), positions[6] + 70);  // inside the records of batch 6
  auto log = fx_.open(false, Offset(0));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), Offset(18));
  EXPECT_EQ(testing::file_size(first_log()), positions[6]);
  expect_all_readable(*log);
}

TEST_F(Recovery, ZeroFilledTailIsRemoved) {
  write_and_crash(4);
  uint64_t size = testing::file_size(first_log());
  std::filesystem::resize_file(first_log(), size + 4096);  // the inode grew, the data did not
  auto log = fx_.open(false, Offset(0));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), Offset(12));
  EXPECT_EQ(testing::file_size(first_log()), size);
}

TEST_F(Recovery, SegmentsAfterACorruptOneAreDeleted) {
  write_and_crash(400, 200);
  auto log = fx_.open(false, Offset(0));
  auto bases = log->segment_base_offsets();
  log.reset();
  ASSERT_GE(bases.size(), 3u);
  auto second = segment_path(fx_.dir(), bases[1], ".log");
  auto positions = batch_positions(second);
  flip_byte(second, positions[2] + 80);
  log = fx_.open(false, Offset(0));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(log->log_end_offset(), Offset(bases[1].value() + 6));
  EXPECT_FALSE(std::filesystem::exists(segment_path(fx_.dir(), bases[2], ".log")));
  expect_all_readable(*log);
}

TEST_F(Recovery, SegmentsBelowTheRecoveryPointAreNotReread) {
  write_and_crash(400, 200);
  auto log = fx_.open(false, Offset(0));
  auto bases = log->segment_base_offsets();
  Offset end = log->log_end_offset();
  log.reset();
  // Damage in a segment the recovery point says was flushed goes unnoticed, as in Kafka:
  // only the tail from the recovery point is re-validated.
  auto positions = batch_positions(first_log());
  flip_byte(first_log(), positions[3] + 80);
  log = fx_.open(false, bases[1]);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), end);
  EXPECT_EQ(log->segment_count(), bases.size());
}

TEST_F(Recovery, CleanShutdownSkipsRevalidation) {
  {
    auto log = fx_.open();
    for (int i = 0; i < 10; ++i)
      fx_.append(*log, 3, 1000);
    ASSERT_TRUE(log->close().ok());
  }
  // Preallocated indexes were trimmed by the clean close.
  EXPECT_LT(testing::file_size(fx_.dir() / "00000000000000000000.index"), 4096u);
  auto positions = batch_positions(first_log());
  flip_byte(first_log(), positions[9] + 70);
  auto log = fx_.open(/*clean=*/true);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), Offset(30));
  EXPECT_EQ(log->recovery_point(), Offset(30));
}

TEST_F(Recovery, RecoveredEpochsFollowTheSurvivingBatches) {
  {
    auto log = fx_.open();
    ASSERT_TRUE(testing::append_batch(*log, testing::make_batch(3, 1000), LeaderEpoch(1)).ok());
    ASSERT_TRUE(testing::append_batch(*log, testing::make_batch(3, 1000), LeaderEpoch(5)).ok());
    fx_.flusher()->drain();
  }
  auto positions = batch_positions(first_log());
  std::filesystem::resize_file(first_log(), positions[1] + 20);
  auto log = fx_.open(false, Offset(0));
  EXPECT_EQ(log->log_end_offset(), Offset(3));
  EXPECT_EQ(log->latest_epoch(), LeaderEpoch(1));
}

// --- Indexes are rebuilt, never trusted ------------------------------------------------

class IndexRebuild : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = fx_.open();
    for (int i = 0; i < 400; ++i)
      fx_.append(*log, 3, 1000 + i, 200);
    bases_ = log->segment_base_offsets();
    end_ = log->log_end_offset();
    ASSERT_TRUE(log->close().ok());
    ASSERT_GE(bases_.size(), 3u);
  }
  std::filesystem::path file(size_t segment, std::string_view suffix) const {
    return segment_path(fx_.dir(), bases_[segment], suffix);
  }
  LogFixture fx_;
  std::vector<Offset> bases_;
  Offset end_;
};

TEST_F(IndexRebuild, DeletedIndexesAreRebuiltIdentically) {
  auto index = testing::read_file(file(1, ".index"));
  auto time_index = testing::read_file(file(1, ".timeindex"));
  ASSERT_FALSE(index.empty());
  for (size_t i = 0; i < bases_.size(); ++i) {
    std::filesystem::remove(file(i, ".index"));
    std::filesystem::remove(file(i, ".timeindex"));
  }
  auto log = fx_.open(/*clean=*/true);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), end_);
  EXPECT_EQ(testing::read_file(file(1, ".index")), index);
  EXPECT_EQ(testing::read_file(file(1, ".timeindex")), time_index);
  expect_all_readable(*log);
}

TEST_F(IndexRebuild, GarbageIndexesAreRebuilt) {
  auto index = testing::read_file(file(0, ".index"));
  {
    std::ofstream garbage(file(0, ".index"), std::ios::binary | std::ios::trunc);
    garbage << "this is not an index file";
    std::ofstream zeros(file(0, ".timeindex"), std::ios::binary | std::ios::trunc);
    zeros << std::string(120, '\0');
  }
  auto log = fx_.open(true);
  ASSERT_TRUE(log);
  EXPECT_EQ(testing::read_file(file(0, ".index")), index);
  expect_all_readable(*log);
  auto found = log->offset_for_timestamp(1010);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->offset, Offset(30));
}

TEST_F(IndexRebuild, AnEntryThatDisagreesWithTheLogIsCaughtOnLookup) {
  auto index = testing::read_file(file(0, ".index"));
  ASSERT_GE(index.size(), 24u);
  // Entry 1 keeps its order but names the wrong offset for its position.
  uint32_t rel = load_be32(index.data() + 8);
  store_be32(index.data() + 8, rel + 1);
  {
    std::ofstream out(file(0, ".index"), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(index.data()),
              static_cast<std::streamsize>(index.size()));
  }
  auto log = fx_.open(true);
  ASSERT_TRUE(log);
  expect_all_readable(*log);
}

TEST_F(IndexRebuild, DamagedEpochCheckpointIsRebuiltFromTheBatches) {
  {
    std::ofstream out(fx_.dir() / "leader-epoch-checkpoint", std::ios::trunc);
    out << "0\n7\ngarbage";
  }
  auto log = fx_.open(true);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->latest_epoch(), LeaderEpoch(0));
  auto text = testing::read_file(fx_.dir() / "leader-epoch-checkpoint");
  EXPECT_EQ(std::string(text.begin(), text.end()), "0\n1\n0 0\n");
}

}  // namespace
}  // namespace gregor::log
