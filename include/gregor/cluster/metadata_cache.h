// The broker's view of the cluster: live brokers and their endpoints, topics with their ids,
// partitions with leader, epochs, replicas and ISR, the controller and the cluster id. What
// Metadata, DescribeCluster and the produce/fetch routing checks answer from.
//
// Two writers feed it: ZooKeeper watches (on the controller, or on a broker that follows
// ZooKeeper directly) and UpdateMetadata requests from the controller (apply()). It knows
// nothing of either's wire format; the handlers translate.
//
// Readers take a snapshot: an immutable, internally consistent view that stays valid for as
// long as they hold it, from any thread. Writers replace the snapshot (copy on write, sharing
// unchanged topics) and must be serialized by the caller, typically on the loop thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gregor/cluster/broker_znodes.h"
#include "gregor/cluster/topic_znodes.h"
#include "gregor/common/strong_id.h"
#include "gregor/wire/codec.h"

namespace gregor::cluster {

struct BrokerMetadata {
  BrokerId id;
  std::vector<BrokerEndpoint> endpoints;
  std::optional<std::string> rack;
  int64_t epoch = -1;  // Kafka's broker epoch (registration czxid), -1 when unknown.

  // The endpoint of listener `name`, or nullptr when the broker has none by that name.
  const BrokerEndpoint* endpoint(std::string_view name) const;
};

struct PartitionMetadata {
  PartitionId partition;
  BrokerId leader = kNoLeader;
  LeaderEpoch leader_epoch{-1};
  int32_t partition_epoch = -1;  // The state znode's zkVersion.
  ControllerEpoch controller_epoch{-1};
  std::vector<BrokerId> replicas;
  std::vector<BrokerId> isr;
  std::vector<BrokerId> offline_replicas;
};

struct TopicMetadata {
  std::string name;
  wire::Uuid id;  // All zero when unknown (topics created before Kafka 2.8).
  std::map<PartitionId, PartitionMetadata> partitions;
};

class MetadataSnapshot {
 public:
  using TopicMap = std::map<std::string, std::shared_ptr<const TopicMetadata>, std::less<>>;

  const std::string& cluster_id() const { return cluster_id_; }
  std::optional<BrokerId> controller_id() const { return controller_id_; }

  const std::map<BrokerId, BrokerMetadata>& brokers() const { return brokers_; }
  const BrokerMetadata* broker(BrokerId id) const;
  // The live brokers that have listener `name`, by id: who a client on that listener sees.
  std::vector<const BrokerMetadata*> brokers_with_listener(std::string_view name) const;

  const TopicMap& topics() const { return topics_; }
  const TopicMetadata* topic(std::string_view name) const;
  const TopicMetadata* topic(const wire::Uuid& id) const;
  const PartitionMetadata* partition(std::string_view topic, PartitionId partition) const;

 private:
  friend class MetadataCache;
  struct UuidLess {
    bool operator()(const wire::Uuid& a, const wire::Uuid& b) const;
  };

  std::string cluster_id_;
  std::optional<BrokerId> controller_id_;
  std::map<BrokerId, BrokerMetadata> brokers_;
  TopicMap topics_;
  std::map<wire::Uuid, std::string, UuidLess> names_by_id_;
};

// One partition's state in an update, with the topic it belongs to.
struct PartitionUpdate {
  std::string topic;
  wire::Uuid topic_id;  // Zero: keep the id the cache has.
  PartitionMetadata state;
};

// The content of one UpdateMetadata request (ZK mode), already decoded.
struct MetadataUpdate {
  std::optional<BrokerId> controller_id;     // nullopt: no controller (Kafka sends -1).
  std::vector<BrokerMetadata> live_brokers;  // The full set: replaces the cache's.
  std::vector<PartitionUpdate> partitions;   // Upserted.
  // Partitions whose leader is LeaderDuringDelete (-2): the topic is being deleted.
  std::vector<std::pair<std::string, PartitionId>> deleted_partitions;
};

class MetadataCache {
 public:
  MetadataCache();

  // The current view; cheap, and safe to call from any thread.
  std::shared_ptr<const MetadataSnapshot> snapshot() const;

  // Writers. Each publishes a new snapshot.
  void apply(const MetadataUpdate& update);
  void set_cluster_id(std::string id);
  void set_controller(std::optional<BrokerId> id);
  void set_live_brokers(std::vector<BrokerMetadata> brokers);
  // Replaces a topic whole (a topic whose id changed is a different topic).
  void set_topic(TopicMetadata topic);
  void remove_topic(std::string_view name);

 private:
  MetadataSnapshot copy() const;
  void publish(MetadataSnapshot next);

  mutable std::mutex mutex_;  // Guards `current_` (the pointer, not the snapshot).
  std::shared_ptr<const MetadataSnapshot> current_;
};

}  // namespace gregor::cluster
