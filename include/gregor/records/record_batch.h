// Kafka v2 record batches (magic 2): a zero-copy header view, validation, in-place
// rewrites for the leader, and splitting a buffer of concatenated batches.
//
// On-disk and on-wire layout (all integers big-endian):
//
//   offset  size  field
//        0     8  baseOffset
//        8     4  batchLength            bytes after this field (whole batch = 12 + batchLength)
//       12     4  partitionLeaderEpoch   not covered by the CRC
//       16     1  magic (2)
//       17     4  crc                    CRC-32C of bytes 21 .. end of batch
//       21     2  attributes
//       23     4  lastOffsetDelta
//       27     8  baseTimestamp
//       35     8  maxTimestamp
//       43     8  producerId
//       51     2  producerEpoch
//       53     4  baseSequence
//       57     4  recordCount
//       61     -  records (compressed as a whole when attributes say so)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"
#include "gregor/records/compression.h"
#include "gregor/records/records_error.h"

namespace gregor::records {

namespace layout {
inline constexpr size_t kBaseOffset = 0;
inline constexpr size_t kBatchLength = 8;
inline constexpr size_t kPartitionLeaderEpoch = 12;
inline constexpr size_t kMagic = 16;
inline constexpr size_t kCrc = 17;
inline constexpr size_t kAttributes = 21;
inline constexpr size_t kLastOffsetDelta = 23;
inline constexpr size_t kBaseTimestamp = 27;
inline constexpr size_t kMaxTimestamp = 35;
inline constexpr size_t kProducerId = 43;
inline constexpr size_t kProducerEpoch = 51;
inline constexpr size_t kBaseSequence = 53;
inline constexpr size_t kRecordCount = 57;
inline constexpr size_t kRecords = 61;
}  // namespace layout

// baseOffset + batchLength: the bytes in front of what batchLength counts.
inline constexpr size_t kLogOverhead = 12;
// The fixed header of a v2 batch; the smallest possible batch (no records).
inline constexpr size_t kBatchHeaderSize = layout::kRecords;
inline constexpr int8_t kMagicV2 = 2;
// Producer fields of a batch written without idempotence.
inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;
inline constexpr int32_t kNoPartitionLeaderEpoch = -1;
inline constexpr int64_t kNoTimestamp = -1;

enum class TimestampType : uint8_t { kCreateTime = 0, kLogAppendTime = 1 };

// The 16-bit attributes field: bits 0-2 codec, 3 timestamp type, 4 transactional,
// 5 control, 6 delete horizon set (baseTimestamp then holds the horizon).
class BatchAttributes {
 public:
  static constexpr uint16_t kCompressionMask = 0x07;
  static constexpr uint16_t kTimestampTypeBit = 0x08;
  static constexpr uint16_t kTransactionalBit = 0x10;
  static constexpr uint16_t kControlBit = 0x20;
  static constexpr uint16_t kDeleteHorizonBit = 0x40;

  constexpr BatchAttributes() = default;
  constexpr explicit BatchAttributes(uint16_t raw) : raw_(raw) {}

  constexpr uint16_t raw() const { return raw_; }
  // The 3-bit codec id; may be 5..7, which compression_from_id() rejects.
  constexpr int compression_id() const { return raw_ & kCompressionMask; }
  constexpr TimestampType timestamp_type() const {
    return (raw_ & kTimestampTypeBit) ? TimestampType::kLogAppendTime : TimestampType::kCreateTime;
  }
  constexpr bool is_transactional() const { return raw_ & kTransactionalBit; }
  constexpr bool is_control() const { return raw_ & kControlBit; }
  constexpr bool has_delete_horizon() const { return raw_ & kDeleteHorizonBit; }

 private:
  uint16_t raw_ = 0;
};

// A read-only view of one v2 batch. It does not own the bytes. A view made by parse() or
// BatchReader always spans exactly one whole batch (12 + batchLength bytes) with magic 2,
// so every accessor reads inside the span; the CRC and the records are not yet checked.
class RecordBatchView {
 public:
  // Checks that `bytes` starts with a complete v2 batch and returns a view of exactly that
  // batch (trailing bytes are ignored). Errors: kTruncated if the header or the declared
  // length runs past `bytes`, kInvalidSize if batchLength is below the header size,
  // kInvalidMagic if magic != 2. Does not check the CRC.
  static Result<RecordBatchView, RecordsError> parse(std::span<const uint8_t> bytes);

  Offset base_offset() const;
  int32_t batch_length() const;
  LeaderEpoch partition_leader_epoch() const;
  int8_t magic() const;
  uint32_t crc() const;
  BatchAttributes attributes() const;
  int32_t last_offset_delta() const;
  int64_t base_timestamp() const;
  int64_t max_timestamp() const;
  ProducerId producer_id() const;
  ProducerEpoch producer_epoch() const;
  int32_t base_sequence() const;
  int32_t record_count() const;

