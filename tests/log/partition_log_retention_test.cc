// Shrinking a log: truncation, DeleteRecords and retention.
#include <gtest/gtest.h>

#include "gregor/log/partition_log.h"
#include "log_test_util.h"
#include "segment_files.h"

namespace gregor::log {
namespace {

using testing::LogFixture;

ReadOptions to_log_end() {
  ReadOptions o;
  o.max_bytes = 1;
  o.limit = ReadLimit::kLogEnd;
  return o;
}

// Fills several segments of 3-record batches with timestamp `ts` and returns the bases.
std::vector<Offset> fill(LogFixture& fx, PartitionLog& log, int batches, int64_t ts) {
  for (int i = 0; i < batches; ++i)
    fx.append(log, 3, ts, 200);
  return log.segment_base_offsets();
}

TEST(Truncation, TruncateToRemovesTheTailAndLaterSegments) {
  LogFixture fx;
  auto log = fx.open();
  auto bases = fill(fx, *log, 300, 1000);
  ASSERT_GE(bases.size(), 3u);
  log->set_high_watermark(log->log_end_offset());
  Offset target(bases[1].value() + 9);  // a batch boundary inside segment 1
  ASSERT_TRUE(log->truncate_to(target).ok());
  EXPECT_EQ(log->log_end_offset(), target);
  EXPECT_EQ(log->high_watermark(), target);
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_TRUE(std::filesystem::exists(segment_path(fx.dir(), bases[2], ".log.deleted")));
  EXPECT_EQ(fx.append(*log, 3, 1000).first_offset, target);
  auto read = log->read(target, to_log_end());
  ASSERT_TRUE(read.ok() && read->records);
  EXPECT_GT(read->records->length, 0u);
}

TEST(Truncation, TruncatingInsideABatchRemovesTheWholeBatch) {
  LogFixture fx;
  auto log = fx.open();
  fill(fx, *log, 4, 1000);
  ASSERT_TRUE(log->truncate_to(Offset(7)).ok());
  EXPECT_EQ(log->log_end_offset(), Offset(6));
}

TEST(Truncation, EpochsBeyondTheNewEndAreForgotten) {
  LogFixture fx;
  auto log = fx.open();
  ASSERT_TRUE(testing::append_batch(*log, testing::make_batch(3, 1000), LeaderEpoch(1)).ok());
  ASSERT_TRUE(testing::append_batch(*log, testing::make_batch(3, 1000), LeaderEpoch(2)).ok());
  ASSERT_TRUE(log->truncate_to(Offset(3)).ok());
  EXPECT_EQ(log->latest_epoch(), LeaderEpoch(1));
}

TEST(Truncation, TruncateFullyRestartsTheLogAtAnOffset) {
  LogFixture fx;
  auto log = fx.open();
  fill(fx, *log, 50, 1000);
  ASSERT_TRUE(log->truncate_fully_and_start_at(Offset(1000)).ok());
  EXPECT_EQ(log->log_start_offset(), Offset(1000));
  EXPECT_EQ(log->log_end_offset(), Offset(1000));
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_TRUE(std::filesystem::exists(fx.dir() / "00000000000000001000.log"));
  EXPECT_EQ(fx.append(*log, 3, 1000).first_offset, Offset(1000));
}

TEST(DeleteRecords, MovesTheLogStartAndRetentionDropsWholeSegments) {
  LogFixture fx;
  auto log = fx.open();
  auto bases = fill(fx, *log, 300, fx.clock().now_ms());
  ASSERT_GE(bases.size(), 3u);
  Offset end = log->log_end_offset();
  EXPECT_FALSE(log->delete_records_before(Offset(10)).ok());  // beyond the high watermark
  log->set_high_watermark(end);
  Offset target(bases[2].value() + 4);
  auto start = log->delete_records_before(target);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(*start, target);
  EXPECT_EQ(log->earliest().offset, target);
  auto below = log->read(Offset(bases[2].value()), to_log_end());
  ASSERT_FALSE(below.ok());
  EXPECT_EQ(to_error_code(below.error()), ErrorCode::kOffsetOutOfRange);
  // The batch holding the new start is still served whole.
  EXPECT_TRUE(log->read(target, to_log_end()).ok());
  auto deleted = log->apply_retention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 2u);
  EXPECT_EQ(log->segment_base_offsets().front(), bases[2]);
  EXPECT_EQ(log->log_start_offset(), target);
}

TEST(Retention, ByTimeRenamesThenDeletesAfterTheDelay) {
  LogFixture fx;
  fx.config().retention_ms = 3'600'000;
  auto log = fx.open();
  const int64_t now = fx.clock().now_ms();
  auto old_bases = fill(fx, *log, 250, now - 7'200'000);
  ASSERT_GE(old_bases.size(), 3u);
  fill(fx, *log, 5, now);  // the active segment gets young data, which keeps it
  auto bases = log->segment_base_offsets();
  log->set_high_watermark(log->log_end_offset());
  auto deleted = log->apply_retention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, old_bases.size() - 1);
  EXPECT_EQ(log->log_start_offset(), old_bases.back());
  auto gone = segment_path(fx.dir(), bases[0], ".log");
  EXPECT_FALSE(std::filesystem::exists(gone));
  EXPECT_TRUE(std::filesystem::exists(gone.string() + ".deleted"));
  EXPECT_TRUE(std::filesystem::exists(segment_path(fx.dir(), bases[0], ".index.deleted")));
  fx.clock().advance(999);
  log->delete_expired_files();
  EXPECT_TRUE(std::filesystem::exists(gone.string() + ".deleted"));
  fx.clock().advance(1);
  log->delete_expired_files();
  EXPECT_FALSE(std::filesystem::exists(gone.string() + ".deleted"));
  EXPECT_FALSE(std::filesystem::exists(segment_path(fx.dir(), bases[0], ".timeindex.deleted")));
}

