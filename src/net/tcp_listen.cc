#include "tcp_listen.h"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <csignal>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace gregor::net {
namespace {

NetError resolve_error(std::string_view what, const std::string& host, const char* cause) {
  return NetError{NetErrc::kResolveFailed,
                  fmt::format("{}: cannot resolve host '{}': {}", what, host, cause)};
}

// Fills `out` from a numeric address or, failing that, from the resolver.
Result<void, NetError> resolve(std::string_view what, const std::string& host, uint16_t port,
                               sockaddr_storage& out) {
  std::string name = host;
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
  }
  if (name.empty()) name = "0.0.0.0";
  std::memset(&out, 0, sizeof(out));
  if (uv_ip4_addr(name.c_str(), port, reinterpret_cast<sockaddr_in*>(&out)) == 0) return {};
  if (uv_ip6_addr(name.c_str(), port, reinterpret_cast<sockaddr_in6*>(&out)) == 0) return {};

  // Names are resolved only here, once at start, where blocking the loop is harmless.
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &found); rc != 0) {
    return unexpected(resolve_error(what, host, ::gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(found, &::freeaddrinfo);
  // Prefer IPv4, as the JVM does by default, so "localhost" means the same as for Kafka.
  const addrinfo* pick = nullptr;
  for (const addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET) {
      pick = ai;
      break;
    }
    if (ai->ai_family == AF_INET6 && pick == nullptr) pick = ai;
  }
  if (pick == nullptr) return unexpected(resolve_error(what, host, "no IPv4 or IPv6 address"));
  std::memcpy(&out, pick->ai_addr, pick->ai_addrlen);
  if (pick->ai_family == AF_INET) {
    reinterpret_cast<sockaddr_in*>(&out)->sin_port = htons(port);
  } else {
    reinterpret_cast<sockaddr_in6*>(&out)->sin6_port = htons(port);
  }
  return {};
}

}  // namespace

void ignore_sigpipe() {
  std::signal(SIGPIPE, SIG_IGN);
}

std::string format_endpoint(std::string_view ip, uint16_t port) {
  if (ip.find(':') != std::string_view::npos) return fmt::format("[{}]:{}", ip, port);
  return fmt::format("{}:{}", ip, port);
}

Result<uint16_t, NetError> listen_tcp(uv_tcp_t* handle, std::string_view what,
                                      const std::string& host, uint16_t port, int backlog,
                                      uv_connection_cb on_connection) {
  sockaddr_storage address{};
  if (auto resolved = resolve(what, host, port, address); !resolved) {
    return unexpected(resolved.error());
  }
  const auto fail = [&](const char* step, int rc) {
    return NetError{
        NetErrc::kBindFailed,
        fmt::format("{}: cannot {} {}: {}", what, step,
                    format_endpoint(host.empty() ? "0.0.0.0" : host, port), uv_strerror(rc))};
  };
  if (const int rc = uv_tcp_bind(handle, reinterpret_cast<const sockaddr*>(&address), 0); rc < 0) {
    return unexpected(fail("bind", rc));
  }
  if (const int rc = uv_listen(reinterpret_cast<uv_stream_t*>(handle), backlog, on_connection);
      rc < 0) {
    // libuv reports some bind failures (EADDRINUSE) only when listening starts.
    return unexpected(fail("listen on", rc));
  }
  sockaddr_storage bound{};
  int length = sizeof(bound);
  if (const int rc = uv_tcp_getsockname(handle, reinterpret_cast<sockaddr*>(&bound), &length);
      rc < 0) {
    return unexpected(fail("read the bound port of", rc));
  }
  if (bound.ss_family == AF_INET) {
    return static_cast<uint16_t>(ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port));
  }
  return static_cast<uint16_t>(ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port));
}

Result<Endpoint, int> peer_endpoint(const uv_tcp_t* handle) {
  sockaddr_storage address{};
  int length = sizeof(address);
  if (const int rc = uv_tcp_getpeername(handle, reinterpret_cast<sockaddr*>(&address), &length);
      rc < 0) {
    return unexpected(rc);
  }
  char text[INET6_ADDRSTRLEN] = {};
  Endpoint endpoint;
  if (address.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
    uv_ip4_name(v4, text, sizeof(text));
    endpoint.port = ntohs(v4->sin_port);
  } else {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
    endpoint.port = ntohs(v6->sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      sockaddr_in v4{};
      v4.sin_family = AF_INET;
      std::memcpy(&v4.sin_addr, &v6->sin6_addr.s6_addr[12], 4);
      uv_ip4_name(&v4, text, sizeof(text));
    } else {
      uv_ip6_name(v6, text, sizeof(text));
    }
  }
  endpoint.ip = text;
  return endpoint;
}

}  // namespace gregor::net
