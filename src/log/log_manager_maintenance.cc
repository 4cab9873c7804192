// LogManager housekeeping: retention, interval flushes, delayed deletes, checkpoints, the
// background thread, and the clean shutdown.
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checkpoint_file.h"
#include "file.h"
#include "flusher.h"
#include "gregor/log/log_manager.h"
#include "log_dir_health.h"
#include "segment_files.h"

namespace gregor::log {
namespace {

enum CheckpointKind : int { kRecoveryPoints = 0, kLogStarts = 1, kHighWatermarks = 2 };
constexpr int kAllCheckpoints = -1;

}  // namespace

std::vector<std::pair<std::shared_ptr<PartitionLog>, size_t>> LogManager::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::pair<std::shared_ptr<PartitionLog>, size_t>> out;
  out.reserve(logs_.size());
  for (const auto& [tp, entry] : logs_)
    out.emplace_back(entry.log, entry.dir);
  return out;
}

void LogManager::run_maintenance() {
  const int64_t now = clock_->now_ms();
  auto logs = snapshot();
  bool retention_due = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now >= next_retention_ms_) {
      retention_due = true;
      next_retention_ms_ = now + config_.retention_check_interval_ms;
    }
  }
  for (const auto& [log, dir] : logs) {
    if (log->offline()) continue;
    if (retention_due) (void)log->apply_retention();
    log->maybe_flush_on_interval();
    log->delete_expired_files();
  }
  const int64_t intervals[3] = {config_.recovery_point_checkpoint_interval_ms,
                                config_.log_start_offset_checkpoint_interval_ms,
                                config_.high_watermark_checkpoint_interval_ms};
  for (int kind = 0; kind < 3; ++kind) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (now < next_checkpoint_ms_[kind]) continue;
      next_checkpoint_ms_[kind] = now + intervals[kind];
    }
    for (size_t i = 0; i < dirs_.size(); ++i)
      (void)write_dir_checkpoints(i, kind);
  }
  delete_due_dirs(now);
}

void LogManager::delete_due_dirs(int64_t now) {
  std::vector<std::filesystem::path> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(pending_dir_deletes_, [&](const PendingDirDelete& p) {
      if (p.due_ms > now) return false;
      due.push_back(p.path);
      return true;
    });
  }
  for (const auto& path : due) {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) spdlog::warn("could not delete {}: {}", path.string(), ec.message());
  }
}

Result<void, LogError> LogManager::write_dir_checkpoints(size_t index, int which) {
  const Dir& dir = dirs_[index];
  if (dir.health->offline()) return {};
  OffsetMap maps[3];
  for (const auto& [log, in_dir] : snapshot()) {
    if (in_dir != index) continue;
    const TopicPartition& tp = log->topic_partition();
    maps[kRecoveryPoints][tp] = log->recovery_point();
    maps[kHighWatermarks][tp] = log->high_watermark();
    // Like Kafka, only starts that differ from the first segment's base are recorded;
    // loading takes the larger of the two.
    Offset start = log->log_start_offset();
    auto bases = log->segment_base_offsets();
    if (!bases.empty() && start > bases.front()) maps[kLogStarts][tp] = start;
  }
  const std::string_view names[3] = {kRecoveryPointCheckpointFile, kLogStartOffsetCheckpointFile,
                                     kReplicationOffsetCheckpointFile};
  for (int kind = 0; kind < 3; ++kind) {
    if (which != kAllCheckpoints && which != kind) continue;
    if (auto r = write_offset_checkpoint(dir.path / names[kind], maps[kind]); !r) {
      dir.health->fail(r.error().message);
      return unexpected(LogError::make(LogErrc::kStorageError, r.error().message));
    }
  }
  return {};
}

Result<void, LogError> LogManager::write_checkpoints() {
  Result<void, LogError> result;
  for (size_t i = 0; i < dirs_.size(); ++i) {
    auto r = write_dir_checkpoints(i, kAllCheckpoints);
    if (!r && result) result = r;
  }
  return result;
}

void LogManager::start_background(std::chrono::milliseconds tick) {
  std::lock_guard<std::mutex> lock(background_mu_);
  if (background_.joinable()) return;
  background_stop_ = false;
  background_ = std::thread([this, tick] {
    std::unique_lock<std::mutex> lock(background_mu_);
    while (!background_stop_) {
      lock.unlock();
      run_maintenance();
      lock.lock();
      background_wake_.wait_for(lock, tick, [this] { return background_stop_; });
    }
  });
}

void LogManager::stop_background() {
  std::thread thread;
  {
    std::lock_guard<std::mutex> lock(background_mu_);
    background_stop_ = true;
    background_wake_.notify_all();
    thread = std::move(background_);
  }
  if (thread.joinable()) thread.join();
}

Result<void, LogError> LogManager::shutdown(int64_t broker_epoch) {
  stop_background();
  // Flushes that producers wait for complete first; then every log is closed.
  flusher_->drain();
  Result<void, LogError> result;
  std::vector<bool> dir_ok(dirs_.size(), true);
  for (const auto& [log, dir] : snapshot()) {
    auto r = log->close();
    if (!r) {
      dir_ok[dir] = false;
      if (result) result = r;
    }
  }
  flusher_->stop();
  for (size_t i = 0; i < dirs_.size(); ++i) {
    const Dir& dir = dirs_[i];
    if (dir.health->offline() || !dir_ok[i]) continue;
    if (auto r = write_dir_checkpoints(i, kAllCheckpoints); !r) {
      if (result) result = r;
      continue;
    }
    // The marker goes last: it promises that everything above reached the disk. Its
    // content is what Kafka 3.9 writes; Kafka only checks that the file exists.
    std::string marker = fmt::format(R"({{"version":0,"brokerEpoch":{}}})", broker_epoch);
    if (auto r = write_file_atomically(dir.path / kCleanShutdownFile, marker); !r) {
      dir.health->fail(r.error().message);
      if (result) result = unexpected(LogError::make(LogErrc::kStorageError, r.error().message));
    }
  }
  return result;
}

}  // namespace gregor::log
