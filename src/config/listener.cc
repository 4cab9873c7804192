#include "gregor/config/listener.h"

#include <arpa/inet.h>

#include <charconv>
#include <map>

#include <fmt/format.h>

#include "string_util.h"

namespace gregor::config {

std::optional<SecurityProtocol> find_protocol(const ProtocolMap& map, std::string_view name) {
  for (const auto& [n, p] : map) {
    if (n == name) return p;
  }
  return std::nullopt;
}

Result<ProtocolMap, ConfigError> parse_protocol_map(std::string_view text,
                                                    std::string_view config_name) {
  ProtocolMap map;
  for (const auto& entry : split_csv_non_empty(text)) {
    size_t colon = entry.find(':');
    auto fail = [&](std::string_view why) {
      return unexpected(config_error(
          config_name, fmt::format("Error parsing configuration property '{}': {} in entry '{}'",
                                   config_name, why, entry)));
    };
    if (colon == std::string::npos) return fail("expected NAME:PROTOCOL");
    std::string name = to_upper(trim(std::string_view(entry).substr(0, colon)));
    auto protocol = parse_security_protocol(trim(std::string_view(entry).substr(colon + 1)));
    if (name.empty()) return fail("empty listener name");
    if (!protocol) return fail("unknown security protocol");
    if (find_protocol(map, name)) return fail("listener name given twice");
    map.emplace_back(std::move(name), *protocol);
  }
  return map;
}

std::string Endpoint::to_string() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return ipv6 ? fmt::format("{}://[{}]:{}", listener_name, host, port)
              : fmt::format("{}://{}:{}", listener_name, host, port);
}

namespace {

enum class HostKind { kName, kIpv4, kIpv6 };

HostKind host_kind(const std::string& host) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1) return HostKind::kIpv4;
  if (inet_pton(AF_INET6, host.c_str(), buf) == 1) return HostKind::kIpv6;
  return HostKind::kName;
}

bool valid_host_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
         c == '%' || c == '.' || c == '_' || c == ':';
}

// One NAME://host:port entry. The host may be empty, a name, an IPv4 literal or an IPv6
// literal with or without brackets; the port is after the last colon.
Result<Endpoint, std::string> parse_endpoint(std::string_view entry, const ProtocolMap& protocols) {
  size_t scheme = entry.find("://");
  if (scheme == std::string_view::npos || scheme == 0) {
    return unexpected(fmt::format("Unable to parse {} to a broker endpoint", entry));
  }
  Endpoint ep;
  ep.listener_name = to_upper(entry.substr(0, scheme));
  std::string_view rest = entry.substr(scheme + 3);
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    return unexpected(fmt::format("Unable to parse {} to a broker endpoint", entry));
  }
  std::string_view host = rest.substr(0, colon);
  std::string_view port = rest.substr(colon + 1);
  if (host.starts_with('[') != host.ends_with(']') || (host.size() == 1 && host[0] == '[')) {
    return unexpected(fmt::format("Unable to parse {} to a broker endpoint", entry));
  }
  if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
  for (char c : host) {
    if (!valid_host_char(c)) {
      return unexpected(fmt::format("Unable to parse {} to a broker endpoint", entry));
    }
  }
  int port_value = -1;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), port_value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || port_value < 0 ||
      port_value > 65535) {
    return unexpected(fmt::format("Invalid port in {}: ports are 0 to 65535", entry));
  }
  ep.host = std::string(host);
  ep.port = static_cast<uint16_t>(port_value);
  auto protocol = find_protocol(protocols, ep.listener_name);
  if (!protocol) {
    return unexpected(
        fmt::format("No security protocol defined for listener {}", ep.listener_name));
  }
  ep.protocol = *protocol;
  return ep;
}

// Kafka lets two listeners share a port only as one IPv4 and one IPv6 literal (dual stack).
std::optional<std::string> check_ports(const std::vector<Endpoint>& endpoints) {
  std::map<uint16_t, std::vector<const Endpoint*>> by_port;
  for (const auto& ep : endpoints) {
    if (ep.port != 0) by_port[ep.port].push_back(&ep);  // Port 0 (ephemeral) never clashes.
  }
  for (const auto& [port, eps] : by_port) {
    if (eps.size() == 1) continue;
    bool dual_stack = eps.size() == 2 && ((host_kind(eps[0]->host) == HostKind::kIpv4 &&
                                           host_kind(eps[1]->host) == HostKind::kIpv6) ||
                                          (host_kind(eps[0]->host) == HostKind::kIpv6 &&
                                           host_kind(eps[1]->host) == HostKind::kIpv4));
    if (!dual_stack) {
      return fmt::format(
          "Each listener must have a different port unless exactly one listener has an IPv4 "
          "address and the other an IPv6 address; port {} is used more than once",
          port);
    }
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<Endpoint>, ConfigError> parse_listeners(std::string_view text,
                                                           const ProtocolMap& protocols,
                                                           bool require_distinct_ports,
                                                           std::string_view config_name) {
  auto fail = [&](const std::string& why) {
    return unexpected(config_error(
        config_name, fmt::format("Error creating broker listeners from '{}': {}", text, why)));
  };
  std::vector<Endpoint> endpoints;
  for (const auto& entry : split_csv_non_empty(text)) {
    auto ep = parse_endpoint(entry, protocols);
    if (!ep) return fail(ep.error());
    for (const auto& other : endpoints) {
      if (other.listener_name == ep->listener_name) {
        return fail(fmt::format("Each listener must have a different name; {} is used twice",
                                ep->listener_name));
      }
    }
    endpoints.push_back(std::move(*ep));
  }
  if (require_distinct_ports) {
    if (auto why = check_ports(endpoints)) return fail(*why);
  }
  return endpoints;
}

}  // namespace gregor::config
