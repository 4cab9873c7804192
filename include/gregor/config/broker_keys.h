// The table of broker keys gregor knows: every key of a Kafka 3.9 ZooKeeper-mode broker that
// gregor honours or reports, with Kafka's type, default, validator, importance and dynamic
// update mode, plus Kafka's synonym chains (log.retention.ms <- .minutes <- .hours).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "gregor/config/config_def.h"

namespace gregor::config {

// All broker keys, grouped by area (server, log, cluster coordination). The order is stable.
std::span<const ConfigKey> broker_config_keys();

// The broker key called `name`, or nullptr when gregor does not know it.
const ConfigKey* find_broker_key(std::string_view name);

// The position of `name` in broker_config_keys(), or -1.
int broker_key_index(std::string_view name);

// One member of a synonym chain. `factor` converts the member's value to the unit of the
// chain's first key: log.retention.hours has factor 3600000 in the log.retention.ms chain.
struct Synonym {
  std::string_view name;
  int64_t factor = 1;
};

// The chain `name` belongs to, most preferred key first; for a key outside any chain, a chain
// of just that key (viewing `name` itself only when no table knows it). Kafka's chains:
// log.roll.ms/hours, log.roll.jitter.ms/hours, log.retention.ms/minutes/hours and
// log.flush.interval.ms <- log.flush.scheduler.interval.ms.
std::vector<Synonym> broker_synonyms(std::string_view name);

}  // namespace gregor::config
