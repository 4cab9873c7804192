#include "gregor/cluster/zk_paths.h"

namespace gregor::cluster::paths {
namespace {

std::string join(std::string_view parent, std::string_view child) {
  std::string out;
  out.reserve(parent.size() + 1 + child.size());
  out.append(parent).append("/").append(child);
  return out;
}

}  // namespace

const std::vector<std::string>& persistent_paths() {
  static const std::vector<std::string> persistent = {
      std::string(kConsumers),
      std::string(kBrokerIds),
      std::string(kTopics),
      std::string(kConfigChanges),
      std::string(kDeleteTopics),
      std::string(kBrokerSeqId),
      std::string(kIsrChangeNotification),
      std::string(kLatestProducerIdBlock),
      std::string(kLogDirEventNotification),
      join(kConfig, kTopicConfigs),
      join(kConfig, kClientConfigs),
      join(kConfig, kUserConfigs),
      join(kConfig, kBrokerConfigs),
      join(kConfig, kIpConfigs),
  };
  return persistent;
}

std::string child(std::string_view parent, std::string_view name) {
  return join(parent, name);
}

std::string broker(BrokerId id) {
  return join(kBrokerIds, std::to_string(id.value()));
}

std::string topic(std::string_view name) {
  return join(kTopics, name);
}

std::string topic_partitions(std::string_view name) {
  return join(topic(name), "partitions");
}

std::string partition(std::string_view name, PartitionId p) {
  return join(topic_partitions(name), std::to_string(p.value()));
}

std::string partition_state(std::string_view name, PartitionId p) {
  return join(partition(name, p), "state");
}

std::string config_entity(std::string_view type, std::string_view name) {
  return join(join(kConfig, type), name);
}

std::string delete_topic(std::string_view name) {
  return join(kDeleteTopics, name);
}

std::string config_change_sequence_prefix() {
  return join(kConfigChanges, kConfigChangePrefix);
}

}  // namespace gregor::cluster::paths
