// BrokerConfig: building the layers, typed access, dynamic layers and topic defaults.
// Derivation and cross-key checks live in broker_config_derive.cc, DescribeConfigs in
// broker_config_describe.cc.
#include "gregor/config/broker_config.h"

#include <cassert>

#include <fmt/format.h>

#include "gregor/config/broker_keys.h"

namespace gregor::config {

namespace {

// Kafka's defaults, parsed once from the table. A default that fails to parse is a table bug,
// which the unit tests catch.
const std::vector<ConfigValue>& default_values() {
  static const std::vector<ConfigValue> values = [] {
    std::vector<ConfigValue> out;
    for (const auto& key : broker_config_keys()) {
      if (key.default_value == nullptr) {
        out.emplace_back();
        continue;
      }
      auto v = parse_value(key, key.default_value);
      assert(v.ok());
      out.push_back(v.ok() ? *v : ConfigValue{});
    }
    return out;
  }();
  return values;
}

// Keys Kafka 3.0 removed; people still carry them in old files, so say what replaced them.
bool is_removed_key(std::string_view k) {
  return k == "host.name" || k == "port" || k == "advertised.host.name" || k == "advertised.port";
}

std::string unknown_key_warning(const std::string& key) {
  if (is_removed_key(key)) {
    return fmt::format(
        "The configuration '{}' was removed in Kafka 3.0 and is ignored; use listeners and "
        "advertised.listeners instead.",
        key);
  }
  return fmt::format("The configuration '{}' was supplied but isn't a known config.", key);
}

const ConfigValue null_value{};

std::string scala_set(const std::vector<std::string>& names) {
  return fmt::format("Set({})", fmt::join(names, ", "));
}

}  // namespace

BrokerConfig::BrokerConfig() : effective_(default_values()) {
  for (auto& layer : layers_)
    layer.resize(effective_.size());
}

Result<BrokerConfig, ConfigError> BrokerConfig::create(const Properties& props) {
  BrokerConfig c;
  for (const auto& [k, v] : props) {
    if (broker_key_index(k) < 0) c.warnings_.push_back(unknown_key_warning(k));
  }
  if (auto r = c.set_layer(kStaticLayer, props); !r) return unexpected(r.error());
  c.recompute_effective();
  if (auto r = c.derive(); !r) return unexpected(r.error());
  return c;
}

Result<void, ConfigError> BrokerConfig::set_layer(size_t layer, const Properties& props) {
  std::vector<std::optional<ConfigValue>> parsed(effective_.size());
  auto keys = broker_config_keys();
  for (const auto& [k, v] : props) {
    int i = broker_key_index(k);
    if (i < 0) continue;
    auto value = parse_and_validate(keys[static_cast<size_t>(i)], v);
    if (!value) return unexpected(value.error());
    parsed[static_cast<size_t>(i)] = std::move(*value);
  }
  originals_[layer] = props;
  layers_[layer] = std::move(parsed);
  return {};
}

void BrokerConfig::recompute_effective() {
  const auto& defaults = default_values();
  for (size_t i = 0; i < effective_.size(); ++i) {
    effective_[i] = defaults[i];
    for (const auto& layer : layers_) {
      if (layer[i]) {
        effective_[i] = *layer[i];
        break;
      }
    }
  }
}

const ConfigValue& BrokerConfig::get(std::string_view name) const {
  int i = broker_key_index(name);
  assert(i >= 0 && "unknown broker config key");
  return i < 0 ? null_value : effective_[static_cast<size_t>(i)];
}

bool BrokerConfig::is_set(std::string_view name) const {
  int i = broker_key_index(name);
  if (i < 0) return false;
  for (const auto& layer : layers_) {
    if (layer[static_cast<size_t>(i)]) return true;
  }
  return false;
}

bool BrokerConfig::get_bool(std::string_view name) const {
  const auto* v = std::get_if<bool>(&get(name));
  assert(v != nullptr);
  return v != nullptr && *v;
}

int32_t BrokerConfig::get_int(std::string_view name) const {
  const auto* v = std::get_if<int32_t>(&get(name));
  assert(v != nullptr);
  return v != nullptr ? *v : 0;
}

int64_t BrokerConfig::get_long(std::string_view name) const {
  const auto& value = get(name);
  if (const auto* i = std::get_if<int32_t>(&value)) return *i;
  const auto* v = std::get_if<int64_t>(&value);
  assert(v != nullptr);
  return v != nullptr ? *v : 0;
}

double BrokerConfig::get_double(std::string_view name) const {
  const auto* v = std::get_if<double>(&get(name));
  assert(v != nullptr);
  return v != nullptr ? *v : 0.0;
}

std::optional<std::string> BrokerConfig::get_string(std::string_view name) const {
  const auto* v = std::get_if<std::string>(&get(name));
  if (v == nullptr) return std::nullopt;
  return *v;
}

ConfigList BrokerConfig::get_list(std::string_view name) const {
  const auto* v = std::get_if<ConfigList>(&get(name));
  return v != nullptr ? *v : ConfigList{};
}

std::optional<int64_t> BrokerConfig::resolve_chain(std::string_view first_key) const {
  for (const auto& syn : broker_synonyms(first_key)) {
    const ConfigValue& v = get(syn.name);
    if (const auto* i = std::get_if<int32_t>(&v)) return *i * syn.factor;
    if (const auto* l = std::get_if<int64_t>(&v)) return *l * syn.factor;
  }
  return std::nullopt;
}

int64_t BrokerConfig::log_retention_ms() const {
  int64_t ms = resolve_chain("log.retention.ms").value_or(-1);
  return ms < 0 ? -1 : ms;
}

int64_t BrokerConfig::log_roll_ms() const {
  return resolve_chain("log.roll.ms").value_or(0);
}

int64_t BrokerConfig::log_roll_jitter_ms() const {
  return resolve_chain("log.roll.jitter.ms").value_or(0);
}

int64_t BrokerConfig::log_flush_interval_ms() const {
  return resolve_chain("log.flush.interval.ms").value_or(0);
}

int32_t BrokerConfig::zookeeper_connection_timeout_ms() const {
  const auto* v = std::get_if<int32_t>(&get("zookeeper.connection.timeout.ms"));
  return v != nullptr ? *v : get_int("zookeeper.session.timeout.ms");
}

ConfigValue BrokerConfig::topic_default(const ConfigKey& topic_key) const {
  if (topic_key.broker_synonym.empty()) {
    if (topic_key.default_value == nullptr) return {};
    auto v = parse_value(topic_key, topic_key.default_value);
    return v.ok() ? *v : ConfigValue{};
  }
  if (topic_key.broker_synonym == "log.retention.ms") return log_retention_ms();
  if (broker_synonyms(topic_key.broker_synonym).size() > 1) {
    // Chains convert hours or minutes to milliseconds; the topic keys they feed are LONG.
    if (auto v = resolve_chain(topic_key.broker_synonym)) return *v;
    return {};
  }
  return get(topic_key.broker_synonym);
}

Result<void, ConfigError> BrokerConfig::check_dynamic(DynamicScope scope,
                                                      const Properties& props) const {
  BrokerConfig copy = *this;
  return copy.set_dynamic(scope, props);
}

Result<void, ConfigError> BrokerConfig::set_dynamic(DynamicScope scope, const Properties& props) {
  std::vector<std::string> read_only, per_broker_only;
  for (const auto& [k, v] : props) {
    const ConfigKey* key = find_broker_key(k);
    if (key == nullptr) {
      return unexpected(config_error(k, fmt::format("Unknown broker config name: {}", k)));
    }
    if (key->update_mode == UpdateMode::kReadOnly) {
      read_only.push_back(k);
    } else if (scope == DynamicScope::kClusterDefault &&
               key->update_mode == UpdateMode::kPerBroker) {
      per_broker_only.push_back(k);
    }
  }
  if (!read_only.empty()) {
    return unexpected(config_error(
        read_only.front(),
        fmt::format("Cannot update these configs dynamically: {}", scala_set(read_only))));
  }
  if (!per_broker_only.empty()) {
    return unexpected(config_error(
        per_broker_only.front(),
        fmt::format("Cannot update these configs at default cluster level, broker id must be "
                    "specified: {}",
                    scala_set(per_broker_only))));
  }
  // Apply to a copy so that a failed check leaves this configuration untouched.
  BrokerConfig next = *this;
  if (auto r = next.set_layer(static_cast<size_t>(scope), props); !r) return r;
  next.recompute_effective();
  if (auto r = next.derive(); !r) return r;
  *this = std::move(next);
  return {};
}

const Properties& BrokerConfig::dynamic_layer(DynamicScope scope) const {
  return originals_[static_cast<size_t>(scope)];
}

}  // namespace gregor::config
