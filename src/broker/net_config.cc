#include "broker/net_config.h"

#include <charconv>

namespace gregor::broker {

net::ServerConfig make_server_config(const config::BrokerConfig& config) {
  net::ServerConfig out;
  for (const auto& ep : config.listeners()) {
    out.listeners.push_back(net::ListenerConfig{ep.listener_name, ep.host, ep.port, ep.protocol});
  }
  out.socket_request_max_bytes = config.get_int("socket.request.max.bytes");
  out.connections_max_idle_ms = config.get_long("connections.max.idle.ms");
  out.max_connections = config.get_int("max.connections");
  out.max_connections_per_ip = config.get_int("max.connections.per.ip");
  // "ip:count,ip:count"; the config layer has validated the syntax.
  if (auto overrides = config.get_string("max.connections.per.ip.overrides")) {
    std::string_view rest = *overrides;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      const size_t colon = item.rfind(':');
      if (colon == std::string_view::npos) continue;
      int32_t n = 0;
      std::string_view count = item.substr(colon + 1);
      if (std::from_chars(count.data(), count.data() + count.size(), n).ec == std::errc()) {
        out.max_connections_per_ip_overrides[std::string(item.substr(0, colon))] = n;
      }
    }
  }
  out.socket_listen_backlog_size = config.get_int("socket.listen.backlog.size");
  out.socket_send_buffer_bytes = config.get_int("socket.send.buffer.bytes");
  out.socket_receive_buffer_bytes = config.get_int("socket.receive.buffer.bytes");
  return out;
}

std::optional<net::HttpServerConfig> make_admin_config(const config::BrokerConfig& config) {
  const int32_t port = config.get_int("admin.http.port");
  if (port < 0) return std::nullopt;
  net::HttpServerConfig out;
  out.host = config.get_string("admin.http.host").value_or("");
  out.port = static_cast<uint16_t>(port);
  return out;
}

}  // namespace gregor::broker
