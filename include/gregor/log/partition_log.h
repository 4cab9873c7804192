// The log of one partition: a directory of segments in Kafka's on-disk format, with the
// offsets that replication and transactions drive (high watermark, last stable offset,
// log start offset) and the leader epoch cache.
//
// Thread safety: every method may be called from any thread; one mutex per log
// serializes them. Appends validate records (CRCs, decompression) before taking the
// lock. Nothing here blocks on fsync except flush() and close(); flush_async() hands the
// fsync to the Flusher thread.
//
// Errors: an I/O error takes the whole log dir offline (see LogManager) and the call
// fails with kStorageError, as do all later calls on logs in that dir.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"
#include "gregor/log/clock.h"
#include "gregor/log/file_range.h"
#include "gregor/log/log_config.h"
#include "gregor/log/log_error.h"
#include "gregor/log/topic_partition.h"

namespace gregor::log {

class Segment;
struct AppendedBatch;
class LeaderEpochCache;
class Flusher;
class LogDirHealth;
struct IoError;

using FlushCallback = std::function<void(const Result<Offset, LogError>&)>;

struct AppendInfo {
  Offset first_offset;
  Offset last_offset;
  // The broker time stamped on the batches for LogAppendTime topics, else -1.
  int64_t log_append_time = -1;
  Offset log_start_offset;
  int32_t record_count = 0;
  // flush.messages has been reached: the caller should flush_async(last_offset + 1) and
  // answer the producer from its callback, which is how Kafka's flush-on-append behaves.
  bool flush_due = false;
};

// How far a read may go: followers read to the log end, consumers to the high watermark
// (read_uncommitted) or the last stable offset (read_committed).
enum class ReadLimit : uint8_t { kLogEnd, kHighWatermark, kLastStable };

struct ReadOptions {
  uint64_t max_bytes = 1024 * 1024;
  ReadLimit limit = ReadLimit::kHighWatermark;
  // Return the first batch even if it exceeds max_bytes, so a consumer always progresses.
  bool min_one_batch = true;
};

struct ReadResult {
  // Whole batches from the one containing the requested offset; std::nullopt (or a zero
  // length) when there is nothing to return yet. A later truncation of the log (by
  // replication) may shorten the file under the range: senders must handle a short
  // sendfile.
  std::optional<FileRange> records;
  Offset high_watermark;
  Offset last_stable_offset;
  Offset log_start_offset;
  Offset log_end_offset;
};

struct OffsetLookup {
  Offset offset;
  int64_t timestamp = -1;
  std::optional<LeaderEpoch> leader_epoch;
};

// What a LogManager knows about a partition when it opens its log.
struct LogLoadParams {
  std::filesystem::path dir;  // The partition directory, <log dir>/<topic>-<partition>.
  TopicPartition tp;
  LogConfig config;
  const Clock* clock = nullptr;
  // From the per-dir checkpoints; std::nullopt when the checkpoint has no entry.
  std::optional<Offset> recovery_point;
  std::optional<Offset> log_start_offset;
  std::optional<Offset> high_watermark;
  // The dir had a clean-shutdown marker, so segments need no re-validation.
  bool clean_shutdown = false;
  std::shared_ptr<Flusher> flusher;
  std::shared_ptr<LogDirHealth> health;
};

class PartitionLog : public std::enable_shared_from_this<PartitionLog> {
 public:
  // Loads (recovering if needed) or creates the log in params.dir, which must exist.
  static Result<std::shared_ptr<PartitionLog>, LogError> open(LogLoadParams params);
  ~PartitionLog();
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // --- Writes -----------------------------------------------------------------------

  // Appends a producer's record batches: validates them (none is written unless all
  // pass), assigns offsets from the log end, stamps `epoch` (recording it in the leader
  // epoch cache first if it is new) and, for LogAppendTime topics, the append time. The
  // buffer is rewritten in place. Rolls the active segment first when it is due.
  Result<AppendInfo, LogError> append_as_leader(std::span<uint8_t> records, LeaderEpoch epoch);
  // Appends batches fetched from the leader as they are (offsets and epochs included).
  Result<AppendInfo, LogError> append_as_follower(std::span<uint8_t> records);

  // Removes everything at and after `offset` (replication: diverging follower tail).
  Result<void, LogError> truncate_to(Offset offset);
  // Drops the whole log and restarts it empty at `offset`.
  Result<void, LogError> truncate_fully_and_start_at(Offset offset);
  // DeleteRecords: moves the log start offset to `offset` (at most the high watermark).
  // Segments below it are deleted by the next retention pass. Returns the log start.
  Result<Offset, LogError> delete_records_before(Offset offset);

  // --- Reads and lookups ------------------------------------------------------------

  // Errors: kOffsetOutOfRange below the log start offset or past the log end.
  Result<ReadResult, LogError> read(Offset start, const ReadOptions& options);
  // ListOffsets. earliest is the log start offset, latest the log end offset (callers
  // apply the high watermark or last stable offset they answer with). For a timestamp,
  // the first record at or after the log start with a timestamp >= `timestamp`
  // (std::nullopt if none); callers drop answers at or past their read limit, as Kafka
  // does. max_timestamp is the first record carrying the largest timestamp.
  OffsetLookup earliest() const;
  OffsetLookup latest() const;
  Result<std::optional<OffsetLookup>, LogError> offset_for_timestamp(int64_t timestamp);
  Result<std::optional<OffsetLookup>, LogError> max_timestamp();

