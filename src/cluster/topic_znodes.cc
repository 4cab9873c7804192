#include "gregor/cluster/topic_znodes.h"

#include <algorithm>
#include <tuple>

#include "json_fields.h"

namespace gregor::cluster {

using json::Json;
using json::OrderedJson;
using json::to_text;

namespace {

// Kafka builds the partition maps of a topic znode in a Scala 2.13 mutable.HashMap keyed by
// the partition number as a string, and writes them in that map's iteration order: by bucket
// (improved String hash modulo the table size), then by hash within a bucket. The order
// depends only on the keys and their count, so it is recomputed here to write identical bytes.
std::vector<PartitionId> kafka_map_order(const ReplicaMap& map) {
  size_t table = 16;
  while (map.size() >= table * 3 / 4)
    table *= 2;  // The map grows at 3/4 load.
  auto hash_of = [](PartitionId p) {
    uint32_t h = 0;
    for (char c : std::to_string(p.value()))
      h = 31 * h + static_cast<unsigned char>(c);
    return static_cast<int32_t>(h ^ (h >> 16));
  };
  std::vector<std::tuple<uint32_t, int32_t, PartitionId>> keys;
  for (const auto& entry : map) {
    const int32_t h = hash_of(entry.first);
    keys.emplace_back(static_cast<uint32_t>(h) & (table - 1), h, entry.first);
  }
  std::sort(keys.begin(), keys.end());
  std::vector<PartitionId> out;
  out.reserve(keys.size());
  for (const auto& key : keys)
    out.push_back(std::get<2>(key));
  return out;
}

OrderedJson replica_map_json(const ReplicaMap& map) {
  OrderedJson out = OrderedJson::object();
  for (PartitionId p : kafka_map_order(map)) {
    OrderedJson replicas = OrderedJson::array();
    for (BrokerId b : map.at(p))
      replicas.push_back(b.value());
    out[std::to_string(p.value())] = std::move(replicas);
  }
  return out;
}

std::vector<BrokerId> to_broker_ids(const std::vector<int32_t>& ids) {
  std::vector<BrokerId> out;
  out.reserve(ids.size());
  for (int32_t id : ids)
    out.emplace_back(id);
  return out;
}

// Reads {"<partition>":[replicas],...}; an absent map is empty.
Result<ReplicaMap, ClusterError> decode_replica_map(const Json& object, std::string_view key) {
  constexpr std::string_view kWhat = "topic assignment";
  ReplicaMap out;
  const Json* map = json::field(object, key);
  if (map == nullptr || map->is_null()) return out;
  if (!map->is_object()) return unexpected(json::malformed(kWhat, std::string(key) + " not a map"));
  for (const auto& [partition, replicas] : map->items()) {
    auto p = json::parse_decimal(partition);
    auto ids = json::int32_array(replicas);
    if (!p || *p < 0 || *p > INT32_MAX || !ids) {
      return unexpected(json::malformed(kWhat, "bad partition entry '" + partition + "'"));
    }
    out[PartitionId(static_cast<int32_t>(*p))] = to_broker_ids(*ids);
  }
  return out;
}

}  // namespace

std::string encode_topic_assignment(const TopicAssignment& assignment) {
  // Key order as Kafka 3.9 writes it.
  OrderedJson out = OrderedJson::object();
  out["partitions"] = replica_map_json(assignment.partitions);
  if (assignment.topic_id) out["topic_id"] = assignment.topic_id->to_base64();
  out["adding_replicas"] = replica_map_json(assignment.adding_replicas);
  out["removing_replicas"] = replica_map_json(assignment.removing_replicas);
  out["version"] = 3;
  return to_text(out);
}

Result<TopicAssignment, ClusterError> decode_topic_assignment(std::string_view text) {
  constexpr std::string_view kWhat = "topic assignment";
  auto object = json::parse_object(text);
  if (!object) return unexpected(json::malformed(kWhat, "not a JSON object"));
  TopicAssignment out;
  if (const Json* id = json::field(*object, "topic_id"); id != nullptr && !id->is_null()) {
    auto uuid = id->is_string() ? wire::Uuid::from_base64(id->get<std::string>()) : std::nullopt;
    if (!uuid) return unexpected(json::malformed(kWhat, "bad topic_id"));
    out.topic_id = *uuid;
  }
  auto partitions = decode_replica_map(*object, "partitions");
  if (!partitions) return unexpected(partitions.error());
  auto adding = decode_replica_map(*object, "adding_replicas");
  if (!adding) return unexpected(adding.error());
  auto removing = decode_replica_map(*object, "removing_replicas");
  if (!removing) return unexpected(removing.error());
  out.partitions = std::move(*partitions);
  out.adding_replicas = std::move(*adding);
  out.removing_replicas = std::move(*removing);
  return out;
}

std::string encode_partition_state(const PartitionState& state) {
  OrderedJson isr = OrderedJson::array();
  for (BrokerId b : state.isr)
    isr.push_back(b.value());
  // Key order as Kafka 3.9 writes it (a Scala immutable HashMap's order).
  OrderedJson out = OrderedJson::object();
  out["controller_epoch"] = state.controller_epoch.value();
  out["leader"] = state.leader.value();
  out["version"] = 1;
  if (state.recovery != LeaderRecoveryState::kRecovered) {
    out["leader_recovery_state"] = static_cast<int>(state.recovery);
  }
  out["leader_epoch"] = state.leader_epoch.value();
  out["isr"] = std::move(isr);
  return to_text(out);
}

Result<PartitionState, ClusterError> decode_partition_state(std::string_view text) {
  constexpr std::string_view kWhat = "partition state";
  auto object = json::parse_object(text);
  if (!object) return unexpected(json::malformed(kWhat, "not a JSON object"));
  auto leader = json::int_field(*object, "leader");
  auto leader_epoch = json::int_field(*object, "leader_epoch");
  auto controller_epoch = json::int_field(*object, "controller_epoch");
  const Json* isr_json = json::field(*object, "isr");
  auto isr = isr_json != nullptr ? json::int32_array(*isr_json) : std::nullopt;
  if (!leader || !leader_epoch || !controller_epoch || !isr) {
    return unexpected(
        json::malformed(kWhat, "missing leader, leader_epoch, controller_epoch or isr"));
  }
  PartitionState out;
  out.leader = BrokerId(static_cast<int32_t>(*leader));
  out.leader_epoch = LeaderEpoch(static_cast<int32_t>(*leader_epoch));
  out.controller_epoch = ControllerEpoch(static_cast<int32_t>(*controller_epoch));
  out.isr = to_broker_ids(*isr);
  if (json::field(*object, "leader_recovery_state") != nullptr) {
    auto recovery = json::int_field(*object, "leader_recovery_state", 0, 1);
    if (!recovery) return unexpected(json::malformed(kWhat, "bad leader_recovery_state"));
    out.recovery = static_cast<LeaderRecoveryState>(*recovery);
  }
  return out;
}

std::string encode_entity_config(const EntityConfig& config) {
  OrderedJson entries = OrderedJson::object();
  for (const auto& [key, value] : config)
    entries[key] = value;
  OrderedJson out = OrderedJson::object();
  out["version"] = 1;
  out["config"] = std::move(entries);
  return to_text(out);
}

Result<EntityConfig, ClusterError> decode_entity_config(std::string_view text) {
  EntityConfig out;
  // Kafka reads a null or empty znode as an empty config.
  if (text.empty()) return out;
  auto object = json::parse_object(text);
  if (!object) return unexpected(json::malformed("entity config", "not a JSON object"));
  const Json* config = json::field(*object, "config");
  if (config == nullptr || config->is_null()) return out;
  if (!config->is_object()) return unexpected(json::malformed("entity config", "config not a map"));
  for (const auto& [key, value] : config->items()) {
    if (!value.is_string()) {
      return unexpected(json::malformed("entity config", "value of " + key + " not a string"));
    }
    out[key] = value.get<std::string>();
  }
  return out;
}

std::string encode_config_change(std::string_view entity_path) {
  OrderedJson out = OrderedJson::object();
  out["version"] = 2;
  out["entity_path"] = std::string(entity_path);
  return to_text(out);
}

Result<std::string, ClusterError> decode_config_change(std::string_view text) {
  auto object = json::parse_object(text);
  auto path = object ? json::string_field(*object, "entity_path") : std::nullopt;
  if (!path || path->find('/') == std::string::npos) {
    return unexpected(json::malformed("config change notification", "no entity_path"));
  }
  return std::move(*path);
}

std::string encode_isr_change(const std::vector<TopicPartitionRef>& partitions) {
  OrderedJson list = OrderedJson::array();
  for (const auto& tp : partitions) {
    OrderedJson entry = OrderedJson::object();
    entry["topic"] = tp.topic;
    entry["partition"] = tp.partition.value();
    list.push_back(std::move(entry));
  }
  OrderedJson out = OrderedJson::object();
  out["version"] = 1;
  out["partitions"] = std::move(list);
  return to_text(out);
}

Result<std::vector<TopicPartitionRef>, ClusterError> decode_isr_change(std::string_view text) {
  constexpr std::string_view kWhat = "ISR change notification";
  auto object = json::parse_object(text);
  const Json* list = object ? json::field(*object, "partitions") : nullptr;
  if (list == nullptr || !list->is_array())
    return unexpected(json::malformed(kWhat, "no partitions"));
  std::vector<TopicPartitionRef> out;
  for (const Json& entry : *list) {
    auto topic = entry.is_object() ? json::string_field(entry, "topic") : std::nullopt;
    auto partition = entry.is_object() ? json::int_field(entry, "partition", 0) : std::nullopt;
    if (!topic || !partition) return unexpected(json::malformed(kWhat, "bad partition entry"));
    out.push_back({std::move(*topic), PartitionId(static_cast<int32_t>(*partition))});
  }
  return out;
}

}  // namespace gregor::cluster
