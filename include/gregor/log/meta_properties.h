// meta.properties, the identity file Kafka keeps in every log dir. In ZooKeeper mode it is
// a Java properties file with version=0, broker.id and (once known) cluster.id. A broker
// refuses to start when its log dirs disagree with each other or with its configuration.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"
#include "gregor/log/log_error.h"

namespace gregor::log {

inline constexpr std::string_view kMetaPropertiesFile = "meta.properties";

struct MetaProperties {
  // 0 in ZooKeeper mode; KRaft writes 1 with node.id instead of broker.id.
  int32_t version = 0;
  std::optional<BrokerId> broker_id;
  std::optional<std::string> cluster_id;
  // Keys we do not interpret, kept so that rewriting the file does not drop them.
  std::map<std::string, std::string> other;

  bool operator==(const MetaProperties&) const = default;
};

// Parses the Java properties syntax Kafka writes ('#'/'!' comments, '=', ':' or blanks
// between key and value, backslash escapes). Errors are kInconsistentMeta with a message.
Result<MetaProperties, LogError> parse_meta_properties(std::string_view text);
std::string format_meta_properties(const MetaProperties& meta);

// Reads <dir>/meta.properties; std::nullopt when the file does not exist.
Result<std::optional<MetaProperties>, LogError> read_meta_properties(
    const std::filesystem::path& dir);
// Writes <dir>/meta.properties atomically.
Result<void, LogError> write_meta_properties(const std::filesystem::path& dir,
                                             const MetaProperties& meta);

}  // namespace gregor::log