  // --- Offsets driven by replication and transactions --------------------------------

  Offset log_start_offset() const;
  Offset log_end_offset() const;
  Offset high_watermark() const;
  Offset last_stable_offset() const;
  Offset recovery_point() const;
  // Clamped to [log start offset, log end offset].
  void set_high_watermark(Offset hw);
  // The first offset of the oldest open transaction, or std::nullopt when none is open;
  // the last stable offset is the smaller of this and the high watermark.
  void set_first_unstable_offset(std::optional<Offset> offset);

  std::optional<LeaderEpoch> latest_epoch() const;
  // OffsetsForLeaderEpoch: the largest epoch <= `epoch` and the offset where it ended.
  std::optional<std::pair<LeaderEpoch, Offset>> end_offset_for_epoch(LeaderEpoch epoch) const;

  // --- Durability and housekeeping --------------------------------------------------

  // fsyncs everything appended so far (and the directory, if segments were created) and
  // returns the offset below which the log is now durable. Blocks.
  Result<Offset, LogError> flush();
  // Queues a flush on the Flusher; `done` (may be empty) runs on the flusher thread.
  void flush_async(Offset up_to, FlushCallback done);
  // Starts a flush if flush.ms has passed since the last one and data is unflushed.
  void maybe_flush_on_interval();

  // Deletes whole segments by retention.ms, retention.bytes and the log start offset
  // (renamed to *.deleted, unlinked after file.delete.delay.ms). Returns how many.
  Result<size_t, LogError> apply_retention();
  // Unlinks *.deleted files whose delay has passed.
  void delete_expired_files();

  void update_config(const LogConfig& config);
  LogConfig config() const;

  // Clean close: flushes, seals the active segment's indexes (trimming them, as Kafka
  // does) and refuses further calls. The caller then writes the checkpoints.
  Result<void, LogError> close();
  // Stops serving without flushing, because the partition is being deleted; the caller
  // removes the directory (in-flight FileRanges keep their files open until released).
  void close_for_deletion();

  const TopicPartition& topic_partition() const { return tp_; }
  const std::filesystem::path& dir() const { return dir_; }
  uint64_t size_bytes() const;
  size_t segment_count() const;
  // Base offsets of the segments, oldest first (for tests and tools).
  std::vector<Offset> segment_base_offsets() const;
  bool offline() const;

 private:
  explicit PartitionLog(LogLoadParams params);

  using SegmentMap = std::map<Offset, std::shared_ptr<Segment>>;
  struct PendingDelete {
    int64_t due_ms;
    std::shared_ptr<Segment> segment;
  };

  // Loading (partition_log_load.cc).
  Result<void, LogError> load();
  Result<void, LogError> load_segments();
  Result<void, LogError> recover_from(Offset recovery_point);
  Result<void, LogError> load_epochs();
  Result<void, LogError> finish_load();

  // Helpers that expect mu_ held.
  LogError fail_locked(const IoError& error);
  Result<void, LogError> check_usable_locked() const;
  Result<AppendInfo, LogError> write_locked(std::span<const uint8_t> bytes,
                                            const std::vector<AppendedBatch>& batches, Offset first,
                                            Offset last, int32_t record_count);
  Result<void, LogError> maybe_roll_locked(uint64_t incoming_bytes, int64_t max_timestamp,
                                           Offset last_offset);
  Result<void, LogError> roll_locked(Offset new_base);
  Result<void, LogError> delete_segment_locked(const std::shared_ptr<Segment>& segment);
  Result<void, LogError> delete_prefix_locked(size_t count);
  Result<void, LogError> persist_epochs_locked();
  Result<void, LogError> truncate_fully_locked(Offset offset);
  void delete_expired_files_locked();
  Result<size_t, LogError> retention_pass_locked(int kind);
  std::shared_ptr<Segment> active_locked() const;
  Offset last_stable_locked() const;
  void clamp_offsets_locked();
  int64_t new_jitter_locked();
  std::optional<LeaderEpoch> epoch_for_locked(Offset offset) const;

  const std::filesystem::path dir_;
  const TopicPartition tp_;
  const Clock* clock_;
  LogLoadParams load_params_;
  // Not owned: the LogManager owns the flusher, and the flusher's queue holds logs, so a
  // strong reference here would be a cycle. Without a flusher, flushes run inline.
  std::weak_ptr<Flusher> flusher_;
  std::shared_ptr<LogDirHealth> health_;

  mutable std::mutex mu_;
  LogConfig config_;
  SegmentMap segments_;
  std::unique_ptr<LeaderEpochCache> epochs_;
  Offset log_start_;
  Offset log_end_;
  Offset high_watermark_;
  std::optional<Offset> first_unstable_;
  Offset recovery_point_;
  uint64_t truncations_ = 0;
  bool dir_needs_sync_ = false;
  bool closed_ = false;
  int64_t last_flush_ms_ = 0;
  int64_t segment_jitter_ms_ = 0;
  std::vector<PendingDelete> pending_deletes_;
  std::mt19937_64 rng_;
};

}  // namespace gregor::log
