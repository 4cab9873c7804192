// Value sets and custom checks shared by the broker and topic key tables. Private to src/config.
#pragma once

#include <string>
#include <string_view>

#include "gregor/config/config_def.h"

namespace gregor::config::choices {

inline constexpr std::string_view kCompressionTypes[] = {"uncompressed", "zstd", "lz4",
                                                         "snappy",       "gzip", "producer"};
inline constexpr std::string_view kCleanupPolicies[] = {"compact", "delete"};
inline constexpr std::string_view kTimestampTypes[] = {"CreateTime", "LogAppendTime"};
inline constexpr std::string_view kSecurityProtocols[] = {"PLAINTEXT", "SSL", "SASL_PLAINTEXT",
                                                          "SASL_SSL"};
inline constexpr std::string_view kSslClientAuth[] = {"required", "requested", "none"};
inline constexpr std::string_view kRecordingLevels[] = {"INFO", "DEBUG", "TRACE"};

// Metadata versions look like "3.9", "3.9-IV0", "2.8.0" or "0.10.0-IV1".
std::string check_metadata_version(const ConfigValue& value);
// gzip accepts -1 (library default) or a level from 1 to 9.
std::string check_gzip_level(const ConfigValue& value);
// "*" or a list of "partition:broker" pairs, as the replication throttle keys take.
std::string check_throttled_replicas(const ConfigValue& value);

}  // namespace gregor::config::choices
