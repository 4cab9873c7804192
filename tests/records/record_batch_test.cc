#include "gregor/records/record_batch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <limits>
#include <new>

#include "gregor/records/byte_order.h"
#include "gregor/records/crc32c.h"
#include "test_util.h"

// Counts allocations so a test can prove that validating an uncompressed batch allocates
// nothing. Replacing the global operator new applies to the whole test binary, which is
// harmless: it only counts.
namespace {
std::atomic<long> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
// GCC cannot see that these deletes pair with the malloc-based new above.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpragmas"
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop

namespace gregor::records {
namespace {

using testing::as_bytes;

std::vector<uint8_t> sample_batch(Compression codec = Compression::kNone, int n = 3) {
  BatchOptions options;
  options.base_offset = Offset(1000);
  options.partition_leader_epoch = LeaderEpoch(5);
  options.compression = codec;
  options.producer_id = ProducerId(77);
  options.producer_epoch = ProducerEpoch(2);
  options.base_sequence = 10;
  static const std::string key = "key", value(300, 'v');
  std::vector<RecordInput> records(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    records[i].timestamp = 5000 + (i == 1 ? 50 : i);
    records[i].key = as_bytes(key);
    records[i].value = as_bytes(value);
  }
  return testing::must_build(options, records);
}

// Recomputes the CRC after a test has tampered with fields inside it.
void restamp_crc(std::vector<uint8_t>& batch) {
  store_be32(batch.data() + layout::kCrc,
             crc32c(std::span<const uint8_t>(batch).subspan(layout::kAttributes)));
}

ValidateOptions with_offsets(OffsetCheck mode) {
  ValidateOptions options;
  options.offsets = mode;
  return options;
}

RecordsError validate_error(const std::vector<uint8_t>& bytes,
                            OffsetCheck mode = OffsetCheck::kContiguous) {
  auto view = RecordBatchView::parse(bytes);
  if (!view) return view.error();
  Decompressor d;
  auto result = validate_batch(*view, d, with_offsets(mode));
  EXPECT_FALSE(result.ok());
  return result.ok() ? RecordsError::kInvalidArgument : result.error();
}

TEST(RecordBatchView, ReadsHeaderFields) {
  const auto bytes = sample_batch();
  auto view = RecordBatchView::parse(bytes);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->base_offset(), Offset(1000));
  EXPECT_EQ(view->size_bytes(), bytes.size());
  EXPECT_EQ(view->batch_length(), static_cast<int32_t>(bytes.size() - kLogOverhead));
  EXPECT_EQ(view->partition_leader_epoch(), LeaderEpoch(5));
  EXPECT_EQ(view->magic(), 2);
  EXPECT_TRUE(view->crc_matches());
  EXPECT_EQ(view->attributes().compression_id(), 0);
  EXPECT_EQ(view->last_offset_delta(), 2);
  EXPECT_EQ(view->last_offset(), Offset(1002));
  EXPECT_EQ(view->next_offset(), Offset(1003));
  EXPECT_EQ(view->base_timestamp(), 5000);
  EXPECT_EQ(view->max_timestamp(), 5050);
  EXPECT_EQ(view->producer_id(), ProducerId(77));
  EXPECT_EQ(view->producer_epoch(), ProducerEpoch(2));
  EXPECT_EQ(view->base_sequence(), 10);
  EXPECT_EQ(view->last_sequence(), 12);
  EXPECT_EQ(view->record_count(), 3);
  EXPECT_FALSE(view->delete_horizon().has_value());
}

TEST(RecordBatchView, ParseRejectsBadFraming) {
  auto bytes = sample_batch();
  auto err = [](std::span<const uint8_t> b) { return RecordBatchView::parse(b).error(); };
  EXPECT_EQ(err(std::span(bytes).first(11)), RecordsError::kTruncated);
  EXPECT_EQ(err(std::span(bytes).first(bytes.size() - 1)), RecordsError::kTruncated);
  for (int32_t length : {0, -1, 48, std::numeric_limits<int32_t>::min()}) {
    auto copy = bytes;
    store_be32(copy.data() + layout::kBatchLength, static_cast<uint32_t>(length));
    EXPECT_EQ(err(copy), RecordsError::kInvalidSize) << length;
  }
  auto huge = bytes;
  store_be32(huge.data() + layout::kBatchLength, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(err(huge), RecordsError::kTruncated);
  for (uint8_t magic : {0, 1, 3, 0xff}) {
    auto copy = bytes;
    copy[layout::kMagic] = magic;
    EXPECT_EQ(err(copy), RecordsError::kInvalidMagic);
  }
  // Trailing bytes belong to the next batch, not to this view.
  auto longer = bytes;
  longer.push_back(0);
  EXPECT_EQ(RecordBatchView::parse(longer)->size_bytes(), bytes.size());
}

TEST(BatchReader, SplitsConcatenatedBatches) {
  std::vector<uint8_t> buffer;
  for (Compression c : {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    const auto b = sample_batch(c);
    buffer.insert(buffer.end(), b.begin(), b.end());
  }
  BatchReader reader(buffer);
  int batches = 0;
  for (;;) {
    auto next = reader.next();
    ASSERT_TRUE(next.ok());
    if (!next->has_value()) break;
    const int expected_codecs[] = {0, 1, 4};
    EXPECT_EQ((*next)->attributes().compression_id(), expected_codecs[batches]);
    EXPECT_EQ((*next)->bytes().data(), buffer.data() + reader.position() - (*next)->size_bytes());
    ++batches;
  }
  EXPECT_EQ(batches, 3);
  EXPECT_EQ(reader.remaining(), 0u);
}

TEST(BatchReader, StopsAtPartialOrZeroTail) {
  const auto batch = sample_batch();
  std::vector<uint8_t> buffer = batch;
  buffer.insert(buffer.end(), batch.begin(), batch.begin() + 40);  // A torn write.
  BatchReader reader(buffer);
  ASSERT_TRUE(reader.next()->has_value());
  auto tail = reader.next();
  ASSERT_FALSE(tail.ok());
  EXPECT_EQ(tail.error(), RecordsError::kTruncated);
  EXPECT_EQ(reader.position(), batch.size());  // The valid prefix.

  std::vector<uint8_t> zeroed = batch;
  zeroed.resize(batch.size() + 4096, 0);  // A zero-filled block after a crash.
  BatchReader zero_reader(zeroed);
  ASSERT_TRUE(zero_reader.next()->has_value());
  EXPECT_EQ(zero_reader.next().error(), RecordsError::kInvalidSize);
  EXPECT_EQ(zero_reader.position(), batch.size());
}

TEST(ValidateHeader, DetectsCorruption) {
  auto bytes = sample_batch();
  Decompressor d;
  ASSERT_TRUE(validate_batch(*RecordBatchView::parse(bytes), d).ok());

  auto flipped = bytes;
  flipped.back() ^= 1;
  EXPECT_EQ(validate_error(flipped), RecordsError::kCrcMismatch);

  auto unknown_codec = bytes;
  unknown_codec[layout::kAttributes + 1] |= 5;
  restamp_crc(unknown_codec);
  EXPECT_EQ(validate_error(unknown_codec), RecordsError::kUnknownCompression);

  for (int32_t count : {-1, std::numeric_limits<int32_t>::max(), 4, 2}) {
    auto copy = bytes;
    store_be32(copy.data() + layout::kRecordCount, static_cast<uint32_t>(count));
    restamp_crc(copy);
    EXPECT_EQ(validate_error(copy, OffsetCheck::kCompacted), RecordsError::kRecordCountMismatch)
        << count;
  }
  auto negative_delta = bytes;
  store_be32(negative_delta.data() + layout::kLastOffsetDelta, static_cast<uint32_t>(-1));
  restamp_crc(negative_delta);
  EXPECT_EQ(validate_error(negative_delta), RecordsError::kInvalidOffsetDelta);
}

TEST(ValidateBatch, ChecksOffsetDeltasPerMode) {
  const std::string v = "v";
  RecordInput r{.timestamp = 1, .key = as_bytes(v), .value = as_bytes(v), .headers = {}};
  BatchBuilder builder;
  builder.append(r);
  ASSERT_TRUE(builder.append_with_delta(5, r).ok());
  ASSERT_TRUE(builder.append_with_delta(9, r).ok());
  builder.set_last_offset_delta(12);
  std::vector<uint8_t> gaps;
  ASSERT_TRUE(builder.finish(gaps).ok());
  EXPECT_EQ(validate_error(gaps), RecordsError::kInvalidOffsetDelta);
  Decompressor d;
  auto summary =
      validate_batch(*RecordBatchView::parse(gaps), d, with_offsets(OffsetCheck::kCompacted));
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->record_count, 3);

  // lastOffsetDelta below a record's delta.
  auto short_range = gaps;
  store_be32(short_range.data() + layout::kLastOffsetDelta, 8);
  restamp_crc(short_range);
  EXPECT_EQ(validate_error(short_range, OffsetCheck::kCompacted),
            RecordsError::kInvalidOffsetDelta);

  // An empty batch is legal in the log (compaction keeps it) but not from a producer.
  builder.reset({});
  std::vector<uint8_t> empty;
  ASSERT_TRUE(builder.finish(empty).ok());
  EXPECT_EQ(validate_error(empty), RecordsError::kRecordCountMismatch);
  EXPECT_TRUE(
      validate_batch(*RecordBatchView::parse(empty), d, with_offsets(OffsetCheck::kCompacted))
          .ok());

  // Contiguous deltas with a lastOffsetDelta that claims more.
  auto contiguous = sample_batch();
  store_be32(contiguous.data() + layout::kLastOffsetDelta, 3);
  restamp_crc(contiguous);
  EXPECT_EQ(validate_error(contiguous), RecordsError::kInvalidOffsetDelta);
}

TEST(ValidateBatch, SummarisesRecords) {
  Decompressor d;
  for (Compression c : {Compression::kNone, Compression::kSnappy, Compression::kLz4}) {
    const auto bytes = sample_batch(c, 4);
    auto summary = validate_batch(*RecordBatchView::parse(bytes), d);
    ASSERT_TRUE(summary.ok());
    EXPECT_EQ(summary->record_count, 4);
    EXPECT_EQ(summary->max_record_timestamp, 5050);
    EXPECT_GT(summary->uncompressed_records_bytes, 4u * 300);
  }
}

TEST(ValidateBatch, CapsDecompressedSize) {
  const auto bytes = sample_batch(Compression::kZstd, 50);
  Decompressor d;
  ValidateOptions options;
  options.max_uncompressed_bytes = 1000;
  auto r = validate_batch(*RecordBatchView::parse(bytes), d, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), RecordsError::kDecompressedTooLarge);
  EXPECT_EQ(to_error_code(r.error()), ErrorCode::kCorruptMessage);
}

TEST(ValidateBatch, UncompressedValidationDoesNotAllocate) {
  const auto bytes = sample_batch(Compression::kNone, 20);
  Decompressor d;
  const long before = g_allocations.load();
  auto view = RecordBatchView::parse(bytes);
  auto summary = validate_batch(*view, d);
  const long after = g_allocations.load();
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(after, before);
}

TEST(Rewrite, BaseOffsetAndEpochLeaveTheCrcValid) {
  auto bytes = sample_batch();
  const uint32_t crc = RecordBatchView::parse(bytes)->crc();
  set_base_offset(bytes, Offset(1 << 30));
  set_partition_leader_epoch(bytes, LeaderEpoch(99));
  auto view = RecordBatchView::parse(bytes);
  EXPECT_EQ(view->base_offset(), Offset(1 << 30));
  EXPECT_EQ(view->partition_leader_epoch(), LeaderEpoch(99));
  EXPECT_EQ(view->crc(), crc);
  EXPECT_TRUE(view->crc_matches());
}

TEST(Rewrite, LogAppendTimeRecomputesTheCrc) {
  auto bytes = sample_batch(Compression::kGzip);
  set_log_append_time(bytes, 123456789);
  auto view = RecordBatchView::parse(bytes);
  EXPECT_EQ(view->attributes().timestamp_type(), TimestampType::kLogAppendTime);
  EXPECT_EQ(view->attributes().compression_id(), 1);
  EXPECT_EQ(view->max_timestamp(), 123456789);
  EXPECT_TRUE(view->crc_matches());
  const auto once = bytes;
  set_log_append_time(bytes, 123456789);
  EXPECT_EQ(bytes, once);
  set_max_timestamp(bytes, TimestampType::kCreateTime, 5050);
  EXPECT_EQ(bytes, sample_batch(Compression::kGzip));
}

TEST(RecordBatchView, LastSequenceWraps) {
  auto bytes = sample_batch();
  store_be32(bytes.data() + layout::kBaseSequence, std::numeric_limits<int32_t>::max() - 1);
  EXPECT_EQ(RecordBatchView::parse(bytes)->last_sequence(), 0);
  store_be32(bytes.data() + layout::kBaseSequence, static_cast<uint32_t>(kNoSequence));
  EXPECT_EQ(RecordBatchView::parse(bytes)->last_sequence(), kNoSequence);
}

TEST(PeekMagic, ReadsByteSixteen) {
  const auto bytes = sample_batch();
  EXPECT_EQ(peek_magic(bytes), 2);
  EXPECT_EQ(peek_magic(std::span(bytes).first(16)), std::nullopt);
}

TEST(RecordsError, MapsToKafkaCodes) {
  EXPECT_EQ(to_error_code(RecordsError::kCrcMismatch), ErrorCode::kCorruptMessage);
  EXPECT_EQ(to_error_code(RecordsError::kTruncated), ErrorCode::kCorruptMessage);
  EXPECT_EQ(to_error_code(RecordsError::kInvalidMagic), ErrorCode::kCorruptMessage);
  EXPECT_EQ(to_error_code(RecordsError::kInvalidRecord), ErrorCode::kInvalidRecord);
  EXPECT_EQ(to_error_code(RecordsError::kRecordCountMismatch), ErrorCode::kInvalidRecord);
  EXPECT_EQ(to_error_code(RecordsError::kInvalidOffsetDelta), ErrorCode::kInvalidRecord);
  EXPECT_EQ(to_error_code(RecordsError::kCompressionFailed), ErrorCode::kUnknownServerError);
  EXPECT_EQ(to_string(RecordsError::kCrcMismatch), "crc_mismatch");
}

}  // namespace
}  // namespace gregor::records
