// Shrinking a partition log: truncation (replication), DeleteRecords, and the retention
// passes that delete whole segments.
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "gregor/log/partition_log.h"
#include "leader_epoch_cache.h"
#include "log_dir_health.h"
#include "segment.h"

namespace gregor::log {
namespace {

enum RetentionKind : int { kByTime = 0, kBySize = 1, kByLogStart = 2 };

}  // namespace

Result<void, LogError> PartitionLog::delete_segment_locked(
    const std::shared_ptr<Segment>& segment) {
  // Kafka's two-step delete: rename now, unlink after file.delete.delay.ms, so readers
  // that picked the segment up just before keep working on an open file.
  if (auto r = segment->mark_deleted(); !r) return unexpected(fail_locked(r.error()));
  dir_needs_sync_ = true;
  if (config_.file_delete_delay_ms <= 0) {
    segment->delete_files();
  } else {
    pending_deletes_.push_back(
        PendingDelete{clock_->now_ms() + config_.file_delete_delay_ms, segment});
  }
  return {};
}

Result<void, LogError> PartitionLog::delete_prefix_locked(size_t count) {
  for (size_t i = 0; i < count && !segments_.empty(); ++i) {
    std::shared_ptr<Segment> segment = segments_.begin()->second;
    segments_.erase(segments_.begin());
    if (auto r = delete_segment_locked(segment); !r) return r;
  }
  return {};
}

Result<void, LogError> PartitionLog::truncate_to(Offset offset) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto r = check_usable_locked(); !r) return r;
  if (offset.value() < 0) {
    return unexpected(LogError::make(LogErrc::kInvalidArgument, "negative truncation offset"));
  }
  if (offset >= log_end_) return {};
  if (offset < log_start_ || offset < segments_.begin()->first)
    return truncate_fully_locked(offset);
  while (segments_.size() > 1 && segments_.rbegin()->first > offset) {
    std::shared_ptr<Segment> segment = active_locked();
    segments_.erase(std::prev(segments_.end()));
    if (auto r = delete_segment_locked(segment); !r) return r;
  }
  std::shared_ptr<Segment> active = active_locked();
  if (auto r = active->truncate_to(offset, clock_->now_ms()); !r) {
    return unexpected(fail_locked(r.error()));
  }
  if (active->sealed()) {
    if (auto r = active->unseal(static_cast<uint32_t>(config_.segment_index_bytes)); !r) {
      return unexpected(fail_locked(r.error()));
    }
  }
  auto end = active->read_next_offset();
  if (!end) return unexpected(fail_locked(end.error()));
  log_end_ = end->value_or(offset);
  ++truncations_;
  epochs_->truncate_from_end(log_end_);
  if (auto r = persist_epochs_locked(); !r) return r;
  clamp_offsets_locked();
  return {};
}

Result<void, LogError> PartitionLog::truncate_fully_and_start_at(Offset offset) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto r = check_usable_locked(); !r) return r;
  if (offset.value() < 0) {
    return unexpected(LogError::make(LogErrc::kInvalidArgument, "negative start offset"));
  }
  return truncate_fully_locked(offset);
}

Result<void, LogError> PartitionLog::truncate_fully_locked(Offset offset) {
  // Renaming the old segments first frees the file name if one starts at `offset`.
  if (auto r = delete_prefix_locked(segments_.size()); !r) return r;
  auto segment = Segment::create(dir_, offset, static_cast<uint32_t>(config_.segment_index_bytes),
                                 clock_->now_ms());
  if (!segment) return unexpected(fail_locked(segment.error()));
  (*segment)->set_index_interval(config_.index_interval_bytes);
  segments_[offset] = *segment;
  // The directory now says "the log starts at `offset`"; make that survive a crash
  // before the checkpoints can say so.
  if (auto r = sync_dir(dir_); !r) return unexpected(fail_locked(r.error()));
  dir_needs_sync_ = false;
  log_start_ = log_end_ = high_watermark_ = recovery_point_ = offset;
  first_unstable_.reset();
  ++truncations_;
  epochs_->clear();
  if (auto r = persist_epochs_locked(); !r) return r;
  segment_jitter_ms_ = new_jitter_locked();
  return {};
}

