// LogManager: opening the log dirs, creating, finding and deleting partition logs, and
// the identity file. Housekeeping and shutdown are in log_manager_maintenance.cc.
#include "gregor/log/log_manager.h"

#include <fcntl.h>
#include <unistd.h>

#include <random>
#include <system_error>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "checkpoint_file.h"
#include "file.h"
#include "flusher.h"
#include "gregor/log/meta_properties.h"
#include "log_dir_health.h"
#include "segment_files.h"

namespace gregor::log {
namespace {

// 32 hex digits, the shape of the unique id Kafka puts in a deleted partition's name.
std::string unique_id() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

constexpr std::string_view kLockFile = ".lock";

// Takes the lock Kafka takes on <dir>/.lock. Java's FileLock is an fcntl record lock;
// an open-file-description lock conflicts with it across processes and, unlike a classic
// fcntl lock, also with a second LogManager in this process. Returns the descriptor.
Result<int, LogError> lock_dir(const std::filesystem::path& dir) {
  auto file = File::open(dir / kLockFile, O_RDWR | O_CREAT);
  if (!file) return unexpected(LogError::make(LogErrc::kStorageError, file.error().message));
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(file->fd(), F_OFD_SETLK, &lock) != 0) {
    return unexpected(
        LogError::make(LogErrc::kInconsistentMeta,
                       fmt::format("cannot lock {}: another broker is using this log dir",
                                   (dir / kLockFile).string())));
  }
  return file->release();
}

std::optional<Offset> lookup(const OffsetMap& map, const TopicPartition& tp) {
  auto it = map.find(tp);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

// Reads one checkpoint of a dir; a damaged one is ignored with a warning, which only
// costs work (a longer recovery, a lower high watermark), never correctness.
OffsetMap read_checkpoint_or_empty(const std::filesystem::path& dir, std::string_view name) {
  auto offsets = read_offset_checkpoint(dir / name);
  if (offsets) return std::move(offsets).value();
  spdlog::warn("{}: ignoring unreadable {}: {}", dir.string(), name, offsets.error().message);
  return {};
}

}  // namespace

LogManager::LogManager(LogManagerConfig config, const Clock* clock, DirFailureListener listener)
    : config_(std::move(config)),
      clock_(clock != nullptr ? clock : &SystemClock::instance()),
      listener_(std::move(listener)),
      flusher_(std::make_shared<Flusher>()) {}

Result<std::unique_ptr<LogManager>, LogError> LogManager::open(LogManagerConfig config,
                                                               const Clock* clock,
                                                               DirFailureListener listener,
                                                               ConfigLookup config_for) {
  if (config.log_dirs.empty()) {
    return unexpected(LogError::make(LogErrc::kInvalidArgument, "no log dirs configured"));
  }
  std::unique_ptr<LogManager> manager(
      new LogManager(std::move(config), clock, std::move(listener)));
  if (!config_for) {
    LogConfig defaults = manager->config_.default_config;
    config_for = [defaults](const TopicPartition&) { return defaults; };
  }
  for (const auto& path : manager->config_.log_dirs) {
    auto on_failure = [listener = manager->listener_](const std::filesystem::path& dir,
                                                      const std::string& reason) {
      spdlog::error("log dir {} is now offline: {}", dir.string(), reason);
      if (listener) listener(dir, reason);
    };
    manager->dirs_.push_back(Dir{path, std::make_shared<LogDirHealth>(path, on_failure), false});
  }
  size_t online = 0;
  for (size_t i = 0; i < manager->dirs_.size(); ++i) {
    if (auto r = manager->load_dir(i, config_for); !r) {
      if (r.error().code == LogErrc::kInconsistentMeta) return unexpected(r.error());
      manager->dirs_[i].health->fail(r.error().message);
      continue;
    }
    ++online;
  }
  if (online == 0) {
    return unexpected(LogError::make(LogErrc::kStorageError, "no log dir could be opened"));
  }
  return manager;
}

Result<void, LogError> LogManager::load_dir(size_t index, const ConfigLookup& config_for) {
  Dir& dir = dirs_[index];
  std::error_code ec;
  std::filesystem::create_directories(dir.path, ec);
  if (ec) return unexpected(LogError::make(LogErrc::kStorageError, ec.message()));
  auto lock = lock_dir(dir.path);
  if (!lock) return unexpected(lock.error());
  dir.lock_fd = *lock;
  const std::filesystem::path marker = dir.path / kCleanShutdownFile;
  dir.clean_at_open = std::filesystem::exists(marker, ec);
  OffsetMap recovery_points = read_checkpoint_or_empty(dir.path, kRecoveryPointCheckpointFile);
  OffsetMap log_starts = read_checkpoint_or_empty(dir.path, kLogStartOffsetCheckpointFile);
  OffsetMap high_watermarks = read_checkpoint_or_empty(dir.path, kReplicationOffsetCheckpointFile);

  std::vector<std::filesystem::path> children;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path, ec)) {
    if (entry.is_directory(ec)) children.push_back(entry.path());
  }
  if (ec) return unexpected(LogError::make(LogErrc::kStorageError, ec.message()));
  std::sort(children.begin(), children.end());
  for (const auto& child : children) {
    const std::string name = child.filename().string();
    if (is_deleted_partition_dir_name(name)) {
      // A deletion that a restart interrupted; finish it in the background.
      pending_dir_deletes_.push_back(PendingDirDelete{0, child});
      continue;
    }
    auto tp = parse_partition_dir_name(name);
    if (!tp) continue;
    if (logs_.contains(*tp)) {
      return unexpected(
          LogError::make(LogErrc::kInconsistentMeta,
                         fmt::format("partition {} has a log in two dirs ({} and {})", name,
                                     dirs_[logs_[*tp].dir].path.string(), dir.path.string())));
    }
    LogLoadParams params;
    params.dir = child;
    params.tp = *tp;
    params.config = config_for(*tp);
    params.clock = clock_;
    params.recovery_point = lookup(recovery_points, *tp);
    params.log_start_offset = lookup(log_starts, *tp);
    params.high_watermark = lookup(high_watermarks, *tp);
    params.clean_shutdown = dir.clean_at_open;
    params.flusher = flusher_;
    params.health = dir.health;
    auto log = PartitionLog::open(std::move(params));
    if (!log) return unexpected(log.error());
    logs_[*tp] = Entry{std::move(log).value(), index};
  }
  if (dir.clean_at_open) {
    // From now on a crash is an unclean shutdown: the marker must be gone (durably)
    // before any append can happen.
    std::filesystem::remove(marker, ec);
    if (ec) return unexpected(LogError::make(LogErrc::kStorageError, ec.message()));
    if (auto r = sync_dir(dir.path); !r) {
      return unexpected(LogError::make(LogErrc::kStorageError, r.error().message));
    }
  }
  spdlog::info("loaded log dir {} ({} shutdown)", dir.path.string(),
               dir.clean_at_open ? "clean" : "unclean");
  return {};
}

