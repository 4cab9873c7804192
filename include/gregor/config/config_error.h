// The one error type of the config module: which key, which value, why, and the Kafka error
// code a request handler should answer with.
#pragma once

#include <string>
#include <string_view>

#include "gregor/common/error_code.h"

namespace gregor::config {

struct ConfigError {
  // INVALID_CONFIG for bad names and values; INVALID_REQUEST for malformed requests (e.g. a
  // broker resource that names another broker). The broker binary exits 1 on any error.
  ErrorCode code = ErrorCode::kInvalidConfig;
  // The key the problem is about; empty when it concerns no single key (e.g. a file error).
  std::string key;
  // A complete sentence for the operator or client, e.g.
  // "Invalid value abc for configuration num.partitions: Not a number of type INT".
  std::string message;
};

// Kafka's ConfigException wording: "Invalid value <value> for configuration <key>: <reason>".
ConfigError invalid_value(std::string_view key, std::string_view value, std::string_view reason);

// An error that is not about one value, with the given message.
ConfigError config_error(std::string_view key, std::string message,
                         ErrorCode code = ErrorCode::kInvalidConfig);

}  // namespace gregor::config