TEST(Retention, ByTimeCanDeleteTheActiveSegmentByRollingFirst) {
  LogFixture fx;
  fx.config().retention_ms = 1000;
  auto log = fx.open();
  fill(fx, *log, 20, fx.clock().now_ms());
  Offset end = log->log_end_offset();
  log->set_high_watermark(end);
  fx.clock().advance(5000);
  auto deleted = log->apply_retention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1u);
  EXPECT_EQ(log->segment_base_offsets(), std::vector<Offset>{end});
  EXPECT_EQ(log->log_start_offset(), end);
  EXPECT_EQ(fx.append(*log, 1, fx.clock().now_ms()).first_offset, end);
}

TEST(Retention, NeverPassesTheHighWatermark) {
  LogFixture fx;
  fx.config().retention_ms = 1000;
  auto log = fx.open();
  fill(fx, *log, 300, fx.clock().now_ms() - 10'000);
  auto bases = log->segment_base_offsets();
  log->set_high_watermark(Offset(bases[1].value() + 1));
  auto deleted = log->apply_retention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1u);  // segment 1 reaches past the high watermark
  EXPECT_EQ(log->log_start_offset(), bases[1]);
}

TEST(Retention, BySizeKeepsTheNewestBytes) {
  LogFixture fx;
  auto log = fx.open();
  fill(fx, *log, 400, fx.clock().now_ms());
  auto bases = log->segment_base_offsets();
  ASSERT_GE(bases.size(), 4u);
  log->set_high_watermark(log->log_end_offset());
  LogConfig c = fx.config();
  // Kafka deletes a segment only if what remains still reaches retention.bytes.
  auto first = static_cast<int64_t>(testing::file_size(fx.dir() / "00000000000000000000.log"));
  c.retention_bytes = static_cast<int64_t>(log->size_bytes()) - first + 1;
  log->update_config(c);
  auto deleted = log->apply_retention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 0u);
  c.retention_bytes -= 1;
  log->update_config(c);
  deleted = log->apply_retention();
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1u);
  EXPECT_EQ(static_cast<int64_t>(log->size_bytes()), c.retention_bytes);
}

TEST(Retention, ARangeHandedToAReaderOutlivesTheSegment) {
  LogFixture fx;
  fx.config().file_delete_delay_ms = 0;
  fx.config().retention_ms = 1000;
  auto log = fx.open();
  fill(fx, *log, 300, fx.clock().now_ms() - 10'000);
  log->set_high_watermark(log->log_end_offset());
  auto read = log->read(Offset(0), to_log_end());
  ASSERT_TRUE(read.ok() && read->records);
  auto before = testing::read_range(*read->records);
  ASSERT_TRUE(log->apply_retention().ok());
  EXPECT_FALSE(std::filesystem::exists(fx.dir() / "00000000000000000000.log"));
  EXPECT_FALSE(std::filesystem::exists(fx.dir() / "00000000000000000000.log.deleted"));
  EXPECT_EQ(testing::read_range(*read->records), before);
}

}  // namespace
}  // namespace gregor::log
