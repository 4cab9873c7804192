// Per-topic configuration: the overrides a topic carries (CreateTopics configs, AlterConfigs,
// /config/topics/<name> in ZooKeeper) layered over the broker's defaults.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/config/broker_config.h"
#include "gregor/config/config_error.h"
#include "gregor/config/describe.h"
#include "gregor/config/properties.h"

namespace gregor::config {

enum class TimestampType : int8_t { kCreateTime, kLogAppendTime };

// The effective settings of one topic, typed, for the log and the request handlers.
struct TopicConfig {
  int32_t segment_bytes = 0;
  int64_t segment_ms = 0;
  int64_t segment_jitter_ms = 0;
  int32_t segment_index_bytes = 0;
  int32_t index_interval_bytes = 0;
  int64_t flush_messages = 0;
  int64_t flush_ms = 0;
  int64_t retention_bytes = 0;
  int64_t retention_ms = 0;  // -1: keep forever.
  int32_t max_message_bytes = 0;
  bool cleanup_delete = false;   // cleanup.policy contains "delete".
  bool cleanup_compact = false;  // cleanup.policy contains "compact".
  double min_cleanable_dirty_ratio = 0;
  int64_t delete_retention_ms = 0;
  int64_t min_compaction_lag_ms = 0;
  int64_t max_compaction_lag_ms = 0;
  int64_t file_delete_delay_ms = 0;
  std::string compression_type;  // "producer", "uncompressed", "gzip", "snappy", "lz4", "zstd".
  int32_t compression_gzip_level = 0;
  int32_t compression_lz4_level = 0;
  int32_t compression_zstd_level = 0;
  TimestampType message_timestamp_type = TimestampType::kCreateTime;
  // The limits on CreateTime timestamps. Kafka falls back to the deprecated
  // message.timestamp.difference.max.ms for a limit left at its default (Long.MAX_VALUE).
  int64_t message_timestamp_before_max_ms = 0;
  int64_t message_timestamp_after_max_ms = 0;
  int32_t min_insync_replicas = 0;
  bool unclean_leader_election_enable = false;
  bool preallocate = false;
  bool message_downconversion_enable = false;
  ConfigList leader_replication_throttled_replicas;
  ConfigList follower_replication_throttled_replicas;

  // Validates `overrides` (see validate_topic_overrides) and builds the effective settings.
  static Result<TopicConfig, ConfigError> create(const BrokerConfig& broker,
                                                 const Properties& overrides);
};

// Checks a set of topic overrides as CreateTopics and AlterConfigs receive them. Every name
// must be a topic config ("Unknown topic config name: x"), every value must parse and pass its
// validator ("Invalid value x for configuration y: why"), and the combination with the broker
// defaults must be consistent (min.compaction.lag.ms <= max.compaction.lag.ms; no tiered
// storage). Errors carry INVALID_CONFIG.
Result<void, ConfigError> validate_topic_overrides(const BrokerConfig& broker,
                                                   const Properties& overrides);

// The effective value of one topic key: the override if present (and valid), else the broker
// default. For keys that topic_config_keys() does not know, the empty value.
ConfigValue topic_value(const BrokerConfig& broker, const Properties& overrides,
                        std::string_view name);

// DescribeConfigs for a TOPIC resource: every topic key (or those in `names`) with its
// effective value. An override reports source TOPIC_CONFIG and heads the synonym list;
// otherwise the source is the first synonym's, following Kafka's rules.
std::vector<ConfigEntry> describe_topic(const BrokerConfig& broker, const Properties& overrides,
                                        const DescribeOptions& options,
                                        std::span<const std::string> names = {});

}  // namespace gregor::config
