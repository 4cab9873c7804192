// The znode JSON formats. Expected strings are what Apache Kafka 3.x brokers wrote into
// ZooKeeper (captured with zkCli's "get"), so encoding is checked byte for byte against Kafka
// and decoding against both the Scala 2.13 and the Scala 2.12 builds' key orders.
#include <gtest/gtest.h>

#include "gregor/cluster/broker_znodes.h"
#include "gregor/cluster/topic_znodes.h"
#include "gregor/cluster/zk_paths.h"

namespace gregor::cluster {
namespace {

wire::Uuid uuid(std::string_view text) {
  auto id = wire::Uuid::from_base64(text);
  EXPECT_TRUE(id.has_value()) << text;
  return id.value_or(wire::Uuid{});
}

ReplicaMap replicas(std::initializer_list<std::pair<int32_t, std::vector<int32_t>>> entries) {
  ReplicaMap out;
  for (const auto& [p, ids] : entries) {
    for (int32_t id : ids)
      out[PartitionId(p)].emplace_back(id);
  }
  return out;
}

TEST(BrokerZnodeTest, EncodesLikeKafka) {
  BrokerInfo info;
  info.id = BrokerId(1);
  info.endpoints = {{"PLAINTEXT", "192.168.1.14", 9092, "PLAINTEXT"}};
  info.timestamp_ms = 1724097127252;
  EXPECT_EQ(encode_broker_info(info),
            R"({"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},)"
            R"("endpoints":["PLAINTEXT://192.168.1.14:9092"],"jmx_port":-1,"port":9092,)"
            R"("host":"192.168.1.14","version":5,"timestamp":"1724097127252"})");

  info.endpoints = {{"PLAINTEXT", "kafka-1", 29092, "PLAINTEXT"},
                    {"EXTERNAL", "localhost", 9092, "PLAINTEXT"}};
  info.timestamp_ms = 1700000000000;
  EXPECT_EQ(encode_broker_info(info),
            R"({"features":{},"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT",)"
            R"("EXTERNAL":"PLAINTEXT"},"endpoints":["PLAINTEXT://kafka-1:29092",)"
            R"("EXTERNAL://localhost:9092"],"jmx_port":-1,"port":29092,"host":"kafka-1",)"
            R"("version":5,"timestamp":"1700000000000"})");
}

TEST(BrokerZnodeTest, RackAndNoPlaintextListener) {
  BrokerInfo info;
  info.id = BrokerId(3);
  info.endpoints = {{"SECURE", "::1", 9093, "SSL"}};
  info.rack = "eu-west-1a";
  info.timestamp_ms = 5;
  // Without a PLAINTEXT endpoint Kafka writes a null host and port -1.
  EXPECT_EQ(encode_broker_info(info),
            R"({"features":{},"listener_security_protocol_map":{"SECURE":"SSL"},)"
            R"("endpoints":["SECURE://[::1]:9093"],"rack":"eu-west-1a","jmx_port":-1,)"
            R"("port":-1,"host":null,"version":5,"timestamp":"5"})");
  auto back = decode_broker_info(BrokerId(3), encode_broker_info(info));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->endpoints, info.endpoints);
  EXPECT_EQ(back->rack, info.rack);
}

TEST(BrokerZnodeTest, DecodesWhatKafkaWrote) {
  // Scala 2.12 build's key order, several listeners and protocols.
  auto info = decode_broker_info(
      BrokerId(0),
      R"({"listener_security_protocol_map":{"INSECURE":"PLAINTEXT","ENCRYPTED":"SSL"},)"
      R"("endpoints":["INSECURE://localhost:9092","ENCRYPTED://localhost:19092"],)"
      R"("jmx_port":9997,"features":{},"host":"localhost","timestamp":"1666342423700",)"
      R"("port":9092,"version":5})");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->version, 5);
  EXPECT_EQ(info->jmx_port, 9997);
  EXPECT_EQ(info->timestamp_ms, 1666342423700);
  ASSERT_EQ(info->endpoints.size(), 2u);
  EXPECT_EQ(info->endpoints[1], (BrokerEndpoint{"ENCRYPTED", "localhost", 19092, "SSL"}));
  EXPECT_FALSE(info->rack.has_value());

  // Version 4 without features, and version 1 with only host and port.
  auto v4 = decode_broker_info(BrokerId(7),
                               R"({"version":4,"host":"h","port":1,"jmx_port":-1,"timestamp":"1",)"
                               R"("endpoints":["SSL://h:2"],"rack":"r"})");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->endpoints[0].security_protocol, "SSL");  // Kafka's default name -> protocol.
  EXPECT_EQ(v4->rack, "r");
  auto v1 =
      decode_broker_info(BrokerId(7), R"({"version":1,"host":"h","port":9092,"jmx_port":-1})");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->endpoints[0], (BrokerEndpoint{"PLAINTEXT", "h", 9092, "PLAINTEXT"}));
}

