#include "gregor/cluster/metadata_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace gregor::cluster {
namespace {

BrokerMetadata broker(int32_t id, std::vector<BrokerEndpoint> endpoints) {
  BrokerMetadata b;
  b.id = BrokerId(id);
  b.endpoints = std::move(endpoints);
  return b;
}

PartitionUpdate partition(const std::string& topic, const wire::Uuid& id, int32_t p, int32_t leader,
                          int32_t leader_epoch) {
  PartitionUpdate u;
  u.topic = topic;
  u.topic_id = id;
  u.state.partition = PartitionId(p);
  u.state.leader = BrokerId(leader);
  u.state.leader_epoch = LeaderEpoch(leader_epoch);
  u.state.replicas = {BrokerId(1), BrokerId(2)};
  u.state.isr = {BrokerId(leader)};
  return u;
}

TEST(MetadataCacheTest, UpdateMetadataFillsTheCache) {
  MetadataCache cache;
  cache.set_cluster_id("abc");
  const wire::Uuid orders = wire::Uuid::random();
  MetadataUpdate update;
  update.controller_id = BrokerId(2);
  update.live_brokers = {
      broker(1, {{"PLAINTEXT", "h1", 9092, "PLAINTEXT"}, {"INTERNAL", "i1", 9093, "SSL"}}),
      broker(2, {{"PLAINTEXT", "h2", 9092, "PLAINTEXT"}})};
  update.partitions = {partition("orders", orders, 0, 1, 3), partition("orders", orders, 1, 2, 0)};
  cache.apply(update);

  auto s = cache.snapshot();
  EXPECT_EQ(s->cluster_id(), "abc");
  EXPECT_EQ(s->controller_id(), BrokerId(2));
  ASSERT_NE(s->broker(BrokerId(1)), nullptr);
  EXPECT_EQ(s->broker(BrokerId(1))->endpoint("INTERNAL")->host, "i1");
  EXPECT_EQ(s->broker(BrokerId(2))->endpoint("INTERNAL"), nullptr);
  EXPECT_EQ(s->brokers_with_listener("INTERNAL").size(), 1u);
  EXPECT_EQ(s->brokers_with_listener("PLAINTEXT").size(), 2u);

  const TopicMetadata* by_name = s->topic("orders");
  ASSERT_NE(by_name, nullptr);
  EXPECT_EQ(s->topic(orders), by_name);
  EXPECT_EQ(by_name->partitions.size(), 2u);
  EXPECT_EQ(s->partition("orders", PartitionId(0))->leader_epoch, LeaderEpoch(3));
  EXPECT_EQ(s->partition("orders", PartitionId(7)), nullptr);
  EXPECT_EQ(s->topic("missing"), nullptr);
  EXPECT_EQ(s->topic(wire::Uuid::random()), nullptr);
}

TEST(MetadataCacheTest, SnapshotsDoNotChangeUnderTheReader) {
  MetadataCache cache;
  const wire::Uuid id = wire::Uuid::random();
  MetadataUpdate first;
  first.partitions = {partition("t", id, 0, 1, 0)};
  cache.apply(first);
  auto before = cache.snapshot();

  MetadataUpdate second;
  second.partitions = {partition("t", wire::Uuid{}, 0, 2, 1)};  // Zero id: keep the known one.
  cache.apply(second);
  auto after = cache.snapshot();
  EXPECT_EQ(before->partition("t", PartitionId(0))->leader, BrokerId(1));
  EXPECT_EQ(after->partition("t", PartitionId(0))->leader, BrokerId(2));
  EXPECT_EQ(after->topic("t")->id, id);
}

TEST(MetadataCacheTest, DeletionsAndRecreatedTopics) {
  MetadataCache cache;
  const wire::Uuid old_id = wire::Uuid::random();
  MetadataUpdate create;
  create.partitions = {partition("t", old_id, 0, 1, 0), partition("t", old_id, 1, 1, 0),
                       partition("u", wire::Uuid::random(), 0, 1, 0)};
  cache.apply(create);

  MetadataUpdate shrink;
  shrink.deleted_partitions = {
      {"t", PartitionId(1)}, {"u", PartitionId(0)}, {"gone", PartitionId(0)}};
  cache.apply(shrink);
  auto s = cache.snapshot();
  EXPECT_EQ(s->topic("t")->partitions.size(), 1u);
  EXPECT_EQ(s->topic("u"), nullptr);  // Its last partition went.

  // A topic of the same name with a new id replaces the old one entirely.
  const wire::Uuid new_id = wire::Uuid::random();
  MetadataUpdate recreate;
  recreate.partitions = {partition("t", new_id, 3, 2, 0)};
  cache.apply(recreate);
  s = cache.snapshot();
  EXPECT_EQ(s->topic(old_id), nullptr);
  ASSERT_NE(s->topic(new_id), nullptr);
  EXPECT_EQ(s->topic("t")->partitions.size(), 1u);
  EXPECT_TRUE(s->topic("t")->partitions.contains(PartitionId(3)));
}

TEST(MetadataCacheTest, WatchStyleWriters) {
  MetadataCache cache;
  TopicMetadata topic{"orders", wire::Uuid::random(), {}};
  topic.partitions[PartitionId(0)].partition = PartitionId(0);
  cache.set_topic(topic);
  cache.set_controller(BrokerId(5));
  cache.set_live_brokers({broker(5, {{"PLAINTEXT", "h", 1, "PLAINTEXT"}})});
  auto s = cache.snapshot();
  EXPECT_EQ(s->controller_id(), BrokerId(5));
  EXPECT_EQ(s->topic(topic.id)->name, "orders");
  cache.remove_topic("orders");
  cache.set_controller(std::nullopt);
  s = cache.snapshot();
  EXPECT_EQ(s->topic("orders"), nullptr);
  EXPECT_EQ(s->topic(topic.id), nullptr);
  EXPECT_FALSE(s->controller_id().has_value());
}

TEST(MetadataCacheTest, ReadersOnOtherThreadsSeeWholeSnapshots) {
  MetadataCache cache;
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread reader([&] {
    while (!stop) {
      auto s = cache.snapshot();
      // Every update writes the same leader to both partitions.
      auto* p0 = s->partition("t", PartitionId(0));
      auto* p1 = s->partition("t", PartitionId(1));
      if (p0 != nullptr && p1 != nullptr && p0->leader != p1->leader) ++torn;
    }
  });
  const wire::Uuid id = wire::Uuid::random();
  for (int32_t i = 0; i < 2000; ++i) {
    MetadataUpdate u;
    u.partitions = {partition("t", id, 0, i, i), partition("t", id, 1, i, i)};
    cache.apply(u);
  }
  stop = true;
  reader.join();
  EXPECT_EQ(torn, 0);
}

}  // namespace
}  // namespace gregor::cluster
