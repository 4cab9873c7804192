#include "gregor/log/log_error.h"

namespace gregor::log {

ErrorCode to_error_code(const LogError& error) {
  switch (error.code) {
    case LogErrc::kBadRecords:
      return records::to_error_code(error.records);
    case LogErrc::kInvalidRecord:
      return ErrorCode::kInvalidRecord;
    case LogErrc::kMessageTooLarge:
      return ErrorCode::kMessageTooLarge;
    case LogErrc::kRecordListTooLarge:
      return ErrorCode::kRecordListTooLarge;
    case LogErrc::kInvalidTimestamp:
      return ErrorCode::kInvalidTimestamp;
    case LogErrc::kOffsetOutOfRange:
      return ErrorCode::kOffsetOutOfRange;
    case LogErrc::kStorageError:
      return ErrorCode::kKafkaStorageError;
    case LogErrc::kLogDirNotFound:
      return ErrorCode::kLogDirNotFound;
    case LogErrc::kNotFound:
      return ErrorCode::kUnknownTopicOrPartition;
    // A pending request whose log went away or was cut back by replication: the broker
    // is no longer the leader for that data.
    case LogErrc::kLogClosed:
      return ErrorCode::kNotLeaderOrFollower;
    case LogErrc::kTruncated:
      return ErrorCode::kNotLeaderOrFollower;
    case LogErrc::kInconsistentMeta:
      return ErrorCode::kUnknownServerError;
    case LogErrc::kInvalidArgument:
      return ErrorCode::kUnknownServerError;
  }
  return ErrorCode::kUnknownServerError;
}

}  // namespace gregor::log
