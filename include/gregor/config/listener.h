// Listener endpoints: the NAME://host:port entries of `listeners` and `advertised.listeners`,
// and the listener-name -> security-protocol map they are checked against.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/common/security_protocol.h"
#include "gregor/config/config_error.h"

namespace gregor::config {

using gregor::parse_security_protocol;
using gregor::security_protocol_name;
using gregor::SecurityProtocol;

// Listener name -> protocol, in the order given. Names are upper-cased, as Kafka normalises
// them, so "plaintext://..." and "PLAINTEXT://..." are the same listener.
using ProtocolMap = std::vector<std::pair<std::string, SecurityProtocol>>;

// The protocol of `listener_name` (already upper-cased), or nullopt.
std::optional<SecurityProtocol> find_protocol(const ProtocolMap& map,
                                              std::string_view listener_name);

// Parses "NAME:PROTOCOL,NAME:PROTOCOL". Errors name `config_name` and the bad entry.
Result<ProtocolMap, ConfigError> parse_protocol_map(std::string_view text,
                                                    std::string_view config_name);

struct Endpoint {
  std::string listener_name;  // Upper-cased.
  std::string host;           // Empty: bind all interfaces / advertise the canonical host name.
  uint16_t port = 0;
  SecurityProtocol protocol = SecurityProtocol::kPlaintext;

  // "NAME://host:port", with IPv6 hosts in brackets.
  std::string to_string() const;
  bool operator==(const Endpoint&) const = default;
};

// Parses a listener list such as "PLAINTEXT://:9092,INTERNAL://[::1]:9093". Each entry must be
// NAME://host:port where NAME has a protocol in `protocols`; names must be distinct. With
// `require_distinct_ports` (true for `listeners`, false for `advertised.listeners`) two
// entries may share a port only when one host is an IPv4 and the other an IPv6 literal.
// Errors name `config_name` and the offending entry.
Result<std::vector<Endpoint>, ConfigError> parse_listeners(std::string_view text,
                                                           const ProtocolMap& protocols,
                                                           bool require_distinct_ports,
                                                           std::string_view config_name);

}  // namespace gregor::config
