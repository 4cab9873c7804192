// Appends, reads, rolls, validation and lookups of a PartitionLog.
#include "gregor/log/partition_log.h"

#include <gtest/gtest.h>

#include "gregor/records/byte_order.h"
#include "gregor/records/crc32c.h"
#include "gregor/records/record.h"
#include "log_test_util.h"
#include "segment_files.h"

namespace gregor::log {
namespace {

using records::load_be32;
using records::load_be64;
using records::store_be32;
using records::store_be64;

using testing::LogFixture;
using testing::make_batch;

struct ReadBatch {
  Offset base;
  Offset last;
  LeaderEpoch epoch;
};

std::vector<ReadBatch> batches_in(const ReadResult& result) {
  std::vector<ReadBatch> out;
  if (!result.records) return out;
  auto bytes = testing::read_range(*result.records);
  EXPECT_EQ(bytes.size(), result.records->length);
  records::BatchReader reader(bytes);
  for (;;) {
    auto next = reader.next();
    EXPECT_TRUE(next.ok());
    if (!next.ok() || !*next) break;
    EXPECT_TRUE(records::validate_header(**next).ok());
    out.push_back(ReadBatch{(*next)->base_offset(), (*next)->last_offset(),
                            (*next)->partition_leader_epoch()});
  }
  return out;
}

ReadOptions to_log_end(uint64_t max_bytes = 1 << 20) {
  ReadOptions o;
  o.max_bytes = max_bytes;
  o.limit = ReadLimit::kLogEnd;
  return o;
}

TEST(PartitionLog, AppendAssignsOffsetsAndStampsTheEpoch) {
  LogFixture fx;
  auto log = fx.open();
  auto a = fx.append(*log, 5, 1000);
  auto b = fx.append(*log, 5, 1000);
  EXPECT_EQ(a.first_offset, Offset(0));
  EXPECT_EQ(a.last_offset, Offset(4));
  EXPECT_EQ(b.first_offset, Offset(5));
  EXPECT_EQ(b.last_offset, Offset(9));
  EXPECT_EQ(b.record_count, 5);
  EXPECT_EQ(b.log_append_time, -1);
  EXPECT_EQ(log->log_end_offset(), Offset(10));
  auto read = log->read(Offset(0), to_log_end());
  ASSERT_TRUE(read.ok());
  auto got = batches_in(*read);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].base, Offset(5));
  EXPECT_EQ(got[1].epoch, LeaderEpoch(0));
}

TEST(PartitionLog, ReadReturnsTheWholeBatchContainingTheOffset) {
  LogFixture fx;
  auto log = fx.open();
  for (int i = 0; i < 3; ++i)
    fx.append(*log, 5, 1000);
  auto read = log->read(Offset(7), to_log_end());
  ASSERT_TRUE(read.ok());
  auto got = batches_in(*read);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].base, Offset(5));
  EXPECT_EQ(got[1].last, Offset(14));
}

TEST(PartitionLog, ReadHonoursTheBudgetButAlwaysReturnsOneBatch) {
  LogFixture fx;
  auto log = fx.open();
  for (int i = 0; i < 3; ++i)
    fx.append(*log, 5, 1000, 100);
  auto one = log->read(Offset(0), to_log_end(1));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(batches_in(*one).size(), 1u);
  ReadOptions strict = to_log_end(1);
  strict.min_one_batch = false;
  auto none = log->read(Offset(0), strict);
  ASSERT_TRUE(none.ok());
  ASSERT_TRUE(none->records.has_value());
  EXPECT_EQ(none->records->length, 0u);
  uint64_t first = one->records->length;
  auto two = log->read(Offset(0), to_log_end(2 * first + 1));
  EXPECT_EQ(batches_in(*two).size(), 2u);
}

TEST(PartitionLog, ReadsStopAtTheHighWatermarkAndLastStableOffset) {
  LogFixture fx;
  auto log = fx.open();
  for (int i = 0; i < 3; ++i)
    fx.append(*log, 5, 1000);
  log->set_high_watermark(Offset(10));
  ReadOptions o;
  auto read = log->read(Offset(0), o);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(batches_in(*read).size(), 2u);
  EXPECT_EQ(read->high_watermark, Offset(10));
  EXPECT_FALSE(log->read(Offset(10), o)->records.has_value());
  log->set_first_unstable_offset(Offset(5));
  o.limit = ReadLimit::kLastStable;
  EXPECT_EQ(batches_in(*log->read(Offset(0), o)).size(), 1u);
  EXPECT_EQ(log->last_stable_offset(), Offset(5));
  log->set_first_unstable_offset(std::nullopt);
  EXPECT_EQ(log->last_stable_offset(), Offset(10));
}

