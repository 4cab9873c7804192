// Kafka's plain-text checkpoint files:
//
//   0                      version
//   <n>                    number of entries
//   <entry>                n lines, fields separated by single spaces
//
// Offset checkpoints (recovery-point-offset-checkpoint, log-start-offset-checkpoint,
// replication-offset-checkpoint) hold "topic partition offset" lines; the
// leader-epoch-checkpoint holds "epoch startOffset" lines. Writes are atomic (temp file,
// fsync, rename, fsync of the directory).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "file.h"
#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"
#include "gregor/log/topic_partition.h"

namespace gregor::log {

inline constexpr std::string_view kRecoveryPointCheckpointFile = "recovery-point-offset-checkpoint";
inline constexpr std::string_view kLogStartOffsetCheckpointFile = "log-start-offset-checkpoint";
inline constexpr std::string_view kReplicationOffsetCheckpointFile =
    "replication-offset-checkpoint";
inline constexpr std::string_view kLeaderEpochCheckpointFile = "leader-epoch-checkpoint";

// The largest checkpoint file we read; a million partitions fit comfortably.
inline constexpr size_t kMaxCheckpointFileBytes = 256 * 1024 * 1024;

using OffsetMap = std::map<TopicPartition, Offset>;

struct EpochEntry {
  LeaderEpoch epoch;
  Offset start_offset;
  bool operator==(const EpochEntry&) const = default;
};

// Why a checkpoint could not be read: the file is unreadable (io) or malformed (format).
struct CheckpointError {
  bool io = false;
  std::string message;
};

std::string format_offset_checkpoint(const OffsetMap& offsets);
Result<OffsetMap, CheckpointError> parse_offset_checkpoint(std::string_view text);

std::string format_epoch_checkpoint(const std::vector<EpochEntry>& entries);
Result<std::vector<EpochEntry>, CheckpointError> parse_epoch_checkpoint(std::string_view text);

// Reads a checkpoint file; a missing file reads as empty, as Kafka treats it.
Result<OffsetMap, CheckpointError> read_offset_checkpoint(const std::filesystem::path& path);
Result<std::vector<EpochEntry>, CheckpointError> read_epoch_checkpoint(
    const std::filesystem::path& path);

IoResult<void> write_offset_checkpoint(const std::filesystem::path& path, const OffsetMap& offsets);
IoResult<void> write_epoch_checkpoint(const std::filesystem::path& path,
                                      const std::vector<EpochEntry>& entries);

}  // namespace gregor::log
