#include "broker/topic_watch.h"

#include <set>

#include "gregor/cluster/topic_znodes.h"
#include "gregor/cluster/zk_paths.h"

namespace gregor::broker {

struct TopicWatch::Partition {
  std::vector<BrokerId> replicas;
  bool read = false;  // The state znode was read at least once (it may be absent).
  std::optional<cluster::PartitionState> state;
  int32_t zk_version = -1;
  std::unique_ptr<cluster::DataWatch> watch;
};

struct TopicWatch::Topic {
  std::string name;
  bool read = false;  // The assignment znode was read and decoded.
  std::optional<wire::Uuid> id;
  std::map<PartitionId, Partition> partitions;
  std::unique_ptr<cluster::DataWatch> assignment;
};

TopicWatch::TopicWatch(cluster::ZkClient& zk, cluster::MetadataCache& cache)
    : zk_(zk),
      cache_(cache),
      log_(obs::logger("kafka.server.TopicWatch")),
      names_(zk, std::string(cluster::paths::kTopics), [this](auto result) {
        if (!result) {
          log_.warn("Could not list topics: {}", result.error().message);
          return;
        }
        on_topics(*result);
      }) {}

TopicWatch::~TopicWatch() = default;

void TopicWatch::start() {
  names_.start();
}

void TopicWatch::on_topics(const std::vector<std::string>& names) {
  const std::set<std::string> present(names.begin(), names.end());
  for (auto it = topics_.begin(); it != topics_.end();) {
    if (present.contains(it->first)) {
      ++it;
      continue;
    }
    cache_.remove_topic(it->first);
    it = topics_.erase(it);
  }
  for (const auto& name : names) {
    if (topics_.contains(name)) continue;
    auto topic = std::make_unique<Topic>();
    Topic* t = topic.get();
    t->name = name;
    t->assignment = std::make_unique<cluster::DataWatch>(
        zk_, cluster::paths::topic(name), [this, t](auto result) {
          if (!result) {
            log_.warn("Could not read topic {}: {}", t->name, result.error().message);
            return;
          }
          on_assignment(*t, *result);
        });
    topics_.emplace(name, std::move(topic));
    t->assignment->start();
  }
}

void TopicWatch::on_assignment(Topic& topic, const std::optional<cluster::ZnodeData>& data) {
  // A vanished assignment means the topic is being deleted; the topic list follows shortly.
  if (!data) return;
  auto decoded = cluster::decode_topic_assignment(data->data);
  if (!decoded) {
    log_.warn("Ignoring topic {}: {}", topic.name, decoded.error().message);
    return;
  }
  topic.read = true;
  topic.id = decoded->topic_id;
  // Partitions that left the assignment lose their watches; new ones get one each.
  for (auto it = topic.partitions.begin(); it != topic.partitions.end();) {
    it = decoded->partitions.contains(it->first) ? std::next(it) : topic.partitions.erase(it);
  }
  std::vector<cluster::DataWatch*> to_start;
  for (const auto& [id, replicas] : decoded->partitions) {
    Partition& p = topic.partitions[id];
    p.replicas = replicas;
    if (p.watch) continue;
    Topic* t = &topic;
    const PartitionId partition = id;
    p.watch = std::make_unique<cluster::DataWatch>(
        zk_, cluster::paths::partition_state(topic.name, id), [this, t, partition](auto result) {
          if (!result) {
            log_.warn("Could not read the state of {}-{}: {}", t->name, partition.value(),
                      result.error().message);
            return;
          }
          on_state(*t, partition, *result);
        });
    to_start.push_back(p.watch.get());
  }
  publish(topic);
  for (auto* watch : to_start)
    watch->start();
}

void TopicWatch::on_state(Topic& topic, PartitionId partition,
                          const std::optional<cluster::ZnodeData>& data) {
  auto it = topic.partitions.find(partition);
  if (it == topic.partitions.end()) return;
  Partition& p = it->second;
  p.read = true;
  p.state.reset();
  p.zk_version = -1;
  if (data) {
    auto decoded = cluster::decode_partition_state(data->data);
    if (decoded) {
      p.state = std::move(*decoded);
      p.zk_version = data->stat.version;
    } else {
      log_.warn("Ignoring the state of {}-{}: {}", topic.name, partition.value(),
                decoded.error().message);
    }
  }
  publish(topic);
}

void TopicWatch::publish(const Topic& topic) {
  if (!topic.read) return;
  cluster::TopicMetadata out;
  out.name = topic.name;
  out.id = topic.id.value_or(wire::Uuid{});
  for (const auto& [id, p] : topic.partitions) {
    if (!p.read) return;  // Wait for every state, so that readers never see half a topic.
    cluster::PartitionMetadata m;
    m.partition = id;
    m.replicas = p.replicas;
    // A partition without a state znode has no leader yet (the controller has not elected
    // one); it is listed with leader -1, as Kafka lists it.
    if (p.state) {
      m.leader = p.state->leader;
      m.leader_epoch = p.state->leader_epoch;
      m.isr = p.state->isr;
      m.controller_epoch = p.state->controller_epoch;
      m.partition_epoch = p.zk_version;
    }
    out.partitions.emplace(id, std::move(m));
  }
  cache_.set_topic(std::move(out));
}

}  // namespace gregor::broker
