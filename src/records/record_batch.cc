#include "gregor/records/record_batch.h"

#include "gregor/records/byte_order.h"
#include "gregor/records/crc32c.h"
#include "gregor/records/record.h"

namespace gregor::records {
namespace {

// The smallest batchLength a v2 batch can declare: the header minus the log overhead.
constexpr int32_t kMinBatchLength = static_cast<int32_t>(kBatchHeaderSize - kLogOverhead);

// The smallest encoded record: a one-byte length and six one-byte fields.
constexpr size_t kMinRecordSize = 7;

Result<void, RecordsError> check_offset(OffsetCheck mode, int32_t index, int32_t delta,
                                        int32_t previous, int32_t last_offset_delta) {
  if (mode == OffsetCheck::kContiguous) {
    if (delta != index) return unexpected(RecordsError::kInvalidOffsetDelta);
    return {};
  }
  if (delta <= previous || delta > last_offset_delta) {
    return unexpected(RecordsError::kInvalidOffsetDelta);
  }
  return {};
}

}  // namespace

Result<RecordBatchView, RecordsError> RecordBatchView::parse(std::span<const uint8_t> bytes) {
  if (bytes.size() < kLogOverhead) return unexpected(RecordsError::kTruncated);
  const auto batch_length = static_cast<int32_t>(load_be32(bytes.data() + layout::kBatchLength));
  if (batch_length < kMinBatchLength) return unexpected(RecordsError::kInvalidSize);
  const size_t total = kLogOverhead + static_cast<size_t>(batch_length);
  if (bytes.size() < total) return unexpected(RecordsError::kTruncated);
  if (static_cast<int8_t>(bytes[layout::kMagic]) != kMagicV2) {
    return unexpected(RecordsError::kInvalidMagic);
  }
  return RecordBatchView(bytes.first(total));
}

Offset RecordBatchView::base_offset() const {
  return Offset(static_cast<int64_t>(load_be64(bytes_.data() + layout::kBaseOffset)));
}
int32_t RecordBatchView::batch_length() const {
  return static_cast<int32_t>(load_be32(bytes_.data() + layout::kBatchLength));
}
LeaderEpoch RecordBatchView::partition_leader_epoch() const {
  return LeaderEpoch(
      static_cast<int32_t>(load_be32(bytes_.data() + layout::kPartitionLeaderEpoch)));
}
int8_t RecordBatchView::magic() const {
  return static_cast<int8_t>(bytes_[layout::kMagic]);
}
uint32_t RecordBatchView::crc() const {
  return load_be32(bytes_.data() + layout::kCrc);
}
BatchAttributes RecordBatchView::attributes() const {
  return BatchAttributes(load_be16(bytes_.data() + layout::kAttributes));
}
int32_t RecordBatchView::last_offset_delta() const {
  return static_cast<int32_t>(load_be32(bytes_.data() + layout::kLastOffsetDelta));
}
int64_t RecordBatchView::base_timestamp() const {
  return static_cast<int64_t>(load_be64(bytes_.data() + layout::kBaseTimestamp));
}
int64_t RecordBatchView::max_timestamp() const {
  return static_cast<int64_t>(load_be64(bytes_.data() + layout::kMaxTimestamp));
}
ProducerId RecordBatchView::producer_id() const {
  return ProducerId(static_cast<int64_t>(load_be64(bytes_.data() + layout::kProducerId)));
}
ProducerEpoch RecordBatchView::producer_epoch() const {
  return ProducerEpoch(static_cast<int16_t>(load_be16(bytes_.data() + layout::kProducerEpoch)));
}
int32_t RecordBatchView::base_sequence() const {
  return static_cast<int32_t>(load_be32(bytes_.data() + layout::kBaseSequence));
}
int32_t RecordBatchView::record_count() const {
  return static_cast<int32_t>(load_be32(bytes_.data() + layout::kRecordCount));
}

Offset RecordBatchView::last_offset() const {
  // Unsigned arithmetic: hostile fields must not cause signed overflow.
  return Offset(static_cast<int64_t>(static_cast<uint64_t>(base_offset().value()) +
                                     static_cast<uint64_t>(int64_t{last_offset_delta()})));
}

Offset RecordBatchView::next_offset() const {
  return Offset(static_cast<int64_t>(static_cast<uint64_t>(last_offset().value()) + 1));
}

std::optional<int64_t> RecordBatchView::delete_horizon() const {
  if (!attributes().has_delete_horizon()) return std::nullopt;
  return base_timestamp();
}

int32_t RecordBatchView::last_sequence() const {
  const int32_t base = base_sequence();
  if (base == kNoSequence) return kNoSequence;
  // Sequences wrap from INT32_MAX to 0, as in Kafka's DefaultRecordBatch.incrementSequence.
  const int64_t last = int64_t{base} + last_offset_delta();
  return static_cast<int32_t>(last > INT32_MAX ? last - INT32_MAX - 1 : last);
}

uint32_t RecordBatchView::compute_crc() const {
  return crc32c(bytes_.subspan(layout::kAttributes));
}

Result<void, RecordsError> validate_header(const RecordBatchView& batch) {
  if (!batch.crc_matches()) return unexpected(RecordsError::kCrcMismatch);
  if (!compression_from_id(batch.attributes().compression_id()).ok()) {
    return unexpected(RecordsError::kUnknownCompression);
  }
  if (batch.record_count() < 0) return unexpected(RecordsError::kRecordCountMismatch);
  if (batch.last_offset_delta() < 0) return unexpected(RecordsError::kInvalidOffsetDelta);
  // Cheap early rejection of a huge declared count in an uncompressed batch: every record
  // needs at least kMinRecordSize bytes.
  if (batch.attributes().compression_id() == 0 &&
      static_cast<size_t>(batch.record_count()) > batch.records_data().size() / kMinRecordSize) {
    return unexpected(RecordsError::kRecordCountMismatch);
  }
  return {};
}

Result<BatchSummary, RecordsError> validate_batch(const RecordBatchView& batch,
                                                  Decompressor& decompressor,
                                                  const ValidateOptions& options) {
  if (auto header = validate_header(batch); !header) return unexpected(header.error());
  const int32_t count = batch.record_count();
  const int32_t last_delta = batch.last_offset_delta();
  if (options.offsets == OffsetCheck::kContiguous && (count == 0 || last_delta != count - 1)) {
    return unexpected(count == 0 ? RecordsError::kRecordCountMismatch
                                 : RecordsError::kInvalidOffsetDelta);
  }
  auto records = open_records(batch, decompressor, options.max_uncompressed_bytes);
  if (!records) return unexpected(records.error());

  BatchSummary summary;
  const int64_t base_timestamp = batch.base_timestamp();
  int32_t previous = -1;
  RecordView record;
  for (int32_t index = 0;; ++index) {
    auto more = records->next(&record);
    if (!more) return unexpected(more.error());
    if (!*more) break;
    if (auto ok = check_offset(options.offsets, index, record.offset_delta, previous, last_delta);
        !ok) {
      return unexpected(ok.error());
    }
    previous = record.offset_delta;
    const int64_t timestamp = static_cast<int64_t>(static_cast<uint64_t>(base_timestamp) +
                                                   static_cast<uint64_t>(record.timestamp_delta));
    if (summary.record_count == 0 || timestamp > summary.max_record_timestamp) {
      summary.max_record_timestamp = timestamp;
    }
    ++summary.record_count;
    summary.uncompressed_records_bytes += record.encoded.size();
  }
  return summary;
}

void set_base_offset(std::span<uint8_t> batch, Offset base_offset) {
  store_be64(batch.data() + layout::kBaseOffset, static_cast<uint64_t>(base_offset.value()));
}

void set_partition_leader_epoch(std::span<uint8_t> batch, LeaderEpoch epoch) {
  store_be32(batch.data() + layout::kPartitionLeaderEpoch, static_cast<uint32_t>(epoch.value()));
}

void set_max_timestamp(std::span<uint8_t> batch, TimestampType type, int64_t max_timestamp) {
  uint16_t attributes = load_be16(batch.data() + layout::kAttributes);
  const uint16_t wanted = type == TimestampType::kLogAppendTime
                              ? attributes | BatchAttributes::kTimestampTypeBit
                              : attributes & ~BatchAttributes::kTimestampTypeBit;
  const auto current = static_cast<int64_t>(load_be64(batch.data() + layout::kMaxTimestamp));
  if (wanted == attributes && current == max_timestamp) return;
  store_be16(batch.data() + layout::kAttributes, wanted);
  store_be64(batch.data() + layout::kMaxTimestamp, static_cast<uint64_t>(max_timestamp));
  store_be32(batch.data() + layout::kCrc,
             crc32c(std::span<const uint8_t>(batch).subspan(layout::kAttributes)));
}

void set_log_append_time(std::span<uint8_t> batch, int64_t append_time) {
  set_max_timestamp(batch, TimestampType::kLogAppendTime, append_time);
}

Result<std::optional<RecordBatchView>, RecordsError> BatchReader::next() {
  if (position_ == buffer_.size()) return std::optional<RecordBatchView>();
  auto batch = RecordBatchView::parse(buffer_.subspan(position_));
  if (!batch) return unexpected(batch.error());
  position_ += batch->size_bytes();
  return std::optional<RecordBatchView>(*batch);
}

std::optional<int8_t> peek_magic(std::span<const uint8_t> buffer) {
  if (buffer.size() <= layout::kMagic) return std::nullopt;
  return static_cast<int8_t>(buffer[layout::kMagic]);
}

}  // namespace gregor::records
