// Legacy message sets (magic 0 and 1) and their conversion to a v2 batch, as Kafka 3.9
// up-converts produce requests from old clients.
//
// A message set is a sequence of entries, each
//
//   offset int64, messageSize int32, then the message:
//   crc uint32 (CRC-32 of the rest of the message), magic int8, attributes int8,
//   timestamp int64 (magic 1 only), key bytes (int32 length, -1 = null), value bytes.
//
// attributes: bits 0-2 codec (gzip, snappy, lz4; no zstd), bit 3 timestamp type (magic 1).
// A compressed entry is a wrapper whose value is a compressed message set of inner
// messages. In magic 1 the inner offsets are relative (0..n-1) and the wrapper carries
// the absolute offset of the last inner message; in magic 0 they are absolute.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/records/batch_builder.h"
#include "gregor/records/compression.h"
#include "gregor/records/record.h"
#include "gregor/records/records_error.h"

namespace gregor::records {

// The smallest legal legacy messages, counted from the crc field.
inline constexpr size_t kLegacyV0MinMessageSize = 14;
inline constexpr size_t kLegacyV1MinMessageSize = 22;

// One message, after unwrapping compression.
struct LegacyMessage {
  int8_t magic = 0;
  // Absolute for magic 0 and uncompressed magic 1; for magic 1 inner messages, resolved
  // from the wrapper offset (wrapper - (n - 1) + relative).
  int64_t offset = 0;
  // kNoTimestamp for magic 0; for magic 1 the message timestamp, or the wrapper's when the
  // wrapper is marked LogAppendTime.
  int64_t timestamp = kNoTimestamp;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  NullableBytes key;
  NullableBytes value;
};

struct LegacyParseOptions {
  // Cap on the decompressed size of all wrappers' contents together.
  size_t max_uncompressed_bytes = size_t{64} << 20;
  // Cap on the number of messages (each costs a LegacyMessage entry).
  size_t max_messages = 1 << 20;
};

// The messages of a legacy message set, plus the codec of the (last) wrapper, which Kafka
// uses as the "source codec" when it re-compresses during up-conversion.
struct LegacyMessageSet {
  std::vector<LegacyMessage> messages;
  Compression source_compression = Compression::kNone;
  // Inner message sets decompressed from wrappers; the messages' spans point here or
  // into the input.
  std::vector<std::vector<uint8_t>> decompressed;
};

// Parses a whole legacy message set. Every entry must be magic 0 or 1, complete, with a
// matching CRC-32; compressed wrappers are unwrapped (one level; nested wrappers are
// corrupt). Errors: kTruncated, kInvalidSize, kInvalidMagic, kCrcMismatch, kInvalidRecord,
// kUnknownCompression (including zstd, which legacy messages cannot carry), and the
// decompressor's errors.
Result<LegacyMessageSet, RecordsError> parse_legacy_message_set(
    std::span<const uint8_t> buffer, Decompressor& decompressor,
    const LegacyParseOptions& options = {});

struct UpConvertOptions {
  // The codec of the resulting batch: the topic's compression.type, or std::nullopt for
  // "producer", which keeps the codec the legacy wrappers used.
  std::optional<Compression> target;
  TimestampType timestamp_type = TimestampType::kCreateTime;
  int64_t log_append_time = kNoTimestamp;
  LegacyParseOptions parse;
};

// Converts a legacy message set into one v2 batch with base offset 0 and offset deltas
// 0..n-1 (the leader assigns real offsets afterwards), keeping keys, values and
// timestamps; no producer id, no headers. Fails like parse_legacy_message_set(), and with
// kInvalidRecord for an empty set.
Result<std::vector<uint8_t>, RecordsError> up_convert_legacy(std::span<const uint8_t> buffer,
                                                             Decompressor& decompressor,
                                                             const UpConvertOptions& options);

}  // namespace gregor::records