TEST(BrokerZnodeTest, RejectsMalformedRegistrations) {
  for (const char* bad : {"", "null", "[1]", "{", R"({"version":"5"})",
                          R"({"version":5,"endpoints":"PLAINTEXT://h:1"})",
                          R"({"version":5,"endpoints":["PLAINTEXT//h:1"]})",
                          R"({"version":5,"endpoints":["PLAINTEXT://h:99999"]})",
                          R"({"version":5,"endpoints":["CUSTOM://h:1"]})",
                          R"({"version":5,"endpoints":[],"features":{"f":{"min_version":1}}})",
                          R"({"version":1,"host":"h"})"}) {
    auto decoded = decode_broker_info(BrokerId(1), bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.error().code, ClusterErrc::kMalformedZnode);
  }
}

TEST(ControllerZnodeTest, EncodesVersion2WithKraftEpoch) {
  ControllerInfo info{BrokerId(1), 1704032949256};
  EXPECT_EQ(encode_controller(info),
            R"({"version":2,"brokerid":1,"timestamp":"1704032949256","kraftControllerEpoch":-1})");
  auto back = decode_controller(encode_controller(info));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->broker_id, BrokerId(1));
  // Kafka before 3.4 wrote version 1 without the KRaft epoch.
  auto v1 = decode_controller(R"({"version":1,"brokerid":2,"timestamp":"1673382716473"})");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->broker_id, BrokerId(2));
  EXPECT_EQ(v1->kraft_controller_epoch, -1);
  EXPECT_FALSE(decode_controller(R"({"version":2})").ok());
}

TEST(ControllerZnodeTest, EpochIsPlainDecimalText) {
  EXPECT_EQ(encode_controller_epoch(ControllerEpoch(7)), "7");
  EXPECT_EQ(decode_controller_epoch("12").value(), ControllerEpoch(12));
  for (const char* bad : {"", "-1", "+1", "1x", " 1", "99999999999", "{\"epoch\":1}"}) {
    EXPECT_FALSE(decode_controller_epoch(bad).ok()) << bad;
  }
}

TEST(ClusterZnodeTest, ClusterIdVersionIsAString) {
  EXPECT_EQ(encode_cluster_id("eQzK4lYlQ9y8P21IScOl_g"),
            R"({"version":"1","id":"eQzK4lYlQ9y8P21IScOl_g"})");
  EXPECT_EQ(decode_cluster_id(R"({"version":"1","id":"KRj3FZZ1QnOYG9zYBrmnUQ"})").value(),
            "KRj3FZZ1QnOYG9zYBrmnUQ");
  EXPECT_FALSE(decode_cluster_id(R"({"version":"1"})").ok());
  EXPECT_FALSE(decode_cluster_id(R"({"version":"1","id":7})").ok());
}

TEST(ClusterZnodeTest, ProducerIdBlockAndFeatures) {
  ProducerIdBlock block{BrokerId(2), 3000, 3999};
  EXPECT_EQ(encode_producer_id_block(block),
            R"({"version":1,"broker":2,"block_start":"3000","block_end":"3999"})");
  auto back = decode_producer_id_block(encode_producer_id_block(block));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->last, 3999);
  EXPECT_FALSE(
      decode_producer_id_block(R"({"version":1,"broker":2,"block_start":"9","block_end":"1"})")
          .ok());

  FeatureZnode features;
  EXPECT_EQ(encode_feature_znode(features), R"({"features":{},"version":2,"status":1})");
  features.max_version_levels["metadata.version"] = 21;
  auto decoded = decode_feature_znode(encode_feature_znode(features));
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->max_version_levels.at("metadata.version"), 21);
  // Version 1 also carries min_version_level, which is ignored.
  EXPECT_TRUE(
      decode_feature_znode(
          R"({"version":1,"status":1,"features":{"f":{"min_version_level":1,"max_version_level":2}}})")
          .ok());
  EXPECT_FALSE(decode_feature_znode(R"({"version":3,"status":1,"features":{}})").ok());
}

TEST(TopicZnodeTest, EncodesLikeKafka) {
  TopicAssignment topic;
  topic.topic_id = uuid("cMr3GpVESX2L3byPGf93lQ");
  topic.partitions = replicas({{0, {2, 3, 1}}, {1, {3, 1, 2}}, {2, {1, 2, 3}}});
  EXPECT_EQ(encode_topic_assignment(topic),
            R"({"partitions":{"0":[2,3,1],"1":[3,1,2],"2":[1,2,3]},)"
            R"("topic_id":"cMr3GpVESX2L3byPGf93lQ","adding_replicas":{},)"
            R"("removing_replicas":{},"version":3})");

  // Kafka writes partition maps in its hash map's order, which from 10 partitions on is not
  // the numeric order: a 12-partition topic comes out as "11","0",...,"9","10".
  TopicAssignment big;
  for (int32_t p = 0; p < 12; ++p)
    big.partitions[PartitionId(p)] = {BrokerId(0)};
  EXPECT_EQ(encode_topic_assignment(big),
            R"({"partitions":{"11":[0],"0":[0],"1":[0],"2":[0],"3":[0],"4":[0],"5":[0],)"
            R"("6":[0],"7":[0],"8":[0],"9":[0],"10":[0]},"adding_replicas":{},)"
            R"("removing_replicas":{},"version":3})");
}

