// Opening a partition log: tidying the directory, opening segments, recovering after an
// unclean shutdown (or checking indexes after a clean one) and settling the offsets.
#include <set>
#include <system_error>

#include <spdlog/spdlog.h>

#include "checkpoint_file.h"
#include "gregor/log/partition_log.h"
#include "leader_epoch_cache.h"
#include "log_dir_health.h"
#include "segment.h"
#include "segment_files.h"

namespace gregor::log {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.ends_with(suffix);
}

}  // namespace

Result<void, LogError> PartitionLog::load() {
  if (auto r = load_segments(); !r) return r;
  if (auto r = load_epochs(); !r) return r;
  if (load_params_.clean_shutdown) {
    // Trust the segments, but not blindly their indexes: cheap checks on every segment
    // (a full walk on the active one) send anything odd through recovery.
    for (auto it = segments_.begin(); it != segments_.end(); ++it) {
      const bool last = std::next(it) == segments_.end();
      auto valid = it->second->indexes_look_valid(last);
      if (!valid) return unexpected(fail_locked(valid.error()));
      if (*valid) continue;
      spdlog::warn("{}: rebuilding the indexes of segment {}", dir_.string(), it->first.value());
      auto recovered = it->second->recover(config_.index_interval_bytes, nullptr);
      if (!recovered) return unexpected(fail_locked(recovered.error()));
    }
    auto end = active_locked()->read_next_offset();
    if (!end) return unexpected(fail_locked(end.error()));
    if (!*end) {
      // The tail is not what a clean shutdown leaves behind; recover the active segment.
      if (auto r = recover_from(active_locked()->base_offset()); !r) return r;
    } else {
      log_end_ = **end;
      recovery_point_ = log_end_;
    }
  } else {
    Offset from = load_params_.recovery_point.value_or(Offset(0));
    if (auto r = recover_from(from); !r) return r;
  }
  return finish_load();
}

Result<void, LogError> PartitionLog::load_segments() {
  const int64_t now = clock_->now_ms();
  std::set<Offset> logs;
  std::vector<std::pair<Offset, std::filesystem::path>> indexes;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, kDeletedSuffix) || ends_with(name, kCleanedSuffix) ||
        ends_with(name, kTmpSuffix)) {
      // Leftovers of deletions, compactions and checkpoint writes that a crash cut short.
      std::filesystem::remove(entry.path(), ec);
      continue;
    }
    if (ends_with(name, kSwapSuffix)) {
      spdlog::warn("{}: ignoring {} (log compaction swap files are not supported)", dir_.string(),
                   name);
      continue;
    }
    if (auto base = parse_segment_file_name(name, kLogSuffix)) {
      logs.insert(*base);
    } else if (auto base = parse_segment_file_name(name, kIndexSuffix)) {
      indexes.emplace_back(*base, entry.path());
    } else if (auto base = parse_segment_file_name(name, kTimeIndexSuffix)) {
      indexes.emplace_back(*base, entry.path());
    }
  }
  if (ec) return unexpected(fail_locked(make_io_error("list", dir_, ec.value())));
  for (const auto& [base, path] : indexes) {
    if (!logs.contains(base)) std::filesystem::remove(path, ec);
  }
  for (Offset base : logs) {
    auto segment = Segment::open(dir_, base, now);
    if (!segment) return unexpected(fail_locked(segment.error()));
    (*segment)->set_index_interval(config_.index_interval_bytes);
    segments_[base] = *segment;
  }
  if (segments_.empty()) {
    Offset base = std::max(load_params_.log_start_offset.value_or(Offset(0)), Offset(0));
    auto segment =
        Segment::create(dir_, base, static_cast<uint32_t>(config_.segment_index_bytes), now);
    if (!segment) return unexpected(fail_locked(segment.error()));
    segments_[base] = *segment;
    dir_needs_sync_ = true;
  }
  return {};
}

