#include "net_test_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include <gtest/gtest.h>

namespace gregor::net::testing {

LoopThread::LoopThread() {
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &async_, &LoopThread::on_async);
  async_.data = this;
  uv_prepare_init(&loop_, &prepare_);
  prepare_.data = this;
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
}

LoopThread::~LoopThread() {
  post([this] {
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&prepare_), nullptr);
  });
  thread_.join();
  if (uv_loop_close(&loop_) != 0) {
    ADD_FAILURE() << "the test loop still has open handles";
    uv_print_all_handles(&loop_, stderr);
  }
}

void LoopThread::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  uv_async_send(&async_);
}

bool LoopThread::wait_until(const std::function<bool()>& condition,
                            std::chrono::milliseconds timeout) {
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  post([this, condition, done] {
    if (condition()) {
      done->set_value();
      return;
    }
    waiters_.push_back(Waiter{condition, done});
    // A prepare handle runs before every poll, so the loop never blocks with a condition
    // that has become true unnoticed.
    if (waiters_.size() == 1) uv_prepare_start(&prepare_, &LoopThread::on_prepare);
  });
  if (future.wait_for(timeout) == std::future_status::ready) return true;
  // Forget the waiter before the condition's captures go out of scope.
  run([this, done] { std::erase_if(waiters_, [&](const Waiter& w) { return w.done == done; }); });
  return future.wait_for(0ms) == std::future_status::ready;
}

void LoopThread::on_async(uv_async_t* async) {
  static_cast<LoopThread*>(async->data)->drain_tasks();
}

void LoopThread::on_prepare(uv_prepare_t* prepare) {
  static_cast<LoopThread*>(prepare->data)->check_waiters();
}

void LoopThread::drain_tasks() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(mutex_);
    tasks.swap(tasks_);
  }
  for (auto& task : tasks)
    task();
}

void LoopThread::check_waiters() {
  std::erase_if(waiters_, [](Waiter& waiter) {
    if (!waiter.condition()) return false;
    waiter.done->set_value();
    return true;
  });
  if (waiters_.empty()) uv_prepare_stop(&prepare_);
}

void ScriptedHandler::on_frame(Connection& connection, RequestSlot slot, Frame frame) {
  ++frames;
  if (on_frame_) {
    on_frame_(connection, std::move(slot), std::move(frame));
  } else {
    echo(connection, std::move(slot), std::move(frame));
  }
}

void echo(Connection&, RequestSlot slot, Frame frame) {
  slot.respond(Response(std::vector<uint8_t>(frame.bytes().begin(), frame.bytes().end())));
}

ServerHarness::ServerHarness(LoopThread& loop, ServerConfig config, FrameHandler& handler)
    : loop_(loop) {
  loop_.run([&] {
    server_ = std::make_unique<Server>(loop_.loop(), std::move(config), handler);
    auto started = server_->start();
    if (!started) ADD_FAILURE() << "server did not start: " << started.error().message;
  });
}

ServerHarness::~ServerHarness() {
  auto done = shutdown_ ? *shutdown_ : begin_shutdown(0ms);
  if (done.wait_for(kTimeout) != std::future_status::ready) {
    ADD_FAILURE() << "server shutdown did not finish";
    std::abort();
  }
  loop_.run([&] { server_.reset(); });
}

uint16_t ServerHarness::port(const std::string& listener) {
  return loop_.run([&] { return server_->bound_port(listener).value_or(0); });
}

ListenerCounters ServerHarness::counters(const std::string& listener) {
  return loop_.run([&] {
    for (const auto& stats : server_->stats()) {
      if (stats.name == listener) return stats.counters;
    }
    return ListenerCounters{};
  });
}

std::shared_future<void> ServerHarness::begin_shutdown(std::chrono::milliseconds grace) {
  auto done = std::make_shared<std::promise<void>>();
  shutdown_ = done->get_future().share();
  loop_.run([&] { server_->shutdown(grace, [done] { done->set_value(); }); });
  return *shutdown_;
}

ServerConfig ServerHarness::default_config() {
  ServerConfig config;
  config.listeners.push_back(ListenerConfig{"PLAINTEXT", "127.0.0.1", 0});
  return config;
}

Client::Client(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval timeout{static_cast<time_t>(std::chrono::seconds(kTimeout).count()), 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) close();
}

Client::~Client() {
  close();
}

void Client::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool Client::send_bytes(const std::vector<uint8_t>& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool Client::send_frame(const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> framed = be32(static_cast<int32_t>(payload.size()));
  framed.insert(framed.end(), payload.begin(), payload.end());
  return send_bytes(framed);
}

std::optional<std::vector<uint8_t>> Client::read_exact(size_t n) {
  std::vector<uint8_t> out(n);
  size_t have = 0;
  while (have < n) {
    const ssize_t got = ::recv(fd_, out.data() + have, n - have, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return std::nullopt;
    have += static_cast<size_t>(got);
  }
  return out;
}

std::optional<std::vector<uint8_t>> Client::read_frame() {
  auto header = read_exact(4);
  if (!header) return std::nullopt;
  const uint32_t size = (uint32_t{(*header)[0]} << 24) | (uint32_t{(*header)[1]} << 16) |
                        (uint32_t{(*header)[2]} << 8) | uint32_t{(*header)[3]};
  return read_exact(size);
}

bool Client::wait_closed() {
  uint8_t sink[65536];
  for (;;) {
    const ssize_t got = ::recv(fd_, sink, sizeof(sink), 0);
    if (got == 0) return true;
    if (got > 0) continue;
    if (errno == EINTR) continue;
    return errno == ECONNRESET;
  }
}

std::vector<uint8_t> bytes_of(const std::string& text) {
  return {text.begin(), text.end()};
}

std::vector<uint8_t> be32(int32_t value) {
  const auto v = static_cast<uint32_t>(value);
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

}  // namespace gregor::net::testing