TEST(PartitionLog, ReadOutsideTheLogIsOffsetOutOfRange) {
  LogFixture fx;
  auto log = fx.open();
  fx.append(*log, 5, 1000);
  auto at_end = log->read(Offset(5), to_log_end());
  ASSERT_TRUE(at_end.ok());
  EXPECT_FALSE(at_end->records.has_value());
  auto past = log->read(Offset(6), to_log_end());
  ASSERT_FALSE(past.ok());
  EXPECT_EQ(to_error_code(past.error()), ErrorCode::kOffsetOutOfRange);
}

TEST(PartitionLog, RollsOnSegmentBytesWithKafkaFileNames) {
  LogFixture fx;
  auto log = fx.open();
  for (int i = 0; i < 400; ++i)
    fx.append(*log, 4, 1000, 200);
  auto bases = log->segment_base_offsets();
  ASSERT_GT(bases.size(), 3u);
  for (Offset base : bases) {
    EXPECT_TRUE(std::filesystem::exists(segment_path(fx.dir(), base, ".log")));
    EXPECT_TRUE(std::filesystem::exists(segment_path(fx.dir(), base, ".index")));
    EXPECT_TRUE(std::filesystem::exists(segment_path(fx.dir(), base, ".timeindex")));
  }
  EXPECT_TRUE(std::filesystem::exists(fx.dir() / "00000000000000000000.log"));
  // Rolled segments are at most segment.bytes; their indexes are trimmed, the active
  // segment's are preallocated.
  for (size_t i = 0; i + 1 < bases.size(); ++i) {
    EXPECT_LE(testing::file_size(segment_path(fx.dir(), bases[i], ".log")), 64u * 1024);
    EXPECT_EQ(testing::file_size(segment_path(fx.dir(), bases[i], ".index")) % 8, 0u);
    EXPECT_LT(testing::file_size(segment_path(fx.dir(), bases[i], ".index")), 4096u);
  }
  EXPECT_EQ(testing::file_size(segment_path(fx.dir(), bases.back(), ".index")), 4096u);
  // Every offset is found through the indexes, in every segment.
  for (int64_t offset = 0; offset < 800; offset += 7) {
    auto read = log->read(Offset(offset), to_log_end(1));
    ASSERT_TRUE(read.ok());
    auto got = batches_in(*read);
    ASSERT_EQ(got.size(), 1u) << offset;
    EXPECT_LE(got[0].base, Offset(offset));
    EXPECT_GE(got[0].last, Offset(offset));
  }
}

TEST(PartitionLog, RollsOnSegmentMsMeasuredFromTheFirstBatchTimestamp) {
  LogFixture fx;
  fx.config().segment_ms = 10'000;
  auto log = fx.open();
  int64_t t = fx.clock().now_ms();
  fx.append(*log, 1, t);
  fx.append(*log, 1, t + 9'000);
  EXPECT_EQ(log->segment_count(), 1u);
  fx.append(*log, 1, t + 10'001);
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(log->segment_base_offsets().back(), Offset(2));
}

TEST(PartitionLog, RollsWhenAnIndexIsFull) {
  LogFixture fx;
  fx.config().index_interval_bytes = 0;  // an index entry for every batch but the first
  fx.config().segment_index_bytes = 48;  // 6 offset entries, 4 time entries
  auto log = fx.open();
  int64_t t = fx.clock().now_ms();
  for (int i = 0; i < 12; ++i)
    fx.append(*log, 1, t + i);
  EXPECT_GE(log->segment_count(), 3u);
  for (int64_t offset = 0; offset < 12; ++offset) {
    auto got = batches_in(*log->read(Offset(offset), to_log_end(1)));
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].base, Offset(offset));
  }
}

// --- Validation: the produce path's errors, and nothing reaches the disk --------------

class RejectedAppend : public ::testing::Test {
 protected:
  void SetUp() override {
    log_ = fx_.open();
    fx_.append(*log_, 2, 1000);
    size_before_ = testing::file_size(fx_.dir() / "00000000000000000000.log");
  }
  void expect_rejected(std::vector<uint8_t> bytes, ErrorCode code) {
    auto r = log_->append_as_leader(bytes, LeaderEpoch(0));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(to_error_code(r.error()), code) << r.error().message;
    EXPECT_EQ(testing::file_size(fx_.dir() / "00000000000000000000.log"), size_before_);
    EXPECT_EQ(log_->log_end_offset(), Offset(2));
  }
  LogFixture fx_;
  std::shared_ptr<PartitionLog> log_;
  uint64_t size_before_ = 0;
};

TEST_F(RejectedAppend, BadCrcIsCorruptMessage) {
  auto batch = make_batch(3, 1000);
  batch.back() ^= 0x01;
  expect_rejected(batch, ErrorCode::kCorruptMessage);
}

