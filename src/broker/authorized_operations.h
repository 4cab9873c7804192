// The authorized-operations bit sets that Metadata and DescribeCluster return when asked.
// gregor has no authorizer yet, so, as Kafka does without one, every operation a resource
// type supports is allowed. Bits are Kafka's AclOperation codes.
#pragma once

#include <cstdint>

namespace gregor::broker {

enum class AclOperation : int8_t {
  kRead = 3,
  kWrite = 4,
  kCreate = 5,
  kDelete = 6,
  kAlter = 7,
  kDescribe = 8,
  kClusterAction = 9,
  kDescribeConfigs = 10,
  kAlterConfigs = 11,
  kIdempotentWrite = 12,
};

constexpr int32_t bit(AclOperation op) {
  return int32_t{1} << static_cast<int>(op);
}

inline constexpr int32_t kClusterOperations =
    bit(AclOperation::kCreate) | bit(AclOperation::kClusterAction) |
    bit(AclOperation::kDescribeConfigs) | bit(AclOperation::kAlterConfigs) |
    bit(AclOperation::kIdempotentWrite) | bit(AclOperation::kAlter) | bit(AclOperation::kDescribe);

inline constexpr int32_t kTopicOperations =
    bit(AclOperation::kRead) | bit(AclOperation::kWrite) | bit(AclOperation::kCreate) |
    bit(AclOperation::kDescribe) | bit(AclOperation::kDelete) | bit(AclOperation::kAlter) |
    bit(AclOperation::kDescribeConfigs) | bit(AclOperation::kAlterConfigs);

}  // namespace gregor::broker