  // base_offset + last_offset_delta: the offset of the batch's last record (also for
  // compacted batches whose last records were removed).
  Offset last_offset() const;
  // The offset after this batch.
  Offset next_offset() const;
  // The delete horizon of a compacted batch, if the attribute bit says one is set.
  std::optional<int64_t> delete_horizon() const;
  // Sequence of the last record, with Kafka's wrap-around at INT32_MAX; -1 if none.
  int32_t last_sequence() const;

  // The whole batch, 12 + batchLength bytes.
  std::span<const uint8_t> bytes() const { return bytes_; }
  size_t size_bytes() const { return bytes_.size(); }
  // The record section after the header, compressed if compression_id() != 0.
  std::span<const uint8_t> records_data() const { return bytes_.subspan(kBatchHeaderSize); }

  // CRC-32C of the bytes the crc field covers.
  uint32_t compute_crc() const;
  bool crc_matches() const { return compute_crc() == crc(); }

 private:
  explicit RecordBatchView(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  std::span<const uint8_t> bytes_;
};

// How strictly record offsets are checked.
enum class OffsetCheck : uint8_t {
  // A batch from a producer: deltas are exactly 0, 1, ..., n-1, n >= 1 and
  // lastOffsetDelta == n - 1.
  kContiguous,
  // A batch from the log, possibly compacted: deltas strictly increase, stay within
  // 0..lastOffsetDelta, and the batch may hold no records at all.
  kCompacted,
};

struct ValidateOptions {
  OffsetCheck offsets = OffsetCheck::kContiguous;
  // Cap on the decompressed size of a compressed batch (a decompression-bomb guard).
  size_t max_uncompressed_bytes = size_t{64} << 20;
};

// Facts gathered by a full validation that callers would otherwise recompute.
struct BatchSummary {
  int32_t record_count = 0;
  // Largest record timestamp (baseTimestamp + delta) seen, or kNoTimestamp if no records.
  int64_t max_record_timestamp = kNoTimestamp;
  // Sum of the encoded record sizes after decompression.
  size_t uncompressed_records_bytes = 0;
};

// Cheap checks that never decode the records: the CRC, a known codec, record count >= 0
// (and, uncompressed, no more records than the bytes could hold), lastOffsetDelta >= 0.
// Never allocates. Errors: kCrcMismatch, kUnknownCompression, kRecordCountMismatch,
// kInvalidOffsetDelta.
Result<void, RecordsError> validate_header(const RecordBatchView& batch);

// validate_header() plus a bounds-checked walk over every record: varints, lengths, key,
// value and headers, record count, offset deltas (per options.offsets). Compressed batches
// are decompressed through `decompressor` (whose buffer is reused); uncompressed batches
// are walked in place and nothing is allocated.
Result<BatchSummary, RecordsError> validate_batch(const RecordBatchView& batch,
                                                  Decompressor& decompressor,
                                                  const ValidateOptions& options = {});

// In-place rewrites of a batch the caller owns, e.g. a produce buffer before it is appended.
// `batch` must span exactly one batch that RecordBatchView::parse accepted, and should have
// passed validation first: set_max_timestamp() recomputes the CRC, which would otherwise
// hide earlier corruption.
//
// The base offset and partition leader epoch lie outside the CRC, so these are a few
// stores; no CRC work.
void set_base_offset(std::span<uint8_t> batch, Offset base_offset);
void set_partition_leader_epoch(std::span<uint8_t> batch, LeaderEpoch epoch);
// Sets the timestamp-type attribute bit and maxTimestamp. Both lie inside the CRC, so the
// CRC is recomputed, but only when something actually changed.
void set_max_timestamp(std::span<uint8_t> batch, TimestampType type, int64_t max_timestamp);
// Marks the batch as LogAppendTime with `append_time` as its max timestamp, as the leader
// does for topics with message.timestamp.type=LogAppendTime.
void set_log_append_time(std::span<uint8_t> batch, int64_t append_time);

// Splits a buffer of concatenated v2 batches (a Produce request's records or a log read)
// into views without copying.
class BatchReader {
 public:
  explicit BatchReader(std::span<const uint8_t> buffer) : buffer_(buffer) {}

  // The next batch, or std::nullopt once the buffer is used up exactly. A partial batch at
  // the end yields kTruncated (a log read may end mid-batch; a Produce may not), other
  // framing damage the errors of RecordBatchView::parse. After an error the reader stays
  // at the failing position; position() is then the length of the valid prefix.
  Result<std::optional<RecordBatchView>, RecordsError> next();

  // Bytes consumed so far: the start of the next batch.
  size_t position() const { return position_; }
  size_t remaining() const { return buffer_.size() - position_; }

 private:
  std::span<const uint8_t> buffer_;
  size_t position_ = 0;
};

// The magic byte of the first batch or legacy message in `buffer` (the byte at offset 16
// in every format), or std::nullopt if the buffer is shorter than that.
std::optional<int8_t> peek_magic(std::span<const uint8_t> buffer);

}  // namespace gregor::records
