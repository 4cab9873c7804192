// The values Kafka computes from several keys (log directories, listeners, the inter-broker
// listener) and the rules KafkaConfig.validateValues enforces across keys in ZooKeeper mode.
#include <fmt/format.h>

#include "gregor/config/broker_config.h"
#include "string_util.h"

namespace gregor::config {

namespace {

Result<void, ConfigError> fail(std::string_view key, std::string message) {
  return unexpected(config_error(key, std::move(message)));
}

std::string listener_names(const std::vector<Endpoint>& endpoints) {
  std::vector<std::string> names;
  names.reserve(endpoints.size());
  for (const auto& ep : endpoints)
    names.push_back(ep.listener_name);
  return fmt::format("{}", fmt::join(names, ","));
}

bool has_listener(const std::vector<Endpoint>& endpoints, std::string_view name) {
  for (const auto& ep : endpoints) {
    if (ep.listener_name == name) return true;
  }
  return false;
}

}  // namespace

Result<void, ConfigError> BrokerConfig::derive() {
  Derived d;

  // Identity and ZooKeeper.
  auto zk = get_string("zookeeper.connect");
  if (!zk || zk->empty()) {
    return fail("zookeeper.connect",
                "Missing required configuration `zookeeper.connect` which has no default value.");
  }
  int32_t id = get_int("broker.id");
  if (get_bool("broker.id.generation.enable")) {
    if (id < -1 || id > get_int("reserved.broker.max.id")) {
      return fail("broker.id",
                  "broker.id must be greater than or equal to -1 and not greater than "
                  "reserved.broker.max.id");
    }
  } else if (id < 0) {
    return fail("broker.id", "broker.id must be greater than or equal to 0");
  }

  // Log directories and time-based settings.
  auto dirs = get_string("log.dirs");
  d.log_dirs = split_csv_non_empty(dirs ? *dirs : get_string("log.dir").value_or(""));
  if (d.log_dirs.empty()) {
    return fail("log.dirs", "At least one log directory must be defined via log.dirs or log.dir.");
  }
  if (log_roll_ms() < 1)
    return fail("log.roll.ms", "log.roll.ms must be greater than or equal to 1");
  if (log_roll_jitter_ms() < 0) {
    return fail("log.roll.jitter.ms", "log.roll.jitter.ms must be greater than or equal to 0");
  }
  int64_t retention = log_retention_ms();
  if (retention < 1 && retention != -1) {
    return fail("log.retention.ms",
                "log.retention.ms must be unlimited (-1) or, greater than or equal to 1");
  }
  int32_t cleaner_threads = get_int("log.cleaner.threads");
  if (cleaner_threads > 0 &&
      get_long("log.cleaner.dedupe.buffer.size") / cleaner_threads <= int64_t{1024} * 1024) {
    return fail("log.cleaner.dedupe.buffer.size",
                "log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.");
  }

  // Replication and request limits.
  int32_t fetch_wait = get_int("replica.fetch.wait.max.ms");
  if (fetch_wait > get_int("replica.socket.timeout.ms")) {
    return fail("replica.socket.timeout.ms",
                "replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to "
                "prevent unnecessary socket timeouts");
  }
  if (fetch_wait > get_long("replica.lag.time.max.ms")) {
    return fail("replica.fetch.wait.max.ms",
                "replica.fetch.wait.max.ms should always be less than or equal to "
                "replica.lag.time.max.ms to prevent frequent changes in ISR");
  }
  int32_t acks = get_int("offsets.commit.required.acks");
  if (acks < -1 || acks > get_int("offsets.topic.replication.factor")) {
    return fail("offsets.commit.required.acks",
                "offsets.commit.required.acks must be greater or equal -1 and less or equal to "
                "offsets.topic.replication.factor");
  }
  int64_t queued_bytes = get_long("queued.max.request.bytes");
  if (queued_bytes > 0 && queued_bytes < get_int("socket.request.max.bytes")) {
    return fail("queued.max.request.bytes",
                "queued.max.request.bytes must be larger or equal to socket.request.max.bytes");
  }
  if (get_bool("remote.log.storage.system.enable")) {
    return fail("remote.log.storage.system.enable",
                "remote.log.storage.system.enable=true asks for tiered storage, which gregor "
                "does not have");
  }

  // Listeners.
  auto map = parse_protocol_map(get_string("listener.security.protocol.map").value_or(""),
                                "listener.security.protocol.map");
  if (!map) return unexpected(map.error());
  d.protocol_map = std::move(*map);
  auto listeners =
      parse_listeners(get_string("listeners").value_or(""), d.protocol_map, true, "listeners");
  if (!listeners) return unexpected(listeners.error());
  d.listeners = std::move(*listeners);
  if (auto advertised = get_string("advertised.listeners")) {
    auto parsed = parse_listeners(*advertised, d.protocol_map, false, "advertised.listeners");
    if (!parsed) return unexpected(parsed.error());
    d.advertised = std::move(*parsed);
  } else {
    d.advertised = d.listeners;
  }
  for (const auto& ep : d.advertised) {
    if (ep.host == "0.0.0.0") {
      return fail("advertised.listeners",
                  "advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a "
                  "routable IP address.");
    }
    if (!has_listener(d.listeners, ep.listener_name)) {
      return fail("advertised.listeners",
                  fmt::format("advertised.listeners listener names must be equal to or a subset of "
                              "the ones defined in listeners. Found {}. The valid options based "
                              "on the current configuration are {}",
                              listener_names(d.advertised), listener_names(d.listeners)));
    }
  }
  if (auto control = get_string("control.plane.listener.name")) {
    if (!has_listener(d.listeners, to_upper(*control))) {
      return fail("control.plane.listener.name",
                  "control.plane.listener.name must be a listener name defined in listeners");
    }
  }

  // The listener brokers talk to each other on.
  if (auto name = get_string("inter.broker.listener.name")) {
    if (is_set("security.inter.broker.protocol")) {
      return fail("inter.broker.listener.name",
                  "Only one of inter.broker.listener.name and security.inter.broker.protocol "
                  "should be set.");
    }
    d.inter_broker_listener = to_upper(*name);
    auto protocol = find_protocol(d.protocol_map, d.inter_broker_listener);
    if (!protocol) {
      return fail("inter.broker.listener.name",
                  fmt::format("Listener with name {} defined in inter.broker.listener.name not "
                              "found in listener.security.protocol.map.",
                              d.inter_broker_listener));
    }
    d.inter_broker_protocol = *protocol;
  } else {
    // The validator already restricted the value to a protocol name.
    d.inter_broker_protocol =
        parse_security_protocol(get_string("security.inter.broker.protocol").value_or(""))
            .value_or(SecurityProtocol::kPlaintext);
    d.inter_broker_listener = std::string(security_protocol_name(d.inter_broker_protocol));
  }
  if (!has_listener(d.advertised, d.inter_broker_listener)) {
    return fail("inter.broker.listener.name",
                fmt::format("inter.broker.listener.name must be a listener name defined in "
                            "advertised.listeners. The valid options based on currently "
                            "configured listeners are {}",
                            listener_names(d.advertised)));
  }

  derived_ = std::move(d);
  return {};
}

}  // namespace gregor::config
