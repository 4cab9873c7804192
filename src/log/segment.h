// One log segment: <base>.log with its .index and .timeindex.
//
// A segment only knows its own files. The PartitionLog decides when to roll, validates
// batches before they get here and serializes all calls (nothing in here locks). Segments
// are shared_ptr-owned so that a FileRange handed to a fetch keeps the file open after
// retention has dropped the segment.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "batch_scan.h"
#include "file.h"
#include "gregor/log/file_range.h"
#include "gregor/records/compression.h"
#include "offset_index.h"
#include "time_index.h"

#include <cerrno>

namespace gregor::log {

class LeaderEpochCache;

// The IoError::err a segment reports when the bytes of a trusted segment are not valid
// batches: damage found while reading, not a failing disk.
inline constexpr int kCorruptDataErr = EBADMSG;

// What the log learned about one batch while validating it, so that the segment can
// maintain its indexes without re-reading the batch.
struct AppendedBatch {
  uint32_t size = 0;
  Offset last_offset;
  int64_t max_timestamp = records::kNoTimestamp;
};

struct RollParams {
  int64_t now_ms = 0;
  int32_t segment_bytes = 0;
  // segment.ms minus this segment's jitter.
  int64_t segment_ms = 0;
  uint64_t incoming_bytes = 0;
  int64_t incoming_max_timestamp = records::kNoTimestamp;
  Offset incoming_last_offset;
};

// Where recovery stopped and why.
struct RecoveryResult {
  uint64_t valid_bytes = 0;
  uint64_t truncated_bytes = 0;
  Offset next_offset;
  // Set when the scan stopped at a bad batch (rather than at the end of the file).
  std::optional<records::RecordsError> stopped_at;
};

class Segment {
 public:
  // Creates empty files for a new segment; indexes are preallocated to
  // `index_bytes` (segment.index.bytes).
  static IoResult<std::shared_ptr<Segment>> create(const std::filesystem::path& dir, Offset base,
                                                   uint32_t index_bytes, int64_t now_ms);
  // Opens the files of an existing segment; an index file that is missing is created
  // empty. Nothing is validated here: see check_indexes() and recover().
  static IoResult<std::shared_ptr<Segment>> open(const std::filesystem::path& dir, Offset base,
                                                 int64_t now_ms);

  Offset base_offset() const { return base_; }
  uint64_t size() const { return size_; }
  const File& log_file() const { return log_; }
  const OffsetIndex& offset_index() const { return offset_index_; }
  const TimeIndex& time_index() const { return time_index_; }

  // Writes `bytes` (whole, already validated batches described by `batches`) at the end
  // of the segment and adds index entries every `index_interval` bytes. The log write
  // comes first, so an index entry never points past the data.
  IoResult<void> append(std::span<const uint8_t> bytes, std::span<const AppendedBatch> batches,
                        int32_t index_interval);

  bool should_roll(const RollParams& params);

  // The first batch whose last offset is >= `target`, or std::nullopt if the segment
  // ends before it.
  IoResult<std::optional<ScannedHeader>> find_batch(Offset target);

  // Whole batches from the one containing `start`, while they end below `upper_bound`
  // and fit `max_bytes` (the first batch always fits when `min_one`). std::nullopt if
  // the segment holds nothing at or after `start`; a zero-length range if the first
  // batch is at or past `upper_bound`.
  IoResult<std::optional<FileRange>> read(Offset start, uint64_t max_bytes, Offset upper_bound,
                                          bool min_one, const std::shared_ptr<const void>& owner);

  // The first record at or after `min_offset` with a timestamp >= `target`.
  IoResult<std::optional<TimestampOffset>> find_offset_by_timestamp(
      int64_t target, Offset min_offset, records::Decompressor& decompressor);
  // The offset of the first record carrying this segment's largest timestamp.
  IoResult<std::optional<TimestampOffset>> find_max_timestamp_record(
      records::Decompressor& decompressor);

