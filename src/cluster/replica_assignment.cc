#include "gregor/cluster/replica_assignment.h"

#include <algorithm>
#include <map>
#include <random>
#include <set>

namespace gregor::cluster {
namespace {

ClusterError invalid(ClusterErrc code, std::string message) {
  ClusterError error;
  error.code = code;
  error.message = std::move(message);
  return error;
}

int32_t random_below(int32_t n) {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_int_distribution<int32_t>(0, n - 1)(rng);
}

// The broker index of the replica after the first: the first index plus a distance in
// [1, n-1] that depends on the shift, so a follower never lands on the leader.
int32_t follower_index(int32_t first, int32_t shift, int32_t replica, int32_t n) {
  const int32_t distance = 1 + (shift + replica) % (n - 1);
  return (first + distance) % n;
}

// Kafka's placement skeleton: partition p's first replica is broker (p + start) mod n, and
// every full round over the brokers moves the followers one step further from the leader.
// `add_followers(first, shift, replicas)` appends the followers of one partition.
template <class AddFollowers>
ReplicaMap place(const std::vector<BrokerId>& brokers, const AssignmentRequest& request,
                 AddFollowers add_followers) {
  const auto n = static_cast<int32_t>(brokers.size());
  const int32_t start = request.fixed_start_index.value_or(random_below(n));
  int32_t shift = request.fixed_start_index.value_or(random_below(n));
  ReplicaMap out;
  int32_t partition = std::max(0, request.first_partition_id);
  for (int32_t i = 0; i < request.partitions; ++i, ++partition) {
    if (partition > 0 && partition % n == 0) ++shift;
    const int32_t first = (partition + start) % n;
    std::vector<BrokerId>& replicas = out[PartitionId(partition)];
    replicas.push_back(brokers[static_cast<size_t>(first)]);
    add_followers(first, shift, replicas);
  }
  return out;
}

ReplicaMap assign_without_racks(const std::vector<BrokerId>& brokers,
                                const AssignmentRequest& request) {
  const auto n = static_cast<int32_t>(brokers.size());
  return place(brokers, request, [&](int32_t first, int32_t shift, std::vector<BrokerId>& out) {
    for (int32_t j = 0; j < request.replication_factor - 1; ++j) {
      out.push_back(brokers[static_cast<size_t>(follower_index(first, shift, j, n))]);
    }
  });
}

// A follower is skipped while its rack already holds a replica and some rack does not, or
// while the broker itself does and some broker does not.
ReplicaMap assign_with_racks(const std::vector<BrokerRack>& racked,
                             const AssignmentRequest& request) {
  std::map<BrokerId, std::string> rack_of;
  std::set<std::string> racks;
  for (const BrokerRack& b : racked) {
    rack_of[b.id] = *b.rack;
    racks.insert(*b.rack);
  }
  const std::vector<BrokerId> brokers = rack_alternated_brokers(racked);
  const auto n = static_cast<int32_t>(brokers.size());
  const auto rack_count = static_cast<int32_t>(racks.size());
  return place(brokers, request, [&](int32_t first, int32_t shift, std::vector<BrokerId>& out) {
    std::set<std::string> racks_used{rack_of[out.front()]};
    std::set<BrokerId> brokers_used{out.front()};
    // The shift is scaled by the rack count so consecutive rounds start on another rack.
    for (int32_t k = 0; static_cast<int32_t>(out.size()) < request.replication_factor; ++k) {
      const BrokerId candidate =
          brokers[static_cast<size_t>(follower_index(first, shift * rack_count, k, n))];
      const std::string& rack = rack_of[candidate];
      const bool rack_ok =
          !racks_used.contains(rack) || static_cast<int32_t>(racks_used.size()) == rack_count;
      const bool broker_ok =
          !brokers_used.contains(candidate) || static_cast<int32_t>(brokers_used.size()) == n;
      if (rack_ok && broker_ok) {
        out.push_back(candidate);
        racks_used.insert(rack);
        brokers_used.insert(candidate);
      }
    }
  });
}

}  // namespace

std::vector<BrokerId> rack_alternated_brokers(const std::vector<BrokerRack>& brokers) {
  std::map<std::string, std::vector<BrokerId>> by_rack;  // Racks in ascending order.
  for (const BrokerRack& b : brokers)
    by_rack[b.rack.value_or("")].push_back(b.id);
  for (auto& [rack, ids] : by_rack)
    std::sort(ids.begin(), ids.end());
  std::vector<BrokerId> out;
  out.reserve(brokers.size());
  for (size_t round = 0; out.size() < brokers.size(); ++round) {
    for (const auto& [rack, ids] : by_rack) {
      if (round < ids.size()) out.push_back(ids[round]);
    }
  }
  return out;
}

Result<ReplicaMap, ClusterError> assign_replicas(std::vector<BrokerRack> brokers,
                                                 const AssignmentRequest& request) {
  if (request.partitions <= 0) {
    return unexpected(
        invalid(ClusterErrc::kInvalidPartitions, "Number of partitions must be larger than 0."));
  }
  if (request.replication_factor <= 0) {
    return unexpected(invalid(ClusterErrc::kInvalidReplicationFactor,
                              "Replication factor must be larger than 0."));
  }
  if (request.replication_factor > static_cast<int32_t>(brokers.size())) {
    return unexpected(
        invalid(ClusterErrc::kInvalidReplicationFactor,
                "Replication factor: " + std::to_string(request.replication_factor) +
                    " larger than available brokers: " + std::to_string(brokers.size()) + "."));
  }
  std::sort(brokers.begin(), brokers.end(),
            [](const BrokerRack& a, const BrokerRack& b) { return a.id < b.id; });
  const size_t with_rack = static_cast<size_t>(std::count_if(
      brokers.begin(), brokers.end(), [](const BrokerRack& b) { return b.rack.has_value(); }));
  bool use_racks = request.rack_mode != RackAwareMode::kDisabled && with_rack == brokers.size();
  if (request.rack_mode == RackAwareMode::kEnforced && with_rack != 0 &&
      with_rack != brokers.size()) {
    return unexpected(invalid(ClusterErrc::kRackInfoIncomplete,
                              "Not all brokers have rack information for replica rack aware "
                              "assignment."));
  }
  if (use_racks) return assign_with_racks(brokers, request);
  std::vector<BrokerId> ids;
  ids.reserve(brokers.size());
  for (const BrokerRack& b : brokers)
    ids.push_back(b.id);
  return assign_without_racks(ids, request);
}

}  // namespace gregor::cluster
