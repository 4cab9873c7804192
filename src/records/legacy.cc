#include "gregor/records/legacy.h"

#include <xxhash.h>
#include <zlib.h>

#include "gregor/records/byte_order.h"

namespace gregor::records {
namespace {

// Field positions inside a legacy message, counted from its crc field.
constexpr size_t kCrcSize = 4;
constexpr size_t kMagicPos = 4;
constexpr size_t kAttributesPos = 5;
constexpr size_t kV1TimestampPos = 6;
constexpr uint8_t kLegacyCodecMask = 0x07;
constexpr uint8_t kLegacyTimestampTypeBit = 0x08;

// One message entry as framed in the set, before unwrapping.
struct RawMessage {
  int64_t offset = 0;
  int8_t magic = 0;
  uint8_t attributes = 0;
  int64_t timestamp = kNoTimestamp;
  NullableBytes key;
  NullableBytes value;
};

// Reads an int32-length-prefixed byte field; -1 is null, other negatives and lengths past
// the end are errors.
std::optional<NullableBytes> read_legacy_bytes(Bytes message, size_t* pos) {
  if (message.size() - *pos < 4) return std::nullopt;
  const auto length = static_cast<int32_t>(load_be32(message.data() + *pos));
  *pos += 4;
  if (length == -1) return NullableBytes();
  if (length < 0 || static_cast<size_t>(length) > message.size() - *pos) return std::nullopt;
  Bytes out = message.subspan(*pos, static_cast<size_t>(length));
  *pos += static_cast<size_t>(length);
  return NullableBytes(out);
}

// Decodes the message that starts at the crc field, checking the CRC-32 first.
Result<RawMessage, RecordsError> parse_message(int64_t offset, Bytes message) {
  const uint32_t stored = load_be32(message.data());
  const Bytes covered = message.subspan(kCrcSize);
  const auto computed =
      static_cast<uint32_t>(crc32(0, covered.data(), static_cast<uInt>(covered.size())));
  RawMessage m;
  m.offset = offset;
  m.magic = static_cast<int8_t>(message[kMagicPos]);
  if (m.magic != 0 && m.magic != 1) return unexpected(RecordsError::kInvalidMagic);
  if (m.magic == 1 && message.size() < kLegacyV1MinMessageSize) {
    return unexpected(RecordsError::kInvalidSize);
  }
  if (stored != computed) return unexpected(RecordsError::kCrcMismatch);
  m.attributes = message[kAttributesPos];
  size_t pos = kAttributesPos + 1;
  if (m.magic == 1) {
    m.timestamp = static_cast<int64_t>(load_be64(message.data() + kV1TimestampPos));
    pos = kV1TimestampPos + 8;
  }
  auto key = read_legacy_bytes(message, &pos);
  if (!key) return unexpected(RecordsError::kInvalidRecord);
  auto value = read_legacy_bytes(message, &pos);
  if (!value || pos != message.size()) return unexpected(RecordsError::kInvalidRecord);
  m.key = *key;
  m.value = *value;
  return m;
}

// Walks the entries of a message set, calling visit(RawMessage) for each. Stops at the
// first error, either framing or one returned by `visit`.
template <class Visit>
Result<void, RecordsError> for_each_entry(Bytes buffer, Visit&& visit) {
  size_t pos = 0;
  while (pos < buffer.size()) {
    if (buffer.size() - pos < kLogOverhead) return unexpected(RecordsError::kTruncated);
    const auto offset = static_cast<int64_t>(load_be64(buffer.data() + pos));
    const auto size = static_cast<int32_t>(load_be32(buffer.data() + pos + 8));
    pos += kLogOverhead;
    if (size < static_cast<int32_t>(kLegacyV0MinMessageSize)) {
      return unexpected(RecordsError::kInvalidSize);
    }
    if (static_cast<size_t>(size) > buffer.size() - pos)
      return unexpected(RecordsError::kTruncated);
    auto message = parse_message(offset, buffer.subspan(pos, static_cast<size_t>(size)));
    if (!message) return unexpected(message.error());
    if (auto ok = visit(*message); !ok) return ok;
    pos += static_cast<size_t>(size);
  }
  return {};
}

// Magic 0 lz4 wrappers were written by Kafka clients whose frame header checksum wrongly
// covered the 4-byte frame magic too; Kafka reads them by ignoring that checksum. LZ4F
// cannot ignore it, so this rewrites the checksum byte to the correct value.
void repair_lz4_header_checksum(std::vector<uint8_t>& frame) {
  constexpr size_t kFlgPos = 4;
  if (frame.size() < 7) return;
  const uint8_t flg = frame[kFlgPos];
  size_t descriptor = 2;            // FLG and BD.
  if (flg & 0x08) descriptor += 8;  // Content size.
  if (flg & 0x01) descriptor += 4;  // Dictionary id.
  if (frame.size() < kFlgPos + descriptor + 1) return;
  const XXH32_hash_t hash = XXH32(frame.data() + kFlgPos, descriptor, 0);
  frame[kFlgPos + descriptor] = static_cast<uint8_t>((hash >> 8) & 0xff);
}

class SetParser {
 public:
  SetParser(Decompressor& decompressor, const LegacyParseOptions& options)
      : decompressor_(decompressor), options_(options) {}