LogManager::~LogManager() {
  stop_background();
  flusher_->stop();
  for (Dir& dir : dirs_) {
    if (dir.lock_fd >= 0) ::close(dir.lock_fd);
  }
}

std::shared_ptr<PartitionLog> LogManager::get(const TopicPartition& tp) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = logs_.find(tp);
  return it == logs_.end() ? nullptr : it->second.log;
}

std::vector<std::shared_ptr<PartitionLog>> LogManager::all() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::shared_ptr<PartitionLog>> out;
  out.reserve(logs_.size());
  for (const auto& [tp, entry] : logs_)
    out.push_back(entry.log);
  return out;
}

Result<std::shared_ptr<PartitionLog>, LogError> LogManager::get_or_create(const TopicPartition& tp,
                                                                          const LogConfig& config) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = logs_.find(tp); it != logs_.end()) return it->second.log;
  // Kafka's placement: the online dir with the fewest partitions.
  std::vector<size_t> counts(dirs_.size(), 0);
  for (const auto& [key, entry] : logs_)
    ++counts[entry.dir];
  std::optional<size_t> chosen;
  for (size_t i = 0; i < dirs_.size(); ++i) {
    if (dirs_[i].health->offline()) continue;
    if (!chosen || counts[i] < counts[*chosen]) chosen = i;
  }
  if (!chosen)
    return unexpected(LogError::make(LogErrc::kStorageError, "every log dir is offline"));
  Dir& dir = dirs_[*chosen];
  const std::filesystem::path path = dir.path / partition_dir_name(tp);
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    dir.health->fail(fmt::format("create {}: {}", path.string(), ec.message()));
    return unexpected(LogError::make(LogErrc::kStorageError, ec.message()));
  }
  // The new directory entry must survive a crash before the partition can hold data.
  if (auto r = sync_dir(dir.path); !r) {
    dir.health->fail(r.error().message);
    return unexpected(LogError::make(LogErrc::kStorageError, r.error().message));
  }
  LogLoadParams params;
  params.dir = path;
  params.tp = tp;
  params.config = config;
  params.clock = clock_;
  params.clean_shutdown = true;  // Nothing in a new directory needs recovering.
  params.flusher = flusher_;
  params.health = dir.health;
  auto log = PartitionLog::open(std::move(params));
  if (!log) return unexpected(log.error());
  logs_[tp] = Entry{*log, *chosen};
  return std::move(log).value();
}

