// The key tables: the broker's in three files by area (joined by broker_keys.cc) and the topic
// table. This header gives them one short vocabulary so that each row reads as a table line.
#pragma once

#include <span>

#include "gregor/config/config_def.h"

namespace gregor::config::tables {

using enum ConfigType;
inline constexpr auto kHigh = Importance::kHigh;
inline constexpr auto kMedium = Importance::kMedium;
inline constexpr auto kLow = Importance::kLow;
inline constexpr auto kReadOnly = UpdateMode::kReadOnly;
inline constexpr auto kPerBroker = UpdateMode::kPerBroker;
inline constexpr auto kClusterWide = UpdateMode::kClusterWide;
inline constexpr Validator kAny{};
inline constexpr const char* kIntMax = "2147483647";
inline constexpr const char* kLongMax = "9223372036854775807";

// One broker table row. Broker keys have no broker synonym, so rows leave that field empty.
constexpr ConfigKey row(std::string_view name, ConfigType type, const char* default_value,
                        Validator validator, Importance importance, UpdateMode update_mode,
                        std::string_view doc) {
  return ConfigKey{name, type, default_value, validator, importance, update_mode, doc, {}};
}

// One topic table row. Kafka rates every topic key MEDIUM, and every topic key can be changed
// per topic (the update mode field does not apply), so rows name only what varies.
constexpr ConfigKey topic_row(std::string_view name, ConfigType type, const char* default_value,
                              Validator validator, std::string_view doc,
                              std::string_view broker_synonym) {
  ConfigKey key;
  key.name = name;
  key.type = type;
  key.default_value = default_value;
  key.validator = validator;
  key.importance = Importance::kMedium;
  key.doc = doc;
  key.broker_synonym = broker_synonym;
  return key;
}

// ZooKeeper, identity, threads, sockets, listeners, security, metrics and quotas.
std::span<const ConfigKey> server_keys();
// log.* keys and the other broker defaults of topic-level settings.
std::span<const ConfigKey> log_keys();
// Replication, controlled shutdown, group coordinator, offsets and transactions.
std::span<const ConfigKey> cluster_keys();

}  // namespace gregor::config::tables
