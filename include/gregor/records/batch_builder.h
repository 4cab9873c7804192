// Building v2 record batches: for tests, for up-converting legacy message sets, for the
// log cleaner (which keeps original offset deltas) and for broker-written batches such as
// __consumer_offsets records and transaction markers.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"
#include "gregor/records/compression.h"
#include "gregor/records/record.h"
#include "gregor/records/record_batch.h"
#include "gregor/records/records_error.h"

namespace gregor::records {

// Batch-level fields. The defaults describe a plain non-idempotent producer batch.
struct BatchOptions {
  Offset base_offset{0};
  LeaderEpoch partition_leader_epoch{kNoPartitionLeaderEpoch};
  Compression compression = Compression::kNone;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  bool transactional = false;
  bool control = false;
  ProducerId producer_id{kNoProducerId};
  ProducerEpoch producer_epoch{kNoProducerEpoch};
  int32_t base_sequence = kNoSequence;
  // When set, the delete-horizon bit is set and baseTimestamp holds this value; record
  // timestamps are then stored relative to it.
  std::optional<int64_t> delete_horizon;
  // With LogAppendTime, the max timestamp to stamp (Kafka sets it to the append time).
  int64_t log_append_time = kNoTimestamp;
};

struct HeaderInput {
  std::string_view key;
  NullableBytes value;
};

struct RecordInput {
  int64_t timestamp = kNoTimestamp;
  NullableBytes key;
  NullableBytes value;
  std::span<const HeaderInput> headers;
};

// Accumulates records and produces one encoded batch. The builder's buffers are kept
// across reset() calls, so a long-lived builder stops allocating once warm.
class BatchBuilder {
 public:
  explicit BatchBuilder(const BatchOptions& options = {});

  // Starts a new batch with `options`, keeping the buffers.
  void reset(const BatchOptions& options);

  // Appends a record with the next offset delta (one past the previous record's, 0 first).
  void append(const RecordInput& record);
  // Appends a record with an explicit offset delta, which must exceed the previous one;
  // the log cleaner uses this to keep the offsets of the records it retains.
  // kInvalidArgument if it does not.
  Result<void, RecordsError> append_with_delta(int32_t offset_delta, const RecordInput& record);

  // Raises lastOffsetDelta above the last record's delta, so that a compacted batch keeps
  // covering the offsets of records it dropped. Values below it are ignored.
  void set_last_offset_delta(int32_t delta) {
    if (delta > last_offset_delta_) last_offset_delta_ = delta;
  }

  int32_t record_count() const { return record_count_; }
  // Bytes of encoded (uncompressed) records so far.
  size_t uncompressed_bytes() const { return records_.size(); }

  // Encodes the batch (compressing the records if asked) and appends it to `out`. The
  // builder can be reset() and reused afterwards.
  Result<void, RecordsError> finish(std::vector<uint8_t>& out);

 private:
  void encode_record(int32_t offset_delta, const RecordInput& record);

  BatchOptions options_;
  std::vector<uint8_t> records_;
  std::vector<uint8_t> compressed_;
  std::vector<uint8_t> body_;
  Compressor compressor_;
  int32_t record_count_ = 0;
  int32_t last_appended_delta_ = -1;
  int32_t last_offset_delta_ = -1;
  // The first record's timestamp, or the delete horizon when one is set.
  int64_t base_timestamp_ = kNoTimestamp;
  bool have_base_timestamp_ = false;
  int64_t max_timestamp_ = kNoTimestamp;
};

// Convenience: one batch holding `records` with offset deltas 0..n-1.
Result<std::vector<uint8_t>, RecordsError> build_batch(const BatchOptions& options,
                                                       std::span<const RecordInput> records);

// A transaction marker batch (control + transactional) with one record: key
// [version 0][type], value [version 0][coordinator epoch int32]. `timestamp` becomes the
// record and max timestamp.
Result<std::vector<uint8_t>, RecordsError> build_control_batch(const BatchOptions& options,
                                                               ControlType type,
                                                               int32_t coordinator_epoch,
                                                               int64_t timestamp);

}  // namespace gregor::records
