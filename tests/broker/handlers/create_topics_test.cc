// CreateTopics: the controller check through the real pipeline, and the validation and
// placement decisions (topic_creation.h) that are made before anything is written.
#include <gtest/gtest.h>

#include "broker/topic_creation.h"
#include "broker_test_support.h"
#include "gregor/common/error_code.h"
#include "gregor/wire/gen/create_topics.h"

namespace gregor::broker {
namespace {

using testing::BrokerFixture;
using testing::decode_response;
using Topic = wire::CreateTopicsRequest::CreatableTopic;

Topic topic(std::string name, int32_t partitions, int16_t replication_factor) {
  Topic t;
  t.name = std::move(name);
  t.num_partitions = partitions;
  t.replication_factor = replication_factor;
  return t;
}

class TopicCreationTest : public ::testing::Test {
 protected:
  TopicCreationTest() {
    config::Properties props{{"broker.id", "1"},
                             {"zookeeper.connect", "127.0.0.1:1/unused"},
                             {"num.partitions", "3"},
                             {"default.replication.factor", "2"}};
    config_ = std::make_unique<config::BrokerConfig>(*config::BrokerConfig::create(props));
    std::vector<cluster::BrokerMetadata> brokers;
    for (int id = 1; id <= 3; ++id) {
      brokers.push_back(cluster::BrokerMetadata{BrokerId(id), {}, std::nullopt, id});
    }
    cache_.set_live_brokers(std::move(brokers));
    cluster::TopicMetadata existing;
    existing.name = "orders.eu";
    cache_.set_topic(existing);
  }

  Result<PlannedTopic, TopicCreationError> plan(const Topic& t) {
    return plan_topic(t, *config_, *cache_.snapshot());
  }

  void expect_error(const Topic& t, ErrorCode code, const std::string& message = "") {
    auto planned = plan(t);
    ASSERT_FALSE(planned) << t.name;
    EXPECT_EQ(planned.error().code, code) << planned.error().message;
    if (!message.empty()) {
      EXPECT_EQ(planned.error().message, message);
    }
  }

