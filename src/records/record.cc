#include "gregor/records/record.h"

#include "gregor/records/byte_order.h"
#include "gregor/records/varint.h"

namespace gregor::records {
namespace {

// Reads a varint length followed by that many bytes. -1 gives null when `nullable`; any
// other negative length, or one past the end, is an error (std::nullopt outer).
std::optional<NullableBytes> read_bytes(Bytes data, size_t* pos, bool nullable) {
  const auto length = read_varint(data, pos);
  if (!length) return std::nullopt;
  if (*length < 0) {
    if (*length == -1 && nullable) return NullableBytes();
    return std::nullopt;
  }
  const auto n = static_cast<size_t>(*length);
  if (n > data.size() - *pos) return std::nullopt;
  Bytes out = data.subspan(*pos, n);
  *pos += n;
  return NullableBytes(out);
}

// Parses the body of one record (after its length prefix). Every byte of `body` must be
// used; Kafka rejects a record whose fields end before or after its declared length.
bool parse_record_body(Bytes body, RecordView* out) {
  size_t pos = 0;
  if (body.empty()) return false;
  out->attributes = static_cast<int8_t>(body[pos++]);
  const auto timestamp_delta = read_varlong(body, &pos);
  const auto offset_delta = read_varint(body, &pos);
  if (!timestamp_delta || !offset_delta) return false;
  out->timestamp_delta = *timestamp_delta;
  out->offset_delta = *offset_delta;

  auto key = read_bytes(body, &pos, /*nullable=*/true);
  if (!key) return false;
  auto value = read_bytes(body, &pos, /*nullable=*/true);
  if (!value) return false;
  out->key = *key;
  out->value = *value;

  const auto header_count = read_varint(body, &pos);
  // Each header takes at least two bytes (two one-byte lengths), which bounds the count
  // before the loop trusts it.
  if (!header_count || *header_count < 0 ||
      static_cast<size_t>(*header_count) > (body.size() - pos) / 2) {
    return false;
  }
  const size_t headers_start = pos;
  for (int32_t i = 0; i < *header_count; ++i) {
    auto header_key = read_bytes(body, &pos, /*nullable=*/false);
    if (!header_key) return false;
    auto header_value = read_bytes(body, &pos, /*nullable=*/true);
    if (!header_value) return false;
  }
  if (pos != body.size()) return false;
  out->header_count = *header_count;
  out->header_bytes = body.subspan(headers_start);
  return true;
}

}  // namespace

bool HeaderIterator::next(HeaderView* out) {
  if (remaining_ <= 0) return false;
  // The bytes were checked when the record was parsed; the checks here only keep a
  // misused iterator (built over unchecked bytes) from reading out of bounds.
  auto key = read_bytes(encoded_, &position_, /*nullable=*/false);
  if (!key) return false;
  auto value = read_bytes(encoded_, &position_, /*nullable=*/true);
  if (!value) return false;
  out->key = std::string_view(reinterpret_cast<const char*>((*key)->data()), (*key)->size());
  out->value = *value;
  --remaining_;
  return true;
}

Result<bool, RecordsError> RecordIterator::next(RecordView* out) {
  if (remaining_ < 0) return unexpected(RecordsError::kRecordCountMismatch);
  if (remaining_ == 0) {
    if (position_ != data_.size()) return unexpected(RecordsError::kRecordCountMismatch);
    return false;
  }
  if (position_ == data_.size()) return unexpected(RecordsError::kRecordCountMismatch);

  const size_t start = position_;
  const auto length = read_varint(data_, &position_);
  if (!length || *length <= 0 || static_cast<size_t>(*length) > data_.size() - position_) {
    return unexpected(RecordsError::kInvalidRecord);
  }
  const Bytes body = data_.subspan(position_, static_cast<size_t>(*length));
  if (!parse_record_body(body, out)) return unexpected(RecordsError::kInvalidRecord);
  position_ += body.size();
  out->encoded = data_.subspan(start, position_ - start);
  --remaining_;
  return true;
}

Result<RecordIterator, RecordsError> open_records(const RecordBatchView& batch,
                                                  Decompressor& decompressor,
                                                  size_t max_uncompressed_bytes) {
  auto codec = compression_from_id(batch.attributes().compression_id());
  if (!codec) return unexpected(codec.error());
  if (*codec == Compression::kNone) {
    return RecordIterator(batch.records_data(), batch.record_count());
  }
  auto data = decompressor.decompress(*codec, batch.records_data(), max_uncompressed_bytes);
  if (!data) return unexpected(data.error());
  return RecordIterator(*data, batch.record_count());
}

Result<ControlType, RecordsError> parse_control_key(const NullableBytes& key) {
  if (!key || key->size() < 4) return unexpected(RecordsError::kInvalidRecord);
  const auto version = static_cast<int16_t>(load_be16(key->data()));
  const auto type = static_cast<int16_t>(load_be16(key->data() + 2));
  if (version < 0) return unexpected(RecordsError::kInvalidRecord);
  if (type == static_cast<int16_t>(ControlType::kAbort)) return ControlType::kAbort;
  if (type == static_cast<int16_t>(ControlType::kCommit)) return ControlType::kCommit;
  return unexpected(RecordsError::kInvalidRecord);
}

}  // namespace gregor::records
