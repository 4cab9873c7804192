// Kafka's ZooKeeper layout (ZK mode, 3.x): the znode paths, relative to the chroot.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "gregor/common/strong_id.h"

namespace gregor::cluster::paths {

inline constexpr std::string_view kController = "/controller";             // Ephemeral.
inline constexpr std::string_view kControllerEpoch = "/controller_epoch";  // Decimal text.
inline constexpr std::string_view kBrokers = "/brokers";
inline constexpr std::string_view kBrokerIds = "/brokers/ids";
inline constexpr std::string_view kTopics = "/brokers/topics";
inline constexpr std::string_view kBrokerSeqId = "/brokers/seqid";
inline constexpr std::string_view kCluster = "/cluster";
inline constexpr std::string_view kClusterId = "/cluster/id";
inline constexpr std::string_view kConfig = "/config";
inline constexpr std::string_view kConfigChanges = "/config/changes";
inline constexpr std::string_view kAdmin = "/admin";
inline constexpr std::string_view kDeleteTopics = "/admin/delete_topics";
inline constexpr std::string_view kReassignPartitions = "/admin/reassign_partitions";
inline constexpr std::string_view kPreferredReplicaElection = "/admin/preferred_replica_election";
inline constexpr std::string_view kIsrChangeNotification = "/isr_change_notification";
inline constexpr std::string_view kLogDirEventNotification = "/log_dir_event_notification";
inline constexpr std::string_view kLatestProducerIdBlock = "/latest_producer_id_block";
inline constexpr std::string_view kFeature = "/feature";
inline constexpr std::string_view kConsumers = "/consumers";

// Prefixes of persistent-sequential children; ZooKeeper appends a 10-digit number.
inline constexpr std::string_view kConfigChangePrefix = "config_change_";
inline constexpr std::string_view kIsrChangePrefix = "isr_change_";

// Entity types under /config (Kafka's ConfigType.ALL in ZK mode).
inline constexpr std::string_view kTopicConfigs = "topics";
inline constexpr std::string_view kClientConfigs = "clients";
inline constexpr std::string_view kUserConfigs = "users";
inline constexpr std::string_view kBrokerConfigs = "brokers";
inline constexpr std::string_view kIpConfigs = "ips";

// The persistent paths a Kafka broker makes sure exist at start-up (ZkData.PersistentZkPaths).
const std::vector<std::string>& persistent_paths();

std::string child(std::string_view parent, std::string_view name);  // <parent>/<name>
std::string broker(BrokerId id);                                    // /brokers/ids/<id>
std::string topic(std::string_view name);                           // /brokers/topics/<t>
std::string topic_partitions(std::string_view name);          // /brokers/topics/<t>/partitions
std::string partition(std::string_view name, PartitionId p);  // .../partitions/<p>
std::string partition_state(std::string_view name, PartitionId p);  // .../partitions/<p>/state
std::string config_entity(std::string_view type, std::string_view name);  // /config/<type>/<n>
std::string delete_topic(std::string_view name);  // /admin/delete_topics/<t>
std::string config_change_sequence_prefix();      // /config/changes/config_change_

}  // namespace gregor::cluster::paths
