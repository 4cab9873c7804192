// The LogManager owns the partition logs of a set of log dirs (log.dirs): it loads them
// at startup (recovering after an unclean shutdown), creates and deletes them, writes the
// per-dir checkpoint files, runs retention and interval flushes off the hot path, takes a
// dir offline on an I/O error, and leaves the clean-shutdown marker on a clean stop.
//
// Files per log dir, as Kafka writes them: recovery-point-offset-checkpoint,
// log-start-offset-checkpoint, replication-offset-checkpoint, meta.properties and
// .kafka_cleanshutdown.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"
#include "gregor/log/clock.h"
#include "gregor/log/log_config.h"
#include "gregor/log/log_error.h"
#include "gregor/log/partition_log.h"
#include "gregor/log/topic_partition.h"

namespace gregor::log {

class Flusher;
class LogDirHealth;

struct LogManagerConfig {
  std::vector<std::filesystem::path> log_dirs;
  // The config of logs found at startup until the broker applies their topic configs.
  LogConfig default_config;
  // log.retention.check.interval.ms
  int64_t retention_check_interval_ms = 300000;
  // log.flush.offset.checkpoint.interval.ms
  int64_t recovery_point_checkpoint_interval_ms = 60000;
  // log.flush.start.offset.checkpoint.interval.ms
  int64_t log_start_offset_checkpoint_interval_ms = 60000;
  // replica.high.watermark.checkpoint.interval.ms
  int64_t high_watermark_checkpoint_interval_ms = 5000;
};

class LogManager {
 public:
  // Called once per failed dir, on the thread that hit the error, possibly while a log's
  // lock is held: post to your own loop, do not call back into the logs from here.
  using DirFailureListener =
      std::function<void(const std::filesystem::path& dir, const std::string& reason)>;
  // Supplies each loaded log's config; defaults to config.default_config.
  using ConfigLookup = std::function<LogConfig(const TopicPartition&)>;

  // Opens every log dir (creating missing ones), locks it as Kafka does (<dir>/.lock, so
  // that neither a second gregor nor a Kafka broker can use it at the same time), loads
  // every partition log in it and then removes the clean-shutdown markers, so that a
  // crash from here on is unclean. A dir that fails to load is offline; open fails if no
  // dir is usable, if a dir is locked by someone else, or if two dirs hold the same
  // partition.
  static Result<std::unique_ptr<LogManager>, LogError> open(LogManagerConfig config,
                                                            const Clock* clock = nullptr,
                                                            DirFailureListener listener = {},
                                                            ConfigLookup config_for = {});
  // Stops the background work without a clean shutdown (the next start recovers).
  ~LogManager();
  LogManager(const LogManager&) = delete;
  LogManager& operator=(const LogManager&) = delete;

  std::shared_ptr<PartitionLog> get(const TopicPartition& tp) const;
  std::vector<std::shared_ptr<PartitionLog>> all() const;
  // Returns the existing log, or creates it in the online dir holding the fewest logs.
  Result<std::shared_ptr<PartitionLog>, LogError> get_or_create(const TopicPartition& tp,
                                                                const LogConfig& config);
  // Deletes a partition's log: it stops serving at once, its directory is renamed to
  // "<topic>-<partition>.<id>-delete" and removed after file.delete.delay.ms.
  Result<void, LogError> remove(const TopicPartition& tp);

  // One round of housekeeping, each part when its interval has passed on the clock:
  // retention, flush.ms flushes, delayed file deletion, the three checkpoints.
  void run_maintenance();
  // Runs run_maintenance() every `tick` on a background thread.
  void start_background(std::chrono::milliseconds tick = std::chrono::milliseconds(1000));
  void stop_background();

  // Writes recovery-point, log-start-offset and replication-offset checkpoints of every
  // online dir now.
  Result<void, LogError> write_checkpoints();

  // Clean shutdown: completes queued flushes, closes every log (fsync, index trim),
  // writes the checkpoints and then, in each dir that stayed healthy, the clean-shutdown
  // marker carrying `broker_epoch`.
  Result<void, LogError> shutdown(int64_t broker_epoch = -1);

  // Checks meta.properties in every online dir against this broker and writes it where
  // it is missing (or lacks the cluster id). kInconsistentMeta on a mismatch.
  Result<void, LogError> ensure_meta_properties(BrokerId broker_id,
                                                const std::optional<std::string>& cluster_id);

  std::vector<std::filesystem::path> log_dirs() const;
  std::vector<std::filesystem::path> offline_dirs() const;
  // The log dir holding `tp`, if it has a log.
  std::optional<std::filesystem::path> dir_of(const TopicPartition& tp) const;
  // Whether the dir had a clean-shutdown marker when this manager opened it.
  bool had_clean_shutdown(const std::filesystem::path& dir) const;

 private:
  struct Dir {
    std::filesystem::path path;
    std::shared_ptr<LogDirHealth> health;
    bool clean_at_open = false;
    // The descriptor holding the lock on <dir>/.lock, -1 if not locked.
    int lock_fd = -1;
  };
  struct Entry {
    std::shared_ptr<PartitionLog> log;
    size_t dir = 0;
  };
  struct PendingDirDelete {
    int64_t due_ms;
    std::filesystem::path path;
  };

  LogManager(LogManagerConfig config, const Clock* clock, DirFailureListener listener);

  Result<void, LogError> load_dir(size_t index, const ConfigLookup& config_for);
  Result<void, LogError> write_dir_checkpoints(size_t index, int which);
  void delete_due_dirs(int64_t now);
  std::vector<std::pair<std::shared_ptr<PartitionLog>, size_t>> snapshot() const;

  const LogManagerConfig config_;
  const Clock* clock_;
  DirFailureListener listener_;
  std::shared_ptr<Flusher> flusher_;
  std::vector<Dir> dirs_;

  mutable std::mutex mu_;
  std::unordered_map<TopicPartition, Entry> logs_;
  std::vector<PendingDirDelete> pending_dir_deletes_;
  int64_t next_retention_ms_ = 0;
  int64_t next_checkpoint_ms_[3] = {0, 0, 0};

  std::mutex background_mu_;
  std::condition_variable background_wake_;
  bool background_stop_ = false;
  std::thread background_;
};

}  // namespace gregor::log