TEST_F(RejectedAppend, TruncatedBatchIsCorruptMessage) {
  auto batch = make_batch(3, 1000);
  batch.resize(batch.size() - 3);
  expect_rejected(batch, ErrorCode::kCorruptMessage);
}

TEST_F(RejectedAppend, OneBadBatchRejectsTheWholeAppend) {
  auto good = make_batch(3, 1000);
  auto bad = make_batch(3, 1000);
  bad[bad.size() - 1] ^= 0xff;
  good.insert(good.end(), bad.begin(), bad.end());
  expect_rejected(good, ErrorCode::kCorruptMessage);
}

TEST_F(RejectedAppend, OversizedBatchIsMessageTooLarge) {
  expect_rejected(make_batch(2, 1000, 2 * 1024 * 1024), ErrorCode::kMessageTooLarge);
}

TEST_F(RejectedAppend, NonZeroBaseOffsetIsInvalidRecord) {
  auto batch = make_batch(2, 1000);
  records::set_base_offset(batch, Offset(5));
  expect_rejected(batch, ErrorCode::kInvalidRecord);
}

TEST_F(RejectedAppend, ControlBatchFromAClientIsInvalidRecord) {
  records::BatchOptions options;
  options.producer_id = ProducerId(1);
  options.producer_epoch = ProducerEpoch(0);
  auto marker = records::build_control_batch(options, records::ControlType::kCommit, 0, 1000);
  ASSERT_TRUE(marker.ok());
  expect_rejected(*marker, ErrorCode::kInvalidRecord);
}

TEST_F(RejectedAppend, TimestampOutsideTheWindowIsInvalidTimestamp) {
  LogConfig c = fx_.config();
  c.timestamp_before_max_ms = 60'000;
  log_->update_config(c);
  expect_rejected(make_batch(2, fx_.clock().now_ms() - 120'000), ErrorCode::kInvalidTimestamp);
}

TEST_F(RejectedAppend, AppendLargerThanASegmentIsRecordListTooLarge) {
  LogConfig c = fx_.config();
  c.segment_bytes = 1000;
  log_->update_config(c);
  std::vector<uint8_t> all;
  for (int i = 0; i < 5; ++i) {
    auto b = make_batch(2, 1000, 300);
    all.insert(all.end(), b.begin(), b.end());
  }
  expect_rejected(all, ErrorCode::kRecordListTooLarge);
}

// --- Timestamps and codecs ----------------------------------------------------------

records::RecordBatchView first_batch(const std::vector<uint8_t>& bytes) {
  auto view = records::RecordBatchView::parse(bytes);
  EXPECT_TRUE(view.ok());
  return *view;
}

TEST(PartitionLog, LogAppendTimeStampsTheBrokerClock) {
  LogFixture fx;
  fx.config().timestamp_type = records::TimestampType::kLogAppendTime;
  auto log = fx.open();
  auto info = fx.append(*log, 3, 5);
  EXPECT_EQ(info.log_append_time, fx.clock().now_ms());
  auto bytes = testing::read_range(*log->read(Offset(0), to_log_end())->records);
  auto batch = first_batch(bytes);
  EXPECT_EQ(batch.attributes().timestamp_type(), records::TimestampType::kLogAppendTime);
  EXPECT_EQ(batch.max_timestamp(), fx.clock().now_ms());
  EXPECT_TRUE(batch.crc_matches());
}

TEST(PartitionLog, CreateTimeMaxTimestampIsCorrectedToTheRecords) {
  LogFixture fx;
  auto log = fx.open();
  auto batch = make_batch(3, 5000, 10, records::Compression::kNone, true);
  // A producer that lies about the max timestamp (and fixes up its CRC).
  store_be64(batch.data() + records::layout::kMaxTimestamp, 1);
  store_be32(
      batch.data() + records::layout::kCrc,
      records::crc32c(std::span<const uint8_t>(batch).subspan(records::layout::kAttributes)));
  ASSERT_TRUE(log->append_as_leader(batch, LeaderEpoch(0)).ok());
  auto bytes = testing::read_range(*log->read(Offset(0), to_log_end())->records);
  auto stored = first_batch(bytes);
  EXPECT_EQ(stored.max_timestamp(), 5002);
  EXPECT_TRUE(stored.crc_matches());
}

TEST(PartitionLog, TopicCompressionReencodesOtherCodecs) {
  LogFixture fx;
  fx.config().compression = TopicCompression::of(records::Compression::kLz4);
  auto log = fx.open();
  auto info = fx.append(*log, 20, 1000, 100);
  EXPECT_EQ(info.last_offset, Offset(19));
  auto bytes = testing::read_range(*log->read(Offset(0), to_log_end())->records);
  auto batch = first_batch(bytes);
  EXPECT_EQ(batch.attributes().compression_id(), static_cast<int>(records::Compression::kLz4));
  records::Decompressor d;
  auto summary = records::validate_batch(batch, d);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->record_count, 20);
  EXPECT_EQ(batch.base_offset(), Offset(0));
}

TEST(PartitionLog, CompressedBatchesFromTheProducerAreKeptAsTheyAre) {
  LogFixture fx;
  auto log = fx.open();
  auto batch = make_batch(20, 1000, 100, records::Compression::kZstd);
  auto original_records = std::vector<uint8_t>(batch.begin() + 61, batch.end());
  ASSERT_TRUE(log->append_as_leader(batch, LeaderEpoch(0)).ok());
  auto bytes = testing::read_range(*log->read(Offset(0), to_log_end())->records);
  EXPECT_EQ(std::vector<uint8_t>(bytes.begin() + 61, bytes.end()), original_records);
}

// --- Lookups ---------------------------------------------------------------------------

TEST(PartitionLog, OffsetForTimestampFindsTheFirstRecordAtOrAfter) {
  LogFixture fx;
  auto log = fx.open();
  // Batches of 10 records at 1000..1009, 2000..2009, ... spread over several segments.
  for (int i = 0; i < 100; ++i) {
    auto batch = make_batch(10, 1000 * (i + 1), 200, records::Compression::kNone, true);
    ASSERT_TRUE(log->append_as_leader(batch, LeaderEpoch(0)).ok());
  }
  ASSERT_GT(log->segment_count(), 2u);
  auto check = [&](int64_t ts, int64_t offset, int64_t found_ts) {
    auto r = log->offset_for_timestamp(ts);
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->has_value()) << ts;
    EXPECT_EQ((*r)->offset, Offset(offset)) << ts;
    EXPECT_EQ((*r)->timestamp, found_ts) << ts;
  };
  check(0, 0, 1000);
  check(1005, 5, 1005);
  check(1010, 10, 2000);
  check(37003, 363, 37003);
  check(100009, 999, 100009);
  auto none = log->offset_for_timestamp(100010);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(PartitionLog, MaxTimestampIsTheFirstRecordWithTheLargestTimestamp) {
  LogFixture fx;
  auto log = fx.open();
  fx.append(*log, 3, 1000);
  ASSERT_TRUE(
      testing::append_batch(
          *log, testing::make_batch(5, 9000, 10, records::Compression::kNone, true), LeaderEpoch(0))
          .ok());
  fx.append(*log, 3, 2000);
  auto r = log->max_timestamp();
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->timestamp, 9004);
  EXPECT_EQ((*r)->offset, Offset(7));
  EXPECT_EQ(log->earliest().offset, Offset(0));
  EXPECT_EQ(log->latest().offset, Offset(11));
}

