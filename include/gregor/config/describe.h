// What DescribeConfigs reports for one key: value, where it came from, and the synonyms that
// could have supplied it. Shared by broker and topic resources.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gregor/config/config_def.h"

namespace gregor::config {

// DescribeConfigs ConfigSource; the numbers are the wire values.
enum class ConfigSource : int8_t {
  kUnknown = 0,
  kTopicConfig = 1,
  kDynamicBrokerConfig = 2,
  kDynamicDefaultBrokerConfig = 3,
  kStaticBrokerConfig = 4,
  kDefaultConfig = 5,
  kDynamicBrokerLoggerConfig = 6,
};

struct ConfigSynonymEntry {
  std::string name;
  std::optional<std::string> value;  // nullopt for sensitive keys.
  ConfigSource source = ConfigSource::kUnknown;
  bool operator==(const ConfigSynonymEntry&) const = default;
};

struct ConfigEntry {
  std::string name;
  // nullopt when the key is null (unset, no default) or sensitive.
  std::optional<std::string> value;
  ConfigSource source = ConfigSource::kDefaultConfig;
  bool read_only = true;
  bool sensitive = false;
  ConfigType type = ConfigType::kUnknown;
  std::optional<std::string> documentation;  // Only when asked for.
  std::vector<ConfigSynonymEntry> synonyms;  // Only when asked for; most preferred first.
};

struct DescribeOptions {
  bool include_synonyms = false;
  bool include_documentation = false;
};

}  // namespace gregor::config
