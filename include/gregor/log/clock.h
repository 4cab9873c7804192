// The time source of the log: wall-clock milliseconds, injectable so that tests can drive
// segment rolling, retention and flush intervals without sleeping.
#pragma once

#include <atomic>
#include <cstdint>

namespace gregor::log {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Kafka's retention and roll times are wall-clock
  // based (they compare against record timestamps), so this is not a monotonic clock.
  virtual int64_t now_ms() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override;
  // A process-wide instance for callers that have no clock of their own.
  static SystemClock& instance();
};

// A clock that only moves when told to. Safe to read from several threads.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms = 1'700'000'000'000) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(std::memory_order_relaxed); }
  void set(int64_t ms) { now_.store(ms, std::memory_order_relaxed); }
  void advance(int64_t ms) { now_.fetch_add(ms, std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace gregor::log