Result<Offset, LogError> PartitionLog::delete_records_before(Offset offset) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto r = check_usable_locked(); !r) return unexpected(r.error());
  if (offset > high_watermark_ || offset.value() < 0) {
    return unexpected(
        LogError::make(LogErrc::kOffsetOutOfRange,
                       fmt::format("cannot move the log start offset to {} (high watermark {})",
                                   offset.value(), high_watermark_.value())));
  }
  if (offset > log_start_) {
    log_start_ = offset;
    epochs_->truncate_from_start(log_start_);
    if (auto r = persist_epochs_locked(); !r) return unexpected(r.error());
  }
  return log_start_;
}

Result<size_t, LogError> PartitionLog::apply_retention() {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto r = check_usable_locked(); !r) return unexpected(r.error());
  size_t deleted = 0;
  std::vector<int> kinds = {kByLogStart};
  if (config_.cleanup_delete) kinds = {kByTime, kBySize, kByLogStart};
  for (int kind : kinds) {
    auto n = retention_pass_locked(kind);
    if (!n) return n;
    deleted += *n;
  }
  delete_expired_files_locked();
  return deleted;
}

Result<size_t, LogError> PartitionLog::retention_pass_locked(int kind) {
  const int64_t now = clock_->now_ms();
  if (kind == kByTime && config_.retention_ms < 0) return size_t{0};
  if (kind == kBySize && config_.retention_bytes < 0) return size_t{0};
  int64_t excess = 0;
  if (kind == kBySize) {
    int64_t total = 0;
    for (const auto& [base, segment] : segments_)
      total += static_cast<int64_t>(segment->size());
    excess = total - config_.retention_bytes;
  }
  // The deletable segments are a prefix: the first one to survive stops the scan.
  size_t count = 0;
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    const std::shared_ptr<Segment>& segment = it->second;
    auto next = std::next(it);
    const bool last = next == segments_.end();
    const Offset upper = last ? log_end_ : next->first;
    // Never past the high watermark, so the log start offset cannot overtake it.
    if (high_watermark_ < upper || (last && segment->size() == 0)) break;
    bool expired = false;
    if (kind == kByTime) {
      expired = now - segment->retention_timestamp() > config_.retention_ms;
    } else if (kind == kBySize) {
      expired = excess - static_cast<int64_t>(segment->size()) >= 0;
      if (expired) excess -= static_cast<int64_t>(segment->size());
    } else {
      expired = !last && next->first <= log_start_;
    }
    if (!expired) break;
    ++count;
  }
  if (count == 0) return size_t{0};
  // Deleting the active segment needs a new one to append to.
  if (count == segments_.size()) {
    if (auto r = roll_locked(log_end_); !r) return unexpected(r.error());
  }
  if (auto r = delete_prefix_locked(count); !r) return unexpected(r.error());
  Offset first_base = segments_.begin()->first;
  if (first_base > log_start_) {
    log_start_ = first_base;
    epochs_->truncate_from_start(log_start_);
    if (auto r = persist_epochs_locked(); !r) return unexpected(r.error());
  }
  clamp_offsets_locked();
  spdlog::info("{}: retention deleted {} segment(s); log start offset {}", dir_.string(), count,
               log_start_.value());
  return count;
}

void PartitionLog::delete_expired_files() {
  std::lock_guard<std::mutex> lock(mu_);
  delete_expired_files_locked();
}

void PartitionLog::delete_expired_files_locked() {
  const int64_t now = clock_->now_ms();
  std::erase_if(pending_deletes_, [&](const PendingDelete& p) {
    if (p.due_ms > now) return false;
    p.segment->delete_files();
    return true;
  });
}

}  // namespace gregor::log
