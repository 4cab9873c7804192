// A deliberately tiny HTTP/1.1 server for the admin port (/metrics, /ready): GET and HEAD only,
// one request per connection (the response says Connection: close), on the broker's libuv loop.
// The handler runs on the loop thread and must return quickly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <uv.h>

#include "gregor/common/result.h"
#include "gregor/net/net_error.h"

namespace gregor::net {

struct HttpRequest {
  std::string method;  // "GET" or "HEAD"; other methods get 405 without reaching the handler.
  std::string target;  // As sent, e.g. "/metrics?name=x".
  std::string path;    // The target up to '?', e.g. "/metrics".
  std::string query;   // After '?', without it; empty if none.
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Extra header lines, e.g. {"Cache-Control", "no-store"}. Values must not contain CR or LF.
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerConfig {
  std::string host;   // Empty means all IPv4 interfaces.
  uint16_t port = 0;  // 0 asks the kernel for a free port; read it back with bound_port().
  size_t max_connections = 64;           // More are accepted and closed at once.
  size_t max_request_head_bytes = 8192;  // Longer request heads get 431.
  uint64_t request_timeout_ms = 10000;   // A connection is closed this long after it opened.
};

class HttpServerCore;

// Lifetime as for net::Server: after start(), call close() and run the loop until its callback
// before destroying the object.
class HttpServer {
 public:
  HttpServer(uv_loop_t* loop, HttpServerConfig config, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Result<void, NetError> start();
  uint16_t bound_port() const;

  // Stops listening and closes every connection at once; `on_closed` runs when all handles are
  // closed (before returning if none were open).
  void close(std::function<void()> on_closed);

 private:
  std::unique_ptr<HttpServerCore> core_;
};

}  // namespace gregor::net
