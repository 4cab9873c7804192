// Keeps the MetadataCache's topics in step with ZooKeeper: the topic list under
// /brokers/topics, each topic's assignment znode (replicas and topic id) and each partition's
// state znode (leader, leader epoch, ISR; its zkVersion is the partition epoch).
//
// This is the interim path by which every broker learns about topics: each one reads
// ZooKeeper itself. In Kafka's ZooKeeper mode only the controller watches these znodes and
// the other brokers learn from its UpdateMetadata and LeaderAndIsr requests; once gregor's
// controller sends those, this watch belongs to the controller alone.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gregor/cluster/metadata_cache.h"
#include "gregor/cluster/zk_watchers.h"
#include "gregor/obs/logging.h"

namespace gregor::broker {

class TopicWatch {
 public:
  TopicWatch(cluster::ZkClient& zk, cluster::MetadataCache& cache);
  ~TopicWatch();
  TopicWatch(const TopicWatch&) = delete;
  TopicWatch& operator=(const TopicWatch&) = delete;

  // Starts watching; the cache follows ZooKeeper from the first reads on.
  void start();

 private:
  struct Partition;
  struct Topic;

  void on_topics(const std::vector<std::string>& names);
  void on_assignment(Topic& topic, const std::optional<cluster::ZnodeData>& data);
  void on_state(Topic& topic, PartitionId partition, const std::optional<cluster::ZnodeData>& data);
  // Puts the topic into the cache once its assignment and every partition state were read.
  void publish(const Topic& topic);

  cluster::ZkClient& zk_;
  cluster::MetadataCache& cache_;
  obs::Logger log_;
  cluster::ChildrenWatch names_;
  std::map<std::string, std::unique_ptr<Topic>> topics_;
};

}  // namespace gregor::broker
