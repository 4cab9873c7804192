#include "gregor/records/records_error.h"

namespace gregor::records {

ErrorCode to_error_code(RecordsError error) {
  switch (error) {
    case RecordsError::kTruncated:
    case RecordsError::kInvalidSize:
    case RecordsError::kInvalidMagic:
    case RecordsError::kCrcMismatch:
    case RecordsError::kUnknownCompression:
    case RecordsError::kDecompressionFailed:
    case RecordsError::kDecompressedTooLarge:
      return ErrorCode::kCorruptMessage;
    case RecordsError::kInvalidRecord:
    case RecordsError::kRecordCountMismatch:
    case RecordsError::kInvalidOffsetDelta:
      return ErrorCode::kInvalidRecord;
    case RecordsError::kCompressionFailed:
    case RecordsError::kInvalidArgument:
      return ErrorCode::kUnknownServerError;
  }
  return ErrorCode::kUnknownServerError;
}

std::string_view to_string(RecordsError error) {
  switch (error) {
    case RecordsError::kTruncated:
      return "truncated";
    case RecordsError::kInvalidSize:
      return "invalid_size";
    case RecordsError::kInvalidMagic:
      return "invalid_magic";
    case RecordsError::kCrcMismatch:
      return "crc_mismatch";
    case RecordsError::kInvalidRecord:
      return "invalid_record";
    case RecordsError::kRecordCountMismatch:
      return "record_count_mismatch";
    case RecordsError::kInvalidOffsetDelta:
      return "invalid_offset_delta";
    case RecordsError::kUnknownCompression:
      return "unknown_compression";
    case RecordsError::kDecompressionFailed:
      return "decompression_failed";
    case RecordsError::kDecompressedTooLarge:
      return "decompressed_too_large";
    case RecordsError::kCompressionFailed:
      return "compression_failed";
    case RecordsError::kInvalidArgument:
      return "invalid_argument";
  }
  return "unknown";
}

}  // namespace gregor::records
