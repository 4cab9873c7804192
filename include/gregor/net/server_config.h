// Settings of the Kafka-protocol server. Field names follow the broker properties they come
// from, and defaults are Kafka's own, so the config layer can copy values across one to one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "gregor/net/connection.h"

namespace gregor::net {

// One entry of `listeners`, e.g. INTERNAL://0.0.0.0:9093.
struct ListenerConfig {
  std::string name;   // Unique among the server's listeners, e.g. "PLAINTEXT".
  std::string host;   // Empty means all IPv4 interfaces; names are resolved once, at start.
  uint16_t port = 0;  // 0 asks the kernel for a free port; read it back with bound_port().
  SecurityProtocol security_protocol = SecurityProtocol::kPlaintext;
};

// Per-connection flow control. Reading stops when either high watermark is reached and
// resumes only once both counts are at or below their low watermarks, so a connection does not
// flap between the two states on every response.
struct FlowControl {
  // Requests handed to the handler whose responses have not yet been queued for writing.
  // 1 gives Kafka's own behaviour (one request at a time per connection).
  size_t max_in_flight_requests = 100;
  size_t resume_in_flight_requests = 50;
  // Response bytes accepted but not yet handed to the kernel, file ranges included.
  size_t max_queued_write_bytes = size_t{16} << 20;
  size_t resume_queued_write_bytes = size_t{4} << 20;
  // Fairness: after this many bytes read or frames dispatched in one loop turn, a connection
  // yields to the others until the next turn.
  size_t max_read_bytes_per_turn = size_t{4} << 20;
  size_t max_frames_per_turn = 64;
};

struct ServerConfig {
  std::vector<ListenerConfig> listeners;
  int32_t socket_request_max_bytes = 104857600;  // Largest frame payload accepted.
  int64_t connections_max_idle_ms = 600000;      // 0 or less disables the idle reaper.
  int32_t max_connections = std::numeric_limits<int32_t>::max();  // Over all listeners.
  int32_t max_connections_per_ip = std::numeric_limits<int32_t>::max();
  // Keyed by the peer's textual IP address ("10.0.0.7", "::1"). Hostnames must be resolved
  // by the caller; Kafka accepts them here, but resolving on every accept would block the loop.
  std::unordered_map<std::string, int32_t> max_connections_per_ip_overrides;
  int32_t socket_listen_backlog_size = 50;
  int32_t socket_send_buffer_bytes = 102400;     // -1 keeps the OS default.
  int32_t socket_receive_buffer_bytes = 102400;  // -1 keeps the OS default.
  FlowControl flow;
};

}  // namespace gregor::net