  // Largest batch max-timestamp seen, and the last offset of the batch holding it.
  int64_t max_timestamp() const { return max_timestamp_.timestamp; }
  Offset offset_of_max_timestamp() const { return max_timestamp_.offset; }
  // The time retention.ms compares against: the max timestamp, or the file's mtime if
  // no batch carries a timestamp.
  int64_t retention_timestamp() const;

  // Re-validates every batch (size, magic, CRC, offsets), rebuilds both indexes from
  // scratch, truncates the file after the last good batch and feeds epochs to `epochs`.
  IoResult<RecoveryResult> recover(int32_t index_interval, LeaderEpochCache* epochs);
  // Rebuilds the indexes from batch headers without checking CRCs (for an index found
  // inconsistent with a log that is otherwise trusted).
  IoResult<void> rebuild_indexes(int32_t index_interval);
  // Cheap checks of both indexes against the log, as a clean start performs them; `full`
  // walks every entry (used for the active segment).
  IoResult<bool> indexes_look_valid(bool full);
  // The offset after the last batch (base offset if empty), scanning from the last
  // index entry. std::nullopt if the scan hits bytes that are not a batch.
  IoResult<std::optional<Offset>> read_next_offset();

  // Removes every batch with offsets >= `offset` (the batch containing it included).
  // Returns the number of bytes removed.
  IoResult<uint64_t> truncate_to(Offset offset, int64_t now_ms);

  // Adds the final time index entry and trims both indexes, as Kafka does when a segment
  // stops being active or is closed cleanly. Idempotent.
  IoResult<void> seal();
  bool sealed() const { return sealed_; }
  // Re-extends trimmed indexes so the segment can take appends again.
  IoResult<void> unseal(uint32_t index_bytes);

  // Writes index entries still buffered in memory. Needs the owner's lock, like every
  // other call that changes the segment.
  IoResult<void> write_index_buffers();
  // fsyncs the log and index files. Touches only the descriptors, so the owner may call
  // it without holding its lock (after write_index_buffers() under the lock).
  IoResult<void> sync_files() const;
  // Both of the above.
  IoResult<void> flush();
  // Renames all files to "<name>.deleted" (Kafka's asynchronous delete).
  IoResult<void> mark_deleted();
  // Unlinks the files (under whichever names they have now).
  void delete_files();

  // Whether an index file was absent when the segment was opened.
  bool index_file_was_missing() const { return index_missing_; }
  // index.interval.bytes, used when a lookup finds the index inconsistent and rebuilds it.
  void set_index_interval(int32_t bytes) { index_interval_ = bytes; }

 private:
  Segment(std::filesystem::path dir, Offset base, File log, OffsetIndex offset_index,
          TimeIndex time_index, uint64_t size, int64_t created_ms);
  static IoResult<std::shared_ptr<Segment>> open_files(const std::filesystem::path& dir,
                                                       Offset base, int log_flags, int64_t now_ms);

  IoResult<bool> load_first_batch_timestamp();
  IoResult<std::vector<uint8_t>> read_batch_bytes(const ScannedHeader& at);
  void add_index_entries(uint64_t position, const AppendedBatch& batch, int32_t index_interval,
                         IoResult<void>& status);
  IoResult<std::optional<ScannedHeader>> header_at(uint64_t position);
  IoResult<void> recompute_max_timestamp();
  IoResult<void> make_index_room();

  std::filesystem::path dir_;
  Offset base_;
  File log_;
  OffsetIndex offset_index_;
  TimeIndex time_index_;
  uint64_t size_ = 0;
  int64_t created_ms_ = 0;
  uint64_t bytes_since_index_ = 0;
  TimestampOffset max_timestamp_;
  // Max timestamp of the first batch, what segment.ms is measured from (Kafka's
  // "rolling based timestamp"); loaded lazily for segments opened from disk.
  std::optional<int64_t> first_batch_timestamp_;
  int32_t index_interval_ = 4096;
  bool index_missing_ = false;
  // Sealed: indexes trimmed to their entries (not active). Active segments keep their
  // indexes preallocated to preallocated_bytes_.
  bool sealed_ = true;
  uint32_t preallocated_bytes_ = 0;
};

}  // namespace gregor::log
