// The cluster module's errors, and their one mapping to Kafka error codes.
#pragma once

#include <cstdint>
#include <string>

#include "gregor/cluster/zk_error.h"
#include "gregor/common/error_code.h"

namespace gregor::cluster {

enum class ClusterErrc : uint8_t {
  kZooKeeper,                 // A ZooKeeper request failed; `zk` says how.
  kMalformedZnode,            // A znode holds data we cannot decode.
  kTopicAlreadyExists,        // Also: the topic is marked for deletion.
  kUnknownTopic,              // No such topic (or partition) in ZooKeeper.
  kBrokerIdInUse,             // Another live session holds /brokers/ids/<id>.
  kControllerMoved,           // This broker is not (or no longer) the controller.
  kInvalidPartitions,         // Partition count or ids not acceptable.
  kInvalidReplicationFactor,  // Replication factor < 1 or larger than the live brokers.
  kInvalidReplicaAssignment,  // An explicit assignment is inconsistent.
  kRackInfoIncomplete,        // Some brokers have a rack and some do not.
  kClosed,                    // The ZooKeeper client was closed.
};

struct ClusterError {
  ClusterErrc code = ClusterErrc::kZooKeeper;
  ZkError zk = ZkError::kOk;  // For kZooKeeper.
  std::string message;        // For logs and for the error_message of a Kafka response.
};

// Builds a kZooKeeper error from a failed request ("<what>: NONODE").
ClusterError zk_failure(ZkError error, const std::string& what);

// The Kafka error code a handler should answer with.
ErrorCode to_error_code(const ClusterError& error);

}  // namespace gregor::cluster
