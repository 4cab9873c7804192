#include "gregor/config/broker_config.h"

#include <gtest/gtest.h>

#include <limits>

#include "gregor/config/topic_keys.h"

namespace gregor::config {
namespace {

using Scope = BrokerConfig::DynamicScope;

Properties base(Properties extra = {}) {
  Properties p{{"zookeeper.connect", "localhost:2181"}};
  for (auto& [k, v] : extra)
    p[k] = v;
  return p;
}

BrokerConfig make(Properties extra = {}) {
  auto r = BrokerConfig::create(base(std::move(extra)));
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(*r) : *BrokerConfig::create(base());
}

ConfigError error_for(Properties extra) {
  auto r = BrokerConfig::create(base(std::move(extra)));
  EXPECT_FALSE(r.ok());
  return r.ok() ? ConfigError{} : r.error();
}

TEST(BrokerConfigTest, DefaultsAndDerivedValues) {
  auto c = make();
  EXPECT_EQ(c.broker_id(), -1);
  EXPECT_EQ(c.get_int("num.partitions"), 1);
  EXPECT_EQ(c.get_long("log.retention.bytes"), -1);
  EXPECT_EQ(c.get_double("log.cleaner.min.cleanable.ratio"), 0.5);
  EXPECT_TRUE(c.get_bool("auto.create.topics.enable"));
  EXPECT_EQ(c.get_list("log.cleanup.policy"), ConfigList{"delete"});
  EXPECT_EQ(c.get_string("broker.rack"), std::nullopt);
  EXPECT_EQ(c.log_dirs(), std::vector<std::string>{"/tmp/kafka-logs"});
  EXPECT_EQ(c.log_retention_ms(), 7 * 24 * 3600 * 1000LL);
  EXPECT_EQ(c.log_roll_ms(), 7 * 24 * 3600 * 1000LL);
  EXPECT_EQ(c.log_roll_jitter_ms(), 0);
  EXPECT_EQ(c.log_flush_interval_ms(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(c.zookeeper_connection_timeout_ms(), 18000);
  ASSERT_EQ(c.listeners().size(), 1u);
  EXPECT_EQ(c.listeners()[0].to_string(), "PLAINTEXT://:9092");
  EXPECT_EQ(c.advertised_listeners(), c.listeners());
  EXPECT_EQ(c.inter_broker_listener_name(), "PLAINTEXT");
  EXPECT_EQ(c.inter_broker_security_protocol(), SecurityProtocol::kPlaintext);
  EXPECT_EQ(c.listener_security_protocol_map().size(), 4u);
  EXPECT_TRUE(c.warnings().empty());
  EXPECT_FALSE(c.is_set("num.partitions"));
  EXPECT_TRUE(c.is_set("zookeeper.connect"));
}

TEST(BrokerConfigTest, ZooKeeperConnectIsRequired) {
  auto r = BrokerConfig::create({});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().key, "zookeeper.connect");
  EXPECT_EQ(r.error().message,
            "Missing required configuration `zookeeper.connect` which has no default value.");
}

TEST(BrokerConfigTest, BadValuesNameKeyValueAndReason) {
  auto e = error_for({{"num.partitions", "abc"}});
  EXPECT_EQ(e.key, "num.partitions");
  EXPECT_EQ(e.code, ErrorCode::kInvalidConfig);
  EXPECT_EQ(e.message,
            "Invalid value abc for configuration num.partitions: Not a number of type INT");
  EXPECT_EQ(error_for({{"num.partitions", "0"}}).message,
            "Invalid value 0 for configuration num.partitions: Value must be at least 1");
  EXPECT_EQ(error_for({{"compression.type", "brotli"}}).message,
            "Invalid value brotli for configuration compression.type: String must be one of: "
            "uncompressed, zstd, lz4, snappy, gzip, producer");
  EXPECT_EQ(error_for({{"auto.create.topics.enable", "yes"}}).message,
            "Invalid value yes for configuration auto.create.topics.enable: Expected value to be "
            "either true or false");
  EXPECT_EQ(error_for({{"log.cleanup.policy", "delete,shred"}}).message,
            "Invalid value shred for configuration log.cleanup.policy: String must be one of: "
            "compact, delete");
}

TEST(BrokerConfigTest, UnknownKeysWarnButDoNotFail) {
  auto c = make({{"foo.bar", "1"}, {"port", "9092"}});
  ASSERT_EQ(c.warnings().size(), 2u);
  EXPECT_EQ(c.warnings()[0], "The configuration 'foo.bar' was supplied but isn't a known config.");
  EXPECT_NE(c.warnings()[1].find("'port' was removed in Kafka 3.0"), std::string::npos);
}

TEST(BrokerConfigTest, OverridesWinOverTheFile) {
  auto file = parse_properties("zookeeper.connect=zk:2181\nnum.partitions=1\nbroker.id=0\n");
  ASSERT_TRUE(file.ok());
  std::vector<std::string> args{"server.properties", "--override", "num.partitions=12"};
  auto cl = parse_command_line(args);
  ASSERT_TRUE(cl.ok());
  Properties props = *file;
  for (const auto& [k, v] : cl->overrides)
    props.insert_or_assign(k, v);
  auto c = BrokerConfig::create(props);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->get_int("num.partitions"), 12);
  EXPECT_EQ(c->broker_id(), 0);
}

TEST(BrokerConfigTest, RetentionSynonymsResolveMsThenMinutesThenHours) {
  EXPECT_EQ(make({{"log.retention.hours", "24"}}).log_retention_ms(), 86400000);
  EXPECT_EQ(
      make({{"log.retention.hours", "24"}, {"log.retention.minutes", "10"}}).log_retention_ms(),
      600000);
  EXPECT_EQ(
      make({{"log.retention.ms", "1000"}, {"log.retention.minutes", "10"}}).log_retention_ms(),
      1000);
  EXPECT_EQ(make({{"log.retention.ms", "-1"}}).log_retention_ms(), -1);
  EXPECT_EQ(make({{"log.retention.hours", "-5"}}).log_retention_ms(), -1);
  EXPECT_EQ(error_for({{"log.retention.ms", "0"}}).message,
            "log.retention.ms must be unlimited (-1) or, greater than or equal to 1");
}

TEST(BrokerConfigTest, RollAndFlushSynonyms) {
  auto c = make({{"log.roll.hours", "2"},
                 {"log.roll.jitter.hours", "1"},
                 {"log.flush.scheduler.interval.ms", "5000"}});
  EXPECT_EQ(c.log_roll_ms(), 7200000);
  EXPECT_EQ(c.log_roll_jitter_ms(), 3600000);
  EXPECT_EQ(c.log_flush_interval_ms(), 5000);
  EXPECT_EQ(make({{"log.roll.ms", "100"}, {"log.roll.hours", "2"}}).log_roll_ms(), 100);
  EXPECT_EQ(make({{"log.flush.interval.ms", "10"}}).log_flush_interval_ms(), 10);
}

TEST(BrokerConfigTest, LogDirsFallBackToLogDir) {
  EXPECT_EQ(make({{"log.dir", "/data"}}).log_dirs(), std::vector<std::string>{"/data"});
  EXPECT_EQ(make({{"log.dir", "/data"}, {"log.dirs", " /a, /b,,"}}).log_dirs(),
            (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(error_for({{"log.dirs", " , "}}).message,
            "At least one log directory must be defined via log.dirs or log.dir.");
}

TEST(BrokerConfigTest, ZooKeeperConnectionTimeoutFollowsSession) {
  EXPECT_EQ(make({{"zookeeper.session.timeout.ms", "6000"}}).zookeeper_connection_timeout_ms(),
            6000);
  EXPECT_EQ(make({{"zookeeper.connection.timeout.ms", "100"}}).zookeeper_connection_timeout_ms(),
            100);
}

TEST(BrokerConfigTest, BrokerIdRange) {
  EXPECT_EQ(make({{"broker.id", "1000"}}).broker_id(), 1000);
  EXPECT_NE(error_for({{"broker.id", "1001"}}).message.find("reserved.broker.max.id"),
            std::string::npos);
  EXPECT_EQ(error_for({{"broker.id.generation.enable", "false"}}).message,
            "broker.id must be greater than or equal to 0");
}

// The listener layout every test harness uses (kafka-operations.md, section 0).
TEST(BrokerConfigTest, TwoListenerHarnessLayout) {
  auto c = make({{"listeners", "PLAINTEXT://0.0.0.0:9093,BROKER://0.0.0.0:9092"},
                 {"advertised.listeners", "PLAINTEXT://localhost:32768,BROKER://kafka:9092"},
                 {"listener.security.protocol.map", "BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT"},
                 {"inter.broker.listener.name", "BROKER"}});
  ASSERT_EQ(c.listeners().size(), 2u);
  EXPECT_EQ(c.advertised_listeners()[1].to_string(), "BROKER://kafka:9092");
  EXPECT_EQ(c.inter_broker_listener_name(), "BROKER");
  EXPECT_EQ(c.inter_broker_security_protocol(), SecurityProtocol::kPlaintext);
}

TEST(BrokerConfigTest, ListenerConsistencyErrors) {
  EXPECT_EQ(error_for({{"listeners", "PLAINTEXT://0.0.0.0:9092"}}).message,
            "advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable "
            "IP address.");
  EXPECT_EQ(
      error_for({{"inter.broker.listener.name", "PLAINTEXT"},
                 {"security.inter.broker.protocol", "PLAINTEXT"}})
          .message,
      "Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.");
  EXPECT_EQ(error_for({{"inter.broker.listener.name", "INTERNAL"}}).message,
            "Listener with name INTERNAL defined in inter.broker.listener.name not found in "
            "listener.security.protocol.map.");
  EXPECT_EQ(error_for({{"security.inter.broker.protocol", "SSL"}}).message,
            "inter.broker.listener.name must be a listener name defined in advertised.listeners. "
            "The valid options based on currently configured listeners are PLAINTEXT");
  EXPECT_NE(error_for({{"advertised.listeners", "SSL://h:9093"}})
                .message.find("must be equal to or a subset of the ones defined in listeners"),
            std::string::npos);
  EXPECT_EQ(error_for({{"listeners", "CLIENT://:9092"}}).key, "listeners");
  EXPECT_NE(error_for({{"listener.security.protocol.map", "X"}}).message, "");
}

TEST(BrokerConfigTest, CrossKeyRules) {
  EXPECT_NE(error_for({{"replica.fetch.wait.max.ms", "40000"}}).message, "");
  EXPECT_NE(error_for({{"offsets.commit.required.acks", "5"}}).message, "");
  EXPECT_NE(error_for({{"queued.max.request.bytes", "10"}}).message, "");
  EXPECT_NE(error_for({{"log.cleaner.dedupe.buffer.size", "1048576"}}).message, "");
  EXPECT_NE(error_for({{"remote.log.storage.system.enable", "true"}}).message, "");
}

TEST(BrokerConfigTest, TopicDefaultsComeFromBrokerSynonyms) {
  auto c =
      make({{"log.retention.hours", "1"}, {"log.roll.hours", "2"}, {"message.max.bytes", "2000"}});
  EXPECT_EQ(std::get<int64_t>(c.topic_default(*find_topic_key("retention.ms"))), 3600000);
  EXPECT_EQ(std::get<int64_t>(c.topic_default(*find_topic_key("segment.ms"))), 7200000);
  EXPECT_EQ(std::get<int32_t>(c.topic_default(*find_topic_key("max.message.bytes"))), 2000);
  EXPECT_EQ(std::get<bool>(c.topic_default(*find_topic_key("remote.storage.enable"))), false);
}

TEST(BrokerConfigTest, DynamicLayersTakePrecedence) {
  auto c = make({{"log.retention.ms", "5000"}});
  ASSERT_TRUE(c.set_dynamic(Scope::kClusterDefault, {{"log.retention.ms", "4000"}}).ok());
  EXPECT_EQ(c.log_retention_ms(), 4000);
  ASSERT_TRUE(c.set_dynamic(Scope::kPerBroker, {{"log.retention.ms", "3000"}}).ok());
  EXPECT_EQ(c.log_retention_ms(), 3000);
  // Replacing a layer with an empty one removes its values.
  ASSERT_TRUE(c.set_dynamic(Scope::kPerBroker, {}).ok());
  EXPECT_EQ(c.log_retention_ms(), 4000);
  EXPECT_EQ(c.dynamic_layer(Scope::kClusterDefault).at("log.retention.ms"), "4000");
}

TEST(BrokerConfigTest, DynamicAdvertisedListeners) {
  auto c = make({{"listeners", "PLAINTEXT://:9093,BROKER://:9092"},
                 {"listener.security.protocol.map", "BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT"},
                 {"inter.broker.listener.name", "BROKER"}});
  ASSERT_TRUE(c.set_dynamic(Scope::kPerBroker, {{"advertised.listeners",
                                                 "PLAINTEXT://localhost:32768,BROKER://b:9092"}})
                  .ok());
  EXPECT_EQ(c.advertised_listeners()[0].to_string(), "PLAINTEXT://localhost:32768");
}

TEST(BrokerConfigTest, DynamicUpdateErrorsLeaveConfigUnchanged) {
  auto c = make();
  auto ro = c.set_dynamic(Scope::kPerBroker, {{"broker.id", "5"}, {"log.dirs", "/x"}});
  ASSERT_FALSE(ro.ok());
  EXPECT_EQ(ro.error().message,
            "Cannot update these configs dynamically: Set(broker.id, log.dirs)");
  auto per_broker = c.set_dynamic(Scope::kClusterDefault, {{"listeners", "PLAINTEXT://:1"}});
  ASSERT_FALSE(per_broker.ok());
  EXPECT_EQ(per_broker.error().message,
            "Cannot update these configs at default cluster level, broker id must be specified: "
            "Set(listeners)");
  EXPECT_FALSE(c.set_dynamic(Scope::kPerBroker, {{"no.such", "1"}}).ok());
  EXPECT_FALSE(c.set_dynamic(Scope::kPerBroker, {{"num.io.threads", "0"}}).ok());
  EXPECT_FALSE(c.check_dynamic(Scope::kPerBroker, {{"advertised.listeners", "SSL://h:1"}}).ok());
  EXPECT_TRUE(c.check_dynamic(Scope::kPerBroker, {{"num.io.threads", "4"}}).ok());
  EXPECT_EQ(c.get_int("num.io.threads"), 8);  // check_dynamic does not apply.
  EXPECT_TRUE(c.dynamic_layer(Scope::kPerBroker).empty());
}

TEST(BrokerConfigTest, FormatValuesLikeKafkaConfigLogAll) {
  auto c = make({{"ssl.keystore.password", "secret"}});
  std::string text = c.format_values();
  EXPECT_EQ(text.rfind("KafkaConfig values: \n", 0), 0u);
  EXPECT_NE(text.find("\tnum.partitions = 1\n"), std::string::npos);
  EXPECT_NE(text.find("\tlog.cleanup.policy = [delete]\n"), std::string::npos);
  EXPECT_NE(text.find("\tssl.keystore.password = [hidden]\n"), std::string::npos);
  EXPECT_NE(text.find("\tssl.key.password = null\n"), std::string::npos);
  EXPECT_EQ(text.find("secret"), std::string::npos);
  // Keys are sorted, as Kafka prints them from a TreeMap.
  EXPECT_LT(text.find("\tadvertised.listeners"), text.find("\tbroker.id "));
}

}  // namespace
}  // namespace gregor::config
