// The log module's error values and their single mapping to Kafka error codes.
#pragma once

#include <string>
#include <utility>

#include "gregor/common/error_code.h"
#include "gregor/records/records_error.h"

namespace gregor::log {

enum class LogErrc : uint8_t {
  kBadRecords,          // A batch failed the records module's checks; see LogError::records.
  kInvalidRecord,       // A well-formed batch a client may not write (control batch, bad base).
  kMessageTooLarge,     // One batch is larger than max.message.bytes.
  kRecordListTooLarge,  // The whole append is larger than segment.bytes.
  kInvalidTimestamp,    // A record timestamp is outside the topic's allowed window.
  kOffsetOutOfRange,    // A read or lookup below the log start offset or past the log end.
  kStorageError,        // An I/O error; the log directory is (now) offline.
  kLogDirNotFound,      // A requested log directory is not one of the configured ones.
  kNotFound,            // No log for that partition.
  kLogClosed,           // The log was closed or deleted while the request was pending.
  kTruncated,           // The offsets a flush waited for were removed by a truncation.
  kInconsistentMeta,    // meta.properties disagree between directories or with the broker.
  kInvalidArgument,     // A caller passed values outside the documented range.
};

struct LogError {
  LogErrc code = LogErrc::kInvalidArgument;
  // Only meaningful when code == kBadRecords.
  records::RecordsError records = records::RecordsError::kInvalidArgument;
  // A human-readable explanation for logs and for the produce response's error message.
  std::string message;

  static LogError make(LogErrc code, std::string message) {
    return LogError{code, records::RecordsError::kInvalidArgument, std::move(message)};
  }
  static LogError bad_records(records::RecordsError error, std::string message) {
    return LogError{LogErrc::kBadRecords, error, std::move(message)};
  }
};

// The Kafka error code the broker returns for `error` (produce, fetch, list offsets, ...).
// kBadRecords defers to the records module's own mapping, so that mapping lives in one place.
ErrorCode to_error_code(const LogError& error);

}  // namespace gregor::log
