// The topic watch against a real ZooKeeper: topics written with TopicStore appear in the
// metadata cache, follow their partition states, and leave with their znodes.
#include "broker/topic_watch.h"

#include <gtest/gtest.h>

#include "gregor/cluster/topic_store.h"
#include "gregor/cluster/zk_paths.h"
#include "zk_test_base.h"

namespace gregor::broker {
namespace {

using cluster::ClusterError;

class TopicWatchTest : public cluster::testing::ZkTestBase {
 protected:
  void SetUp() override {
    ZkTestBase::SetUp();
    zk_ = connect();
    std::optional<cluster::ZkError> made;
    cluster::ensure_paths(*zk_, cluster::paths::persistent_paths(),
                          [&](cluster::ZkError e) { made = e; });
    ASSERT_TRUE(wait([&] { return made.has_value(); }));
    ASSERT_EQ(sync(*zk_).create("/controller_epoch", std::string("1")), cluster::ZkError::kOk);
    store_ = std::make_unique<cluster::TopicStore>(*zk_);
    watch_ = std::make_unique<TopicWatch>(*zk_, cache_);
    watch_->start();
  }
  void TearDown() override {
    watch_.reset();
    store_.reset();
    zk_.reset();
    ZkTestBase::TearDown();
  }

  void run(const std::function<void(cluster::Done<void>)>& call) {
    std::optional<Result<void, ClusterError>> out;
    call([&](Result<void, ClusterError> r) { out = std::move(r); });
    ASSERT_TRUE(wait([&] { return out.has_value(); }));
    ASSERT_TRUE(out->ok()) << out->error().message;
  }

  const cluster::PartitionMetadata* partition(PartitionId p) {
    return cache_.snapshot()->partition("orders", p);
  }

  const cluster::ControllerFence fence_{ControllerEpoch(1), 0};
  cluster::MetadataCache cache_;
  std::unique_ptr<cluster::ZkClient> zk_;
  std::unique_ptr<cluster::TopicStore> store_;
  std::unique_ptr<TopicWatch> watch_;
};

TEST_F(TopicWatchTest, FollowsCreationStateChangesAndDeletion) {
  cluster::NewTopic topic;
  topic.name = "orders";
  topic.id = wire::Uuid::random();
  topic.assignment = {{PartitionId(0), {BrokerId(1), BrokerId(2)}},
                      {PartitionId(1), {BrokerId(2), BrokerId(1)}}};
  topic.initial_states[PartitionId(0)] = {
      BrokerId(1), LeaderEpoch(0), {BrokerId(1), BrokerId(2)}, ControllerEpoch(1)};
  topic.initial_states[PartitionId(1)] = {
      BrokerId(2), LeaderEpoch(0), {BrokerId(2), BrokerId(1)}, ControllerEpoch(1)};
  topic.fence = fence_;
  const wire::Uuid id = topic.id;
  run([&](auto done) { store_->create_topic(topic, done); });

  ASSERT_TRUE(wait([&] { return partition(PartitionId(1)) != nullptr; }));
  const auto snapshot = cache_.snapshot();
  EXPECT_EQ(snapshot->topic("orders")->id, id);
  EXPECT_EQ(snapshot->topic("orders")->partitions.size(), 2u);
  EXPECT_EQ(partition(PartitionId(1))->leader, BrokerId(2));
  EXPECT_EQ(partition(PartitionId(1))->replicas, (std::vector<BrokerId>{BrokerId(2), BrokerId(1)}));
  EXPECT_EQ(partition(PartitionId(0))->partition_epoch, 0);

  cluster::PartitionState shrunk{BrokerId(2), LeaderEpoch(1), {BrokerId(2)}, ControllerEpoch(1)};
  std::optional<Result<int32_t, ClusterError>> updated;
  store_->update_partition_state("orders", PartitionId(0), shrunk, 0, fence_,
                                 [&](Result<int32_t, ClusterError> r) { updated = std::move(r); });
  ASSERT_TRUE(wait([&] { return partition(PartitionId(0))->leader_epoch == LeaderEpoch(1); }));
  EXPECT_EQ(partition(PartitionId(0))->leader, BrokerId(2));
  EXPECT_EQ(partition(PartitionId(0))->isr, std::vector<BrokerId>{BrokerId(2)});
  EXPECT_EQ(partition(PartitionId(0))->partition_epoch, 1);

  run([&](auto done) { store_->delete_topic("orders", fence_, done); });
  ASSERT_TRUE(wait([&] { return cache_.snapshot()->topic("orders") == nullptr; }));
}

// A topic written without partition states (Kafka's admin path) is listed without leaders.
TEST_F(TopicWatchTest, PartitionsWithoutStateHaveNoLeader) {
  cluster::NewTopic topic;
  topic.name = "orders";
  topic.id = wire::Uuid::random();
  topic.assignment = {{PartitionId(0), {BrokerId(3)}}};
  run([&](auto done) { store_->create_topic(topic, done); });
  ASSERT_TRUE(wait([&] { return partition(PartitionId(0)) != nullptr; }));
  EXPECT_EQ(partition(PartitionId(0))->leader, cluster::kNoLeader);
  EXPECT_EQ(partition(PartitionId(0))->replicas, std::vector<BrokerId>{BrokerId(3)});
}

}  // namespace
}  // namespace gregor::broker
