// The records module's error values and their single mapping to Kafka error codes.
#pragma once

#include <cstdint>
#include <string_view>

#include "gregor/common/error_code.h"

namespace gregor::records {

// Why a batch, record or compressed payload was rejected. The distinction between
// kTruncated and the rest matters to log recovery: a partial batch at the tail of a segment
// is expected after a crash, while any other error means corruption.
enum class RecordsError : uint8_t {
  kTruncated,             // Fewer bytes than a header or than the declared length.
  kInvalidSize,           // A declared batch/message length below the minimum or above a cap.
  kInvalidMagic,          // Magic byte is not the one the parser handles.
  kCrcMismatch,           // Stored CRC differs from the computed one.
  kInvalidRecord,         // Malformed record: bad varint, negative length, length past end.
  kRecordCountMismatch,   // Declared record count differs from the records present.
  kInvalidOffsetDelta,    // Offset deltas out of order or outside the declared range.
  kUnknownCompression,    // Compression id that Kafka does not define (5..7).
  kDecompressionFailed,   // The codec rejected the compressed payload.
  kDecompressedTooLarge,  // Decompressed output would exceed the caller's cap.
  kCompressionFailed,     // The codec failed while compressing (an internal error).
  kInvalidArgument,       // Caller passed values the format cannot represent.
};

// The Kafka error code a client sees for this error: CORRUPT_MESSAGE for damage to the
// framing (size, magic, CRC, truncation, undecodable compression), INVALID_RECORD for bad
// record content, UNKNOWN_SERVER_ERROR for internal failures.
ErrorCode to_error_code(RecordsError error);

// A short stable name for logs, e.g. "crc_mismatch".
std::string_view to_string(RecordsError error);

}  // namespace gregor::records
