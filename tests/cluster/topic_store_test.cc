// Topic znodes against a real ZooKeeper server.
#include "gregor/cluster/topic_store.h"

#include <gtest/gtest.h>

#include "gregor/cluster/zk_paths.h"
#include "zk_test_base.h"

namespace gregor::cluster {
namespace {

template <class T>
using Outcome = std::optional<Result<T, ClusterError>>;

class TopicStoreTest : public testing::ZkTestBase {
 protected:
  void SetUp() override {
    ZkTestBase::SetUp();
    zk_ = connect();
    std::optional<ZkError> made;
    ensure_paths(*zk_, paths::persistent_paths(), [&](ZkError e) { made = e; });
    ASSERT_TRUE(wait([&] { return made.has_value(); }));
    ASSERT_EQ(*made, ZkError::kOk);
    // A controller epoch znode as an election leaves it: epoch 1 at version 0.
    ASSERT_EQ(sync(*zk_).create("/controller_epoch", std::string("1")), ZkError::kOk);
    fence_ = {ControllerEpoch(1), 0};
    store_ = std::make_unique<TopicStore>(*zk_);
  }
  void TearDown() override {
    store_.reset();
    zk_.reset();
    ZkTestBase::TearDown();
  }

  NewTopic orders(bool with_states) {
    NewTopic topic;
    topic.name = "orders";
    topic.id = wire::Uuid::random();
    topic.assignment = {{PartitionId(0), {BrokerId(1), BrokerId(2)}},
                        {PartitionId(1), {BrokerId(2), BrokerId(1)}}};
    topic.config = {{"cleanup.policy", "compact"}};
    if (with_states) {
      topic.initial_states[PartitionId(0)] = {
          BrokerId(1), LeaderEpoch(0), {BrokerId(1), BrokerId(2)}, ControllerEpoch(1)};
      topic.initial_states[PartitionId(1)] = {
          BrokerId(2), LeaderEpoch(0), {BrokerId(2), BrokerId(1)}, ControllerEpoch(1)};
      topic.fence = fence_;
    }
    return topic;
  }

  template <class T, class Call>
  Result<T, ClusterError> run(Call call) {
    Outcome<T> out;
    call([&](Result<T, ClusterError> r) { out = std::move(r); });
    EXPECT_TRUE(wait([&] { return out.has_value(); }));
    return out.has_value() ? std::move(*out) : unexpected(ClusterError{});
  }

  Result<void, ClusterError> create(NewTopic topic) {
    return run<void>([&](auto done) { store_->create_topic(std::move(topic), done); });
  }

  std::unique_ptr<ZkClient> zk_;
  std::unique_ptr<TopicStore> store_;
  ControllerFence fence_;
};

TEST_F(TopicStoreTest, CreatesTheWholeTopicAtOnce) {
  NewTopic topic = orders(true);
  ASSERT_TRUE(create(topic).ok());
  auto s = sync(*zk_);
  std::string data;
  ASSERT_EQ(s.get("/brokers/topics/orders", &data), ZkError::kOk);
  auto assignment = decode_topic_assignment(data);
  ASSERT_TRUE(assignment.ok());
  EXPECT_EQ(assignment->topic_id, topic.id);
  EXPECT_EQ(assignment->partitions, topic.assignment);
  ASSERT_EQ(s.get("/config/topics/orders", &data), ZkError::kOk);
  EXPECT_EQ(data, R"({"version":1,"config":{"cleanup.policy":"compact"}})");

  auto state = run<VersionedPartitionState>(
      [&](auto done) { store_->read_partition_state("orders", PartitionId(1), done); });
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->state, topic.initial_states[PartitionId(1)]);
  EXPECT_EQ(state->zk_version, 0);

  auto names = run<std::vector<std::string>>([&](auto done) { store_->list_topics(done); });
  EXPECT_EQ(names.value(), std::vector<std::string>{"orders"});
}

TEST_F(TopicStoreTest, CreatingTwiceFailsAndLeavesTheFirstTopicAlone) {
  NewTopic first = orders(true);
  ASSERT_TRUE(create(first).ok());

  NewTopic second = orders(true);
  second.assignment[PartitionId(2)] = {BrokerId(3)};
  second.initial_states[PartitionId(2)] = {
      BrokerId(3), LeaderEpoch(0), {BrokerId(3)}, ControllerEpoch(1)};
  second.config = {{"retention.ms", "1"}};
  auto result = create(second);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ClusterErrc::kTopicAlreadyExists);
  EXPECT_EQ(result.error().message, "Topic 'orders' already exists.");
  EXPECT_EQ(to_error_code(result.error()), ErrorCode::kTopicAlreadyExists);

  // Nothing of the second attempt was written: not its config, id nor its extra partition.
  auto read = run<VersionedAssignment>([&](auto done) { store_->read_topic("orders", done); });
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->assignment.topic_id, first.id);
  EXPECT_EQ(read->zk_version, 0);
  auto config =
      run<EntityConfig>([&](auto done) { store_->read_entity_config("topics", "orders", done); });
  EXPECT_EQ(config.value(), first.config);
  EXPECT_EQ(sync(*zk_).exists("/brokers/topics/orders/partitions/2"), ZkError::kNoNode);
}

