// The table of topic-level keys (what CreateTopics, AlterConfigs and kafka-configs accept for
// a TOPIC resource), each with the broker key that supplies its default.
#pragma once

#include <span>
#include <string_view>

#include "gregor/config/config_def.h"

namespace gregor::config {

// All topic keys in Kafka's documentation order. ConfigKey::broker_synonym names the broker
// key holding the default, e.g. "message.max.bytes" for "max.message.bytes".
std::span<const ConfigKey> topic_config_keys();

// The topic key called `name`, or nullptr when Kafka has no such topic config.
const ConfigKey* find_topic_key(std::string_view name);

}  // namespace gregor::config
