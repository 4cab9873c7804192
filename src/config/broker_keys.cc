#include "gregor/config/broker_keys.h"

#include <unordered_map>

#include "key_tables.h"

namespace gregor::config {

namespace {

// The three area tables joined once, with a name index. Built on first use; the tables are
// constant, so the result never changes.
struct BrokerTable {
  std::vector<ConfigKey> keys;
  std::unordered_map<std::string_view, int> index;

  BrokerTable() {
    for (auto part : {tables::server_keys(), tables::log_keys(), tables::cluster_keys()}) {
      keys.insert(keys.end(), part.begin(), part.end());
    }
    for (size_t i = 0; i < keys.size(); ++i)
      index.emplace(keys[i].name, static_cast<int>(i));
  }
};

const BrokerTable& table() {
  static const BrokerTable t;
  return t;
}

constexpr int64_t kMinuteMs = int64_t{60} * 1000;
constexpr int64_t kHourMs = 60 * kMinuteMs;

// Kafka's broker synonym chains (DynamicBrokerConfig.brokerConfigSynonyms): the first key
// wins when set, each later key is a fallback in a coarser unit.
constexpr Synonym kRetention[] = {{"log.retention.ms", 1},
                                  {"log.retention.minutes", kMinuteMs},
                                  {"log.retention.hours", kHourMs}};
constexpr Synonym kRoll[] = {{"log.roll.ms", 1}, {"log.roll.hours", kHourMs}};
constexpr Synonym kRollJitter[] = {{"log.roll.jitter.ms", 1}, {"log.roll.jitter.hours", kHourMs}};
constexpr Synonym kFlush[] = {{"log.flush.interval.ms", 1}, {"log.flush.scheduler.interval.ms", 1}};

}  // namespace

std::span<const ConfigKey> broker_config_keys() {
  return table().keys;
}

int broker_key_index(std::string_view name) {
  const auto& t = table();
  auto it = t.index.find(name);
  return it == t.index.end() ? -1 : it->second;
}

const ConfigKey* find_broker_key(std::string_view name) {
  int i = broker_key_index(name);
  return i < 0 ? nullptr : &table().keys[static_cast<size_t>(i)];
}

std::vector<Synonym> broker_synonyms(std::string_view name) {
  for (std::span<const Synonym> chain :
       {std::span<const Synonym>(kRetention), std::span<const Synonym>(kRoll),
        std::span<const Synonym>(kRollJitter), std::span<const Synonym>(kFlush)}) {
    for (const auto& s : chain) {
      if (s.name == name) return {chain.begin(), chain.end()};
    }
  }
  // Prefer the table's own copy of the name so the result does not view the caller's string.
  const ConfigKey* key = find_broker_key(name);
  return {Synonym{key != nullptr ? key->name : name, 1}};
}

}  // namespace gregor::config
