#include "gregor/config/topic_config.h"

#include <gtest/gtest.h>

#include <limits>

namespace gregor::config {
namespace {

using S = ConfigSource;
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();

BrokerConfig broker(Properties extra = {}) {
  extra["zookeeper.connect"] = "zk:2181";
  auto r = BrokerConfig::create(extra);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return std::move(*r);
}

ConfigError error_for(const Properties& overrides, Properties broker_props = {}) {
  auto r = validate_topic_overrides(broker(std::move(broker_props)), overrides);
  EXPECT_FALSE(r.ok());
  return r.ok() ? ConfigError{} : r.error();
}

TEST(TopicConfigTest, DefaultsFromBroker) {
  auto c = TopicConfig::create(broker(), {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->retention_ms, 604800000);
  EXPECT_EQ(c->retention_bytes, -1);
  EXPECT_EQ(c->segment_bytes, 1073741824);
  EXPECT_EQ(c->segment_ms, 604800000);
  EXPECT_EQ(c->segment_index_bytes, 10485760);
  EXPECT_EQ(c->index_interval_bytes, 4096);
  EXPECT_EQ(c->max_message_bytes, 1048588);
  EXPECT_EQ(c->flush_messages, kLongMax);
  EXPECT_EQ(c->flush_ms, kLongMax);
  EXPECT_TRUE(c->cleanup_delete);
  EXPECT_FALSE(c->cleanup_compact);
  EXPECT_EQ(c->compression_type, "producer");
  EXPECT_EQ(c->message_timestamp_type, TimestampType::kCreateTime);
  EXPECT_EQ(c->min_insync_replicas, 1);
  EXPECT_EQ(c->min_cleanable_dirty_ratio, 0.5);
  EXPECT_EQ(c->message_timestamp_before_max_ms, kLongMax);
  EXPECT_TRUE(c->message_downconversion_enable);
}

TEST(TopicConfigTest, BrokerSettingsBecomeTopicDefaults) {
  auto b = broker({{"log.retention.hours", "24"},
                   {"log.roll.hours", "1"},
                   {"message.max.bytes", "2000"},
                   {"log.cleanup.policy", "compact,delete"},
                   {"min.insync.replicas", "2"},
                   {"log.message.timestamp.type", "LogAppendTime"}});
  auto c = TopicConfig::create(b, {});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->retention_ms, 86400000);
  EXPECT_EQ(c->segment_ms, 3600000);
  EXPECT_EQ(c->max_message_bytes, 2000);
  EXPECT_TRUE(c->cleanup_compact);
  EXPECT_TRUE(c->cleanup_delete);
  EXPECT_EQ(c->min_insync_replicas, 2);
  EXPECT_EQ(c->message_timestamp_type, TimestampType::kLogAppendTime);
}

TEST(TopicConfigTest, OverridesWin) {
  auto c =
      TopicConfig::create(broker({{"log.retention.hours", "24"}}), {{"retention.ms", "1000"},
                                                                    {"cleanup.policy", "compact"},
                                                                    {"max.message.bytes", "5000"},
                                                                    {"compression.type", "zstd"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->retention_ms, 1000);
  EXPECT_TRUE(c->cleanup_compact);
  EXPECT_FALSE(c->cleanup_delete);
  EXPECT_EQ(c->max_message_bytes, 5000);
  EXPECT_EQ(c->compression_type, "zstd");
}

TEST(TopicConfigTest, TimestampLimitsFallBackToDifference) {
  auto c = TopicConfig::create(broker(), {{"message.timestamp.difference.max.ms", "60000"},
                                          {"message.timestamp.after.max.ms", "1000"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->message_timestamp_before_max_ms, 60000);
  EXPECT_EQ(c->message_timestamp_after_max_ms, 1000);
}

TEST(TopicConfigTest, ValidationErrors) {
  auto unknown = error_for({{"retention.hours", "1"}});
  EXPECT_EQ(unknown.code, ErrorCode::kInvalidConfig);
  EXPECT_EQ(unknown.key, "retention.hours");
  EXPECT_EQ(unknown.message, "Unknown topic config name: retention.hours");
  EXPECT_EQ(error_for({{"retention.ms", "abc"}}).message,
            "Invalid value abc for configuration retention.ms: Not a number of type LONG");
  EXPECT_EQ(error_for({{"retention.ms", "-2"}}).message,
            "Invalid value -2 for configuration retention.ms: Value must be at least -1");
  EXPECT_EQ(error_for({{"segment.bytes", "10"}}).message,
            "Invalid value 10 for configuration segment.bytes: Value must be at least 14");
  EXPECT_EQ(error_for({{"cleanup.policy", "compact,foo"}}).message,
            "Invalid value foo for configuration cleanup.policy: String must be one of: compact, "
            "delete");
  EXPECT_EQ(error_for({{"min.cleanable.dirty.ratio", "1.5"}}).message,
            "Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more "
            "than 1");
  EXPECT_EQ(error_for({{"message.timestamp.type", "createtime"}}).key, "message.timestamp.type");
  EXPECT_EQ(error_for({{"compression.gzip.level", "12"}}).key, "compression.gzip.level");
  EXPECT_EQ(error_for({{"leader.replication.throttled.replicas", "0:1,x"}}).key,
            "leader.replication.throttled.replicas");
}

TEST(TopicConfigTest, CrossKeyErrorsSeeBrokerDefaults) {
  EXPECT_EQ(
      error_for({{"min.compaction.lag.ms", "100"}, {"max.compaction.lag.ms", "10"}}).message,
      "conflict topic config setting min.compaction.lag.ms (100) > max.compaction.lag.ms (10)");
  EXPECT_EQ(
      error_for({{"min.compaction.lag.ms", "100"}}, {{"log.cleaner.max.compaction.lag.ms", "50"}})
          .key,
      "min.compaction.lag.ms");
  EXPECT_EQ(error_for({{"remote.storage.enable", "true"}}).key, "remote.storage.enable");
}

TEST(TopicConfigTest, ValidOverridesPass) {
  EXPECT_TRUE(
      validate_topic_overrides(broker(), {{"retention.ms", "-1"},
                                          {"leader.replication.throttled.replicas", "*"},
                                          {"follower.replication.throttled.replicas", "0:1,1:2"},
                                          {"compression.gzip.level", "-1"},
                                          {"message.format.version", "2.8-IV1"}})
          .ok());
}

ConfigEntry describe_one(const BrokerConfig& b, const Properties& overrides, std::string name) {
  std::vector<std::string> names{name};
  auto entries = describe_topic(b, overrides, {.include_synonyms = true}, names);
  EXPECT_EQ(entries.size(), 1u);
  return entries.empty() ? ConfigEntry{} : entries[0];
}

TEST(TopicConfigTest, DescribeDefaultsReportBrokerSynonyms) {
  auto b = broker();
  auto seg = describe_one(b, {}, "segment.bytes");
  EXPECT_EQ(seg.value, "1073741824");
  EXPECT_EQ(seg.source, S::kDefaultConfig);
  EXPECT_FALSE(seg.read_only);
  EXPECT_EQ(
      seg.synonyms,
      (std::vector<ConfigSynonymEntry>{{"log.segment.bytes", "1073741824", S::kDefaultConfig}}));
  auto max = describe_one(b, {}, "max.message.bytes");
  EXPECT_EQ(max.synonyms,
            (std::vector<ConfigSynonymEntry>{{"message.max.bytes", "1048588", S::kDefaultConfig}}));
  // As in Kafka, retention.ms lists no synonyms while only log.retention.hours is set.
  auto retention = describe_one(b, {}, "retention.ms");
  EXPECT_EQ(retention.value, "604800000");
  EXPECT_EQ(retention.source, S::kDefaultConfig);
  EXPECT_TRUE(retention.synonyms.empty());
  auto remote = describe_one(b, {}, "remote.storage.enable");
  EXPECT_EQ(remote.value, "false");
  EXPECT_TRUE(remote.synonyms.empty());
}

TEST(TopicConfigTest, DescribeStaticAndTopicSources) {
  auto b = broker({{"log.segment.bytes", "1000000"}, {"log.retention.ms", "5000"}});
  auto seg = describe_one(b, {}, "segment.bytes");
  EXPECT_EQ(seg.value, "1000000");
  EXPECT_EQ(seg.source, S::kStaticBrokerConfig);
  auto retention = describe_one(b, {{"retention.ms", "1000"}}, "retention.ms");
  EXPECT_EQ(retention.value, "1000");
  EXPECT_EQ(retention.source, S::kTopicConfig);
  EXPECT_EQ(retention.synonyms,
            (std::vector<ConfigSynonymEntry>{{"retention.ms", "1000", S::kTopicConfig},
                                             {"log.retention.ms", "5000", S::kStaticBrokerConfig},
                                             {"log.retention.hours", "168", S::kDefaultConfig}}));
}

TEST(TopicConfigTest, DescribeAllKeys) {
  auto entries = describe_topic(broker(), {}, {});
  EXPECT_GE(entries.size(), 30u);
  for (const auto& e : entries)
    EXPECT_FALSE(e.read_only) << e.name;
}

}  // namespace
}  // namespace gregor::config
