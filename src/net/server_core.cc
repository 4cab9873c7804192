#include "server_core.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "tcp_listen.h"

namespace gregor::net {
namespace {

NetError invalid(std::string message) {
  return NetError{NetErrc::kInvalidConfig, std::move(message)};
}

Result<void, NetError> validate_flow(const FlowControl& flow) {
  if (flow.max_in_flight_requests == 0 || flow.max_queued_write_bytes == 0) {
    return unexpected(invalid("flow control: the high watermarks must be positive"));
  }
  if (flow.resume_in_flight_requests >= flow.max_in_flight_requests) {
    return unexpected(invalid(fmt::format(
        "flow control: resume_in_flight_requests ({}) must be below max_in_flight_requests ({})",
        flow.resume_in_flight_requests, flow.max_in_flight_requests)));
  }
  if (flow.resume_queued_write_bytes >= flow.max_queued_write_bytes) {
    return unexpected(invalid(fmt::format(
        "flow control: resume_queued_write_bytes ({}) must be below max_queued_write_bytes ({})",
        flow.resume_queued_write_bytes, flow.max_queued_write_bytes)));
  }
  if (flow.max_read_bytes_per_turn == 0 || flow.max_frames_per_turn == 0) {
    return unexpected(invalid("flow control: the per-turn budgets must be positive"));
  }
  return {};
}

}  // namespace

Result<void, NetError> validate_server_config(const ServerConfig& config) {
  if (config.listeners.empty()) return unexpected(invalid("listeners: at least one is required"));
  std::set<std::string, std::less<>> names;
  for (const auto& listener : config.listeners) {
    if (listener.name.empty()) return unexpected(invalid("listeners: a listener has no name"));
    if (!names.insert(listener.name).second) {
      return unexpected(invalid(fmt::format("listeners: duplicate name {}", listener.name)));
    }
    if (listener.security_protocol != SecurityProtocol::kPlaintext) {
      return unexpected(invalid(
          fmt::format("listener {}: security protocol {} is not supported yet (only PLAINTEXT)",
                      listener.name, security_protocol_name(listener.security_protocol))));
    }
  }
  if (config.socket_request_max_bytes <= 0) {
    return unexpected(invalid(fmt::format("socket.request.max.bytes must be positive (got {})",
                                          config.socket_request_max_bytes)));
  }
  if (config.max_connections < 0 || config.max_connections_per_ip < 0) {
    return unexpected(invalid("max.connections and max.connections.per.ip must not be negative"));
  }
  for (const auto& [ip, limit] : config.max_connections_per_ip_overrides) {
    if (limit < 0) {
      return unexpected(
          invalid(fmt::format("max.connections.per.ip.overrides: negative limit for {}", ip)));
    }
  }
  if (config.socket_listen_backlog_size <= 0) {
    return unexpected(invalid("socket.listen.backlog.size must be positive"));
  }
  return validate_flow(config.flow);
}

ServerCore::ServerCore(uv_loop_t* loop, ServerConfig config, FrameHandler& handler)
    : loop_(loop),
      config_(std::move(config)),
      handler_(handler),
      settings_{config_.socket_request_max_bytes, config_.flow},
      quota_(config_.max_connections, config_.max_connections_per_ip,
             config_.max_connections_per_ip_overrides) {
  for (const auto& listener_config : config_.listeners) {
    auto listener = std::make_unique<Listener>();
    listener->config = listener_config;
    listener->core = this;
    listeners_.push_back(std::move(listener));
  }
}

ServerCore::~ServerCore() {
  if (handles_open_ > 0 || !connections_.empty()) {
    // libuv still points at memory we are about to free; carrying on would corrupt the loop.
    spdlog::critical(
        "net::Server destroyed with {} handle(s) and {} connection(s) open; call shutdown() and "
        "wait for its callback first",
        handles_open_, connections_.size());
    std::abort();
  }
}

Result<void, NetError> ServerCore::start() {
  if (state_ != State::kIdle) {
    return unexpected(NetError{NetErrc::kWrongState, "start() called twice or after shutdown()"});
  }
  if (auto valid = validate_server_config(config_); !valid) return valid;
  state_ = State::kRunning;
  ignore_sigpipe();
  init_loop_handles();
  for (auto& listener : listeners_) {
    if (auto started = start_listener(*listener); !started) return started;
  }
  return {};
}

void ServerCore::init_loop_handles() {
  // These inits only fill in structs; they can't fail.
  uv_timer_init(loop_, &idle_timer_);
  uv_prepare_init(loop_, &turn_prepare_);
  uv_idle_init(loop_, &resume_idle_);
  uv_timer_init(loop_, &deadline_timer_);
  idle_timer_.data = turn_prepare_.data = resume_idle_.data = deadline_timer_.data = this;
  handles_open_ += 4;

  // The turn counter and the reaper must not keep the loop alive on their own.
  uv_prepare_start(&turn_prepare_, &ServerCore::on_turn);
  uv_unref(reinterpret_cast<uv_handle_t*>(&turn_prepare_));
  uv_unref(reinterpret_cast<uv_handle_t*>(&resume_idle_));
  if (config_.connections_max_idle_ms > 0) {
    // Sweeping at a quarter of the limit closes an idle connection at most 25% late.
    const auto interval =
        static_cast<uint64_t>(std::clamp<int64_t>(config_.connections_max_idle_ms / 4, 10, 1000));
    uv_timer_start(&idle_timer_, &ServerCore::on_idle_sweep, interval, interval);
    uv_unref(reinterpret_cast<uv_handle_t*>(&idle_timer_));
  }
}

Result<void, NetError> ServerCore::start_listener(Listener& listener) {
  const ListenerConfig& config = listener.config;
  if (const int rc = uv_tcp_init(loop_, &listener.handle); rc < 0) {
    return unexpected(NetError{NetErrc::kBindFailed,
                               fmt::format("listener {}: {}", config.name, uv_strerror(rc))});
  }
  listener.initialized = true;
  listener.handle.data = &listener;
  ++handles_open_;
  auto port = listen_tcp(&listener.handle, "listener " + config.name, config.host, config.port,
                         config_.socket_listen_backlog_size, &ServerCore::on_connection);
  if (!port) return unexpected(port.error());
  listener.port = *port;
  spdlog::info("Awaiting socket connections on {} (listener {}, {}).",
               format_endpoint(config.host.empty() ? "0.0.0.0" : config.host, listener.port),
               config.name, security_protocol_name(config.security_protocol));
  return {};
}

void ServerCore::accept(Listener& listener) {
  auto connection = std::make_shared<TcpConnection>(*this, listener.counters, settings_,
                                                    ConnectionId{next_connection_id_++});
  if (const int rc = connection->init(loop_); rc < 0) {
    spdlog::error("Listener {}: cannot create a connection handle: {}", listener.config.name,
                  uv_strerror(rc));
    return;
  }
  connections_.emplace(connection->info().id.value(), connection);
  auto* server_stream = reinterpret_cast<uv_stream_t*>(&listener.handle);
  if (const int rc = uv_accept(server_stream, connection->stream()); rc < 0) {
    spdlog::warn("Listener {}: accept failed: {}", listener.config.name, uv_strerror(rc));
    connection->close();
    return;
  }
  auto peer = peer_endpoint(connection->tcp());
  if (!peer) {
    spdlog::debug("Listener {}: peer vanished before it could be identified: {}",
                  listener.config.name, uv_strerror(peer.error()));
    connection->close();
    return;
  }
  if (auto admitted = quota_.try_admit(peer->ip); !admitted) {
    ++listener.counters.connections_refused;
    spdlog::info("Refusing connection from {} on listener {}: {}",
                 format_endpoint(peer->ip, peer->port), listener.config.name, admitted.error());
    connection->close();
    return;
  }
  // Kafka's own socket settings: no Nagle delay for small responses, and the configured
  // buffer sizes unless they are -1 (the OS default).
  uv_tcp_nodelay(connection->tcp(), 1);
  auto* handle = reinterpret_cast<uv_handle_t*>(connection->tcp());
  if (int size = config_.socket_send_buffer_bytes; size > 0) uv_send_buffer_size(handle, &size);
  if (int size = config_.socket_receive_buffer_bytes; size > 0) uv_recv_buffer_size(handle, &size);
  connection->start(ConnectionInfo{
      {}, listener.config.name, listener.config.security_protocol, peer->ip, peer->port});
}

void ServerCore::schedule_resume(std::weak_ptr<TcpConnection> connection) {
  if (state_ != State::kRunning) return;  // Draining connections read nothing more.
  to_resume_.push_back(std::move(connection));
  // An active idle handle also keeps the next poll from blocking, which matters because the
  // yielded connection is not reading and may have nothing else to wake it.
  if (to_resume_.size() == 1) uv_idle_start(&resume_idle_, &ServerCore::on_resume);
}

void ServerCore::resume_yielded() {
  std::vector<std::weak_ptr<TcpConnection>> ready;
  ready.swap(to_resume_);
  uv_idle_stop(&resume_idle_);
  for (auto& weak : ready) {
    if (auto connection = weak.lock()) connection->resume_after_yield();
  }
}

void ServerCore::on_connection_closing(TcpConnection& connection) {
  quota_.release(connection.info().peer_ip);
  try {
    handler_.on_connection_closed(connection);
  } catch (const std::exception& e) {
    spdlog::error("Handler on_connection_closed threw: {}", e.what());
  } catch (...) {
    spdlog::error("Handler on_connection_closed threw");
  }
}

void ServerCore::on_connection_released(TcpConnection& connection) {
  connections_.erase(connection.info().id.value());
  maybe_finish_shutdown();
}

void ServerCore::sweep_idle() {
  const uint64_t now = uv_now(loop_);
  const auto max_idle = static_cast<uint64_t>(config_.connections_max_idle_ms);
  for (auto& connection : snapshot())
    connection->close_if_idle(now, max_idle);
}

std::vector<std::shared_ptr<TcpConnection>> ServerCore::snapshot() const {
  // Closing a connection calls into the handler, which might close others; iterating a copy
  // keeps that safe whatever it does.
  std::vector<std::shared_ptr<TcpConnection>> all;
  all.reserve(connections_.size());
  for (const auto& [id, connection] : connections_)
    all.push_back(connection);
  return all;
}

void ServerCore::shutdown(std::chrono::milliseconds grace, std::function<void()> on_closed) {
  if (state_ == State::kStopping) {
    spdlog::warn("Network shutdown already in progress; ignoring a second request");
    return;
  }
  if (state_ == State::kIdle || state_ == State::kStopped) {
    state_ = State::kStopped;
    if (on_closed) on_closed();
    return;
  }
  state_ = State::kStopping;
  on_closed_ = std::move(on_closed);
  spdlog::info("Network shutdown: listeners closed; {} connection(s) get up to {} ms to finish",
               connections_.size(), grace.count());
  for (auto& listener : listeners_) {
    if (listener->initialized) close_handle(reinterpret_cast<uv_handle_t*>(&listener->handle));
  }
  close_handle(reinterpret_cast<uv_handle_t*>(&idle_timer_));
  close_handle(reinterpret_cast<uv_handle_t*>(&turn_prepare_));
  close_handle(reinterpret_cast<uv_handle_t*>(&resume_idle_));
  to_resume_.clear();
  for (auto& connection : snapshot())
    connection->close_when_drained();
  if (!connections_.empty()) {
    uv_timer_start(&deadline_timer_, &ServerCore::on_deadline,
                   static_cast<uint64_t>(std::max<int64_t>(grace.count(), 0)), 0);
  }
  maybe_finish_shutdown();
}

void ServerCore::close_all_connections() {
  spdlog::warn("Network shutdown grace period over: closing {} connection(s) still busy",
               connections_.size());
  for (auto& connection : snapshot())
    connection->close();
}

void ServerCore::close_handle(uv_handle_t* handle) {
  handle->data = this;
  uv_close(handle, &ServerCore::on_handle_closed);
}

void ServerCore::maybe_finish_shutdown() {
  if (state_ != State::kStopping || !connections_.empty()) return;
  if (!deadline_closed_) {
    deadline_closed_ = true;
    close_handle(reinterpret_cast<uv_handle_t*>(&deadline_timer_));
    return;  // Its close callback comes back here.
  }
  if (handles_open_ > 0) return;
  state_ = State::kStopped;
  auto on_closed = std::move(on_closed_);
  on_closed_ = nullptr;
  // The callback may destroy the server; nothing may touch it afterwards.
  if (on_closed) on_closed();
}

std::optional<uint16_t> ServerCore::bound_port(std::string_view listener_name) const {
  for (const auto& listener : listeners_) {
    if (listener->config.name == listener_name && listener->port != 0) return listener->port;
  }
  return std::nullopt;
}

std::vector<ListenerStats> ServerCore::stats() const {
  std::vector<ListenerStats> all;
  all.reserve(listeners_.size());
  for (const auto& listener : listeners_) {
    all.push_back(ListenerStats{listener->config.name, listener->config.security_protocol,
                                listener->port, listener->counters});
  }
  return all;
}

size_t ServerCore::open_connections() const {
  size_t open = 0;
  for (const auto& listener : listeners_)
    open += listener->counters.connections_open;
  return open;
}

void ServerCore::on_connection(uv_stream_t* server, int status) {
  auto* listener = static_cast<Listener*>(server->data);
  if (status < 0) {
    spdlog::warn("Listener {}: accept failed: {}", listener->config.name, uv_strerror(status));
    return;
  }
  listener->core->accept(*listener);
}

void ServerCore::on_idle_sweep(uv_timer_t* timer) {
  static_cast<ServerCore*>(timer->data)->sweep_idle();
}

void ServerCore::on_turn(uv_prepare_t* prepare) {
  ++static_cast<ServerCore*>(prepare->data)->turn_;
}

void ServerCore::on_resume(uv_idle_t* idle) {
  static_cast<ServerCore*>(idle->data)->resume_yielded();
}

void ServerCore::on_deadline(uv_timer_t* timer) {
  static_cast<ServerCore*>(timer->data)->close_all_connections();
}

void ServerCore::on_handle_closed(uv_handle_t* handle) {
  auto* core = static_cast<ServerCore*>(handle->data);
  --core->handles_open_;
  core->maybe_finish_shutdown();
}

}  // namespace gregor::net
