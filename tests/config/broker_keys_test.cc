// The key tables: every default parses and passes its validator, names are unique, and the
// defaults of the keys listed in kafka-operations.md section 1 equal Kafka's.
#include "gregor/config/broker_keys.h"

#include <gtest/gtest.h>

#include <set>

#include "gregor/config/topic_keys.h"

namespace gregor::config {
namespace {

std::optional<std::string> default_of(std::string_view name) {
  const ConfigKey* key = find_broker_key(name);
  EXPECT_NE(key, nullptr) << name;
  if (key == nullptr || key->default_value == nullptr) return std::nullopt;
  auto v = parse_value(*key, key->default_value);
  EXPECT_TRUE(v.ok()) << name;
  return v.ok() ? to_config_string(*v) : std::nullopt;
}

TEST(BrokerKeysTest, EveryDefaultParsesAndValidates) {
  for (auto table : {broker_config_keys(), topic_config_keys()}) {
    for (const auto& key : table) {
      EXPECT_FALSE(key.doc.empty()) << key.name;
      if (key.default_value == nullptr) continue;
      auto v = parse_and_validate(key, key.default_value);
      EXPECT_TRUE(v.ok()) << key.name << ": " << (v.ok() ? "" : v.error().message);
    }
  }
}

TEST(BrokerKeysTest, NamesAreUniqueAndIndexed) {
  std::set<std::string_view> names;
  int i = 0;
  for (const auto& key : broker_config_keys()) {
    EXPECT_TRUE(names.insert(key.name).second) << "duplicate " << key.name;
    EXPECT_EQ(broker_key_index(key.name), i++);
  }
  EXPECT_EQ(find_broker_key("no.such.key"), nullptr);
  EXPECT_EQ(broker_key_index("no.such.key"), -1);
}

// Kafka 3.x code defaults (KafkaConfig / LogConfig) for the keys kafka-operations.md lists.
TEST(BrokerKeysTest, DefaultsMatchKafka) {
  const std::pair<std::string_view, std::optional<std::string>> expected[] = {
      {"broker.id", "-1"},
      {"broker.id.generation.enable", "true"},
      {"reserved.broker.max.id", "1000"},
      {"listeners", "PLAINTEXT://:9092"},
      {"advertised.listeners", std::nullopt},
      {"listener.security.protocol.map",
       "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL"},
      {"inter.broker.listener.name", std::nullopt},
      {"security.inter.broker.protocol", "PLAINTEXT"},
      {"control.plane.listener.name", std::nullopt},
      {"broker.rack", std::nullopt},
      {"log.dirs", std::nullopt},
      {"log.dir", "/tmp/kafka-logs"},
      {"zookeeper.connect", std::nullopt},
      {"zookeeper.session.timeout.ms", "18000"},
      {"zookeeper.connection.timeout.ms", std::nullopt},
      {"zookeeper.max.in.flight.requests", "10"},
      {"zookeeper.set.acl", "false"},
      {"num.network.threads", "3"},
      {"num.io.threads", "8"},
      {"background.threads", "10"},
      {"queued.max.requests", "500"},
      {"socket.send.buffer.bytes", "102400"},
      {"socket.receive.buffer.bytes", "102400"},
      {"socket.request.max.bytes", "104857600"},
      {"socket.listen.backlog.size", "50"},
      {"max.connections", "2147483647"},
      {"max.connections.per.ip", "2147483647"},
      {"max.connections.per.ip.overrides", ""},
      {"connections.max.idle.ms", "600000"},
      {"request.timeout.ms", "30000"},
      {"message.max.bytes", "1048588"},
      {"num.partitions", "1"},
      {"default.replication.factor", "1"},
      {"min.insync.replicas", "1"},
      {"unclean.leader.election.enable", "false"},
      {"auto.create.topics.enable", "true"},
      {"delete.topic.enable", "true"},
      {"auto.leader.rebalance.enable", "true"},
      {"leader.imbalance.check.interval.seconds", "300"},
      {"leader.imbalance.per.broker.percentage", "10"},
      {"offsets.topic.replication.factor", "3"},
      {"offsets.topic.num.partitions", "50"},
      {"offsets.topic.segment.bytes", "104857600"},
      {"offsets.retention.minutes", "10080"},
      {"offsets.commit.timeout.ms", "5000"},
      {"transaction.state.log.replication.factor", "3"},
      {"transaction.state.log.min.isr", "2"},
      {"transaction.state.log.num.partitions", "50"},
      {"transaction.state.log.segment.bytes", "104857600"},
      {"transaction.max.timeout.ms", "900000"},
      {"transactional.id.expiration.ms", "604800000"},
      {"producer.id.expiration.ms", "86400000"},
      {"log.retention.hours", "168"},
      {"log.retention.minutes", std::nullopt},
      {"log.retention.ms", std::nullopt},
      {"log.retention.bytes", "-1"},
      {"log.retention.check.interval.ms", "300000"},
      {"log.segment.bytes", "1073741824"},
      {"log.roll.hours", "168"},
      {"log.roll.ms", std::nullopt},
      {"log.roll.jitter.hours", "0"},
      {"log.roll.jitter.ms", std::nullopt},
      {"log.index.size.max.bytes", "10485760"},
      {"log.index.interval.bytes", "4096"},
      {"log.segment.delete.delay.ms", "60000"},
      {"log.flush.interval.messages", "9223372036854775807"},
      {"log.flush.interval.ms", std::nullopt},
      {"log.flush.scheduler.interval.ms", "9223372036854775807"},
      {"log.flush.offset.checkpoint.interval.ms", "60000"},
      {"log.cleanup.policy", "delete"},
      {"log.cleaner.enable", "true"},
      {"log.cleaner.threads", "1"},
      {"log.cleaner.delete.retention.ms", "86400000"},
      {"log.cleaner.min.cleanable.ratio", "0.5"},
      {"log.cleaner.min.compaction.lag.ms", "0"},
      {"log.cleaner.max.compaction.lag.ms", "9223372036854775807"},
      {"log.message.timestamp.type", "CreateTime"},
      {"log.message.format.version", "3.0-IV1"},
      {"log.preallocate", "false"},
      {"num.recovery.threads.per.data.dir", "1"},
      {"compression.type", "producer"},
      {"group.initial.rebalance.delay.ms", "3000"},
      {"group.min.session.timeout.ms", "6000"},
      {"group.max.session.timeout.ms", "1800000"},
      {"group.max.size", "2147483647"},
      {"replica.lag.time.max.ms", "30000"},
      {"replica.fetch.max.bytes", "1048576"},
      {"replica.fetch.response.max.bytes", "10485760"},
      {"replica.fetch.wait.max.ms", "500"},
      {"replica.fetch.min.bytes", "1"},
      {"num.replica.fetchers", "1"},
      {"fetch.max.bytes", "57671680"},
      {"controlled.shutdown.enable", "true"},
      {"controlled.shutdown.max.retries", "3"},
      {"controlled.shutdown.retry.backoff.ms", "5000"},
  };
  for (const auto& [name, value] : expected)
    EXPECT_EQ(default_of(name), value) << name;
}

TEST(BrokerKeysTest, TopicDefaultsMatchKafka) {
  const std::pair<std::string_view, std::string_view> expected[] = {
      {"cleanup.policy", "delete"},
      {"retention.ms", "604800000"},
      {"retention.bytes", "-1"},
      {"segment.bytes", "1073741824"},
      {"segment.ms", "604800000"},
      {"segment.jitter.ms", "0"},
      {"segment.index.bytes", "10485760"},
      {"index.interval.bytes", "4096"},
      {"max.message.bytes", "1048588"},
      {"compression.type", "producer"},
      {"message.timestamp.type", "CreateTime"},
      {"min.insync.replicas", "1"},
      {"unclean.leader.election.enable", "false"},
      {"flush.messages", "9223372036854775807"},
      {"flush.ms", "9223372036854775807"},
      {"delete.retention.ms", "86400000"},
      {"min.compaction.lag.ms", "0"},
      {"max.compaction.lag.ms", "9223372036854775807"},
      {"min.cleanable.dirty.ratio", "0.5"},
      {"file.delete.delay.ms", "60000"},
      {"preallocate", "false"},
      {"message.format.version", "3.0-IV1"},
      {"message.downconversion.enable", "true"},
      {"message.timestamp.difference.max.ms", "9223372036854775807"},
      {"message.timestamp.before.max.ms", "9223372036854775807"},
      {"message.timestamp.after.max.ms", "9223372036854775807"},
      {"remote.storage.enable", "false"},
      {"local.retention.ms", "-2"},
      {"local.retention.bytes", "-2"},
      {"leader.replication.throttled.replicas", ""},
  };
  for (const auto& [name, value] : expected) {
    const ConfigKey* key = find_topic_key(name);
    ASSERT_NE(key, nullptr) << name;
    EXPECT_EQ(*to_config_string(*parse_value(*key, key->default_value)), value) << name;
  }
}

TEST(BrokerKeysTest, TopicSynonymsNameBrokerKeysOfTheSameType) {
  for (const auto& key : topic_config_keys()) {
    if (key.broker_synonym.empty()) continue;
    const ConfigKey* broker = find_broker_key(key.broker_synonym);
    ASSERT_NE(broker, nullptr) << key.name << " <- " << key.broker_synonym;
    // Chains turn hour and minute keys into LONG milliseconds; otherwise types agree.
    if (broker_synonyms(key.broker_synonym).size() == 1) {
      EXPECT_EQ(broker->type, key.type) << key.name;
    } else {
      EXPECT_EQ(key.type, ConfigType::kLong) << key.name;
    }
  }
  EXPECT_EQ(find_topic_key("max.message.bytes")->broker_synonym, "message.max.bytes");
  EXPECT_EQ(find_topic_key("retention.ms")->broker_synonym, "log.retention.ms");
  EXPECT_EQ(find_topic_key("segment.ms")->broker_synonym, "log.roll.ms");
  EXPECT_EQ(find_topic_key("no.such.key"), nullptr);
}

TEST(BrokerKeysTest, SynonymChains) {
  auto chain = broker_synonyms("log.retention.minutes");
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_EQ(chain[0].name, "log.retention.ms");
  EXPECT_EQ(chain[1].name, "log.retention.minutes");
  EXPECT_EQ(chain[1].factor, 60000);
  EXPECT_EQ(chain[2].name, "log.retention.hours");
  EXPECT_EQ(chain[2].factor, 3600000);
  EXPECT_EQ(broker_synonyms("log.roll.hours")[0].name, "log.roll.ms");
  EXPECT_EQ(broker_synonyms("log.flush.interval.ms")[1].name, "log.flush.scheduler.interval.ms");
  auto single = broker_synonyms("num.partitions");
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].name, "num.partitions");
}

TEST(BrokerKeysTest, UpdateModesMatchKafka) {
  EXPECT_EQ(find_broker_key("log.retention.ms")->update_mode, UpdateMode::kClusterWide);
  EXPECT_EQ(find_broker_key("log.retention.hours")->update_mode, UpdateMode::kReadOnly);
  EXPECT_EQ(find_broker_key("advertised.listeners")->update_mode, UpdateMode::kPerBroker);
  EXPECT_EQ(find_broker_key("listeners")->update_mode, UpdateMode::kPerBroker);
  EXPECT_EQ(find_broker_key("message.max.bytes")->update_mode, UpdateMode::kClusterWide);
  EXPECT_EQ(find_broker_key("broker.id")->update_mode, UpdateMode::kReadOnly);
  EXPECT_EQ(find_broker_key("zookeeper.connect")->update_mode, UpdateMode::kReadOnly);
}

}  // namespace
}  // namespace gregor::config
