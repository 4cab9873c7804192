// PartitionLog: appends, reads, lookups, offsets and flushing. Loading is in
// partition_log_load.cc; truncation and retention in partition_log_retention.cc.
#include "gregor/log/partition_log.h"

#include <algorithm>

#include <fmt/format.h>

#include "append_validator.h"
#include "flusher.h"
#include "leader_epoch_cache.h"
#include "log_dir_health.h"
#include "segment.h"

namespace gregor::log {

PartitionLog::PartitionLog(LogLoadParams params)
    : dir_(params.dir),
      tp_(params.tp),
      clock_(params.clock != nullptr ? params.clock : &SystemClock::instance()),
      load_params_(params),
      flusher_(params.flusher),
      health_(params.health),
      config_(params.config),
      rng_(std::random_device{}()) {
  if (!health_) health_ = std::make_shared<LogDirHealth>(dir_.parent_path());
  // Only the offsets are needed while loading; keeping the flusher here would make the
  // log own it (see flusher_).
  load_params_.flusher.reset();
  load_params_.health.reset();
}

PartitionLog::~PartitionLog() = default;

Result<std::shared_ptr<PartitionLog>, LogError> PartitionLog::open(LogLoadParams params) {
  std::shared_ptr<PartitionLog> log(new PartitionLog(std::move(params)));
  std::lock_guard<std::mutex> lock(log->mu_);
  if (auto r = log->load(); !r) return unexpected(r.error());
  return log;
}

LogError PartitionLog::fail_locked(const IoError& error) {
  if (error.err == kCorruptDataErr) {
    // Damaged bytes in a segment are the data's problem, not the disk's: the request
    // fails, the directory stays online.
    return LogError::bad_records(records::RecordsError::kInvalidSize, error.message);
  }
  health_->fail(error.message);
  return LogError::make(LogErrc::kStorageError, error.message);
}

Result<void, LogError> PartitionLog::check_usable_locked() const {
  if (health_->offline()) {
    return unexpected(LogError::make(
        LogErrc::kStorageError,
        fmt::format("log dir {} is offline: {}", health_->dir().string(), health_->reason())));
  }
  if (closed_) return unexpected(LogError::make(LogErrc::kLogClosed, "the log is closed"));
  return {};
}

std::shared_ptr<Segment> PartitionLog::active_locked() const {
  return segments_.rbegin()->second;
}

int64_t PartitionLog::new_jitter_locked() {
  int64_t bound = std::min(config_.segment_jitter_ms, config_.segment_ms);
  if (bound <= 0) return 0;
  return static_cast<int64_t>(rng_() % static_cast<uint64_t>(bound));
}

Result<void, LogError> PartitionLog::persist_epochs_locked() {
  if (auto r = epochs_->persist(); !r) return unexpected(fail_locked(r.error()));
  return {};
}

// --- Writes --------------------------------------------------------------------------

Result<AppendInfo, LogError> PartitionLog::append_as_leader(std::span<uint8_t> records,
                                                            LeaderEpoch epoch) {
  LogConfig config;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto r = check_usable_locked(); !r) return unexpected(r.error());
    config = config_;
  }
  const int64_t now = clock_->now_ms();
  auto validated = AppendValidator::validate_client(records, config, now);
  if (!validated) return unexpected(validated.error());

  std::lock_guard<std::mutex> lock(mu_);
  if (auto r = check_usable_locked(); !r) return unexpected(r.error());
  // A new epoch is recorded durably before any batch carrying it is written, so that a
  // crash can never leave data whose epoch the cache does not know (KIP-101).
  auto latest = epochs_->latest_epoch();
  if (epoch.value() >= 0 && (!latest || epoch > *latest)) {
    epochs_->assign(epoch, log_end_);
    if (auto r = persist_epochs_locked(); !r) return unexpected(r.error());
  }
  AssignedAppend assigned =
      AppendValidator::assign_client(*validated, config_, log_end_, epoch, now);
  auto info = write_locked(validated->bytes(), assigned.batches, assigned.first_offset,
                           assigned.last_offset, validated->record_count());
  if (info) info->log_append_time = assigned.log_append_time;
  return info;
}