TEST_F(TopicStoreTest, StaleControllerCreatesNothing) {
  ASSERT_EQ(sync(*zk_).set("/controller_epoch", "2"), ZkError::kOk);  // A newer controller.
  auto result = create(orders(true));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ClusterErrc::kControllerMoved);
  EXPECT_EQ(sync(*zk_).exists("/brokers/topics/orders"), ZkError::kNoNode);
  EXPECT_EQ(sync(*zk_).exists("/config/topics/orders"), ZkError::kNoNode);
}

TEST_F(TopicStoreTest, LeftoverConfigIsOverwrittenAndDeletionMarkerBlocksCreation) {
  ASSERT_EQ(sync(*zk_).create("/config/topics/orders", std::string(R"({"version":1,"config":{}})")),
            ZkError::kOk);
  ASSERT_TRUE(create(orders(false)).ok());
  std::string data;
  ASSERT_EQ(sync(*zk_).get("/config/topics/orders", &data), ZkError::kOk);
  EXPECT_EQ(data, R"({"version":1,"config":{"cleanup.policy":"compact"}})");

  ASSERT_TRUE(run<void>([&](auto done) { store_->mark_for_deletion("orders", done); }).ok());
  NewTopic again = orders(false);
  again.name = "orders";
  ASSERT_EQ(sync(*zk_).remove("/brokers/topics/orders"), ZkError::kOk);  // Half-way deleted.
  auto result = create(again);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "Topic 'orders' is marked for deletion.");
}

TEST_F(TopicStoreTest, ControllerCreatesAndUpdatesPartitionStates) {
  // The admin path: assignment and config only; the controller adds the states.
  ASSERT_TRUE(create(orders(false)).ok());
  std::map<PartitionId, PartitionState> states = {
      {PartitionId(0),
       {BrokerId(1), LeaderEpoch(0), {BrokerId(1), BrokerId(2)}, ControllerEpoch(1)}},
      {PartitionId(1),
       {BrokerId(2), LeaderEpoch(0), {BrokerId(2), BrokerId(1)}, ControllerEpoch(1)}}};
  auto created = run<std::map<PartitionId, int32_t>>(
      [&](auto done) { store_->create_partition_states("orders", states, fence_, done); });
  ASSERT_TRUE(created.ok()) << created.error().message;

  // Shrinking the ISR is a conditional write on the partition epoch (the zkVersion).
  PartitionState shrunk = states[PartitionId(0)];
  shrunk.isr = {BrokerId(1)};
  auto version = run<int32_t>([&](auto done) {
    store_->update_partition_state("orders", PartitionId(0), shrunk, 0, fence_, done);
  });
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, 1);
  auto stale = run<int32_t>([&](auto done) {
    store_->update_partition_state("orders", PartitionId(0), shrunk, 0, fence_, done);
  });
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().zk, ZkError::kBadVersion);
  ControllerFence old_fence{ControllerEpoch(0), 7};
  auto fenced_out = run<int32_t>([&](auto done) {
    store_->update_partition_state("orders", PartitionId(0), shrunk, 1, old_fence, done);
  });
  ASSERT_FALSE(fenced_out.ok());
  EXPECT_EQ(fenced_out.error().code, ClusterErrc::kControllerMoved);
}

TEST_F(TopicStoreTest, DeleteRemovesEverything) {
  ASSERT_TRUE(create(orders(true)).ok());
  ASSERT_TRUE(run<void>([&](auto done) { store_->mark_for_deletion("orders", done); }).ok());
  ASSERT_TRUE(run<void>([&](auto done) { store_->delete_topic("orders", fence_, done); }).ok());
  auto s = sync(*zk_);
  EXPECT_EQ(s.exists("/brokers/topics/orders"), ZkError::kNoNode);
  EXPECT_EQ(s.exists("/config/topics/orders"), ZkError::kNoNode);
  EXPECT_EQ(s.exists("/admin/delete_topics/orders"), ZkError::kNoNode);
  auto again = run<void>([&](auto done) { store_->delete_topic("orders", fence_, done); });
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ClusterErrc::kUnknownTopic);
  auto mark = run<void>([&](auto done) { store_->mark_for_deletion("orders", done); });
  EXPECT_EQ(mark.error().code, ClusterErrc::kUnknownTopic);
}

TEST_F(TopicStoreTest, EntityConfigWritesANotification) {
  ASSERT_TRUE(run<void>([&](auto done) {
                store_->write_entity_config("brokers", "1", {{"log.cleaner.threads", "2"}}, done);
              }).ok());
  ASSERT_TRUE(run<void>([&](auto done) {
                store_->write_entity_config("brokers", "1", {{"log.cleaner.threads", "3"}}, done);
              }).ok());
  auto config =
      run<EntityConfig>([&](auto done) { store_->read_entity_config("brokers", "1", done); });
  EXPECT_EQ(config.value().at("log.cleaner.threads"), "3");
  std::vector<std::string> changes;
  ASSERT_EQ(sync(*zk_).children("/config/changes", &changes), ZkError::kOk);
  std::sort(changes.begin(), changes.end());
  EXPECT_EQ(changes,
            (std::vector<std::string>{"config_change_0000000000", "config_change_0000000001"}));
  std::string data;
  ASSERT_EQ(sync(*zk_).get("/config/changes/" + changes[0], &data), ZkError::kOk);
  EXPECT_EQ(data, R"({"version":2,"entity_path":"brokers/1"})");
}

}  // namespace
}  // namespace gregor::cluster
