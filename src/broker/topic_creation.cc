#include "broker/topic_creation.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

#include "broker/topic_name.h"
#include "gregor/cluster/replica_assignment.h"
#include "gregor/config/topic_config.h"

namespace gregor::broker {
namespace {

constexpr int32_t kDefaultCount = -1;  // Kafka's NO_NUM_PARTITIONS / NO_REPLICATION_FACTOR.

Unexpected<TopicCreationError> fail(ErrorCode code, std::string message) {
  return unexpected(TopicCreationError{code, std::move(message)});
}

// Kafka's Topic.hasCollision: '.' and '_' map to the same metric names.
std::string unify(std::string_view name) {
  std::string out(name);
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

Result<void, TopicCreationError> check_name(const std::string& name,
                                            const cluster::MetadataSnapshot& cluster) {
  if (auto problem = topic_name_problem(name); !problem.empty()) {
    return fail(ErrorCode::kInvalidTopicException, problem);
  }
  if (cluster.topic(name) != nullptr) {
    return fail(ErrorCode::kTopicAlreadyExists, fmt::format("Topic '{}' already exists.", name));
  }
  const std::string unified = unify(name);
  for (const auto& [existing, _] : cluster.topics()) {
    if (unify(existing) == unified) {
      return fail(ErrorCode::kInvalidTopicException,
                  fmt::format("Topic '{}' collides with existing topic: {}", name, existing));
    }
  }
  return {};
}

// An explicit assignment, checked as AdminZkClient.validateTopicCreate checks it.
Result<cluster::ReplicaMap, TopicCreationError> explicit_assignment(
    const wire::CreateTopicsRequest::CreatableTopic& topic) {
  cluster::ReplicaMap out;
  for (const auto& a : topic.assignments) {
    const std::set<int32_t> distinct(a.broker_ids.begin(), a.broker_ids.end());
    if (distinct.size() != a.broker_ids.size()) {
      return fail(ErrorCode::kInvalidReplicaAssignment,
                  fmt::format("Duplicate replica assignment found for partition {}: [{}]",
                              a.partition_index, fmt::join(a.broker_ids, ",")));
    }
    if (a.broker_ids.empty()) {
      return fail(ErrorCode::kInvalidReplicaAssignment,
                  fmt::format("Partition {} has no replicas.", a.partition_index));
    }
    std::vector<BrokerId> replicas;
    for (int32_t b : a.broker_ids)
      replicas.emplace_back(b);
    if (!out.emplace(PartitionId(a.partition_index), std::move(replicas)).second) {
      return fail(ErrorCode::kInvalidReplicaAssignment,
                  "partitions should be a consecutive 0-based integer sequence");
    }
  }
  const size_t replicas = out.begin()->second.size();
  for (const auto& [p, r] : out) {
    if (r.size() != replicas) {
      return fail(ErrorCode::kInvalidReplicaAssignment,
                  "All partitions should have the same number of replicas");
    }
  }
  // Keys are distinct and sorted: consecutive from 0 means the last one is size - 1.
  if (out.begin()->first.value() != 0 ||
      out.rbegin()->first.value() != static_cast<int32_t>(out.size()) - 1) {
    return fail(ErrorCode::kInvalidReplicaAssignment,
                "partitions should be a consecutive 0-based integer sequence");
  }
  return out;
}

Result<config::Properties, TopicCreationError> check_configs(
    const wire::CreateTopicsRequest::CreatableTopic& topic, const config::BrokerConfig& broker) {
  config::Properties overrides;
  for (const auto& c : topic.configs) {
    if (!c.value) {
      return fail(ErrorCode::kInvalidConfig,
                  fmt::format("Null value not supported for topic configs: {}", c.name));
    }
    overrides[c.name] = *c.value;
  }
  if (auto valid = config::validate_topic_overrides(broker, overrides); !valid) {
    return fail(valid.error().code, valid.error().message);
  }
  return overrides;
}

}  // namespace

Result<PlannedTopic, TopicCreationError> plan_topic(
    const wire::CreateTopicsRequest::CreatableTopic& topic, const config::BrokerConfig& broker,
    const cluster::MetadataSnapshot& cluster) {
  if (auto named = check_name(topic.name, cluster); !named) return unexpected(named.error());
  PlannedTopic plan;
  if (!topic.assignments.empty()) {
    if (topic.num_partitions != kDefaultCount || topic.replication_factor != kDefaultCount) {
      return fail(ErrorCode::kInvalidRequest,
                  "Both numPartitions or replicationFactor and replicasAssignments were set. "
                  "Both cannot be used at the same time.");
    }
    auto assignment = explicit_assignment(topic);
    if (!assignment) return unexpected(assignment.error());
    plan.assignment = std::move(*assignment);
  } else {
    cluster::AssignmentRequest request;
    request.partitions = topic.num_partitions == kDefaultCount ? broker.get_int("num.partitions")
                                                               : topic.num_partitions;
    request.replication_factor = topic.replication_factor == kDefaultCount
                                     ? broker.get_int("default.replication.factor")
                                     : topic.replication_factor;
    std::vector<cluster::BrokerRack> live;
    for (const auto& [id, b] : cluster.brokers())
      live.push_back({id, b.rack});
    auto assignment = cluster::assign_replicas(std::move(live), request);
    if (!assignment) {
      return fail(cluster::to_error_code(assignment.error()), assignment.error().message);
    }
    plan.assignment = std::move(*assignment);
  }
  auto overrides = check_configs(topic, broker);
  if (!overrides) return unexpected(overrides.error());
  plan.overrides = std::move(*overrides);
  plan.partitions = static_cast<int32_t>(plan.assignment.size());
  plan.replication_factor = static_cast<int16_t>(plan.assignment.begin()->second.size());
  return plan;
}

std::map<PartitionId, cluster::PartitionState> initial_partition_states(
    const cluster::ReplicaMap& assignment, const cluster::MetadataSnapshot& cluster,
    ControllerEpoch controller_epoch) {
  std::map<PartitionId, cluster::PartitionState> states;
  for (const auto& [partition, replicas] : assignment) {
    cluster::PartitionState state;
    for (BrokerId r : replicas) {
      if (cluster.broker(r) != nullptr) state.isr.push_back(r);
    }
    if (state.isr.empty()) continue;
    state.leader = state.isr.front();
    state.leader_epoch = LeaderEpoch(0);
    state.controller_epoch = controller_epoch;
    states.emplace(partition, std::move(state));
  }
  return states;
}

}  // namespace gregor::broker