Result<AppendInfo, LogError> PartitionLog::append_as_follower(std::span<uint8_t> records) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto r = check_usable_locked(); !r) return unexpected(r.error());
  auto validated = AppendValidator::validate_replica(records, log_end_);
  if (!validated) return unexpected(validated.error());
  if (validated->batches().empty()) {
    AppendInfo info;
    info.first_offset = info.last_offset = Offset(log_end_.value() - 1);
    info.log_start_offset = log_start_;
    return info;
  }
  for (const BatchPlan& plan : validated->batches()) {
    auto latest = epochs_->latest_epoch();
    if (plan.epoch.value() >= 0 && (!latest || plan.epoch > *latest)) {
      epochs_->assign(plan.epoch, plan.base_offset);
    }
  }
  if (auto r = persist_epochs_locked(); !r) return unexpected(r.error());
  AssignedAppend described = AppendValidator::describe_replica(*validated);
  return write_locked(validated->bytes(), described.batches, described.first_offset,
                      described.last_offset, validated->record_count());
}

Result<AppendInfo, LogError> PartitionLog::write_locked(std::span<const uint8_t> bytes,
                                                        const std::vector<AppendedBatch>& batches,
                                                        Offset first, Offset last,
                                                        int32_t record_count) {
  int64_t max_timestamp = records::kNoTimestamp;
  for (const auto& b : batches)
    max_timestamp = std::max(max_timestamp, b.max_timestamp);
  if (auto r = maybe_roll_locked(bytes.size(), max_timestamp, last); !r) {
    return unexpected(r.error());
  }
  if (auto r = active_locked()->append(bytes, batches, config_.index_interval_bytes); !r) {
    return unexpected(fail_locked(r.error()));
  }
  log_end_ = Offset(last.value() + 1);
  AppendInfo info;
  info.first_offset = first;
  info.last_offset = last;
  info.log_start_offset = log_start_;
  info.record_count = record_count;
  info.flush_due = config_.flush_messages != kNoLimit &&
                   log_end_.value() - recovery_point_.value() >= config_.flush_messages;
  return info;
}

Result<void, LogError> PartitionLog::maybe_roll_locked(uint64_t incoming_bytes,
                                                       int64_t max_timestamp, Offset last_offset) {
  const std::shared_ptr<Segment> active = active_locked();
  if (active->size() == 0) return {};
  RollParams params;
  params.now_ms = clock_->now_ms();
  params.segment_bytes = config_.segment_bytes;
  params.segment_ms = config_.segment_ms - segment_jitter_ms_;
  params.incoming_bytes = incoming_bytes;
  params.incoming_max_timestamp = max_timestamp;
  params.incoming_last_offset = last_offset;
  if (!active->should_roll(params)) return {};
  return roll_locked(log_end_);
}

Result<void, LogError> PartitionLog::roll_locked(Offset new_base) {
  if (auto r = active_locked()->seal(); !r) return unexpected(fail_locked(r.error()));
  auto segment = Segment::create(dir_, new_base, static_cast<uint32_t>(config_.segment_index_bytes),
                                 clock_->now_ms());
  if (!segment) return unexpected(fail_locked(segment.error()));
  (*segment)->set_index_interval(config_.index_interval_bytes);
  segments_[new_base] = *segment;
  dir_needs_sync_ = true;
  segment_jitter_ms_ = new_jitter_locked();
  // Like Kafka, flush the segment that just became inactive in the background, which
  // moves the recovery point up to the new segment and bounds the next recovery.
  if (auto flusher = flusher_.lock()) flusher->request(shared_from_this(), new_base, {});
  return {};
}

// --- Reads and lookups -----------------------------------------------------------------

Result<ReadResult, LogError> PartitionLog::read(Offset start, const ReadOptions& options) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto r = check_usable_locked(); !r) return unexpected(r.error());
  if (start < log_start_ || start > log_end_) {
    return unexpected(LogError::make(LogErrc::kOffsetOutOfRange,
                                     fmt::format("offset {} is outside [{}, {}]", start.value(),
                                                 log_start_.value(), log_end_.value())));
  }
  ReadResult result;
  result.high_watermark = high_watermark_;
  result.last_stable_offset = last_stable_locked();
  result.log_start_offset = log_start_;
  result.log_end_offset = log_end_;
  Offset upper = log_end_;
  if (options.limit == ReadLimit::kHighWatermark) upper = high_watermark_;
  if (options.limit == ReadLimit::kLastStable) upper = result.last_stable_offset;
  if (start >= upper) return result;

  auto it = segments_.upper_bound(start);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    const std::shared_ptr<Segment>& segment = it->second;
    Offset from = std::max(start, segment->base_offset());
    auto range = segment->read(from, options.max_bytes, upper, options.min_one_batch, segment);
    if (!range) return unexpected(fail_locked(range.error()));
    if (*range) {
      result.records = std::move(*range);
      break;
    }
  }
  return result;
}

