#include "gregor/config/topic_config.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "gregor/config/topic_keys.h"

namespace gregor::config {

Result<void, ConfigError> validate_topic_overrides(const BrokerConfig& broker,
                                                   const Properties& overrides) {
  for (const auto& [name, text] : overrides) {
    const ConfigKey* key = find_topic_key(name);
    if (key == nullptr) {
      return unexpected(config_error(name, fmt::format("Unknown topic config name: {}", name)));
    }
    if (auto v = parse_and_validate(*key, text); !v) return unexpected(v.error());
  }
  // Rules across keys see the overrides on top of the broker defaults, as Kafka checks them.
  auto as_long = [&](std::string_view name) {
    auto v = topic_value(broker, overrides, name);
    return std::holds_alternative<int64_t>(v) ? std::get<int64_t>(v) : 0;
  };
  int64_t min_lag = as_long("min.compaction.lag.ms");
  int64_t max_lag = as_long("max.compaction.lag.ms");
  if (min_lag > max_lag) {
    return unexpected(
        config_error("min.compaction.lag.ms",
                     fmt::format("conflict topic config setting min.compaction.lag.ms ({}) > "
                                 "max.compaction.lag.ms ({})",
                                 min_lag, max_lag)));
  }
  auto remote = topic_value(broker, overrides, "remote.storage.enable");
  if (std::holds_alternative<bool>(remote) && std::get<bool>(remote)) {
    return unexpected(config_error("remote.storage.enable",
                                   "Tiered Storage functionality is disabled in the broker. Topic "
                                   "cannot be configured with remote log storage."));
  }
  return {};
}

ConfigValue topic_value(const BrokerConfig& broker, const Properties& overrides,
                        std::string_view name) {
  const ConfigKey* key = find_topic_key(name);
  if (key == nullptr) return {};
  auto it = overrides.find(name);
  if (it != overrides.end()) {
    auto v = parse_and_validate(*key, it->second);
    if (v.ok()) return *v;
  }
  return broker.topic_default(*key);
}

namespace {

// Typed reads of effective values. The tables guarantee the types, so a mismatch can only be
// a table bug; it yields a zero value rather than undefined behaviour.
struct Reader {
  const BrokerConfig& broker;
  const Properties& overrides;

  ConfigValue get(std::string_view name) const { return topic_value(broker, overrides, name); }
  int64_t i64(std::string_view name) const {
    auto v = get(name);
    if (auto* l = std::get_if<int64_t>(&v)) return *l;
    if (auto* i = std::get_if<int32_t>(&v)) return *i;
    return 0;
  }
  int32_t i32(std::string_view name) const {
    auto v = get(name);
    auto* i = std::get_if<int32_t>(&v);
    return i != nullptr ? *i : 0;
  }
  bool flag(std::string_view name) const {
    auto v = get(name);
    auto* b = std::get_if<bool>(&v);
    return b != nullptr && *b;
  }
  double real(std::string_view name) const {
    auto v = get(name);
    auto* d = std::get_if<double>(&v);
    return d != nullptr ? *d : 0.0;
  }
  std::string text(std::string_view name) const {
    auto v = get(name);
    auto* s = std::get_if<std::string>(&v);
    return s != nullptr ? *s : std::string();
  }
  ConfigList list(std::string_view name) const {
    auto v = get(name);
    auto* l = std::get_if<ConfigList>(&v);
    return l != nullptr ? *l : ConfigList{};
  }
};

bool contains(const ConfigList& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

Result<TopicConfig, ConfigError> TopicConfig::create(const BrokerConfig& broker,
                                                     const Properties& overrides) {
  if (auto ok = validate_topic_overrides(broker, overrides); !ok) return unexpected(ok.error());
  Reader r{broker, overrides};
  TopicConfig c;
  c.segment_bytes = r.i32("segment.bytes");
  c.segment_ms = r.i64("segment.ms");
  c.segment_jitter_ms = r.i64("segment.jitter.ms");
  c.segment_index_bytes = r.i32("segment.index.bytes");
  c.index_interval_bytes = r.i32("index.interval.bytes");
  c.flush_messages = r.i64("flush.messages");
  c.flush_ms = r.i64("flush.ms");
  c.retention_bytes = r.i64("retention.bytes");
  c.retention_ms = r.i64("retention.ms");
  c.max_message_bytes = r.i32("max.message.bytes");
  ConfigList policy = r.list("cleanup.policy");
  c.cleanup_delete = contains(policy, "delete");
  c.cleanup_compact = contains(policy, "compact");
  c.min_cleanable_dirty_ratio = r.real("min.cleanable.dirty.ratio");
  c.delete_retention_ms = r.i64("delete.retention.ms");
  c.min_compaction_lag_ms = r.i64("min.compaction.lag.ms");
  c.max_compaction_lag_ms = r.i64("max.compaction.lag.ms");
  c.file_delete_delay_ms = r.i64("file.delete.delay.ms");
  c.compression_type = r.text("compression.type");
  c.compression_gzip_level = r.i32("compression.gzip.level");
  c.compression_lz4_level = r.i32("compression.lz4.level");
  c.compression_zstd_level = r.i32("compression.zstd.level");
  c.message_timestamp_type = r.text("message.timestamp.type") == "LogAppendTime"
                                 ? TimestampType::kLogAppendTime
                                 : TimestampType::kCreateTime;
  constexpr int64_t kUnset = std::numeric_limits<int64_t>::max();
  int64_t difference = r.i64("message.timestamp.difference.max.ms");
  int64_t before = r.i64("message.timestamp.before.max.ms");
  int64_t after = r.i64("message.timestamp.after.max.ms");
  c.message_timestamp_before_max_ms = before != kUnset ? before : difference;
  c.message_timestamp_after_max_ms = after != kUnset ? after : difference;
  c.min_insync_replicas = r.i32("min.insync.replicas");
  c.unclean_leader_election_enable = r.flag("unclean.leader.election.enable");
  c.preallocate = r.flag("preallocate");
  c.message_downconversion_enable = r.flag("message.downconversion.enable");
  c.leader_replication_throttled_replicas = r.list("leader.replication.throttled.replicas");
  c.follower_replication_throttled_replicas = r.list("follower.replication.throttled.replicas");
  return c;
}

std::vector<ConfigEntry> describe_topic(const BrokerConfig& broker, const Properties& overrides,
                                        const DescribeOptions& options,
                                        std::span<const std::string> names) {
  std::vector<ConfigEntry> out;
  for (const auto& key : topic_config_keys()) {
    if (!names.empty() && std::find(names.begin(), names.end(), key.name) == names.end()) continue;
    ConfigEntry e;
    e.name = std::string(key.name);
    e.type = key.type;
    e.sensitive = key.type == ConfigType::kPassword;
    e.read_only = false;
    if (!e.sensitive) e.value = to_config_string(topic_value(broker, overrides, key.name));
    std::vector<ConfigSynonymEntry> synonyms;
    if (!key.broker_synonym.empty())
      synonyms = broker.synonym_entries(key.broker_synonym, e.sensitive);
    if (overrides.count(e.name) != 0) {
      synonyms.insert(synonyms.begin(), {e.name, e.value, ConfigSource::kTopicConfig});
    }
    e.source = synonyms.empty() ? ConfigSource::kDefaultConfig : synonyms.front().source;
    if (options.include_documentation) e.documentation = std::string(key.doc);
    if (options.include_synonyms) e.synonyms = std::move(synonyms);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace gregor::config
