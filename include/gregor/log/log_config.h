// Per-partition log settings: the topic-level configs of Kafka (with the broker defaults
// as their defaults) that the storage engine acts on. The config module parses them; the
// broker fills this struct and hands it to the LogManager.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

#include "gregor/records/compression.h"
#include "gregor/records/record_batch.h"

namespace gregor::log {

inline constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max();

// compression.type: "producer" keeps whatever codec the producer used; any other value
// makes the leader re-encode batches that use a different codec.
struct TopicCompression {
  // std::nullopt means "producer".
  std::optional<records::Compression> codec;

  static TopicCompression producer() { return {}; }
  static TopicCompression of(records::Compression codec) { return {codec}; }
  // Parses Kafka's names: producer, uncompressed, gzip, snappy, lz4, zstd.
  static std::optional<TopicCompression> parse(std::string_view name);
};

struct LogConfig {
  // segment.bytes: roll when the active segment would grow past this. At most INT32_MAX,
  // because index entries hold 32-bit file positions.
  int32_t segment_bytes = 1073741824;
  // segment.ms / segment.jitter.ms: roll when the active segment's first batch is older
  // than this minus a random jitter drawn per segment from [0, jitter).
  int64_t segment_ms = 604800000;
  int64_t segment_jitter_ms = 0;
  // segment.index.bytes: the preallocated size of .index and .timeindex files.
  int32_t segment_index_bytes = 10485760;
  // index.interval.bytes: log bytes between two index entries.
  int32_t index_interval_bytes = 4096;
  // max.message.bytes: the largest batch a producer may append.
  int32_t max_message_bytes = 1048588;
  // retention.ms (-1: keep forever) and retention.bytes (-1: no size limit).
  int64_t retention_ms = 604800000;
  int64_t retention_bytes = -1;
  // cleanup.policy contains "delete". Compaction is not implemented; a compact-only topic
  // keeps all of its segments.
  bool cleanup_delete = true;
  // file.delete.delay.ms: how long a deleted segment stays on disk as *.deleted.
  int64_t file_delete_delay_ms = 60000;
  // flush.messages / flush.ms: fsync after this many messages or this long. The defaults
  // leave flushing to the OS, as Kafka does.
  int64_t flush_messages = kNoLimit;
  int64_t flush_ms = kNoLimit;
  // message.timestamp.type.
  records::TimestampType timestamp_type = records::TimestampType::kCreateTime;
  // message.timestamp.before.max.ms / after.max.ms: how far a CreateTime record may lie
  // before or after the broker's clock.
  int64_t timestamp_before_max_ms = kNoLimit;
  int64_t timestamp_after_max_ms = kNoLimit;
  // compression.type.
  TopicCompression compression;

  // The number of index entries a segment may hold before it has to roll.
  int32_t max_offset_index_entries() const { return segment_index_bytes / 8; }
  int32_t max_time_index_entries() const { return segment_index_bytes / 12; }
};

}  // namespace gregor::log
