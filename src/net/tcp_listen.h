// Listening sockets and peer addresses, shared by the Kafka server and the admin HTTP server.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <uv.h>

#include "gregor/common/result.h"
#include "gregor/net/net_error.h"

namespace gregor::net {

struct Endpoint {
  std::string ip;
  uint16_t port = 0;
};

// Makes writes to a reset socket fail with EPIPE instead of killing the process: writev and
// sendfile raise SIGPIPE, and libuv leaves that signal alone. Process-wide and idempotent.
void ignore_sigpipe();

// "1.2.3.4:9092" or "[::1]:9092".
std::string format_endpoint(std::string_view ip, uint16_t port);

// Resolves `host` (empty = every IPv4 interface; a literal, bracketed IPv6 literal or name,
// preferring IPv4 for names), binds the initialised handle `handle` to it and listens.
// Returns the bound port, which differs from `port` only when `port` is 0. `what` names the
// listener in error messages.
Result<uint16_t, NetError> listen_tcp(uv_tcp_t* handle, std::string_view what,
                                      const std::string& host, uint16_t port, int backlog,
                                      uv_connection_cb on_connection);

// The remote address of a connected handle; IPv4-mapped IPv6 addresses come back as IPv4 so
// that per-IP limits count a client once whichever way it connected. Returns a libuv error.
Result<Endpoint, int> peer_endpoint(const uv_tcp_t* handle);

}  // namespace gregor::net
