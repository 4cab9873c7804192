// Test scaffolding for the net module: a libuv loop on its own thread, blocking POSIX client
// sockets with timeouts, and a frame handler whose behaviour each test chooses.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <uv.h>

#include "gregor/net/frame_handler.h"
#include "gregor/net/server.h"

namespace gregor::net::testing {

using namespace std::chrono_literals;

// Every wait in these tests is bounded by this.
constexpr auto kTimeout = 10s;

// Runs a uv loop on a background thread. Everything that touches loop objects goes through
// run() or post(), which execute on the loop thread.
class LoopThread {
 public:
  LoopThread();
  ~LoopThread();

  uv_loop_t* loop() { return &loop_; }

  void post(std::function<void()> task);

  // Runs `task` on the loop thread and returns its result. Aborts the binary on timeout: a
  // wedged loop leaves nothing else in the process trustworthy.
  template <class Task>
  auto run(Task&& task) -> decltype(task()) {
    using T = decltype(task());
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    post([promise, task = std::forward<Task>(task)]() mutable {
      if constexpr (std::is_void_v<T>) {
        task();
        promise->set_value();
      } else {
        promise->set_value(task());
      }
    });
    if (future.wait_for(kTimeout) != std::future_status::ready) std::abort();
    return future.get();
  }

  // Waits until `condition`, evaluated on the loop thread, holds; false on timeout. There is
  // no polling: the condition is re-evaluated before every poll of the loop, that is after
  // every batch of events that could have changed it.
  bool wait_until(const std::function<bool()>& condition,
                  std::chrono::milliseconds timeout = kTimeout);

 private:
  struct Waiter {
    std::function<bool()> condition;
    std::shared_ptr<std::promise<void>> done;
  };
  static void on_async(uv_async_t* async);
  static void on_prepare(uv_prepare_t* prepare);
  void drain_tasks();
  void check_waiters();

  uv_loop_t loop_{};
  uv_async_t async_{};
  uv_prepare_t prepare_{};
  std::mutex mutex_;
  std::vector<std::function<void()>> tasks_;
  std::vector<Waiter> waiters_;  // Loop thread only.
  bool stopping_ = false;
  std::thread thread_;
};

// A handler whose on_frame is a lambda; counts frames and connection events.
class ScriptedHandler : public FrameHandler {
 public:
  using OnFrame = std::function<void(Connection&, RequestSlot, Frame)>;
  explicit ScriptedHandler(OnFrame on_frame = {}) : on_frame_(std::move(on_frame)) {}
  void set(OnFrame on_frame) { on_frame_ = std::move(on_frame); }

  void on_frame(Connection& connection, RequestSlot slot, Frame frame) override;
  void on_connection_opened(Connection&) override { ++opened; }
  void on_connection_closed(const Connection&) override { ++closed; }

  // Loop thread only.
  size_t frames = 0;
  size_t opened = 0;
  size_t closed = 0;
  std::vector<RequestSlot> held;  // Slots a test chose to finish later.

 private:
  OnFrame on_frame_;
};

// Echoes every frame back as the response.
void echo(Connection&, RequestSlot slot, Frame frame);

// A server on a LoopThread with one or more listeners on 127.0.0.1 and ephemeral ports, shut
// down (and awaited) on destruction.
class ServerHarness {
 public:
  ServerHarness(LoopThread& loop, ServerConfig config, FrameHandler& handler);
  ~ServerHarness();

  uint16_t port(const std::string& listener = "PLAINTEXT");
  Server& server() { return *server_; }
  ListenerCounters counters(const std::string& listener = "PLAINTEXT");
  // Starts a graceful shutdown and returns a future that becomes ready when it has finished.
  std::shared_future<void> begin_shutdown(std::chrono::milliseconds grace);

  static ServerConfig default_config();

 private:
  LoopThread& loop_;
  std::unique_ptr<Server> server_;
  std::optional<std::shared_future<void>> shutdown_;
};

// --- Client side: blocking sockets whose reads and writes time out after kTimeout. ---

class Client {
 public:
  explicit Client(uint16_t port);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  int fd() const { return fd_; }
  bool connected() const { return fd_ >= 0; }
  bool send_bytes(const std::vector<uint8_t>& bytes);
  bool send_frame(const std::vector<uint8_t>& payload);
  // Reads exactly `n` bytes; nothing on EOF, error or timeout.
  std::optional<std::vector<uint8_t>> read_exact(size_t n);
  // Reads one size-prefixed frame's payload.
  std::optional<std::vector<uint8_t>> read_frame();
  // True once the server has closed the connection (EOF or reset), reading and discarding
  // anything before it; false on timeout.
  bool wait_closed();
  void close();

 private:
  int fd_ = -1;
};

std::vector<uint8_t> bytes_of(const std::string& text);
std::vector<uint8_t> be32(int32_t value);

}  // namespace gregor::net::testing
