// The Server's implementation: listeners, the connection table, limits, the idle reaper, the
// per-turn fairness machinery and graceful shutdown.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <uv.h>

#include "connection_quota.h"
#include "gregor/net/server.h"
#include "tcp_connection.h"

namespace gregor::net {

// Checks ranges and listener names; the message names the offending setting.
Result<void, NetError> validate_server_config(const ServerConfig& config);

class ServerCore final : public ConnectionOwner {
 public:
  ServerCore(uv_loop_t* loop, ServerConfig config, FrameHandler& handler);
  ~ServerCore();

  Result<void, NetError> start();
  std::optional<uint16_t> bound_port(std::string_view listener_name) const;
  std::vector<ListenerStats> stats() const;
  size_t open_connections() const;
  void shutdown(std::chrono::milliseconds grace, std::function<void()> on_closed);

  // ConnectionOwner.
  FrameHandler& handler() override { return handler_; }
  uint64_t current_turn() const override { return turn_; }
  void schedule_resume(std::weak_ptr<TcpConnection> connection) override;
  void on_connection_closing(TcpConnection& connection) override;
  void on_connection_released(TcpConnection& connection) override;

 private:
  struct Listener {
    ListenerConfig config;
    uv_tcp_t handle{};
    bool initialized = false;
    uint16_t port = 0;
    ListenerCounters counters;
    ServerCore* core = nullptr;
  };
  enum class State { kIdle, kRunning, kStopping, kStopped };

  void init_loop_handles();
  Result<void, NetError> start_listener(Listener& listener);
  void accept(Listener& listener);
  void sweep_idle();
  void resume_yielded();
  void close_all_connections();
  std::vector<std::shared_ptr<TcpConnection>> snapshot() const;
  void close_handle(uv_handle_t* handle);
  void maybe_finish_shutdown();

  static void on_connection(uv_stream_t* server, int status);
  static void on_idle_sweep(uv_timer_t* timer);
  static void on_turn(uv_prepare_t* prepare);
  static void on_resume(uv_idle_t* idle);
  static void on_deadline(uv_timer_t* timer);
  static void on_handle_closed(uv_handle_t* handle);

  uv_loop_t* loop_;
  ServerConfig config_;
  FrameHandler& handler_;
  ConnectionSettings settings_;
  ConnectionQuota quota_;
  State state_ = State::kIdle;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<uint64_t, std::shared_ptr<TcpConnection>> connections_;
  uint64_t next_connection_id_ = 1;
  uint64_t turn_ = 0;
  std::vector<std::weak_ptr<TcpConnection>> to_resume_;

  // Loop handles owned by the server itself; each is freed only after its close callback.
  uv_timer_t idle_timer_{};
  uv_prepare_t turn_prepare_{};
  uv_idle_t resume_idle_{};
  uv_timer_t deadline_timer_{};
  bool deadline_closed_ = false;
  int handles_open_ = 0;
  std::function<void()> on_closed_;
};

}  // namespace gregor::net
