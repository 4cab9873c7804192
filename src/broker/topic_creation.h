// The checks and decisions of creating one topic, apart from the ZooKeeper write: Kafka's
// validation of a CreateTopics entry (name, counts, explicit assignment, configs), replica
// placement over the live brokers, and the first leader and ISR of each partition. Pure
// functions of the request, the broker config and a metadata snapshot, so tests need no
// ZooKeeper.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "gregor/cluster/metadata_cache.h"
#include "gregor/cluster/topic_znodes.h"
#include "gregor/common/error_code.h"
#include "gregor/common/result.h"
#include "gregor/config/broker_config.h"
#include "gregor/config/properties.h"
#include "gregor/wire/gen/create_topics.h"

namespace gregor::broker {

struct TopicCreationError {
  ErrorCode code = ErrorCode::kUnknownServerError;
  std::string message;  // Kafka's wording, for the response's error_message.
};

struct PlannedTopic {
  cluster::ReplicaMap assignment;  // Partition -> replicas, preferred leader first.
  config::Properties overrides;    // Validated topic-level configs.
  int32_t partitions = 0;
  int16_t replication_factor = 0;
};

// Validates `topic` the way Kafka's ZkAdminManager does and places its replicas on the live
// brokers of `cluster` (racks included); -1 counts take num.partitions and
// default.replication.factor. Errors: INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS,
// INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG,
// INVALID_REQUEST.
Result<PlannedTopic, TopicCreationError> plan_topic(
    const wire::CreateTopicsRequest::CreatableTopic& topic, const config::BrokerConfig& broker,
    const cluster::MetadataSnapshot& cluster);

// The state each new partition starts with, as Kafka's controller sets it: the first live
// replica leads and the live replicas form the ISR, at leader epoch 0. Partitions with no live
// replica get no state (they stay offline until the controller elects a leader).
std::map<PartitionId, cluster::PartitionState> initial_partition_states(
    const cluster::ReplicaMap& assignment, const cluster::MetadataSnapshot& cluster,
    ControllerEpoch controller_epoch);

}  // namespace gregor::broker