std::optional<LeaderEpoch> PartitionLog::epoch_for_locked(Offset offset) const {
  return epochs_->epoch_for_offset(offset);
}

OffsetLookup PartitionLog::earliest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return OffsetLookup{log_start_, records::kNoTimestamp, epoch_for_locked(log_start_)};
}

OffsetLookup PartitionLog::latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return OffsetLookup{log_end_, records::kNoTimestamp, epochs_->latest_epoch()};
}

Result<std::optional<OffsetLookup>, LogError> PartitionLog::offset_for_timestamp(
    int64_t timestamp) {
  thread_local records::Decompressor decompressor;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto r = check_usable_locked(); !r) return unexpected(r.error());
  for (auto it = segments_.begin(); it != segments_.end(); ++it) {
    auto next = std::next(it);
    if (next != segments_.end() && next->first <= log_start_) continue;
    const std::shared_ptr<Segment>& segment = it->second;
    if (segment->max_timestamp() < timestamp) continue;
    auto found = segment->find_offset_by_timestamp(timestamp, log_start_, decompressor);
    if (!found) return unexpected(fail_locked(found.error()));
    if (*found) {
      return std::optional<OffsetLookup>(
          OffsetLookup{(*found)->offset, (*found)->timestamp, epoch_for_locked((*found)->offset)});
    }
  }
  return std::optional<OffsetLookup>();
}

Result<std::optional<OffsetLookup>, LogError> PartitionLog::max_timestamp() {
  thread_local records::Decompressor decompressor;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto r = check_usable_locked(); !r) return unexpected(r.error());
  std::shared_ptr<Segment> best;
  for (const auto& [base, segment] : segments_) {
    if (segment->max_timestamp() >= 0 &&
        (!best || segment->max_timestamp() > best->max_timestamp())) {
      best = segment;
    }
  }
  if (!best) return std::optional<OffsetLookup>();
  auto found = best->find_max_timestamp_record(decompressor);
  if (!found) return unexpected(fail_locked(found.error()));
  if (!*found) return std::optional<OffsetLookup>();
  return std::optional<OffsetLookup>(
      OffsetLookup{(*found)->offset, (*found)->timestamp, epoch_for_locked((*found)->offset)});
}

// --- Offsets -------------------------------------------------------------------------

Offset PartitionLog::log_start_offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_start_;
}

Offset PartitionLog::log_end_offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return log_end_;
}

Offset PartitionLog::high_watermark() const {
  std::lock_guard<std::mutex> lock(mu_);
  return high_watermark_;
}

Offset PartitionLog::last_stable_offset() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_stable_locked();
}

Offset PartitionLog::recovery_point() const {
  std::lock_guard<std::mutex> lock(mu_);
  return recovery_point_;
}

Offset PartitionLog::last_stable_locked() const {
  if (first_unstable_ && *first_unstable_ < high_watermark_) return *first_unstable_;
  return high_watermark_;
}

void PartitionLog::set_high_watermark(Offset hw) {
  std::lock_guard<std::mutex> lock(mu_);
  high_watermark_ = std::clamp(hw, log_start_, log_end_);
}

void PartitionLog::set_first_unstable_offset(std::optional<Offset> offset) {
  std::lock_guard<std::mutex> lock(mu_);
  first_unstable_ = offset;
}

void PartitionLog::clamp_offsets_locked() {
  high_watermark_ = std::clamp(high_watermark_, log_start_, log_end_);
  recovery_point_ = std::min(recovery_point_, log_end_);
  if (first_unstable_ && *first_unstable_ > log_end_) first_unstable_ = log_end_;
}

std::optional<LeaderEpoch> PartitionLog::latest_epoch() const {
  std::lock_guard<std::mutex> lock(mu_);
  return epochs_->latest_epoch();
}

std::optional<std::pair<LeaderEpoch, Offset>> PartitionLog::end_offset_for_epoch(
    LeaderEpoch epoch) const {
  std::lock_guard<std::mutex> lock(mu_);
  return epochs_->end_offset_for(epoch, log_end_);
}

