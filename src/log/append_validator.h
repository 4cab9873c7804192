// Checks a Produce request's records (or a follower's fetched records) before any of it
// reaches disk, and prepares the bytes to write: offsets, leader epoch and timestamps are
// rewritten in place, and batches are re-encoded only when the topic's compression.type
// asks for a codec other than the producer's.
//
// Validation and assignment are split so that the CPU-heavy part (CRCs, decompression)
// runs outside the partition lock and only the cheap rewrite runs under it.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"
#include "gregor/log/log_config.h"
#include "gregor/log/log_error.h"
#include "segment.h"

namespace gregor::log {

struct BatchPlan {
  size_t position = 0;  // In ValidatedAppend::bytes().
  uint32_t size = 0;
  int32_t last_offset_delta = 0;
  int32_t record_count = 0;
  // The largest record timestamp, which becomes the batch's max timestamp (CreateTime).
  int64_t max_record_timestamp = records::kNoTimestamp;
  LeaderEpoch epoch;      // Follower appends keep the leader's stamp.
  Offset base_offset;     // Follower appends keep the leader's offsets.
  bool reencode = false;  // The topic wants another codec.
};

class ValidatedAppend {
 public:
  // The bytes to write: the caller's buffer, or a re-encoded copy.
  std::span<uint8_t> bytes() {
    return converted_.empty() ? input_ : std::span<uint8_t>(converted_);
  }
  const std::vector<BatchPlan>& batches() const { return batches_; }
  int32_t record_count() const { return record_count_; }

 private:
  friend class AppendValidator;
  std::span<uint8_t> input_;
  std::vector<uint8_t> converted_;
  std::vector<BatchPlan> batches_;
  int32_t record_count_ = 0;
};

// The result of stamping offsets and times onto a validated append.
struct AssignedAppend {
  Offset first_offset;
  Offset last_offset;
  int64_t max_timestamp = records::kNoTimestamp;
  Offset offset_of_max_timestamp;
  int64_t log_append_time = records::kNoTimestamp;
  std::vector<AppendedBatch> batches;
};

class AppendValidator {
 public:
  // A producer's records: every batch must be v2 with base offset 0, no larger than
  // max.message.bytes, with a good CRC, contiguous record offsets and no control flag;
  // record timestamps must lie inside the topic's window; the whole append must fit in a
  // segment. Nothing is modified yet, except that re-encoded batches are built.
  static Result<ValidatedAppend, LogError> validate_client(std::span<uint8_t> input,
                                                           const LogConfig& config, int64_t now_ms);

  // A follower's records, fetched from the leader and written as they are: framing and
  // CRC must be sound and offsets must increase from `next_offset`.
  static Result<ValidatedAppend, LogError> validate_replica(std::span<uint8_t> input,
                                                            Offset next_offset);

  // Stamps base offsets (from `next_offset`), the partition leader epoch and, for
  // LogAppendTime topics, the append time onto a client append; for CreateTime topics
  // the max timestamp is set to the largest record timestamp, as Kafka does.
  static AssignedAppend assign_client(ValidatedAppend& append, const LogConfig& config,
                                      Offset next_offset, LeaderEpoch epoch, int64_t now_ms);
  // Describes a replica append without changing it.
  static AssignedAppend describe_replica(ValidatedAppend& append);
};

}  // namespace gregor::log
