#include "gregor/net/http_server.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <unordered_map>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "http_request.h"
#include "tcp_listen.h"

namespace gregor::net {

// One admin connection. Its life: read the request head, write one response, half-close,
// discard whatever the client still sends until it closes too (closing a socket with unread
// input would reset it and could destroy the response in flight), then close.
struct HttpConnection {
  uv_tcp_t tcp{};
  HttpServerCore* core = nullptr;
  uint64_t opened_ms = 0;
  std::string buffered;
  std::string response;  // Lives until the write callback.
  uv_write_t write_req{};
  uv_shutdown_t shutdown_req{};
  bool responded = false;
  bool closing = false;
  char read_chunk[4096];
};

class HttpServerCore {
 public:
  HttpServerCore(uv_loop_t* loop, HttpServerConfig config, HttpHandler handler)
      : loop_(loop), config_(std::move(config)), handler_(std::move(handler)) {}

  ~HttpServerCore() {
    if (handles_open_ > 0) {
      spdlog::critical("net::HttpServer destroyed with {} handle(s) open; call close() first",
                       handles_open_);
      std::abort();
    }
  }

  Result<void, NetError> start();
  uint16_t bound_port() const { return port_; }
  void close(std::function<void()> on_closed);

 private:
  void accept();
  void handle_read(HttpConnection& connection, ssize_t nread);
  void respond(HttpConnection& connection, const HttpRequest* request, HttpResponse response);
  HttpResponse call_handler(const HttpRequest& request);
  void after_write(HttpConnection& connection, int status);
  void close_connection(HttpConnection& connection);
  void sweep_timeouts();
  void handle_closed();

  static void on_connection(uv_stream_t* server, int status);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_written(uv_write_t* req, int status);
  static void on_shutdown(uv_shutdown_t* req, int status);
  static void on_connection_closed(uv_handle_t* handle);
  static void on_sweep(uv_timer_t* timer);
  static void on_server_handle_closed(uv_handle_t* handle);

  uv_loop_t* loop_;
  HttpServerConfig config_;
  HttpHandler handler_;
  uv_tcp_t listener_{};
  uv_timer_t sweep_timer_{};
  uint16_t port_ = 0;
  int handles_open_ = 0;
  bool started_ = false;
  bool stopping_ = false;
  std::unordered_map<HttpConnection*, std::unique_ptr<HttpConnection>> connections_;
  std::function<void()> on_closed_;
};

Result<void, NetError> HttpServerCore::start() {
  if (started_) return unexpected(NetError{NetErrc::kWrongState, "HTTP server already started"});
  started_ = true;
  ignore_sigpipe();
  uv_timer_init(loop_, &sweep_timer_);
  sweep_timer_.data = this;
  ++handles_open_;
  const uint64_t interval = std::clamp<uint64_t>(config_.request_timeout_ms / 4, 10, 1000);
  uv_timer_start(&sweep_timer_, &HttpServerCore::on_sweep, interval, interval);
  uv_unref(reinterpret_cast<uv_handle_t*>(&sweep_timer_));

  if (const int rc = uv_tcp_init(loop_, &listener_); rc < 0) {
    return unexpected(
        NetError{NetErrc::kBindFailed, fmt::format("admin HTTP: {}", uv_strerror(rc))});
  }
  listener_.data = this;
  ++handles_open_;
  auto port = listen_tcp(&listener_, "admin HTTP listener", config_.host, config_.port, 64,
                         &HttpServerCore::on_connection);
  if (!port) return unexpected(port.error());
  port_ = *port;
  spdlog::info("Admin HTTP server listening on {}",
               format_endpoint(config_.host.empty() ? "0.0.0.0" : config_.host, port_));
  return {};
}

void HttpServerCore::close(std::function<void()> on_closed) {
  if (stopping_) {
    spdlog::warn("Admin HTTP server already closing; ignoring a second request");
    return;
  }
  if (!started_) {
    if (on_closed) on_closed();
    return;
  }
  stopping_ = true;
  on_closed_ = std::move(on_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&sweep_timer_), &HttpServerCore::on_server_handle_closed);
  if (uv_is_closing(reinterpret_cast<uv_handle_t*>(&listener_)) == 0 && listener_.data == this) {
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), &HttpServerCore::on_server_handle_closed);
  }
  for (auto& [raw, connection] : connections_)
    close_connection(*connection);
}

void HttpServerCore::accept() {
  auto connection = std::make_unique<HttpConnection>();
  connection->core = this;
  connection->opened_ms = uv_now(loop_);
  uv_tcp_init(loop_, &connection->tcp);
  connection->tcp.data = connection.get();
  ++handles_open_;
  HttpConnection& ref = *connection;
  connections_.emplace(connection.get(), std::move(connection));
  if (const int rc = uv_accept(reinterpret_cast<uv_stream_t*>(&listener_),
                               reinterpret_cast<uv_stream_t*>(&ref.tcp));
      rc < 0) {
    spdlog::warn("Admin HTTP: accept failed: {}", uv_strerror(rc));
    close_connection(ref);
    return;
  }
  if (connections_.size() > config_.max_connections) {
    spdlog::warn("Admin HTTP: refusing a connection, {} already open", config_.max_connections);
    close_connection(ref);
    return;
  }
  if (uv_read_start(reinterpret_cast<uv_stream_t*>(&ref.tcp), &HttpServerCore::on_alloc,
                    &HttpServerCore::on_read) < 0) {
    close_connection(ref);
  }
}