Result<void, LogError> LogManager::remove(const TopicPartition& tp) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = logs_.find(tp);
  if (it == logs_.end()) {
    return unexpected(LogError::make(LogErrc::kNotFound, "no log for " + partition_dir_name(tp)));
  }
  Entry entry = it->second;
  logs_.erase(it);
  const int64_t delay = entry.log->config().file_delete_delay_ms;
  entry.log->close_for_deletion();
  Dir& dir = dirs_[entry.dir];
  if (dir.health->offline()) return {};
  std::filesystem::path renamed =
      dir.path / fmt::format("{}.{}-delete", partition_dir_name(tp), unique_id());
  if (auto r = rename_file(entry.log->dir(), renamed); !r) {
    dir.health->fail(r.error().message);
    return unexpected(LogError::make(LogErrc::kStorageError, r.error().message));
  }
  if (auto r = sync_dir(dir.path); !r) {
    dir.health->fail(r.error().message);
    return unexpected(LogError::make(LogErrc::kStorageError, r.error().message));
  }
  pending_dir_deletes_.push_back(PendingDirDelete{clock_->now_ms() + delay, renamed});
  return {};
}

Result<void, LogError> LogManager::ensure_meta_properties(
    BrokerId broker_id, const std::optional<std::string>& cluster_id) {
  for (const Dir& dir : dirs_) {
    if (dir.health->offline()) continue;
    auto existing = read_meta_properties(dir.path);
    if (!existing) return unexpected(existing.error());
    MetaProperties meta = existing->value_or(MetaProperties{});
    if (*existing) {
      auto mismatch = [&](std::string what) {
        return LogError::make(LogErrc::kInconsistentMeta,
                              fmt::format("{}/meta.properties: {}", dir.path.string(), what));
      };
      if (meta.version != 0) return unexpected(mismatch("version is not 0 (ZooKeeper mode)"));
      if (meta.broker_id && *meta.broker_id != broker_id) {
        return unexpected(mismatch(fmt::format("broker.id {} does not match the configured {}",
                                               meta.broker_id->value(), broker_id.value())));
      }
      if (meta.cluster_id && cluster_id && *meta.cluster_id != *cluster_id) {
        return unexpected(mismatch(fmt::format("cluster.id {} does not match the cluster's {}",
                                               *meta.cluster_id, *cluster_id)));
      }
      if (meta.broker_id && (meta.cluster_id || !cluster_id)) continue;
    }
    meta.broker_id = broker_id;
    if (cluster_id) meta.cluster_id = cluster_id;
    if (auto r = write_meta_properties(dir.path, meta); !r) {
      dir.health->fail(r.error().message);
      return unexpected(r.error());
    }
  }
  return {};
}

std::vector<std::filesystem::path> LogManager::log_dirs() const {
  std::vector<std::filesystem::path> out;
  for (const Dir& dir : dirs_)
    out.push_back(dir.path);
  return out;
}

std::vector<std::filesystem::path> LogManager::offline_dirs() const {
  std::vector<std::filesystem::path> out;
  for (const Dir& dir : dirs_) {
    if (dir.health->offline()) out.push_back(dir.path);
  }
  return out;
}

std::optional<std::filesystem::path> LogManager::dir_of(const TopicPartition& tp) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = logs_.find(tp);
  if (it == logs_.end()) return std::nullopt;
  return dirs_[it->second.dir].path;
}

bool LogManager::had_clean_shutdown(const std::filesystem::path& dir) const {
  for (const Dir& d : dirs_) {
    if (d.path == dir) return d.clean_at_open;
  }
  return false;
}

}  // namespace gregor::log
