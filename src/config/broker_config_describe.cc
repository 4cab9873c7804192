// DescribeConfigs for BROKER resources and the "KafkaConfig values:" startup block. The rules
// for source and synonyms are Kafka's (ConfigHelper.createBrokerConfigEntry): the synonyms are
// every layer's value for every key of the chain, layer by layer, and the list starts at the
// described key itself, so that describing log.retention.hours does not report log.retention.ms.
#include <algorithm>

#include <fmt/format.h>

#include "gregor/config/broker_config.h"
#include "gregor/config/broker_keys.h"

namespace gregor::config {

namespace {

constexpr ConfigSource kLayerSources[] = {ConfigSource::kDynamicBrokerConfig,
                                          ConfigSource::kDynamicDefaultBrokerConfig,
                                          ConfigSource::kStaticBrokerConfig};

std::optional<std::string> default_text(std::string_view name) {
  const ConfigKey* key = find_broker_key(name);
  if (key == nullptr || key->default_value == nullptr) return std::nullopt;
  auto v = parse_value(*key, key->default_value);
  return v.ok() ? to_config_string(*v) : std::nullopt;
}

bool wanted(std::span<const std::string> names, std::string_view name) {
  return names.empty() || std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::optional<std::string> BrokerConfig::layer_text(size_t layer, std::string_view name) const {
  auto it = originals_[layer].find(name);
  if (it == originals_[layer].end()) return std::nullopt;
  return it->second;
}

std::vector<ConfigSynonymEntry> BrokerConfig::synonym_entries(std::string_view broker_key,
                                                              bool sensitive) const {
  auto chain = broker_synonyms(broker_key);
  std::vector<ConfigSynonymEntry> all;
  auto add = [&](std::string_view name, std::optional<std::string> text, ConfigSource source) {
    if (!text) return;
    all.push_back({std::string(name), sensitive ? std::nullopt : std::move(text), source});
  };
  for (size_t layer = 0; layer < kLayerCount; ++layer) {
    for (const auto& syn : chain)
      add(syn.name, layer_text(layer, syn.name), kLayerSources[layer]);
  }
  for (const auto& syn : chain)
    add(syn.name, default_text(syn.name), ConfigSource::kDefaultConfig);
  auto first = std::find_if(all.begin(), all.end(),
                            [&](const ConfigSynonymEntry& s) { return s.name == broker_key; });
  return {first, all.end()};
}

ConfigEntry BrokerConfig::describe_key(std::string_view name, DynamicScope scope,
                                       const DescribeOptions& options) const {
  const ConfigKey* key = find_broker_key(name);
  ConfigEntry e;
  e.name = std::string(name);
  e.type = key != nullptr ? key->type : ConfigType::kUnknown;
  // Kafka hides values of passwords and of keys it cannot type.
  e.sensitive = key == nullptr || key->type == ConfigType::kPassword;
  e.read_only = key == nullptr || key->update_mode == UpdateMode::kReadOnly;
  if (!e.sensitive) {
    e.value = scope == DynamicScope::kClusterDefault
                  ? layer_text(static_cast<size_t>(DynamicScope::kClusterDefault), name)
                  : to_config_string(get(name));
  }
  auto synonyms = synonym_entries(name, e.sensitive);
  if (scope == DynamicScope::kClusterDefault) {
    std::erase_if(synonyms, [](const ConfigSynonymEntry& s) {
      return s.source != ConfigSource::kDynamicDefaultBrokerConfig;
    });
  }
  e.source = synonyms.empty() ? ConfigSource::kDefaultConfig : synonyms.front().source;
  if (options.include_documentation && key != nullptr) e.documentation = std::string(key->doc);
  if (options.include_synonyms) e.synonyms = std::move(synonyms);
  return e;
}

std::vector<ConfigEntry> BrokerConfig::describe(DynamicScope scope, const DescribeOptions& options,
                                                std::span<const std::string> names) const {
  std::vector<ConfigEntry> out;
  if (scope == DynamicScope::kClusterDefault) {
    for (const auto& [k, v] : originals_[static_cast<size_t>(DynamicScope::kClusterDefault)]) {
      if (wanted(names, k)) out.push_back(describe_key(k, scope, options));
    }
    return out;
  }
  for (const auto& key : broker_config_keys()) {
    if (wanted(names, key.name)) out.push_back(describe_key(key.name, scope, options));
  }
  // Kafka also lists what the file set without its knowing the key, e.g. listener.name.*.
  for (const auto& [k, v] : originals_[kStaticLayer]) {
    if (find_broker_key(k) == nullptr && wanted(names, k)) {
      ConfigEntry e = describe_key(k, scope, options);
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::string BrokerConfig::format_values() const {
  std::vector<const ConfigKey*> keys;
  for (const auto& key : broker_config_keys())
    keys.push_back(&key);
  std::sort(keys.begin(), keys.end(),
            [](const ConfigKey* a, const ConfigKey* b) { return a->name < b->name; });
  std::string out = "KafkaConfig values: \n";
  for (const ConfigKey* key : keys) {
    fmt::format_to(std::back_inserter(out), "\t{} = {}\n", key->name,
                   to_log_string(*key, get(key->name)));
  }
  return out;
}

}  // namespace gregor::config