// --- Epochs and follower appends -------------------------------------------------------

TEST(PartitionLog, NewLeaderEpochsAreCheckpointedBeforeTheirData) {
  LogFixture fx;
  auto log = fx.open();
  ASSERT_TRUE(testing::append_batch(*log, testing::make_batch(3, 1000), LeaderEpoch(1)).ok());
  ASSERT_TRUE(testing::append_batch(*log, testing::make_batch(3, 1000), LeaderEpoch(1)).ok());
  ASSERT_TRUE(testing::append_batch(*log, testing::make_batch(3, 1000), LeaderEpoch(4)).ok());
  EXPECT_EQ(log->latest_epoch(), LeaderEpoch(4));
  auto end = log->end_offset_for_epoch(LeaderEpoch(1));
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->second, Offset(6));
  auto text = testing::read_file(fx.dir() / "leader-epoch-checkpoint");
  EXPECT_EQ(std::string(text.begin(), text.end()), "0\n2\n1 0\n4 6\n");
}

TEST(PartitionLog, FollowerAppendKeepsTheLeadersBytes) {
  LogFixture leader_fx;
  auto leader = leader_fx.open();
  ASSERT_TRUE(testing::append_batch(*leader, testing::make_batch(3, 1000), LeaderEpoch(2)).ok());
  ASSERT_TRUE(testing::append_batch(*leader, testing::make_batch(4, 1000), LeaderEpoch(3)).ok());
  auto fetched = testing::read_range(*leader->read(Offset(0), to_log_end())->records);
  LogFixture follower_fx;
  auto follower = follower_fx.open();
  auto copy = fetched;
  auto info = follower->append_as_follower(copy);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->first_offset, Offset(0));
  EXPECT_EQ(info->last_offset, Offset(6));
  EXPECT_EQ(follower->latest_epoch(), LeaderEpoch(3));
  EXPECT_EQ(testing::read_file(follower_fx.dir() / "00000000000000000000.log"), fetched);
  // Offsets that go backwards are refused.
  auto again = fetched;
  EXPECT_FALSE(follower->append_as_follower(again).ok());
}

}  // namespace
}  // namespace gregor::log
