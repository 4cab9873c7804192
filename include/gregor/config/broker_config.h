// The broker's effective configuration: server.properties (with --override pairs) over Kafka's
// defaults, under the dynamic layers kept in ZooKeeper, plus the values Kafka derives from it.
//
// Threading and cost: a BrokerConfig is a plain value. The broker owns one on its loop thread
// and it changes only when a dynamic layer does. Lookups by name hash the name, so data-path
// code copies the values it needs when the configuration changes rather than per request.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/config/config_def.h"
#include "gregor/config/config_error.h"
#include "gregor/config/describe.h"
#include "gregor/config/listener.h"
#include "gregor/config/properties.h"

namespace gregor::config {

class BrokerConfig {
 public:
  // The dynamic layers, stored in ZooKeeper under /config/brokers/<id> (kPerBroker) and
  // /config/brokers/<default> (kClusterDefault). A per-broker value wins over a cluster
  // default, which wins over server.properties, which wins over Kafka's default.
  enum class DynamicScope : int8_t { kPerBroker = 0, kClusterDefault = 1 };

  // Parses and validates every known key in `props` (the file with overrides applied),
  // derives the computed values and checks the rules spanning several keys. Fails on the first
  // problem with a message naming the key and value; the binary prints it and exits 1.
  // Unknown keys are not errors: they are listed in warnings().
  static Result<BrokerConfig, ConfigError> create(const Properties& props);

  // One line per unknown key in props, in Kafka's wording, for the caller to log as WARN.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // The effective value of a known key; the empty value (null) for unknown names.
  const ConfigValue& get(std::string_view name) const;
  // Typed access for known keys of the matching type whose value is not null. Asking for the
  // wrong type or a null value is a programming error (asserted in debug builds); release
  // builds return false/0/empty.
  bool get_bool(std::string_view name) const;
  int32_t get_int(std::string_view name) const;   // INT and SHORT keys.
  int64_t get_long(std::string_view name) const;  // LONG keys; INT keys widen.
  double get_double(std::string_view name) const;
  // STRING, CLASS and PASSWORD keys; nullopt when null.
  std::optional<std::string> get_string(std::string_view name) const;
  ConfigList get_list(std::string_view name) const;
  // True when some layer (file, override or dynamic) sets the key, rather than the default.
  bool is_set(std::string_view name) const;

  // Derived values, computed the way Kafka computes them.
  int32_t broker_id() const { return get_int("broker.id"); }  // -1: generate through ZooKeeper.
  const std::vector<std::string>& log_dirs() const { return derived_.log_dirs; }
  int64_t log_retention_ms() const;  // ms, else minutes, else hours; any negative gives -1.
  int64_t log_roll_ms() const;
  int64_t log_roll_jitter_ms() const;
  int64_t log_flush_interval_ms() const;            // log.flush.scheduler.interval.ms when unset.
  int32_t zookeeper_connection_timeout_ms() const;  // Session timeout when unset.
  const ProtocolMap& listener_security_protocol_map() const { return derived_.protocol_map; }
  const std::vector<Endpoint>& listeners() const { return derived_.listeners; }
  const std::vector<Endpoint>& advertised_listeners() const { return derived_.advertised; }
  const std::string& inter_broker_listener_name() const { return derived_.inter_broker_listener; }
  SecurityProtocol inter_broker_security_protocol() const { return derived_.inter_broker_protocol; }

  // The broker-derived default of a topic key (Kafka's extractLogConfigMap): the first set
  // key of its broker synonym chain, converted to the topic key's unit and type; the topic
  // key's own default when it has no broker synonym.
  ConfigValue topic_default(const ConfigKey& topic_key) const;

  // Checks that `props` may become the given dynamic layer: every key known and dynamically
  // updatable at that scope, every value valid, and the resulting configuration consistent.
  Result<void, ConfigError> check_dynamic(DynamicScope scope, const Properties& props) const;
  // check_dynamic, then replaces the layer (the whole znode content) and re-derives.
  Result<void, ConfigError> set_dynamic(DynamicScope scope, const Properties& props);
  const Properties& dynamic_layer(DynamicScope scope) const;

  // DescribeConfigs for a BROKER resource. kPerBroker describes this broker (resource name =
  // its id): every known key plus the unknown keys of server.properties. kClusterDefault
  // describes the cluster default resource (empty name): only keys set in that layer. `names`
  // restricts the result to those keys (all when empty).
  std::vector<ConfigEntry> describe(DynamicScope scope, const DescribeOptions& options,
                                    std::span<const std::string> names = {}) const;

  // Kafka's synonym list for `broker_key`: every layer that sets a key of its chain, layer by
  // layer (per-broker, cluster default, static, default), starting at `broker_key` itself.
  std::vector<ConfigSynonymEntry> synonym_entries(std::string_view broker_key,
                                                  bool sensitive) const;

  // Kafka's startup block: "KafkaConfig values: " then one "\tkey = value" line per known key in
  // key order, passwords shown as [hidden].
  std::string format_values() const;

 private:
  BrokerConfig();

  // Layers in precedence order: dynamic per-broker, dynamic cluster default, static.
  static constexpr size_t kStaticLayer = 2;
  static constexpr size_t kLayerCount = 3;

  struct Derived {
    std::vector<std::string> log_dirs;
    ProtocolMap protocol_map;
    std::vector<Endpoint> listeners;
    std::vector<Endpoint> advertised;
    std::string inter_broker_listener;
    SecurityProtocol inter_broker_protocol = SecurityProtocol::kPlaintext;
  };

  Result<void, ConfigError> set_layer(size_t layer, const Properties& props);
  void recompute_effective();
  // Recomputes derived_ from the effective values and checks the cross-key rules.
  Result<void, ConfigError> derive();
  std::optional<int64_t> resolve_chain(std::string_view first_key) const;
  ConfigEntry describe_key(std::string_view name, DynamicScope scope,
                           const DescribeOptions& options) const;
  std::optional<std::string> layer_text(size_t layer, std::string_view name) const;

  // Raw text per layer; the static layer also keeps unknown keys.
  std::array<Properties, kLayerCount> originals_;
  // Parsed values per layer, indexed like broker_config_keys(); nullopt where not set.
  std::array<std::vector<std::optional<ConfigValue>>, kLayerCount> layers_;
  std::vector<ConfigValue> effective_;
  Derived derived_;
  std::vector<std::string> warnings_;
};

}  // namespace gregor::config
