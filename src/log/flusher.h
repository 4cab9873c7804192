// The background thread that fsyncs logs, off the callers' threads, with group commit:
// every flush request that arrives while an fsync is running is served by the next one,
// so a burst of N requests for a partition costs at most two fsyncs.
//
// A request completes through its callback, on the flusher thread, with the offset up to
// which the log is now durable, or with an error. The broker posts the callback back to
// its own loop. A request is never reported durable unless an fsync that covered its
// offset succeeded.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"
#include "gregor/log/log_error.h"

namespace gregor::log {

class PartitionLog;

using FlushCallback = std::function<void(const Result<Offset, LogError>&)>;

class Flusher {
 public:
  Flusher();
  ~Flusher();
  Flusher(const Flusher&) = delete;
  Flusher& operator=(const Flusher&) = delete;

  // Asks for `log` to be durable through `up_to` (exclusive: every offset below it).
  // `done` may be empty. Thread-safe. After stop(), requests fail with kLogClosed.
  void request(std::shared_ptr<PartitionLog> log, Offset up_to, FlushCallback done);

  // Serves what is queued, then ends the thread. Idempotent. Must not be called (nor the
  // flusher destroyed) from a flush callback, which runs on the flusher's own thread.
  void stop();

  // Waits until every request queued before this call has completed (for tests and for
  // shutdown ordering).
  void drain();

 private:
  struct Request {
    std::shared_ptr<PartitionLog> log;
    Offset up_to;
    FlushCallback done;
  };

  void run();
  void serve(std::vector<Request>& batch);

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::vector<Request> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gregor::log
