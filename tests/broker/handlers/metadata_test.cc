// Metadata and DescribeCluster answered from the broker's metadata cache.
#include <gtest/gtest.h>

#include "broker_test_support.h"
#include "gregor/common/error_code.h"
#include "gregor/wire/gen/describe_cluster.h"
#include "gregor/wire/gen/metadata.h"

namespace gregor::broker {
namespace {

using testing::BrokerFixture;
using testing::decode_response;

void add_cluster(Broker& broker) {
  auto& cache = broker.metadata();
  cache.set_cluster_id("test-cluster-id-000000");
  cache.set_live_brokers({
      cluster::BrokerMetadata{
          BrokerId(1),
          {{"PLAINTEXT", "h1", 9092, "PLAINTEXT"}, {"INTERNAL", "i1", 9093, "PLAINTEXT"}},
          std::string("rack-a"),
          10},
      cluster::BrokerMetadata{
          BrokerId(2), {{"INTERNAL", "i2", 9093, "PLAINTEXT"}}, std::nullopt, 11},
  });
  cache.set_controller(BrokerId(1));
  cluster::TopicMetadata topic;
  topic.name = "orders";
  topic.id.bytes[15] = 7;
  cluster::PartitionMetadata p0;
  p0.partition = PartitionId(0);
  p0.leader = BrokerId(1);
  p0.leader_epoch = LeaderEpoch(3);
  p0.replicas = {BrokerId(1)};
  p0.isr = {BrokerId(1)};
  topic.partitions[PartitionId(0)] = p0;
  cluster::PartitionMetadata p1 = p0;
  p1.partition = PartitionId(1);
  p1.leader = BrokerId(5);  // Not live.
  topic.partitions[PartitionId(1)] = p1;
  cache.set_topic(topic);
}

TEST(MetadataHandler, BrokersOnTheRequestListenerOnly) {
  BrokerFixture f;
  add_cluster(f.broker());
  auto bytes = f.roundtrip(BrokerFixture::request(wire::MetadataRequest{}, 3, 12, 2));
  ASSERT_TRUE(bytes);
  auto resp = decode_response<wire::MetadataResponse>(*bytes, 12, 1);
  ASSERT_EQ(resp.brokers.size(), 1u);
  EXPECT_EQ(resp.brokers[0].node_id, 1);
  EXPECT_EQ(resp.brokers[0].host, "h1");
  EXPECT_EQ(resp.brokers[0].rack, std::optional<std::string>("rack-a"));
  EXPECT_EQ(resp.cluster_id, std::optional<std::string>("test-cluster-id-000000"));
  EXPECT_EQ(resp.controller_id, 1);
}

TEST(MetadataHandler, NullTopicsListsEveryTopicWithLeaders) {
  BrokerFixture f;
  add_cluster(f.broker());
  wire::MetadataRequest req;
  req.topics.reset();
  auto bytes = f.roundtrip(BrokerFixture::request(req, 3, 12, 2));
  ASSERT_TRUE(bytes);
  auto resp = decode_response<wire::MetadataResponse>(*bytes, 12, 1);
  ASSERT_EQ(resp.topics.size(), 1u);
  const auto& t = resp.topics[0];
  EXPECT_EQ(t.name, std::optional<std::string>("orders"));
  EXPECT_EQ(t.topic_id.bytes[15], 7);
  ASSERT_EQ(t.partitions.size(), 2u);
  EXPECT_EQ(t.partitions[0].leader_id, 1);
  EXPECT_EQ(t.partitions[0].leader_epoch, 3);
  EXPECT_EQ(t.partitions[1].error_code, static_cast<int16_t>(ErrorCode::kLeaderNotAvailable));
  EXPECT_EQ(t.partitions[1].leader_id, -1);
}

TEST(MetadataHandler, UnknownAndInvalidTopics) {
  BrokerFixture f;
  add_cluster(f.broker());
  wire::MetadataRequest req;
  req.topics.emplace();
  req.topics->push_back({});
  req.topics->back().name = "missing";
  req.topics->push_back({});
  req.topics->back().name = "bad/name";
  auto bytes = f.roundtrip(BrokerFixture::request(req, 3, 9, 2));
  ASSERT_TRUE(bytes);
  auto resp = decode_response<wire::MetadataResponse>(*bytes, 9, 1);
  ASSERT_EQ(resp.topics.size(), 2u);
  EXPECT_EQ(resp.topics[0].error_code, static_cast<int16_t>(ErrorCode::kUnknownTopicOrPartition));
  EXPECT_EQ(resp.topics[1].error_code, static_cast<int16_t>(ErrorCode::kInvalidTopicException));
}

TEST(MetadataHandler, V0EmptyListMeansAllTopics) {
  BrokerFixture f;
  add_cluster(f.broker());
  wire::MetadataRequest req;
  req.topics.emplace();
  auto bytes = f.roundtrip(BrokerFixture::request(req, 3, 0, 1));
  ASSERT_TRUE(bytes);
  auto resp = decode_response<wire::MetadataResponse>(*bytes, 0, 0);
  EXPECT_EQ(resp.topics.size(), 1u);
}

TEST(MetadataHandler, ControllerThatIsNotLiveIsReportedAsNone) {
  BrokerFixture f;
  add_cluster(f.broker());
  f.broker().metadata().set_controller(BrokerId(9));
  auto bytes = f.roundtrip(BrokerFixture::request(wire::MetadataRequest{}, 3, 1, 1));
  ASSERT_TRUE(bytes);
  EXPECT_EQ(decode_response<wire::MetadataResponse>(*bytes, 1, 0).controller_id, -1);
}

TEST(DescribeClusterHandler, ReportsBrokersAndController) {
  BrokerFixture f;
  add_cluster(f.broker());
  auto bytes = f.roundtrip(BrokerFixture::request(wire::DescribeClusterRequest{}, 60, 1, 2));
  ASSERT_TRUE(bytes);
  auto resp = decode_response<wire::DescribeClusterResponse>(*bytes, 1, 1);
  EXPECT_EQ(resp.error_code, 0);
  EXPECT_EQ(resp.cluster_id, "test-cluster-id-000000");
  EXPECT_EQ(resp.controller_id, 1);
  ASSERT_EQ(resp.brokers.size(), 1u);
  EXPECT_EQ(resp.brokers[0].broker_id, 1);
}

TEST(DescribeClusterHandler, ControllerEndpointsAreUnsupported) {
  BrokerFixture f;
  wire::DescribeClusterRequest req;
  req.endpoint_type = 2;
  auto bytes = f.roundtrip(BrokerFixture::request(req, 60, 1, 2));
  ASSERT_TRUE(bytes);
  auto resp = decode_response<wire::DescribeClusterResponse>(*bytes, 1, 1);
  EXPECT_EQ(resp.error_code, static_cast<int16_t>(ErrorCode::kUnsupportedEndpointType));
}

}  // namespace
}  // namespace gregor::broker
