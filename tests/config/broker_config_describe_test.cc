// DescribeConfigs on BROKER resources: value, source, read-only, sensitivity and synonyms as
// Kafka reports them.
#include <gtest/gtest.h>

#include "gregor/config/broker_config.h"

namespace gregor::config {
namespace {

using Scope = BrokerConfig::DynamicScope;
using S = ConfigSource;

BrokerConfig make(Properties extra = {}) {
  extra["zookeeper.connect"] = "zk:2181";
  auto r = BrokerConfig::create(extra);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return std::move(*r);
}

ConfigEntry describe_one(const BrokerConfig& c, const std::string& name,
                         Scope scope = Scope::kPerBroker) {
  std::vector<std::string> names{name};
  auto entries =
      c.describe(scope, {.include_synonyms = true, .include_documentation = true}, names);
  EXPECT_EQ(entries.size(), 1u) << name;
  return entries.empty() ? ConfigEntry{} : entries[0];
}

TEST(BrokerConfigDescribeTest, DefaultValue) {
  auto e = describe_one(make(), "num.partitions");
  EXPECT_EQ(e.value, "1");
  EXPECT_EQ(e.source, S::kDefaultConfig);
  EXPECT_TRUE(e.read_only);
  EXPECT_FALSE(e.sensitive);
  EXPECT_EQ(e.type, ConfigType::kInt);
  EXPECT_TRUE(e.documentation.has_value());
  EXPECT_EQ(e.synonyms,
            (std::vector<ConfigSynonymEntry>{{"num.partitions", "1", S::kDefaultConfig}}));
}

TEST(BrokerConfigDescribeTest, StaticValueHeadsTheSynonyms) {
  auto e = describe_one(make({{"num.partitions", "3"}}), "num.partitions");
  EXPECT_EQ(e.value, "3");
  EXPECT_EQ(e.source, S::kStaticBrokerConfig);
  EXPECT_EQ(e.synonyms,
            (std::vector<ConfigSynonymEntry>{{"num.partitions", "3", S::kStaticBrokerConfig},
                                             {"num.partitions", "1", S::kDefaultConfig}}));
}

TEST(BrokerConfigDescribeTest, SynonymListStartsAtTheDescribedKey) {
  auto c = make({{"log.retention.hours", "24"}});
  // log.retention.ms is unset: Kafka reports null from the default source with no synonyms,
  // because the list is cut before the first entry named log.retention.ms.
  auto ms = describe_one(c, "log.retention.ms");
  EXPECT_EQ(ms.value, std::nullopt);
  EXPECT_EQ(ms.source, S::kDefaultConfig);
  EXPECT_TRUE(ms.synonyms.empty());
  EXPECT_FALSE(ms.read_only);

  auto hours = describe_one(c, "log.retention.hours");
  EXPECT_EQ(hours.value, "24");
  EXPECT_EQ(hours.source, S::kStaticBrokerConfig);
  EXPECT_TRUE(hours.read_only);
  EXPECT_EQ(hours.synonyms,
            (std::vector<ConfigSynonymEntry>{{"log.retention.hours", "24", S::kStaticBrokerConfig},
                                             {"log.retention.hours", "168", S::kDefaultConfig}}));
}

TEST(BrokerConfigDescribeTest, ChainSynonymsLayerByLayer) {
  auto c = make({{"log.retention.ms", "1000"}, {"log.retention.hours", "24"}});
  ASSERT_TRUE(c.set_dynamic(Scope::kClusterDefault, {{"log.retention.ms", "2000"}}).ok());
  auto e = describe_one(c, "log.retention.ms");
  EXPECT_EQ(e.value, "2000");
  EXPECT_EQ(e.source, S::kDynamicDefaultBrokerConfig);
  EXPECT_EQ(e.synonyms, (std::vector<ConfigSynonymEntry>{
                            {"log.retention.ms", "2000", S::kDynamicDefaultBrokerConfig},
                            {"log.retention.ms", "1000", S::kStaticBrokerConfig},
                            {"log.retention.hours", "24", S::kStaticBrokerConfig},
                            {"log.retention.hours", "168", S::kDefaultConfig}}));
}

TEST(BrokerConfigDescribeTest, PerBrokerDynamicValue) {
  auto c = make();
  ASSERT_TRUE(
      c.set_dynamic(Scope::kPerBroker, {{"advertised.listeners", "PLAINTEXT://h:9092"}}).ok());
  auto e = describe_one(c, "advertised.listeners");
  EXPECT_EQ(e.value, "PLAINTEXT://h:9092");
  EXPECT_EQ(e.source, S::kDynamicBrokerConfig);
  EXPECT_FALSE(e.read_only);
  EXPECT_EQ(e.synonyms,
            (std::vector<ConfigSynonymEntry>{
                {"advertised.listeners", "PLAINTEXT://h:9092", S::kDynamicBrokerConfig}}));
}

TEST(BrokerConfigDescribeTest, ClusterDefaultResourceListsOnlyItsLayer) {
  auto c = make({{"num.io.threads", "4"}});
  EXPECT_TRUE(c.describe(Scope::kClusterDefault, {}).empty());
  ASSERT_TRUE(c.set_dynamic(Scope::kClusterDefault, {{"num.io.threads", "6"}}).ok());
  auto entries = c.describe(Scope::kClusterDefault, {.include_synonyms = true});
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, "num.io.threads");
  EXPECT_EQ(entries[0].value, "6");
  EXPECT_EQ(entries[0].source, S::kDynamicDefaultBrokerConfig);
  EXPECT_EQ(
      entries[0].synonyms,
      (std::vector<ConfigSynonymEntry>{{"num.io.threads", "6", S::kDynamicDefaultBrokerConfig}}));
}

TEST(BrokerConfigDescribeTest, PasswordsAreSensitive) {
  auto e = describe_one(make({{"ssl.keystore.password", "secret"}}), "ssl.keystore.password");
  EXPECT_TRUE(e.sensitive);
  EXPECT_EQ(e.value, std::nullopt);
  EXPECT_EQ(e.source, S::kStaticBrokerConfig);
  ASSERT_EQ(e.synonyms.size(), 1u);
  EXPECT_EQ(e.synonyms[0].value, std::nullopt);
  EXPECT_EQ(e.type, ConfigType::kPassword);
}

TEST(BrokerConfigDescribeTest, UnknownStaticKeysAreListedAsSensitive) {
  auto c = make({{"listener.name.broker.foo", "bar"}});
  auto e = describe_one(c, "listener.name.broker.foo");
  EXPECT_EQ(e.type, ConfigType::kUnknown);
  EXPECT_TRUE(e.sensitive);
  EXPECT_TRUE(e.read_only);
  EXPECT_EQ(e.value, std::nullopt);
  EXPECT_EQ(e.source, S::kStaticBrokerConfig);
}

TEST(BrokerConfigDescribeTest, AllKeysWithoutOptions) {
  auto c = make();
  auto entries = c.describe(Scope::kPerBroker, {});
  EXPECT_GT(entries.size(), 150u);
  for (const auto& e : entries) {
    EXPECT_TRUE(e.synonyms.empty()) << e.name;
    EXPECT_FALSE(e.documentation.has_value()) << e.name;
  }
}

TEST(BrokerConfigDescribeTest, DoubleValuesPrintLikeJava) {
  auto e = describe_one(make(), "log.cleaner.io.max.bytes.per.second");
  EXPECT_EQ(e.value, "1.7976931348623157E308");
  EXPECT_EQ(e.type, ConfigType::kDouble);
}

}  // namespace
}  // namespace gregor::config
