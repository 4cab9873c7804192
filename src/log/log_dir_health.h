// The online/offline state of one log directory, shared by every log in it. The first I/O
// error in the directory takes it offline for good (Kafka's LogDirFailureChannel): after
// a failed write or fsync, the kernel may already have dropped the dirty pages, so no
// later success in that directory can be trusted.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>

namespace gregor::log {

class LogDirHealth {
 public:
  using FailureListener =
      std::function<void(const std::filesystem::path& dir, const std::string& reason)>;

  explicit LogDirHealth(std::filesystem::path dir, FailureListener listener = {})
      : dir_(std::move(dir)), listener_(std::move(listener)) {}

  const std::filesystem::path& dir() const { return dir_; }
  bool offline() const { return offline_.load(std::memory_order_acquire); }

  // Marks the directory offline; the listener hears about it once, on the calling thread.
  void fail(const std::string& reason) {
    if (offline_.exchange(true, std::memory_order_acq_rel)) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      reason_ = reason;
    }
    if (listener_) listener_(dir_, reason);
  }

  std::string reason() const {
    std::lock_guard<std::mutex> lock(mu_);
    return reason_;
  }

 private:
  std::filesystem::path dir_;
  FailureListener listener_;
  std::atomic<bool> offline_{false};
  mutable std::mutex mu_;
  std::string reason_;
};

}  // namespace gregor::log