// --- Durability ------------------------------------------------------------------------

Result<Offset, LogError> PartitionLog::flush() {
  std::vector<std::shared_ptr<Segment>> unflushed;
  Offset target;
  uint64_t truncations = 0;
  bool sync_directory = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto r = check_usable_locked(); !r) return unexpected(r.error());
    target = log_end_;
    truncations = truncations_;
    sync_directory = dir_needs_sync_;
    if (target <= recovery_point_ && !sync_directory) return recovery_point_;
    // The segment holding the recovery point and every later one may hold unflushed data.
    auto it = segments_.upper_bound(recovery_point_);
    if (it != segments_.begin()) --it;
    for (; it != segments_.end(); ++it) {
      if (auto r = it->second->write_index_buffers(); !r) return unexpected(fail_locked(r.error()));
      unflushed.push_back(it->second);
    }
    dir_needs_sync_ = false;
  }
  // The fsyncs run without the lock, so appends continue meanwhile; whatever they add
  // is left for the next flush.
  for (const auto& segment : unflushed) {
    if (auto r = segment->sync_files(); !r) {
      std::lock_guard<std::mutex> lock(mu_);
      return unexpected(fail_locked(r.error()));
    }
  }
  if (sync_directory) {
    if (auto r = sync_dir(dir_); !r) {
      std::lock_guard<std::mutex> lock(mu_);
      return unexpected(fail_locked(r.error()));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  // A truncation during the fsync may have replaced some of what we synced with data we
  // did not; then the recovery point stays where the truncation put it.
  if (truncations == truncations_) recovery_point_ = std::max(recovery_point_, target);
  last_flush_ms_ = clock_->now_ms();
  return recovery_point_;
}

void PartitionLog::flush_async(Offset up_to, FlushCallback done) {
  if (auto flusher = flusher_.lock()) {
    flusher->request(shared_from_this(), up_to, std::move(done));
    return;
  }
  auto result = flush();
  if (done) done(result);
}

void PartitionLog::maybe_flush_on_interval() {
  Offset end;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || health_->offline() || config_.flush_ms == kNoLimit) return;
    if (log_end_ <= recovery_point_) return;
    if (clock_->now_ms() - last_flush_ms_ < config_.flush_ms) return;
    end = log_end_;
  }
  flush_async(end, {});
}

// --- Configuration and lifecycle -------------------------------------------------------

void PartitionLog::update_config(const LogConfig& config) {
  std::lock_guard<std::mutex> lock(mu_);
  config_ = config;
  for (auto& [base, segment] : segments_)
    segment->set_index_interval(config.index_interval_bytes);
}

LogConfig PartitionLog::config() const {
  std::lock_guard<std::mutex> lock(mu_);
  return config_;
}

Result<void, LogError> PartitionLog::close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return {};
  if (auto r = check_usable_locked(); !r) {
    closed_ = true;
    return r;
  }
  auto it = segments_.upper_bound(recovery_point_);
  if (it != segments_.begin()) --it;
  for (; it != segments_.end(); ++it) {
    if (auto r = it->second->flush(); !r) return unexpected(fail_locked(r.error()));
  }
  // Sealing writes the final time index entry and trims both indexes, as Kafka leaves
  // them after a clean shutdown; the trimmed files must reach the disk as well.
  if (auto r = active_locked()->seal(); !r) return unexpected(fail_locked(r.error()));
  if (auto r = active_locked()->flush(); !r) return unexpected(fail_locked(r.error()));
  if (auto r = sync_dir(dir_); !r) return unexpected(fail_locked(r.error()));
  if (auto r = persist_epochs_locked(); !r) return unexpected(r.error());
  recovery_point_ = log_end_;
  closed_ = true;
  return {};
}

void PartitionLog::close_for_deletion() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  pending_deletes_.clear();
}

uint64_t PartitionLog::size_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t total = 0;
  for (const auto& [base, segment] : segments_)
    total += segment->size();
  return total;
}

size_t PartitionLog::segment_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return segments_.size();
}

std::vector<Offset> PartitionLog::segment_base_offsets() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Offset> out;
  for (const auto& [base, segment] : segments_)
    out.push_back(base);
  return out;
}

bool PartitionLog::offline() const {
  return health_->offline();
}

}  // namespace gregor::log
