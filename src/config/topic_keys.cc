// Topic-level keys of Kafka 3.9 (TopicConfig / LogConfig) with their broker synonyms.
// Defaults and validators are Kafka's; the descriptions are our own.
#include "gregor/config/topic_keys.h"

#include "choices.h"
#include "key_tables.h"

namespace gregor::config {

namespace tables {
namespace {

constexpr ConfigKey kTopicKeys[] = {
    topic_row("cleanup.policy", kList, "delete", list_of(choices::kCleanupPolicies),
              "What happens to old segments: delete, compact, or both.", "log.cleanup.policy"),
    topic_row("compression.type", kString, "producer", one_of(choices::kCompressionTypes),
              "Codec for stored batches; producer keeps what the producer sent.",
              "compression.type"),
    topic_row("compression.gzip.level", kInt, "-1", custom(choices::check_gzip_level),
              "gzip level when the broker recompresses.", "compression.gzip.level"),
    topic_row("compression.lz4.level", kInt, "9", between(1, 17),
              "lz4 level when the broker recompresses.", "compression.lz4.level"),
    topic_row("compression.zstd.level", kInt, "3", between(-131072, 22),
              "zstd level when the broker recompresses.", "compression.zstd.level"),
    topic_row("delete.retention.ms", kLong, "86400000", at_least(0),
              "How long tombstones stay readable in a compacted topic.",
              "log.cleaner.delete.retention.ms"),
    topic_row("file.delete.delay.ms", kLong, "60000", at_least(0),
              "Wait between marking a segment deleted and removing its files.",
              "log.segment.delete.delay.ms"),
    topic_row("flush.messages", kLong, kLongMax, at_least(1),
              "Records appended before the partition is fsynced.", "log.flush.interval.messages"),
    topic_row("flush.ms", kLong, kLongMax, at_least(0),
              "Age of unflushed data that forces an fsync.", "log.flush.interval.ms"),
    topic_row("follower.replication.throttled.replicas", kList, "",
              custom(choices::check_throttled_replicas),
              "Follower replicas whose replication is throttled: * or partition:broker list.", ""),
    topic_row("index.interval.bytes", kInt, "4096", at_least(0),
              "Bytes of records between two offset index entries.", "log.index.interval.bytes"),
    topic_row("leader.replication.throttled.replicas", kList, "",
              custom(choices::check_throttled_replicas),
              "Leader replicas whose replication is throttled: * or partition:broker list.", ""),
    topic_row("local.retention.bytes", kLong, "-2", at_least(-2),
              "Tiered storage local size limit; -2 follows retention.bytes.",
              "log.local.retention.bytes"),
    topic_row("local.retention.ms", kLong, "-2", at_least(-2),
              "Tiered storage local retention; -2 follows retention.ms.", "log.local.retention.ms"),
    topic_row("max.compaction.lag.ms", kLong, kLongMax, at_least(1),
              "Maximum time a record may stay uncompacted.", "log.cleaner.max.compaction.lag.ms"),
    topic_row("max.message.bytes", kInt, "1048588", at_least(0),
              "Largest record batch the topic accepts, after compression.", "message.max.bytes"),
    topic_row("message.downconversion.enable", kBoolean, "true", kAny,
              "Whether fetches from old clients get records converted to their format.",
              "log.message.downconversion.enable"),
    topic_row("message.format.version", kString, "3.0-IV1", custom(choices::check_metadata_version),
              "Legacy message format setting, ignored from version 3.0 on.",
              "log.message.format.version"),
    topic_row("message.timestamp.after.max.ms", kLong, kLongMax, at_least(0),
              "How far in the future a CreateTime timestamp may be.",
              "log.message.timestamp.after.max.ms"),
    topic_row("message.timestamp.before.max.ms", kLong, kLongMax, at_least(0),
              "How far in the past a CreateTime timestamp may be.",
              "log.message.timestamp.before.max.ms"),
    topic_row("message.timestamp.difference.max.ms", kLong, kLongMax, at_least(0),
              "Deprecated: largest accepted gap between a CreateTime and the broker clock.",
              "log.message.timestamp.difference.max.ms"),
    topic_row("message.timestamp.type", kString, "CreateTime", one_of(choices::kTimestampTypes),
              "Whether record timestamps are the producer's or the broker's.",
              "log.message.timestamp.type"),
    topic_row("min.cleanable.dirty.ratio", kDouble, "0.5", between(0, 1),
              "Share of uncompacted bytes that makes the log eligible for cleaning.",
              "log.cleaner.min.cleanable.ratio"),
    topic_row("min.compaction.lag.ms", kLong, "0", at_least(0),
              "Minimum age of a record before compaction may remove it.",
              "log.cleaner.min.compaction.lag.ms"),
    topic_row("min.insync.replicas", kInt, "1", at_least(1),
              "In-sync replicas an acks=all write needs, else NOT_ENOUGH_REPLICAS.",
              "min.insync.replicas"),
    topic_row("preallocate", kBoolean, "false", kAny, "Whether new segment files are preallocated.",
              "log.preallocate"),
    topic_row("remote.log.copy.disable", kBoolean, "false", kAny,
              "Tiered storage: stop copying segments to remote storage.", ""),
    topic_row("remote.log.delete.on.disable", kBoolean, "false", kAny,
              "Tiered storage: delete remote data when remote storage is turned off.", ""),
    topic_row("remote.storage.enable", kBoolean, "false", kAny,
              "Tiered storage for this topic; gregor has none and accepts only false.", ""),
    topic_row("retention.bytes", kLong, "-1", kAny,
              "Partition size beyond which the oldest segments are deleted; -1 means no limit.",
              "log.retention.bytes"),
    topic_row("retention.ms", kLong, "604800000", at_least(-1),
              "Age after which segments are deleted; -1 keeps them forever.", "log.retention.ms"),
    topic_row("segment.bytes", kInt, "1073741824", at_least(14),
              "Size at which a segment file is closed and a new one started.", "log.segment.bytes"),
    topic_row("segment.index.bytes", kInt, "10485760", at_least(4),
              "Largest offset index file; a full index rolls the segment.",
              "log.index.size.max.bytes"),
    topic_row("segment.jitter.ms", kLong, "0", at_least(0),
              "Random amount subtracted from segment.ms so segments do not roll together.",
              "log.roll.jitter.ms"),
    topic_row("segment.ms", kLong, "604800000", at_least(1),
              "Age at which a segment is rolled even if not full.", "log.roll.ms"),
    topic_row("unclean.leader.election.enable", kBoolean, "false", kAny,
              "Whether an out-of-sync replica may become leader, at the cost of lost records.",
              "unclean.leader.election.enable"),
};

}  // namespace
}  // namespace tables

std::span<const ConfigKey> topic_config_keys() {
  return tables::kTopicKeys;
}

const ConfigKey* find_topic_key(std::string_view name) {
  for (const auto& key : tables::kTopicKeys) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

}  // namespace gregor::config