void HttpServerCore::handle_read(HttpConnection& connection, ssize_t nread) {
  if (nread < 0) {
    close_connection(connection);  // EOF or error; after a response this is the normal end.
    return;
  }
  if (connection.responded) return;  // Lingering after the response: discard.
  connection.buffered.append(connection.read_chunk, static_cast<size_t>(nread));
  auto parsed = parse_request_head(connection.buffered, config_.max_request_head_bytes);
  if (!parsed) {
    respond(connection, nullptr,
            HttpResponse{parsed.error(),
                         "text/plain; charset=utf-8",
                         std::string(http_reason_phrase(parsed.error())) + "\n",
                         {}});
    return;
  }
  if (!parsed->has_value()) return;
  const HttpRequest& request = **parsed;
  if (request.method != "GET" && request.method != "HEAD") {
    respond(
        connection, &request,
        HttpResponse{
            405, "text/plain; charset=utf-8", "Method Not Allowed\n", {{"Allow", "GET, HEAD"}}});
    return;
  }
  respond(connection, &request, call_handler(request));
}

HttpResponse HttpServerCore::call_handler(const HttpRequest& request) {
  // The handler runs inside a libuv callback, where an exception must not escape.
  try {
    return handler_(request);
  } catch (const std::exception& e) {
    spdlog::error("Admin HTTP handler failed for {}: {}", request.target, e.what());
  } catch (...) {
    spdlog::error("Admin HTTP handler failed for {}", request.target);
  }
  return HttpResponse{500, "text/plain; charset=utf-8", "Internal Server Error\n", {}};
}

void HttpServerCore::respond(HttpConnection& connection, const HttpRequest* request,
                             HttpResponse response) {
  connection.responded = true;
  const bool head_only = request != nullptr && request->method == "HEAD";
  std::string& out = connection.response;
  out =
      fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n", response.status,
                  http_reason_phrase(response.status), response.content_type, response.body.size());
  for (const auto& [name, value] : response.headers)
    out += fmt::format("{}: {}\r\n", name, value);
  out += "Connection: close\r\n\r\n";
  if (!head_only) out += response.body;
  uv_buf_t buf = uv_buf_init(out.data(), static_cast<unsigned>(out.size()));
  connection.write_req.data = &connection;
  if (uv_write(&connection.write_req, reinterpret_cast<uv_stream_t*>(&connection.tcp), &buf, 1,
               &HttpServerCore::on_written) < 0) {
    close_connection(connection);
  }
}

void HttpServerCore::after_write(HttpConnection& connection, int status) {
  if (connection.closing) return;
  connection.shutdown_req.data = &connection;
  if (status < 0 ||
      uv_shutdown(&connection.shutdown_req, reinterpret_cast<uv_stream_t*>(&connection.tcp),
                  &HttpServerCore::on_shutdown) < 0) {
    close_connection(connection);
  }
}

void HttpServerCore::close_connection(HttpConnection& connection) {
  if (connection.closing) return;
  connection.closing = true;
  uv_close(reinterpret_cast<uv_handle_t*>(&connection.tcp), &HttpServerCore::on_connection_closed);
}

void HttpServerCore::sweep_timeouts() {
  const uint64_t now = uv_now(loop_);
  for (auto& [raw, connection] : connections_) {
    if (now - connection->opened_ms >= config_.request_timeout_ms) close_connection(*connection);
  }
}

void HttpServerCore::handle_closed() {
  --handles_open_;
  if (!stopping_ || handles_open_ > 0) return;
  auto on_closed = std::move(on_closed_);
  on_closed_ = nullptr;
  if (on_closed) on_closed();  // May destroy the server.
}

void HttpServerCore::on_connection(uv_stream_t* server, int status) {
  auto* core = static_cast<HttpServerCore*>(server->data);
  if (status < 0) {
    spdlog::warn("Admin HTTP: accept failed: {}", uv_strerror(status));
    return;
  }
  core->accept();
}

void HttpServerCore::on_alloc(uv_handle_t* handle, size_t /*suggested*/, uv_buf_t* buf) {
  auto* connection = static_cast<HttpConnection*>(handle->data);
  *buf = uv_buf_init(connection->read_chunk, sizeof(connection->read_chunk));
}

void HttpServerCore::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* /*buf*/) {
  auto* connection = static_cast<HttpConnection*>(stream->data);
  if (nread != 0) connection->core->handle_read(*connection, nread);
}

void HttpServerCore::on_written(uv_write_t* req, int status) {
  auto* connection = static_cast<HttpConnection*>(req->data);
  connection->core->after_write(*connection, status);
}

void HttpServerCore::on_shutdown(uv_shutdown_t* req, int status) {
  auto* connection = static_cast<HttpConnection*>(req->data);
  // Reading continues (and discards) until the client closes; the sweep ends stragglers.
  if (status < 0) connection->core->close_connection(*connection);
}

void HttpServerCore::on_connection_closed(uv_handle_t* handle) {
  auto* connection = static_cast<HttpConnection*>(handle->data);
  HttpServerCore* core = connection->core;
  core->connections_.erase(connection);
  core->handle_closed();
}

void HttpServerCore::on_sweep(uv_timer_t* timer) {
  static_cast<HttpServerCore*>(timer->data)->sweep_timeouts();
}

void HttpServerCore::on_server_handle_closed(uv_handle_t* handle) {
  static_cast<HttpServerCore*>(handle->data)->handle_closed();
}

HttpServer::HttpServer(uv_loop_t* loop, HttpServerConfig config, HttpHandler handler)
    : core_(std::make_unique<HttpServerCore>(loop, std::move(config), std::move(handler))) {}

HttpServer::~HttpServer() = default;

Result<void, NetError> HttpServer::start() {
  return core_->start();
}

uint16_t HttpServer::bound_port() const {
  return core_->bound_port();
}

void HttpServer::close(std::function<void()> on_closed) {
  core_->close(std::move(on_closed));
}

}  // namespace gregor::net