TEST(TopicZnodeTest, DecodesAssignmentsAndReassignments) {
  auto topic = decode_topic_assignment(
      R"({"removing_replicas":{"0":[3]},"partitions":{"2":[2,1],"1":[1,3],"0":[3,2]},)"
      R"("topic_id":"RSZ--odYRlSOPGRgukKnAQ","adding_replicas":{"0":[2]},"version":3})");
  ASSERT_TRUE(topic.ok()) << topic.error().message;
  EXPECT_EQ(topic->topic_id->to_base64(), "RSZ--odYRlSOPGRgukKnAQ");
  EXPECT_EQ(topic->partitions, replicas({{0, {3, 2}}, {1, {1, 3}}, {2, {2, 1}}}));
  EXPECT_EQ(topic->adding_replicas, replicas({{0, {2}}}));
  EXPECT_EQ(topic->removing_replicas, replicas({{0, {3}}}));

  // Before Kafka 2.8 there was no topic id (and version 1 had no reassignment maps).
  auto old = decode_topic_assignment(R"({"version":1,"partitions":{"0":[0]}})");
  ASSERT_TRUE(old.ok());
  EXPECT_FALSE(old->topic_id.has_value());

  for (const char* bad :
       {R"({"partitions":{"x":[1]}})", R"({"partitions":{"0":[1.5]}})",
        R"({"partitions":{"-1":[1]}})", R"({"partitions":{"0":[1]},"topic_id":"nope"})",
        R"({"partitions":[[1]]})"}) {
    EXPECT_FALSE(decode_topic_assignment(bad).ok()) << bad;
  }
}

TEST(PartitionStateZnodeTest, EncodesLikeKafka) {
  PartitionState state{
      BrokerId(2), LeaderEpoch(0), {BrokerId(2), BrokerId(3), BrokerId(1)}, ControllerEpoch(1)};
  EXPECT_EQ(encode_partition_state(state),
            R"({"controller_epoch":1,"leader":2,"version":1,"leader_epoch":0,"isr":[2,3,1]})");
  EXPECT_EQ(decode_partition_state(encode_partition_state(state)).value(), state);

  // KIP-704: only a recovering leader is written with leader_recovery_state.
  state.recovery = LeaderRecoveryState::kRecovering;
  EXPECT_EQ(encode_partition_state(state),
            R"({"controller_epoch":1,"leader":2,"version":1,"leader_recovery_state":1,)"
            R"("leader_epoch":0,"isr":[2,3,1]})");
  EXPECT_EQ(decode_partition_state(encode_partition_state(state)).value(), state);

  EXPECT_FALSE(decode_partition_state(R"({"leader":1,"leader_epoch":0,"isr":[1]})").ok());
  EXPECT_FALSE(
      decode_partition_state(
          R"({"controller_epoch":1,"leader":1,"leader_epoch":0,"isr":[1],"leader_recovery_state":7})")
          .ok());
}

TEST(ConfigZnodeTest, EntityConfigAndChangeNotification) {
  EntityConfig config{{"retention.ms", "86400000"}, {"cleanup.policy", "compact"}};
  EXPECT_EQ(encode_entity_config(config),
            R"({"version":1,"config":{"cleanup.policy":"compact","retention.ms":"86400000"}})");
  EXPECT_EQ(decode_entity_config(encode_entity_config(config)).value(), config);
  EXPECT_TRUE(decode_entity_config("").value().empty());
  EXPECT_FALSE(decode_entity_config(R"({"version":1,"config":{"a":1}})").ok());

  EXPECT_EQ(encode_config_change("topics/orders"),
            R"({"version":2,"entity_path":"topics/orders"})");
  EXPECT_EQ(
      decode_config_change(R"({"version":2,"entity_path":"users/alice/clients/app1"})").value(),
      "users/alice/clients/app1");
  EXPECT_FALSE(decode_config_change(R"({"version":2})").ok());
}

TEST(ConfigZnodeTest, IsrChangeNotification) {
  std::vector<TopicPartitionRef> partitions{{"t", PartitionId(0)}, {"u", PartitionId(3)}};
  EXPECT_EQ(
      encode_isr_change(partitions),
      R"({"version":1,"partitions":[{"topic":"t","partition":0},{"topic":"u","partition":3}]})");
  EXPECT_EQ(decode_isr_change(encode_isr_change(partitions)).value(), partitions);
}

TEST(ZkPathsTest, KafkaLayout) {
  EXPECT_EQ(paths::broker(BrokerId(3)), "/brokers/ids/3");
  EXPECT_EQ(paths::partition_state("orders", PartitionId(2)),
            "/brokers/topics/orders/partitions/2/state");
  EXPECT_EQ(paths::config_entity(paths::kTopicConfigs, "orders"), "/config/topics/orders");
  EXPECT_EQ(paths::delete_topic("orders"), "/admin/delete_topics/orders");
  EXPECT_EQ(paths::config_change_sequence_prefix(), "/config/changes/config_change_");
  EXPECT_EQ(paths::persistent_paths().size(), 14u);
}

}  // namespace
}  // namespace gregor::cluster
