// Typed contents of Kafka's topic, partition and configuration znodes and their JSON, with
// the same guarantees as broker_znodes.h: encoders write what Kafka 3.9 writes, key order
// included; decoders accept what Kafka writes and never throw.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gregor/cluster/cluster_error.h"
#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"
#include "gregor/wire/codec.h"

namespace gregor::cluster {

using ReplicaMap = std::map<PartitionId, std::vector<BrokerId>>;

// /brokers/topics/<topic>: the replica assignment (version 3 JSON).
struct TopicAssignment {
  std::optional<wire::Uuid> topic_id;  // Absent only in topics created before Kafka 2.8.
  ReplicaMap partitions;               // Partition -> replicas, preferred leader first.
  ReplicaMap adding_replicas;          // Reassignments in progress.
  ReplicaMap removing_replicas;
};

std::string encode_topic_assignment(const TopicAssignment& assignment);
Result<TopicAssignment, ClusterError> decode_topic_assignment(std::string_view json);

enum class LeaderRecoveryState : int8_t { kRecovered = 0, kRecovering = 1 };

// The leader of a partition that has none (all its ISR is offline).
inline constexpr BrokerId kNoLeader{-1};

// /brokers/topics/<topic>/partitions/<p>/state. The znode's zkVersion is the partition epoch.
struct PartitionState {
  BrokerId leader = kNoLeader;
  LeaderEpoch leader_epoch{0};
  std::vector<BrokerId> isr;
  ControllerEpoch controller_epoch{0};
  LeaderRecoveryState recovery = LeaderRecoveryState::kRecovered;
  bool operator==(const PartitionState&) const = default;
};

std::string encode_partition_state(const PartitionState& state);
Result<PartitionState, ClusterError> decode_partition_state(std::string_view json);

// /config/<type>/<name>: {"version":1,"config":{...}} with every value a string.
using EntityConfig = std::map<std::string, std::string>;

std::string encode_entity_config(const EntityConfig& config);
Result<EntityConfig, ClusterError> decode_entity_config(std::string_view json);

// /config/changes/config_change_<seq>: {"version":2,"entity_path":"topics/<name>"}.
std::string encode_config_change(std::string_view entity_path);
Result<std::string, ClusterError> decode_config_change(std::string_view json);

struct TopicPartitionRef {
  std::string topic;
  PartitionId partition;
  bool operator==(const TopicPartitionRef&) const = default;
};

// /isr_change_notification/isr_change_<seq> (written by leaders before IBP 2.7-IV2).
std::string encode_isr_change(const std::vector<TopicPartitionRef>& partitions);
Result<std::vector<TopicPartitionRef>, ClusterError> decode_isr_change(std::string_view json);

}  // namespace gregor::cluster