  Result<void, RecordsError> outer(const RawMessage& m) {
    const int codec_id = m.attributes & kLegacyCodecMask;
    if (codec_id == 0) return add(m, m.offset, m.timestamp);
    auto codec = compression_from_id(codec_id);
    // Legacy messages predate zstd, so a zstd id there is as unknown as 5..7.
    if (!codec || *codec == Compression::kZstd) {
      return unexpected(RecordsError::kUnknownCompression);
    }
    if (!m.value) return unexpected(RecordsError::kInvalidRecord);
    auto inner = decompress(*codec, m);
    if (!inner) return unexpected(inner.error());
    set_.source_compression = *codec;
    return unwrap(m, *inner);
  }

  LegacyMessageSet take() { return std::move(set_); }

 private:
  Result<Bytes, RecordsError> decompress(Compression codec, const RawMessage& m) {
    Bytes input = *m.value;
    std::vector<uint8_t> patched;
    if (codec == Compression::kLz4 && m.magic == 0) {
      patched.assign(input.begin(), input.end());
      repair_lz4_header_checksum(patched);
      input = patched;
    }
    const size_t budget = options_.max_uncompressed_bytes - decompressed_bytes_;
    auto out = decompressor_.decompress(codec, input, budget);
    if (!out) return unexpected(out.error());
    decompressed_bytes_ += out->size();
    // The decompressor's buffer is reused, so the messages' bytes need a home of their own.
    set_.decompressed.emplace_back(out->begin(), out->end());
    return Bytes(set_.decompressed.back());
  }

  Result<void, RecordsError> unwrap(const RawMessage& wrapper, Bytes inner) {
    // Magic 1 inner offsets are relative; the wrapper holds the absolute offset of the last
    // inner message, so the last relative offset is needed first.
    int64_t last_relative = 0;
    auto scan = for_each_entry(inner, [&](const RawMessage& m) -> Result<void, RecordsError> {
      if (m.magic != wrapper.magic || (m.attributes & kLegacyCodecMask) != 0) {
        return unexpected(RecordsError::kInvalidRecord);
      }
      last_relative = m.offset;
      return {};
    });
    if (!scan) return scan;
    const bool log_append_time =
        wrapper.magic == 1 && (wrapper.attributes & kLegacyTimestampTypeBit);
    return for_each_entry(inner, [&](const RawMessage& m) {
      // Unsigned arithmetic: the offsets are hostile input and must not overflow.
      const auto resolved = static_cast<uint64_t>(wrapper.offset) -
                            static_cast<uint64_t>(last_relative) + static_cast<uint64_t>(m.offset);
      const int64_t offset = wrapper.magic == 1 ? static_cast<int64_t>(resolved) : m.offset;
      return add(m, offset, log_append_time ? wrapper.timestamp : m.timestamp);
    });
  }

  Result<void, RecordsError> add(const RawMessage& m, int64_t offset, int64_t timestamp) {
    if (set_.messages.size() >= options_.max_messages) {
      return unexpected(RecordsError::kInvalidSize);
    }
    LegacyMessage out;
    out.magic = m.magic;
    out.offset = offset;
    out.timestamp = m.magic == 0 ? kNoTimestamp : timestamp;
    out.timestamp_type = (m.attributes & kLegacyTimestampTypeBit) ? TimestampType::kLogAppendTime
                                                                  : TimestampType::kCreateTime;
    out.key = m.key;
    out.value = m.value;
    set_.messages.push_back(out);
    return {};
  }

  Decompressor& decompressor_;
  const LegacyParseOptions& options_;
  LegacyMessageSet set_;
  size_t decompressed_bytes_ = 0;
};

}  // namespace

Result<LegacyMessageSet, RecordsError> parse_legacy_message_set(std::span<const uint8_t> buffer,
                                                                Decompressor& decompressor,
                                                                const LegacyParseOptions& options) {
  SetParser parser(decompressor, options);
  auto ok = for_each_entry(buffer, [&](const RawMessage& m) { return parser.outer(m); });
  if (!ok) return unexpected(ok.error());
  return parser.take();
}

Result<std::vector<uint8_t>, RecordsError> up_convert_legacy(std::span<const uint8_t> buffer,
                                                             Decompressor& decompressor,
                                                             const UpConvertOptions& options) {
  auto set = parse_legacy_message_set(buffer, decompressor, options.parse);
  if (!set) return unexpected(set.error());
  if (set->messages.empty()) return unexpected(RecordsError::kInvalidRecord);
  BatchOptions batch;
  batch.compression = options.target.value_or(set->source_compression);
  batch.timestamp_type = options.timestamp_type;
  batch.log_append_time = options.log_append_time;
  BatchBuilder builder(batch);
  for (const LegacyMessage& m : set->messages) {
    RecordInput record;
    record.timestamp = m.timestamp;
    record.key = m.key;
    record.value = m.value;
    builder.append(record);
  }
  std::vector<uint8_t> out;
  if (auto ok = builder.finish(out); !ok) return unexpected(ok.error());
  return out;
}

}  // namespace gregor::records