  std::unique_ptr<config::BrokerConfig> config_;
  cluster::MetadataCache cache_;
};

TEST_F(TopicCreationTest, DefaultsComeFromTheBrokerConfig) {
  auto planned = plan(topic("payments", -1, -1));
  ASSERT_TRUE(planned) << planned.error().message;
  EXPECT_EQ(planned->partitions, 3);
  EXPECT_EQ(planned->replication_factor, 2);
  ASSERT_EQ(planned->assignment.size(), 3u);
  for (const auto& [p, replicas] : planned->assignment)
    EXPECT_EQ(replicas.size(), 2u);
}

TEST_F(TopicCreationTest, RejectsIllegalAndCollidingNames) {
  expect_error(topic("", 1, 1), ErrorCode::kInvalidTopicException);
  expect_error(topic("bad name!", 1, 1), ErrorCode::kInvalidTopicException);
  expect_error(topic("..", 1, 1), ErrorCode::kInvalidTopicException);
  expect_error(topic("orders_eu", 1, 1), ErrorCode::kInvalidTopicException,
               "Topic 'orders_eu' collides with existing topic: orders.eu");
  expect_error(topic("orders.eu", 1, 1), ErrorCode::kTopicAlreadyExists,
               "Topic 'orders.eu' already exists.");
}

TEST_F(TopicCreationTest, RejectsBadCounts) {
  expect_error(topic("t", 0, 1), ErrorCode::kInvalidPartitions);
  expect_error(topic("t", -5, 1), ErrorCode::kInvalidPartitions);
  expect_error(topic("t", 1, 0), ErrorCode::kInvalidReplicationFactor);
  expect_error(topic("t", 1, 4), ErrorCode::kInvalidReplicationFactor,
               "Replication factor: 4 larger than available brokers: 3.");
}

TEST_F(TopicCreationTest, ChecksExplicitAssignments) {
  auto with = [](std::vector<std::vector<int32_t>> replicas, std::vector<int32_t> ids = {}) {
    Topic t = topic("t", -1, -1);
    for (size_t i = 0; i < replicas.size(); ++i) {
      t.assignments.push_back({ids.empty() ? static_cast<int32_t>(i) : ids[i], replicas[i]});
    }
    return t;
  };
  auto planned = plan(with({{1, 2}, {2, 3}}));
  ASSERT_TRUE(planned) << planned.error().message;
  EXPECT_EQ(planned->partitions, 2);
  EXPECT_EQ(planned->replication_factor, 2);
  EXPECT_EQ(planned->assignment.at(PartitionId(1)),
            (std::vector<BrokerId>{BrokerId(2), BrokerId(3)}));

  expect_error(with({{1, 1}}), ErrorCode::kInvalidReplicaAssignment);
  expect_error(with({{1, 2}, {3}}), ErrorCode::kInvalidReplicaAssignment);
  expect_error(with({{1}, {2}}, {0, 2}), ErrorCode::kInvalidReplicaAssignment);
  expect_error(with({{1}, {2}}, {0, 0}), ErrorCode::kInvalidReplicaAssignment);
  Topic both = with({{1}});
  both.num_partitions = 1;
  expect_error(both, ErrorCode::kInvalidRequest);
}

TEST_F(TopicCreationTest, ValidatesConfigs) {
  Topic t = topic("t", 1, 1);
  t.configs.push_back({"cleanup.policy", "compact"});
  auto planned = plan(t);
  ASSERT_TRUE(planned) << planned.error().message;
  EXPECT_EQ(planned->overrides.at("cleanup.policy"), "compact");

  t.configs = {{"no.such.config", "1"}};
  expect_error(t, ErrorCode::kInvalidConfig, "Unknown topic config name: no.such.config");
  t.configs = {{"retention.ms", "abc"}};
  expect_error(t, ErrorCode::kInvalidConfig);
  t.configs = {{"retention.ms", std::nullopt}};
  expect_error(t, ErrorCode::kInvalidConfig);
}

TEST_F(TopicCreationTest, FirstLiveReplicaLeads) {
  cluster::ReplicaMap assignment{{PartitionId(0), {BrokerId(7), BrokerId(2), BrokerId(3)}},
                                 {PartitionId(1), {BrokerId(8)}}};
  auto states = initial_partition_states(assignment, *cache_.snapshot(), ControllerEpoch(4));
  ASSERT_EQ(states.size(), 1u);  // Partition 1 has no live replica.
  const auto& s = states.at(PartitionId(0));
  EXPECT_EQ(s.leader, BrokerId(2));
  EXPECT_EQ(s.isr, (std::vector<BrokerId>{BrokerId(2), BrokerId(3)}));
  EXPECT_EQ(s.leader_epoch, LeaderEpoch(0));
  EXPECT_EQ(s.controller_epoch, ControllerEpoch(4));
}

// The fixture's broker never joined an election, so it is not the controller.
TEST(CreateTopicsHandlerTest, NonControllerAnswersNotController) {
  BrokerFixture fixture;
  wire::CreateTopicsRequest request;
  request.topics = {topic("a", 1, 1), topic("b", -1, -1)};
  for (int16_t version : {0, 4, 5, 7}) {
    const int16_t req_header = version >= 5 ? 2 : 1;
    const int16_t resp_header = version >= 5 ? 1 : 0;
    auto bytes = fixture.roundtrip(BrokerFixture::request(request, 19, version, req_header));
    ASSERT_TRUE(bytes) << version;
    auto response = decode_response<wire::CreateTopicsResponse>(*bytes, version, resp_header);
    ASSERT_EQ(response.topics.size(), 2u);
    for (const auto& t : response.topics) {
      EXPECT_EQ(t.error_code, static_cast<int16_t>(ErrorCode::kNotController)) << version;
    }
    EXPECT_EQ(response.topics[0].name, "a");
  }
}

}  // namespace
}  // namespace gregor::broker
