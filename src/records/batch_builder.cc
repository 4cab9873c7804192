#include "gregor/records/batch_builder.h"

#include <cstring>
#include <limits>

#include "gregor/records/byte_order.h"
#include "gregor/records/crc32c.h"
#include "gregor/records/varint.h"

namespace gregor::records {
namespace {

size_t nullable_size(const NullableBytes& bytes) {
  if (!bytes) return varlong_size(-1);
  return varlong_size(static_cast<int64_t>(bytes->size())) + bytes->size();
}

void write_nullable(std::vector<uint8_t>& out, const NullableBytes& bytes) {
  if (!bytes) {
    write_varint(out, -1);
    return;
  }
  write_varlong(out, static_cast<int64_t>(bytes->size()));
  out.insert(out.end(), bytes->begin(), bytes->end());
}

NullableBytes as_bytes(std::string_view s) {
  return Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// Differences of arbitrary int64 timestamps must not overflow; Kafka's Java arithmetic
// wraps, so this does the same.
int64_t wrapping_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}

uint16_t attributes_for(const BatchOptions& o) {
  uint16_t raw = static_cast<uint16_t>(o.compression);
  if (o.timestamp_type == TimestampType::kLogAppendTime) raw |= BatchAttributes::kTimestampTypeBit;
  if (o.transactional) raw |= BatchAttributes::kTransactionalBit;
  if (o.control) raw |= BatchAttributes::kControlBit;
  if (o.delete_horizon) raw |= BatchAttributes::kDeleteHorizonBit;
  return raw;
}

}  // namespace

BatchBuilder::BatchBuilder(const BatchOptions& options) {
  reset(options);
}

void BatchBuilder::reset(const BatchOptions& options) {
  options_ = options;
  records_.clear();
  record_count_ = 0;
  last_appended_delta_ = -1;
  last_offset_delta_ = -1;
  base_timestamp_ = options.delete_horizon.value_or(kNoTimestamp);
  have_base_timestamp_ = options.delete_horizon.has_value();
  max_timestamp_ = kNoTimestamp;
}

void BatchBuilder::append(const RecordInput& record) {
  encode_record(last_appended_delta_ + 1, record);
}

Result<void, RecordsError> BatchBuilder::append_with_delta(int32_t offset_delta,
                                                           const RecordInput& record) {
  if (offset_delta <= last_appended_delta_) return unexpected(RecordsError::kInvalidArgument);
  encode_record(offset_delta, record);
  return {};
}

void BatchBuilder::encode_record(int32_t offset_delta, const RecordInput& record) {
  if (!have_base_timestamp_) {
    base_timestamp_ = record.timestamp;
    have_base_timestamp_ = true;
  }
  if (record_count_ == 0 || record.timestamp > max_timestamp_) max_timestamp_ = record.timestamp;
  const int64_t timestamp_delta = wrapping_sub(record.timestamp, base_timestamp_);

  // The length prefix comes first, so the body size is computed before writing it.
  size_t body = 1 + varlong_size(timestamp_delta) + varlong_size(offset_delta) +
                nullable_size(record.key) + nullable_size(record.value) +
                varlong_size(static_cast<int64_t>(record.headers.size()));
  for (const HeaderInput& h : record.headers) {
    body += nullable_size(as_bytes(h.key)) + nullable_size(h.value);
  }
  records_.reserve(records_.size() + varlong_size(static_cast<int64_t>(body)) + body);
  write_varlong(records_, static_cast<int64_t>(body));
  records_.push_back(0);  // Record attributes: unused by Kafka.
  write_varlong(records_, timestamp_delta);
  write_varint(records_, offset_delta);
  write_nullable(records_, record.key);
  write_nullable(records_, record.value);
  write_varlong(records_, static_cast<int64_t>(record.headers.size()));
  for (const HeaderInput& h : record.headers) {
    write_nullable(records_, as_bytes(h.key));
    write_nullable(records_, h.value);
  }
  ++record_count_;
  last_appended_delta_ = offset_delta;
  if (offset_delta > last_offset_delta_) last_offset_delta_ = offset_delta;
}

Result<void, RecordsError> BatchBuilder::finish(std::vector<uint8_t>& out) {
  std::span<const uint8_t> payload = records_;
  if (options_.compression != Compression::kNone) {
    compressed_.clear();
    if (auto ok = compressor_.compress(options_.compression, records_, compressed_); !ok) {
      return ok;
    }
    payload = compressed_;
  }
  const size_t batch_length = kBatchHeaderSize - kLogOverhead + payload.size();
  if (batch_length > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return unexpected(RecordsError::kInvalidArgument);
  }
  const int64_t max_timestamp = options_.timestamp_type == TimestampType::kLogAppendTime
                                    ? options_.log_append_time
                                    : max_timestamp_;
  const size_t start = out.size();
  out.resize(start + kBatchHeaderSize);
  out.insert(out.end(), payload.begin(), payload.end());
  uint8_t* h = out.data() + start;
  store_be64(h + layout::kBaseOffset, static_cast<uint64_t>(options_.base_offset.value()));
  store_be32(h + layout::kBatchLength, static_cast<uint32_t>(batch_length));
  store_be32(h + layout::kPartitionLeaderEpoch,
             static_cast<uint32_t>(options_.partition_leader_epoch.value()));
  h[layout::kMagic] = static_cast<uint8_t>(kMagicV2);
  store_be16(h + layout::kAttributes, attributes_for(options_));
  store_be32(h + layout::kLastOffsetDelta, static_cast<uint32_t>(std::max(last_offset_delta_, 0)));
  store_be64(h + layout::kBaseTimestamp, static_cast<uint64_t>(base_timestamp_));
  store_be64(h + layout::kMaxTimestamp, static_cast<uint64_t>(max_timestamp));
  store_be64(h + layout::kProducerId, static_cast<uint64_t>(options_.producer_id.value()));
  store_be16(h + layout::kProducerEpoch, static_cast<uint16_t>(options_.producer_epoch.value()));
  store_be32(h + layout::kBaseSequence, static_cast<uint32_t>(options_.base_sequence));
  store_be32(h + layout::kRecordCount, static_cast<uint32_t>(record_count_));
  const std::span<const uint8_t> covered(h + layout::kAttributes,
                                         out.size() - start - layout::kAttributes);
  store_be32(h + layout::kCrc, crc32c(covered));
  return {};
}

Result<std::vector<uint8_t>, RecordsError> build_batch(const BatchOptions& options,
                                                       std::span<const RecordInput> records) {
  BatchBuilder builder(options);
  for (const RecordInput& r : records)
    builder.append(r);
  std::vector<uint8_t> out;
  if (auto ok = builder.finish(out); !ok) return unexpected(ok.error());
  return out;
}

Result<std::vector<uint8_t>, RecordsError> build_control_batch(const BatchOptions& options,
                                                               ControlType type,
                                                               int32_t coordinator_epoch,
                                                               int64_t timestamp) {
  uint8_t key[4];
  store_be16(key, 0);
  store_be16(key + 2, static_cast<uint16_t>(type));
  uint8_t value[6];
  store_be16(value, 0);
  store_be32(value + 2, static_cast<uint32_t>(coordinator_epoch));
  BatchOptions o = options;
  o.control = true;
  o.transactional = true;
  RecordInput record;
  record.timestamp = timestamp;
  record.key = Bytes(key);
  record.value = Bytes(value);
  return build_batch(o, std::span<const RecordInput>(&record, 1));
}

}  // namespace gregor::records