Result<void, LogError> PartitionLog::load_epochs() {
  auto path = dir_ / kLeaderEpochCheckpointFile;
  auto entries = read_epoch_checkpoint(path);
  if (entries) {
    epochs_ = std::make_unique<LeaderEpochCache>(path, std::move(entries).value());
    return {};
  }
  if (entries.error().io) {
    return unexpected(fail_locked(IoError{EIO, entries.error().message}));
  }
  // A damaged checkpoint is rebuilt from the epochs stamped on the batches themselves.
  spdlog::warn("{}: rebuilding {}: {}", dir_.string(), kLeaderEpochCheckpointFile,
               entries.error().message);
  epochs_ = std::make_unique<LeaderEpochCache>(path, std::vector<EpochEntry>{});
  for (const auto& [base, segment] : segments_) {
    HeaderScanner scanner(segment->log_file(), 0, segment->size());
    auto scan = scanner.for_each([&](const ScannedHeader& next) {
      const BatchHeader& h = next.header;
      auto latest = epochs_->latest_epoch();
      if (h.leader_epoch.value() >= 0 && (!latest || h.leader_epoch > *latest)) {
        epochs_->assign(h.leader_epoch, h.base_offset);
      }
      return true;
    });
    if (!scan) return unexpected(fail_locked(scan.error()));
  }
  return {};
}

Result<void, LogError> PartitionLog::recover_from(Offset recovery_point) {
  // Segments wholly below the recovery point were fsynced; the one holding it and every
  // later one may have lost or torn writes and are re-validated batch by batch.
  auto first = segments_.upper_bound(recovery_point);
  if (first != segments_.begin()) --first;
  for (auto it = segments_.begin(); it != first; ++it) {
    auto valid = it->second->indexes_look_valid(false);
    if (!valid) return unexpected(fail_locked(valid.error()));
    if (*valid) continue;
    auto recovered = it->second->recover(config_.index_interval_bytes, nullptr);
    if (!recovered) return unexpected(fail_locked(recovered.error()));
  }
  // Epochs stamped on the batches we are about to re-read are re-learned from them.
  epochs_->truncate_from_end(first->first);
  for (auto it = first; it != segments_.end(); ++it) {
    auto recovered = it->second->recover(config_.index_interval_bytes, epochs_.get());
    if (!recovered) return unexpected(fail_locked(recovered.error()));
    log_end_ = recovered->next_offset;
    if (recovered->truncated_bytes == 0 && !recovered->stopped_at) continue;
    spdlog::warn("{}: recovery truncated {} bytes of segment {} ({})", dir_.string(),
                 recovered->truncated_bytes, it->first.value(),
                 recovered->stopped_at ? records::to_string(*recovered->stopped_at) : "end");
    // Nothing after a torn or corrupt batch can be trusted: the later segments go.
    for (auto later = std::next(it); later != segments_.end();) {
      later->second->delete_files();
      later = segments_.erase(later);
    }
    break;
  }
  // The recovered data came from the page cache; make it durable before claiming it.
  auto unflushed = segments_.upper_bound(recovery_point);
  if (unflushed != segments_.begin()) --unflushed;
  for (; unflushed != segments_.end(); ++unflushed) {
    if (auto r = unflushed->second->flush(); !r) return unexpected(fail_locked(r.error()));
  }
  dir_needs_sync_ = true;
  recovery_point_ = log_end_;
  return {};
}

Result<void, LogError> PartitionLog::finish_load() {
  const Offset first_base = segments_.begin()->first;
  log_start_ = std::max(load_params_.log_start_offset.value_or(first_base), first_base);
  if (log_start_ > log_end_) {
    // The checkpointed start lies past the data that survived (DeleteRecords moved it,
    // then a crash lost the tail): the log restarts empty there.
    spdlog::warn("{}: log start offset {} is past the log end {}; restarting the log",
                 dir_.string(), log_start_.value(), log_end_.value());
    Offset start = log_start_;
    for (auto& [base, segment] : segments_)
      segment->delete_files();
    segments_.clear();
    auto segment = Segment::create(dir_, start, static_cast<uint32_t>(config_.segment_index_bytes),
                                   clock_->now_ms());
    if (!segment) return unexpected(fail_locked(segment.error()));
    segments_[start] = *segment;
    epochs_->clear();
    log_end_ = recovery_point_ = start;
    dir_needs_sync_ = true;
  }
  epochs_->truncate_from_end(log_end_);
  epochs_->truncate_from_start(log_start_);
  if (auto r = persist_epochs_locked(); !r) return r;
  high_watermark_ = load_params_.high_watermark.value_or(log_start_);
  clamp_offsets_locked();
  for (auto& [base, segment] : segments_)
    segment->set_index_interval(config_.index_interval_bytes);
  if (auto r = active_locked()->unseal(static_cast<uint32_t>(config_.segment_index_bytes)); !r) {
    return unexpected(fail_locked(r.error()));
  }
  segment_jitter_ms_ = new_jitter_locked();
  last_flush_ms_ = clock_->now_ms();
  return {};
}

}  // namespace gregor::log
