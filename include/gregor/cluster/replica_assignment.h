// Kafka's replica placement for new topics and partitions (AdminUtils.assignReplicasToBrokers),
// as a pure function.
//
// Without racks: partition p's first replica is broker (p + start) mod n, and the others
// follow at a distance that grows by one every n partitions, so leaders and followers spread
// evenly. With racks: brokers are first interleaved rack by rack, and a follower is skipped
// while its rack (or the broker itself) already holds a replica of the partition and another
// rack (or broker) does not, so each partition spans as many racks as possible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gregor/cluster/cluster_error.h"
#include "gregor/cluster/topic_znodes.h"
#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"

namespace gregor::cluster {

struct BrokerRack {
  BrokerId id;
  std::optional<std::string> rack;
};

enum class RackAwareMode : uint8_t {
  kEnforced,  // Use racks; fail if only some brokers have one (Kafka's default for creation).
  kSafe,      // Use racks if every broker has one, else ignore them.
  kDisabled,  // Ignore racks.
};

struct AssignmentRequest {
  int32_t partitions = 1;
  int32_t replication_factor = 1;
  // Kafka draws the first broker and the follower shift at random; a fixed value makes the
  // result reproducible (and is what adding partitions to a topic uses).
  std::optional<int32_t> fixed_start_index;
  int32_t first_partition_id = 0;  // Above 0 when adding partitions to an existing topic.
  RackAwareMode rack_mode = RackAwareMode::kEnforced;
};

// Partition -> replicas (preferred leader first) for partitions first_partition_id and up.
// Errors: kInvalidPartitions, kInvalidReplicationFactor (including a factor larger than the
// number of brokers), kRackInfoIncomplete.
Result<ReplicaMap, ClusterError> assign_replicas(std::vector<BrokerRack> brokers,
                                                 const AssignmentRequest& request);

// The brokers ordered rack by rack (racks and ids ascending): with racks a:{0,1} b:{2},
// 0, 2, 1. Exposed for tests.
std::vector<BrokerId> rack_alternated_brokers(const std::vector<BrokerRack>& brokers);

}  // namespace gregor::cluster
