// Records inside a v2 batch: zero-copy views and a bounds-checked iterator.
//
// Each record (after the batch header, once decompressed) is:
//
//   length          varint  bytes that follow this field
//   attributes      int8    unused, 0
//   timestampDelta  varlong relative to the batch's baseTimestamp
//   offsetDelta     varint  relative to the batch's baseOffset
//   keyLength       varint  -1 means null
//   key             bytes
//   valueLength     varint  -1 means null
//   value           bytes
//   headerCount     varint
//   headers         [keyLength varint, key, valueLength varint (-1 = null), value] ...
//
// All varints are zigzag-encoded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "gregor/common/result.h"
#include "gregor/records/compression.h"
#include "gregor/records/record_batch.h"
#include "gregor/records/records_error.h"

namespace gregor::records {

using Bytes = std::span<const uint8_t>;
// A nullable byte field: std::nullopt for null, an empty span for empty.
using NullableBytes = std::optional<Bytes>;

struct HeaderView {
  std::string_view key;
  NullableBytes value;
};

// Walks the already-validated header bytes of one record.
class HeaderIterator {
 public:
  HeaderIterator() = default;
  HeaderIterator(Bytes encoded, int32_t count) : encoded_(encoded), remaining_(count) {}

  // Reads the next header into *out; false when there are no more.
  bool next(HeaderView* out);

 private:
  Bytes encoded_;
  size_t position_ = 0;
  int32_t remaining_ = 0;
};

// One record. The spans point into the batch bytes (or the decompressor's buffer) and are
// valid as long as those are.
struct RecordView {
  int8_t attributes = 0;
  int64_t timestamp_delta = 0;
  int32_t offset_delta = 0;
  NullableBytes key;
  NullableBytes value;
  int32_t header_count = 0;
  // The encoded headers (after the count), already bounds-checked.
  Bytes header_bytes;
  // The whole encoded record including its length prefix.
  Bytes encoded;

  HeaderIterator headers() const { return HeaderIterator(header_bytes, header_count); }
};

// Iterates the records of an uncompressed record section. Every length and count is
// checked against the bytes that remain; nothing is allocated.
class RecordIterator {
 public:
  RecordIterator() = default;
  // `data` is the record section (decompressed); `record_count` the batch's declared count.
  RecordIterator(Bytes data, int32_t record_count) : data_(data), remaining_(record_count) {}

  // Reads the next record into *out and returns true; returns false at the end, having
  // checked that the declared count of records used exactly all the bytes. Errors:
  // kInvalidRecord for malformed records, kRecordCountMismatch when records and bytes run
  // out at different times. After an error the iterator must not be used again.
  Result<bool, RecordsError> next(RecordView* out);

  // Records not yet read, per the declared count.
  int32_t remaining() const { return remaining_; }

 private:
  Bytes data_;
  size_t position_ = 0;
  int32_t remaining_ = 0;
};

// An iterator over a batch's records: in place for uncompressed batches, through
// `decompressor` (capped at `max_uncompressed_bytes`) otherwise. The iterator is valid
// until the next use of `decompressor`. Errors: kUnknownCompression and the
// decompressor's errors.
Result<RecordIterator, RecordsError> open_records(const RecordBatchView& batch,
                                                  Decompressor& decompressor,
                                                  size_t max_uncompressed_bytes);

// Control batches (transaction markers) hold one record whose key is
// [version int16 = 0][type int16]: 0 = abort, 1 = commit.
enum class ControlType : int16_t { kAbort = 0, kCommit = 1 };

// Parses a control record key. kInvalidRecord if it is null, shorter than 4 bytes, has a
// negative version, or a type other than abort and commit (a reader of the log may skip
// such records, as Kafka skips control types it does not know).
Result<ControlType, RecordsError> parse_control_key(const NullableBytes& key);

}  // namespace gregor::records
