#include "flusher.h"

#include <map>

#include "gregor/log/partition_log.h"

namespace gregor::log {

Flusher::Flusher() : thread_([this] { run(); }) {}

Flusher::~Flusher() {
  stop();
}

void Flusher::request(std::shared_ptr<PartitionLog> log, Offset up_to, FlushCallback done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      queue_.push_back(Request{std::move(log), up_to, std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  if (done) done(unexpected(LogError::make(LogErrc::kLogClosed, "flusher stopped")));
}

void Flusher::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void Flusher::drain() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void Flusher::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      if (stopping_) break;
      continue;
    }
    std::vector<Request> batch;
    batch.swap(queue_);
    busy_ = true;
    lock.unlock();
    serve(batch);
    lock.lock();
    // Requests that could not complete yet (a truncation raced with their fsync) go
    // back to the front of the queue for the next round.
    queue_.insert(queue_.begin(), std::make_move_iterator(batch.begin()),
                  std::make_move_iterator(batch.end()));
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  busy_ = false;
  idle_.notify_all();
}

void Flusher::serve(std::vector<Request>& batch) {
  // One fsync pass per log, however many requests wait for it.
  std::map<PartitionLog*, std::vector<Request*>> by_log;
  for (Request& r : batch)
    by_log[r.log.get()].push_back(&r);
  std::vector<Request> retry;
  for (auto& [log, requests] : by_log) {
    Result<Offset, LogError> durable = log->flush();
    for (Request* r : requests) {
      if (!durable.ok()) {
        if (r->done) r->done(durable);
      } else if (r->up_to <= *durable) {
        if (r->done) r->done(durable);
      } else if (r->up_to > log->log_end_offset()) {
        if (r->done) {
          r->done(unexpected(LogError::make(LogErrc::kTruncated,
                                            "the log was truncated below the flushed offset")));
        }
      } else {
        retry.push_back(std::move(*r));
      }
    }
  }
  batch = std::move(retry);
}

}  // namespace gregor::log
