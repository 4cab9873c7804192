#include "gregor/cluster/cluster_error.h"

namespace gregor::cluster {

ClusterError zk_failure(ZkError error, const std::string& what) {
  ClusterError out;
  out.code = error == ZkError::kClosing ? ClusterErrc::kClosed : ClusterErrc::kZooKeeper;
  out.zk = error;
  out.message = what + ": " + std::string(zk_error_name(error));
  return out;
}

ErrorCode to_error_code(const ClusterError& error) {
  switch (error.code) {
    case ClusterErrc::kTopicAlreadyExists:
      return ErrorCode::kTopicAlreadyExists;
    case ClusterErrc::kUnknownTopic:
      return ErrorCode::kUnknownTopicOrPartition;
    case ClusterErrc::kBrokerIdInUse:
      return ErrorCode::kDuplicateBrokerRegistration;
    case ClusterErrc::kControllerMoved:
      return ErrorCode::kNotController;
    case ClusterErrc::kInvalidPartitions:
      return ErrorCode::kInvalidPartitions;
    case ClusterErrc::kInvalidReplicationFactor:
      return ErrorCode::kInvalidReplicationFactor;
    case ClusterErrc::kInvalidReplicaAssignment:
      return ErrorCode::kInvalidReplicaAssignment;
    case ClusterErrc::kRackInfoIncomplete:
      return ErrorCode::kUnknownServerError;  // Kafka's AdminOperationException maps so too.
    case ClusterErrc::kZooKeeper:
      // A request that may be retried once the session is back; clients retry on timeouts.
      return is_connection_error(error.zk) ? ErrorCode::kRequestTimedOut
                                           : ErrorCode::kUnknownServerError;
    case ClusterErrc::kClosed:
      return ErrorCode::kRequestTimedOut;
    case ClusterErrc::kMalformedZnode:
      return ErrorCode::kUnknownServerError;
  }
  return ErrorCode::kUnknownServerError;
}

}  // namespace gregor::cluster
