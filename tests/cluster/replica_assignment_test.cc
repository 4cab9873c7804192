#include "gregor/cluster/replica_assignment.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace gregor::cluster {
namespace {

std::vector<BrokerRack> brokers(std::initializer_list<int32_t> ids) {
  std::vector<BrokerRack> out;
  for (int32_t id : ids)
    out.push_back({BrokerId(id), std::nullopt});
  return out;
}

std::vector<BrokerRack> racked(std::initializer_list<std::pair<int32_t, const char*>> entries) {
  std::vector<BrokerRack> out;
  for (const auto& [id, rack] : entries)
    out.push_back({BrokerId(id), std::string(rack)});
  return out;
}

std::vector<int32_t> ids(const std::vector<BrokerId>& list) {
  std::vector<int32_t> out;
  for (BrokerId b : list)
    out.push_back(b.value());
  return out;
}

AssignmentRequest request(int32_t partitions, int32_t rf, std::optional<int32_t> start = {}) {
  AssignmentRequest r;
  r.partitions = partitions;
  r.replication_factor = rf;
  r.fixed_start_index = start;
  return r;
}

TEST(ReplicaAssignmentTest, RackUnawareMatchesKafka) {
  // Kafka's own expectation for 5 brokers, 10 partitions, factor 3, start index 0.
  auto assignment = assign_replicas(brokers({0, 1, 2, 3, 4}), request(10, 3, 0));
  ASSERT_TRUE(assignment.ok());
  const std::map<int32_t, std::vector<int32_t>> expected = {
      {0, {0, 1, 2}}, {1, {1, 2, 3}}, {2, {2, 3, 4}}, {3, {3, 4, 0}}, {4, {4, 0, 1}},
      {5, {0, 2, 3}}, {6, {1, 3, 4}}, {7, {2, 4, 0}}, {8, {3, 0, 1}}, {9, {4, 1, 2}}};
  ASSERT_EQ(assignment->size(), expected.size());
  for (const auto& [p, replicas] : expected) {
    EXPECT_EQ(ids(assignment->at(PartitionId(p))), replicas) << "partition " << p;
  }
}

TEST(ReplicaAssignmentTest, SpreadsReplicasAndLeadersEvenly) {
  for (int run = 0; run < 20; ++run) {  // Random start index and shift each time.
    auto assignment = assign_replicas(brokers({5, 1, 3, 2, 4, 0}), request(12, 3));
    ASSERT_TRUE(assignment.ok());
    std::map<BrokerId, int> replicas_per_broker;
    std::map<BrokerId, int> leaders_per_broker;
    for (const auto& [p, replicas] : *assignment) {
      EXPECT_EQ(replicas.size(), 3u);
      EXPECT_EQ(std::set<BrokerId>(replicas.begin(), replicas.end()).size(), 3u)
          << "a broker holds two replicas of partition " << p.value();
      ++leaders_per_broker[replicas.front()];
      for (BrokerId b : replicas)
        ++replicas_per_broker[b];
    }
    for (const auto& [b, n] : replicas_per_broker)
      EXPECT_EQ(n, 6) << "broker " << b.value();
    for (const auto& [b, n] : leaders_per_broker)
      EXPECT_EQ(n, 2) << "broker " << b.value();
  }
}

TEST(ReplicaAssignmentTest, AddedPartitionsContinueTheNumbering) {
  AssignmentRequest r = request(2, 2, 1);
  r.first_partition_id = 3;
  auto assignment = assign_replicas(brokers({0, 1, 2}), r);
  ASSERT_TRUE(assignment.ok());
  ASSERT_EQ(assignment->size(), 2u);
  // Partition 3 wraps once around three brokers, so its follower moves one further.
  EXPECT_EQ(ids(assignment->at(PartitionId(3))), (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(ids(assignment->at(PartitionId(4))), (std::vector<int32_t>{2, 0}));
}

TEST(ReplicaAssignmentTest, RacksAlternate) {
  auto brokers_by_rack =
      racked({{0, "rack1"}, {1, "rack3"}, {2, "rack3"}, {3, "rack2"}, {5, "rack2"}, {6, "rack1"}});
  EXPECT_EQ(ids(rack_alternated_brokers(brokers_by_rack)),
            (std::vector<int32_t>{0, 3, 1, 6, 5, 2}));

  auto assignment = assign_replicas(brokers_by_rack, request(7, 3, 0));
  ASSERT_TRUE(assignment.ok());
  std::map<BrokerId, std::string> rack_of;
  for (const auto& b : brokers_by_rack)
    rack_of[b.id] = *b.rack;
  for (const auto& [p, replicas] : *assignment) {
    std::set<std::string> racks;
    for (BrokerId b : replicas)
      racks.insert(rack_of[b]);
    EXPECT_EQ(racks.size(), 3u) << "partition " << p.value() << " is not on three racks";
  }
  EXPECT_EQ(ids(assignment->at(PartitionId(0))), (std::vector<int32_t>{0, 3, 1}));
}

TEST(ReplicaAssignmentTest, RackAwareSpreadsEvenlyWithUnevenRacks) {
  // Six brokers on racks of one, two and three brokers, factor 2: every partition on two
  // racks, and every broker leads exactly one partition.
  auto brokers_by_rack = racked({{0, "a"}, {1, "b"}, {2, "b"}, {3, "c"}, {4, "c"}, {5, "c"}});
  std::map<BrokerId, std::string> rack_of;
  for (const auto& b : brokers_by_rack)
    rack_of[b.id] = *b.rack;
  for (int run = 0; run < 20; ++run) {
    auto assignment = assign_replicas(brokers_by_rack, request(6, 2));
    ASSERT_TRUE(assignment.ok());
    std::map<BrokerId, int> leaders;
    for (const auto& [p, replicas] : *assignment) {
      ++leaders[replicas[0]];
      EXPECT_NE(rack_of[replicas[0]], rack_of[replicas[1]]) << "partition " << p.value();
    }
    EXPECT_EQ(leaders.size(), 6u);
    for (const auto& [b, n] : leaders)
      EXPECT_EQ(n, 1);
  }
}

TEST(ReplicaAssignmentTest, MoreReplicasThanRacksStillUsesEveryRack) {
  auto brokers_by_rack = racked({{0, "a"}, {1, "a"}, {2, "b"}, {3, "b"}});
  auto assignment = assign_replicas(brokers_by_rack, request(4, 3, 1));
  ASSERT_TRUE(assignment.ok());
  for (const auto& [p, replicas] : *assignment) {
    std::set<BrokerId> distinct(replicas.begin(), replicas.end());
    EXPECT_EQ(distinct.size(), 3u);
    std::set<std::string> racks;
    for (BrokerId b : replicas)
      racks.insert(*brokers_by_rack[static_cast<size_t>(b.value())].rack);
    EXPECT_EQ(racks.size(), 2u);
  }
}

TEST(ReplicaAssignmentTest, RejectsImpossibleRequests) {
  auto too_many = assign_replicas(brokers({0, 1}), request(3, 3));
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, ClusterErrc::kInvalidReplicationFactor);
  EXPECT_EQ(too_many.error().message, "Replication factor: 3 larger than available brokers: 2.");

  EXPECT_EQ(assign_replicas(brokers({0}), request(0, 1)).error().code,
            ClusterErrc::kInvalidPartitions);
  EXPECT_EQ(assign_replicas(brokers({0}), request(1, 0)).error().code,
            ClusterErrc::kInvalidReplicationFactor);
  EXPECT_EQ(assign_replicas({}, request(1, 1)).error().code,
            ClusterErrc::kInvalidReplicationFactor);

  // Some brokers with a rack and some without: refused unless racks may be ignored.
  std::vector<BrokerRack> partial = {{BrokerId(0), "a"}, {BrokerId(1), std::nullopt}};
  EXPECT_EQ(assign_replicas(partial, request(2, 2)).error().code, ClusterErrc::kRackInfoIncomplete);
  AssignmentRequest safe = request(2, 2, 0);
  safe.rack_mode = RackAwareMode::kSafe;
  ASSERT_TRUE(assign_replicas(partial, safe).ok());
}

TEST(ReplicaAssignmentTest, SingleBroker) {
  auto assignment = assign_replicas(brokers({7}), request(3, 1));
  ASSERT_TRUE(assignment.ok());
  for (const auto& [p, replicas] : *assignment)
    EXPECT_EQ(ids(replicas), std::vector<int32_t>{7});
}

}  // namespace
}  // namespace gregor::cluster
