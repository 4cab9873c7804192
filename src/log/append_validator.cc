#include "append_validator.h"

#include <fmt/format.h>

#include "gregor/records/batch_builder.h"
#include "gregor/records/byte_order.h"
#include "gregor/records/crc32c.h"
#include "gregor/records/record.h"

namespace gregor::log {

using records::load_be32;
using records::load_be64;
using records::store_be32;
using records::store_be64;
namespace {

namespace layout = records::layout;
using records::RecordsError;

// The cap on a compressed batch's decompressed size: the decompression-bomb guard.
constexpr size_t kMaxUncompressedBytes = 64 * 1024 * 1024;

records::Decompressor& thread_decompressor() {
  thread_local records::Decompressor decompressor;
  return decompressor;
}

LogError records_error(size_t index, RecordsError error) {
  return LogError::bad_records(error,
                               fmt::format("batch {}: {}", index, records::to_string(error)));
}

LogError batch_error(LogErrc code, size_t index, std::string_view what) {
  return LogError::make(code, fmt::format("batch {}: {}", index, what));
}

// Checks every record timestamp of a CreateTime batch against the broker's clock, per
// message.timestamp.before.max.ms and message.timestamp.after.max.ms.
Result<void, LogError> check_timestamps(const records::RecordBatchView& batch,
                                        const records::BatchSummary& summary,
                                        const LogConfig& config, int64_t now_ms, size_t index) {
  auto out_of_window = [&](int64_t ts) {
    if (ts == records::kNoTimestamp) return false;
    if (config.timestamp_before_max_ms != kNoLimit &&
        now_ms - ts > config.timestamp_before_max_ms) {
      return true;
    }
    return config.timestamp_after_max_ms != kNoLimit && ts - now_ms > config.timestamp_after_max_ms;
  };
  auto invalid = [&](int64_t ts) {
    return LogError::make(LogErrc::kInvalidTimestamp,
                          fmt::format("batch {}: timestamp {} is out of range", index, ts));
  };
  if (config.timestamp_before_max_ms == kNoLimit) {
    // Only the upper bound applies, and the largest timestamp decides it.
    if (out_of_window(summary.max_record_timestamp))
      return unexpected(invalid(summary.max_record_timestamp));
    return {};
  }
  auto it = records::open_records(batch, thread_decompressor(), kMaxUncompressedBytes);
  if (!it) return unexpected(records_error(index, it.error()));
  records::RecordView record;
  for (;;) {
    auto more = it->next(&record);
    if (!more) return unexpected(records_error(index, more.error()));
    if (!*more) return {};
    int64_t ts = batch.base_timestamp() + record.timestamp_delta;
    if (out_of_window(ts)) return unexpected(invalid(ts));
  }
}

// Re-encodes one batch with another codec, keeping its records, producer fields and
// offset deltas (0..n-1, which validation guaranteed).
Result<void, LogError> reencode(const records::RecordBatchView& batch, records::Compression codec,
                                std::vector<uint8_t>& out, size_t index) {
  auto it = records::open_records(batch, thread_decompressor(), kMaxUncompressedBytes);
  if (!it) return unexpected(records_error(index, it.error()));
  records::BatchOptions options;
  options.compression = codec;
  options.transactional = batch.attributes().is_transactional();
  options.producer_id = batch.producer_id();
  options.producer_epoch = batch.producer_epoch();
  options.base_sequence = batch.base_sequence();
  thread_local records::BatchBuilder builder;
  builder.reset(options);
  std::vector<records::HeaderInput> headers;
  records::RecordView record;
  for (;;) {
    auto more = it->next(&record);
    if (!more) return unexpected(records_error(index, more.error()));
    if (!*more) break;
    headers.clear();
    records::HeaderIterator hit = record.headers();
    records::HeaderView header;
    while (hit.next(&header))
      headers.push_back(records::HeaderInput{header.key, header.value});
    builder.append(records::RecordInput{batch.base_timestamp() + record.timestamp_delta, record.key,
                                        record.value, headers});
  }
  if (auto r = builder.finish(out); !r) return unexpected(records_error(index, r.error()));
  return {};
}

// Marks a batch CreateTime with `max_timestamp` as its max timestamp, recomputing the CRC
// only if something changed. records::set_log_append_time covers the other timestamp
// type; this is its CreateTime counterpart.
void set_create_time(std::span<uint8_t> batch, int64_t max_timestamp) {
  uint8_t* p = batch.data();
  uint16_t attributes =
      static_cast<uint16_t>((p[layout::kAttributes] << 8) | p[layout::kAttributes + 1]);
  bool was_log_append = attributes & records::BatchAttributes::kTimestampTypeBit;
  if (!was_log_append &&
      static_cast<int64_t>(load_be64(p + layout::kMaxTimestamp)) == max_timestamp) {
    return;
  }
  attributes &= static_cast<uint16_t>(~records::BatchAttributes::kTimestampTypeBit);
  p[layout::kAttributes] = static_cast<uint8_t>(attributes >> 8);
  p[layout::kAttributes + 1] = static_cast<uint8_t>(attributes);
  store_be64(p + layout::kMaxTimestamp, static_cast<uint64_t>(max_timestamp));
  store_be32(p + layout::kCrc, records::crc32c(batch.subspan(layout::kAttributes)));
}

}  // namespace

Result<ValidatedAppend, LogError> AppendValidator::validate_client(std::span<uint8_t> input,
                                                                   const LogConfig& config,
                                                                   int64_t now_ms) {
  ValidatedAppend out;
  out.input_ = input;
  records::BatchReader reader(input);
  bool any_reencode = false;
  records::ValidateOptions options{records::OffsetCheck::kContiguous, kMaxUncompressedBytes};
  for (size_t index = 0;; ++index) {
    size_t position = reader.position();
    auto next = reader.next();
    if (!next) return unexpected(records_error(index, next.error()));
    if (!*next) break;
    const records::RecordBatchView& batch = **next;
    if (batch.size_bytes() > static_cast<size_t>(config.max_message_bytes)) {
      return unexpected(batch_error(LogErrc::kMessageTooLarge, index,
                                    fmt::format("{} bytes exceed max.message.bytes {}",
                                                batch.size_bytes(), config.max_message_bytes)));
    }
    if (batch.base_offset().value() != 0) {
      return unexpected(batch_error(LogErrc::kInvalidRecord, index, "base offset must be 0"));
    }
    if (batch.attributes().is_control()) {
      return unexpected(
          batch_error(LogErrc::kInvalidRecord, index, "clients may not write control batches"));
    }
    if (batch.producer_id().value() >= 0 && batch.base_sequence() < 0) {
      return unexpected(
          batch_error(LogErrc::kInvalidRecord, index, "idempotent batch without a sequence"));
    }
    // Checks the CRC and framing too, then walks every record.
    auto summary = records::validate_batch(batch, thread_decompressor(), options);
    if (!summary) return unexpected(records_error(index, summary.error()));
    if (config.timestamp_type == records::TimestampType::kCreateTime) {
      if (auto r = check_timestamps(batch, *summary, config, now_ms, index); !r)
        return unexpected(r.error());
    }
    BatchPlan plan;
    plan.position = position;
    plan.size = static_cast<uint32_t>(batch.size_bytes());
    plan.last_offset_delta = batch.last_offset_delta();
    plan.record_count = summary->record_count;
    plan.max_record_timestamp = summary->max_record_timestamp;
    auto codec = static_cast<records::Compression>(batch.attributes().compression_id());
    plan.reencode = config.compression.codec && *config.compression.codec != codec;
    any_reencode |= plan.reencode;
    out.record_count_ += plan.record_count;
    out.batches_.push_back(plan);
  }
  if (out.batches_.empty()) {
    return unexpected(LogError::make(LogErrc::kInvalidRecord, "no record batches"));
  }
  if (input.size() > static_cast<size_t>(config.segment_bytes)) {
    return unexpected(LogError::make(
        LogErrc::kRecordListTooLarge,
        fmt::format("{} bytes exceed segment.bytes {}", input.size(), config.segment_bytes)));
  }
  if (!any_reencode) return out;

  // Build the converted copy: re-encoded batches where the codec differs, the others as
  // they are. Offsets and times are stamped on the copy afterwards.
  for (size_t index = 0; index < out.batches_.size(); ++index) {
    BatchPlan& plan = out.batches_[index];
    std::span<const uint8_t> bytes = input.subspan(plan.position, plan.size);
    size_t position = out.converted_.size();
    if (plan.reencode) {
      auto view = records::RecordBatchView::parse(bytes);
      if (!view) return unexpected(records_error(index, view.error()));
      if (auto r = reencode(*view, *config.compression.codec, out.converted_, index); !r) {
        return unexpected(r.error());
      }
    } else {
      out.converted_.insert(out.converted_.end(), bytes.begin(), bytes.end());
    }
    plan.position = position;
    plan.size = static_cast<uint32_t>(out.converted_.size() - position);
  }
  return out;
}

Result<ValidatedAppend, LogError> AppendValidator::validate_replica(std::span<uint8_t> input,
                                                                    Offset next_offset) {
  ValidatedAppend out;
  out.input_ = input;
  records::BatchReader reader(input);
  for (size_t index = 0;; ++index) {
    size_t position = reader.position();
    auto next = reader.next();
    if (!next) return unexpected(records_error(index, next.error()));
    if (!*next) break;
    const records::RecordBatchView& batch = **next;
    if (auto r = records::validate_header(batch); !r)
      return unexpected(records_error(index, r.error()));
    if (batch.base_offset() < next_offset) {
      return unexpected(batch_error(LogErrc::kInvalidRecord, index,
                                    fmt::format("base offset {} is below the next offset {}",
                                                batch.base_offset().value(), next_offset.value())));
    }
    BatchPlan plan;
    plan.position = position;
    plan.size = static_cast<uint32_t>(batch.size_bytes());
    plan.last_offset_delta = batch.last_offset_delta();
    plan.record_count = batch.record_count();
    plan.max_record_timestamp = batch.max_timestamp();
    plan.epoch = batch.partition_leader_epoch();
    plan.base_offset = batch.base_offset();
    out.record_count_ += plan.record_count;
    out.batches_.push_back(plan);
    next_offset = batch.next_offset();
  }
  return out;
}

AssignedAppend AppendValidator::assign_client(ValidatedAppend& append, const LogConfig& config,
                                              Offset next_offset, LeaderEpoch epoch,
                                              int64_t now_ms) {
  std::span<uint8_t> bytes = append.bytes();
  const bool log_append_time = config.timestamp_type == records::TimestampType::kLogAppendTime;
  AssignedAppend out;
  out.first_offset = next_offset;
  out.offset_of_max_timestamp = next_offset;
  if (log_append_time) out.log_append_time = now_ms;
  for (BatchPlan& plan : append.batches_) {
    std::span<uint8_t> batch = bytes.subspan(plan.position, plan.size);
    records::set_base_offset(batch, next_offset);
    records::set_partition_leader_epoch(batch, epoch);
    int64_t max_timestamp = plan.max_record_timestamp;
    if (log_append_time) {
      records::set_log_append_time(batch, now_ms);
      max_timestamp = now_ms;
    } else {
      set_create_time(batch, max_timestamp);
    }
    plan.base_offset = next_offset;
    plan.epoch = epoch;
    Offset last(next_offset.value() + plan.last_offset_delta);
    out.batches.push_back(AppendedBatch{plan.size, last, max_timestamp});
    if (max_timestamp > out.max_timestamp) {
      out.max_timestamp = max_timestamp;
      out.offset_of_max_timestamp = last;
    }
    next_offset = Offset(last.value() + 1);
  }
  out.last_offset = Offset(next_offset.value() - 1);
  return out;
}

AssignedAppend AppendValidator::describe_replica(ValidatedAppend& append) {
  AssignedAppend out;
  for (const BatchPlan& plan : append.batches_) {
    Offset last(plan.base_offset.value() + plan.last_offset_delta);
    if (out.batches.empty()) {
      out.first_offset = plan.base_offset;
      out.offset_of_max_timestamp = plan.base_offset;
    }
    out.batches.push_back(AppendedBatch{plan.size, last, plan.max_record_timestamp});
    if (plan.max_record_timestamp > out.max_timestamp) {
      out.max_timestamp = plan.max_record_timestamp;
      out.offset_of_max_timestamp = last;
    }
    out.last_offset = last;
  }
  return out;
}

}  // namespace gregor::log
