#include "gregor/cluster/metadata_cache.h"

#include <cstring>

namespace gregor::cluster {

const BrokerEndpoint* BrokerMetadata::endpoint(std::string_view name) const {
  for (const BrokerEndpoint& e : endpoints) {
    if (e.listener == name) return &e;
  }
  return nullptr;
}

bool MetadataSnapshot::UuidLess::operator()(const wire::Uuid& a, const wire::Uuid& b) const {
  return std::memcmp(a.bytes, b.bytes, sizeof(a.bytes)) < 0;
}

const BrokerMetadata* MetadataSnapshot::broker(BrokerId id) const {
  auto it = brokers_.find(id);
  return it == brokers_.end() ? nullptr : &it->second;
}

std::vector<const BrokerMetadata*> MetadataSnapshot::brokers_with_listener(
    std::string_view name) const {
  std::vector<const BrokerMetadata*> out;
  for (const auto& [id, broker] : brokers_) {
    if (broker.endpoint(name) != nullptr) out.push_back(&broker);
  }
  return out;
}

const TopicMetadata* MetadataSnapshot::topic(std::string_view name) const {
  auto it = topics_.find(name);
  return it == topics_.end() ? nullptr : it->second.get();
}

const TopicMetadata* MetadataSnapshot::topic(const wire::Uuid& id) const {
  auto it = names_by_id_.find(id);
  return it == names_by_id_.end() ? nullptr : topic(it->second);
}

const PartitionMetadata* MetadataSnapshot::partition(std::string_view topic_name,
                                                     PartitionId partition) const {
  const TopicMetadata* t = topic(topic_name);
  if (t == nullptr) return nullptr;
  auto it = t->partitions.find(partition);
  return it == t->partitions.end() ? nullptr : &it->second;
}

MetadataCache::MetadataCache() : current_(std::make_shared<const MetadataSnapshot>()) {}

std::shared_ptr<const MetadataSnapshot> MetadataCache::snapshot() const {
  std::lock_guard lock(mutex_);
  return current_;
}

// Copies the maps; topics are shared until a writer replaces them.
MetadataSnapshot MetadataCache::copy() const {
  return *snapshot();
}

void MetadataCache::publish(MetadataSnapshot next) {
  auto fresh = std::make_shared<const MetadataSnapshot>(std::move(next));
  std::lock_guard lock(mutex_);
  current_ = std::move(fresh);
}

namespace {

void forget_id(MetadataSnapshot::TopicMap& topics, auto& names_by_id, std::string_view name) {
  auto it = topics.find(name);
  if (it == topics.end()) return;
  if (!it->second->id.is_zero()) names_by_id.erase(it->second->id);
}

}  // namespace

void MetadataCache::apply(const MetadataUpdate& update) {
  MetadataSnapshot next = copy();
  next.controller_id_ = update.controller_id;
  next.brokers_.clear();
  for (const BrokerMetadata& broker : update.live_brokers)
    next.brokers_[broker.id] = broker;

  // Group the touched partitions by topic, so each touched topic is copied once.
  std::map<std::string, std::shared_ptr<TopicMetadata>, std::less<>> touched;
  auto edit = [&](const std::string& name) -> std::shared_ptr<TopicMetadata>& {
    auto& slot = touched[name];
    if (!slot) {
      const TopicMetadata* existing = next.topic(name);
      slot = existing != nullptr ? std::make_shared<TopicMetadata>(*existing)
                                 : std::make_shared<TopicMetadata>(TopicMetadata{name, {}, {}});
    }
    return slot;
  };
  for (const PartitionUpdate& p : update.partitions) {
    auto& topic = edit(p.topic);
    if (!p.topic_id.is_zero() && !topic->id.is_zero() && !(p.topic_id == topic->id)) {
      // Same name, new id: the topic was deleted and created again.
      topic = std::make_shared<TopicMetadata>(TopicMetadata{p.topic, p.topic_id, {}});
    }
    if (!p.topic_id.is_zero()) topic->id = p.topic_id;
    topic->partitions[p.state.partition] = p.state;
  }
  for (const auto& [name, partition] : update.deleted_partitions) {
    if (next.topic(name) == nullptr && !touched.contains(name)) continue;
    edit(name)->partitions.erase(partition);
  }
  for (auto& [name, topic] : touched) {
    forget_id(next.topics_, next.names_by_id_, name);
    if (topic->partitions.empty()) {
      next.topics_.erase(name);
      continue;
    }
    if (!topic->id.is_zero()) next.names_by_id_[topic->id] = name;
    next.topics_[name] = std::move(topic);
  }
  publish(std::move(next));
}

void MetadataCache::set_cluster_id(std::string id) {
  MetadataSnapshot next = copy();
  next.cluster_id_ = std::move(id);
  publish(std::move(next));
}

void MetadataCache::set_controller(std::optional<BrokerId> id) {
  MetadataSnapshot next = copy();
  next.controller_id_ = id;
  publish(std::move(next));
}

void MetadataCache::set_live_brokers(std::vector<BrokerMetadata> brokers) {
  MetadataSnapshot next = copy();
  next.brokers_.clear();
  for (BrokerMetadata& broker : brokers) {
    const BrokerId id = broker.id;
    next.brokers_[id] = std::move(broker);
  }
  publish(std::move(next));
}

void MetadataCache::set_topic(TopicMetadata topic) {
  MetadataSnapshot next = copy();
  forget_id(next.topics_, next.names_by_id_, topic.name);
  if (!topic.id.is_zero()) next.names_by_id_[topic.id] = topic.name;
  std::string name = topic.name;
  next.topics_[name] = std::make_shared<const TopicMetadata>(std::move(topic));
  publish(std::move(next));
}

void MetadataCache::remove_topic(std::string_view name) {
  MetadataSnapshot next = copy();
  forget_id(next.topics_, next.names_by_id_, name);
  if (auto it = next.topics_.find(name); it != next.topics_.end()) next.topics_.erase(it);
  publish(std::move(next));
}

}  // namespace gregor::cluster
