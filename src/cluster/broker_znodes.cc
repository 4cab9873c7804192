#include "gregor/cluster/broker_znodes.h"

#include "json_fields.h"

namespace gregor::cluster {

using json::Json;
using json::OrderedJson;
using json::to_text;

namespace {

// Kafka's default listener-name -> protocol map, for registrations older than version 4.
std::string default_protocol_for(std::string_view listener) {
  for (std::string_view protocol : {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"}) {
    if (listener == protocol) return std::string(protocol);
  }
  return {};
}

}  // namespace

std::string BrokerEndpoint::connection_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = listener + "://";
  out += v6 ? "[" + host + "]" : host;
  out += ":" + std::to_string(port);
  return out;
}

std::optional<BrokerEndpoint> parse_endpoint(std::string_view text) {
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
  BrokerEndpoint out;
  out.listener = std::string(text.substr(0, scheme_end));
  std::string_view rest = text.substr(scheme_end + 3);
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view host = rest.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  auto port = json::parse_decimal(rest.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) return std::nullopt;
  out.host = std::string(host);
  out.port = static_cast<int32_t>(*port);
  return out;
}

// ---- /brokers/ids/<id> ----

std::string encode_broker_info(const BrokerInfo& info) {
  OrderedJson features = OrderedJson::object();
  for (const auto& [name, range] : info.features) {
    features[name] = {{"min_version", range.min_version}, {"max_version", range.max_version}};
  }
  OrderedJson protocols = OrderedJson::object();
  OrderedJson endpoints = OrderedJson::array();
  for (const BrokerEndpoint& endpoint : info.endpoints) {
    protocols[endpoint.listener] = endpoint.security_protocol;
    endpoints.push_back(endpoint.connection_string());
  }
  // The top-level host and port are for old clients: the first PLAINTEXT endpoint, or none.
  const BrokerEndpoint* plaintext = nullptr;
  for (const BrokerEndpoint& endpoint : info.endpoints) {
    if (endpoint.security_protocol == "PLAINTEXT") {
      plaintext = &endpoint;
      break;
    }
  }
  // Key order as Kafka 3.9 writes it (the iteration order of its Scala hash map).
  OrderedJson out = OrderedJson::object();
  out["features"] = std::move(features);
  out["listener_security_protocol_map"] = std::move(protocols);
  out["endpoints"] = std::move(endpoints);
  if (info.rack) out["rack"] = *info.rack;
  out["jmx_port"] = info.jmx_port;
  out["port"] = plaintext != nullptr ? plaintext->port : -1;
  out["host"] = plaintext != nullptr ? OrderedJson(plaintext->host) : OrderedJson(nullptr);
  out["version"] = 5;
  out["timestamp"] = std::to_string(info.timestamp_ms);
  return to_text(out);
}

Result<BrokerInfo, ClusterError> decode_broker_info(BrokerId id, std::string_view text) {
  constexpr std::string_view kWhat = "broker registration";
  auto object = json::parse_object(text);
  if (!object) return unexpected(json::malformed(kWhat, "not a JSON object"));
  BrokerInfo info;
  info.id = id;
  auto version = json::int_field(*object, "version");
  if (!version || *version < 1) return unexpected(json::malformed(kWhat, "bad version"));
  info.version = static_cast<int32_t>(*version);
  info.jmx_port = static_cast<int32_t>(json::int_field(*object, "jmx_port").value_or(-1));
  info.timestamp_ms = json::decimal_string_field(*object, "timestamp").value_or(0);
  if (auto rack = json::string_field(*object, "rack")) info.rack = std::move(*rack);

  if (info.version == 1) {
    auto host = json::string_field(*object, "host");
    auto port = json::int_field(*object, "port", 0, 65535);
    if (!host || !port) return unexpected(json::malformed(kWhat, "version 1 without host/port"));
    info.endpoints.push_back({"PLAINTEXT", *host, static_cast<int32_t>(*port), "PLAINTEXT"});
  } else {
    const Json* endpoints = json::field(*object, "endpoints");
    if (endpoints == nullptr || !endpoints->is_array()) {
      return unexpected(json::malformed(kWhat, "no endpoints"));
    }
    const Json* protocols = json::field(*object, "listener_security_protocol_map");
    for (const Json& entry : *endpoints) {
      if (!entry.is_string()) return unexpected(json::malformed(kWhat, "endpoint not a string"));
      auto endpoint = parse_endpoint(entry.get<std::string>());
      if (!endpoint) return unexpected(json::malformed(kWhat, "bad endpoint " + entry.dump()));
      if (protocols != nullptr && protocols->is_object()) {
        endpoint->security_protocol =
            json::string_field(*protocols, endpoint->listener).value_or("");
      } else {
        endpoint->security_protocol = default_protocol_for(endpoint->listener);
      }
      if (endpoint->security_protocol.empty()) {
        return unexpected(json::malformed(kWhat, "no security protocol for " + endpoint->listener));
      }
      info.endpoints.push_back(std::move(*endpoint));
    }
  }

  if (const Json* features = json::field(*object, "features"); features && features->is_object()) {
    for (const auto& [name, range] : features->items()) {
      if (!range.is_object()) continue;
      auto min = json::int_field(range, "min_version", INT16_MIN, INT16_MAX);
      auto max = json::int_field(range, "max_version", INT16_MIN, INT16_MAX);
      if (!min || !max) return unexpected(json::malformed(kWhat, "bad feature " + name));
      info.features[name] = {static_cast<int16_t>(*min), static_cast<int16_t>(*max)};
    }
  }
  return info;
}

// ---- /controller and /controller_epoch ----

std::string encode_controller(const ControllerInfo& info) {
  OrderedJson out = OrderedJson::object();
  out["version"] = 2;
  out["brokerid"] = info.broker_id.value();
  out["timestamp"] = std::to_string(info.timestamp_ms);
  out["kraftControllerEpoch"] = info.kraft_controller_epoch;
  return to_text(out);
}

Result<ControllerInfo, ClusterError> decode_controller(std::string_view text) {
  constexpr std::string_view kWhat = "controller znode";
  auto object = json::parse_object(text);
  if (!object) return unexpected(json::malformed(kWhat, "not a JSON object"));
  auto broker = json::int_field(*object, "brokerid");
  if (!broker) return unexpected(json::malformed(kWhat, "no brokerid"));
  ControllerInfo info;
  info.broker_id = BrokerId(static_cast<int32_t>(*broker));
  info.timestamp_ms = json::decimal_string_field(*object, "timestamp").value_or(0);
  info.kraft_controller_epoch =
      static_cast<int32_t>(json::int_field(*object, "kraftControllerEpoch").value_or(-1));
  return info;
}

std::string encode_controller_epoch(ControllerEpoch epoch) {
  return std::to_string(epoch.value());
}

Result<ControllerEpoch, ClusterError> decode_controller_epoch(std::string_view text) {
  auto epoch = json::parse_decimal(text);
  if (!epoch || *epoch < 0 || *epoch > INT32_MAX) {
    return unexpected(json::malformed("controller epoch", "not a non-negative int32"));
  }
  return ControllerEpoch(static_cast<int32_t>(*epoch));
}

// ---- /cluster/id, /latest_producer_id_block, /feature ----

std::string encode_cluster_id(std::string_view id) {
  OrderedJson out = OrderedJson::object();
  out["version"] = "1";
  out["id"] = std::string(id);
  return to_text(out);
}

Result<std::string, ClusterError> decode_cluster_id(std::string_view text) {
  auto object = json::parse_object(text);
  if (!object) return unexpected(json::malformed("cluster id", "not a JSON object"));
  auto id = json::string_field(*object, "id");
  if (!id || id->empty()) return unexpected(json::malformed("cluster id", "no id"));
  return std::move(*id);
}

std::string encode_producer_id_block(const ProducerIdBlock& block) {
  OrderedJson out = OrderedJson::object();
  out["version"] = 1;
  out["broker"] = block.broker.value();
  out["block_start"] = std::to_string(block.first);
  out["block_end"] = std::to_string(block.last);
  return to_text(out);
}

Result<ProducerIdBlock, ClusterError> decode_producer_id_block(std::string_view text) {
  constexpr std::string_view kWhat = "producer id block";
  auto object = json::parse_object(text);
  if (!object) return unexpected(json::malformed(kWhat, "not a JSON object"));
  auto broker = json::int_field(*object, "broker");
  auto first = json::decimal_string_field(*object, "block_start");
  auto last = json::decimal_string_field(*object, "block_end");
  if (!broker || !first || !last || *first < 0 || *last < *first) {
    return unexpected(json::malformed(kWhat, "bad broker or block range"));
  }
  return ProducerIdBlock{BrokerId(static_cast<int32_t>(*broker)), *first, *last};
}

std::string encode_feature_znode(const FeatureZnode& znode) {
  OrderedJson features = OrderedJson::object();
  for (const auto& [name, level] : znode.max_version_levels) {
    features[name] = {{"max_version_level", level}};
  }
  OrderedJson out = OrderedJson::object();
  out["features"] = std::move(features);
  out["version"] = znode.version;
  out["status"] = znode.status;
  return to_text(out);
}

Result<FeatureZnode, ClusterError> decode_feature_znode(std::string_view text) {
  constexpr std::string_view kWhat = "feature znode";
  auto object = json::parse_object(text);
  if (!object) return unexpected(json::malformed(kWhat, "not a JSON object"));
  FeatureZnode out;
  auto version = json::int_field(*object, "version");
  auto status = json::int_field(*object, "status");
  const Json* features = json::field(*object, "features");
  if (!version || *version < 1 || *version > 2 || !status || (*status != 0 && *status != 1) ||
      features == nullptr || !features->is_object()) {
    return unexpected(json::malformed(kWhat, "bad version, status or features"));
  }
  out.version = static_cast<int32_t>(*version);
  out.status = static_cast<int32_t>(*status);
  for (const auto& [name, levels] : features->items()) {
    auto max = levels.is_object() ? json::int_field(levels, "max_version_level", 1, INT16_MAX)
                                  : std::nullopt;
    if (!max) return unexpected(json::malformed(kWhat, "bad max_version_level for " + name));
    out.max_version_levels[name] = static_cast<int16_t>(*max);
  }
  return out;
}

}  // namespace gregor::cluster
