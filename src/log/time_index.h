// The time index of a segment (<base>.timeindex): 12-byte entries of
// [timestamp : int64][offset - base offset : int32], big-endian. Each entry says "the
// largest timestamp in this segment up to and including `offset` is `timestamp`"; both
// columns only grow. Entries are added alongside offset index entries, and once more when
// the segment stops being active, so the last entry holds the segment's max timestamp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "gregor/common/strong_id.h"
#include "gregor/records/record_batch.h"
#include "index_file.h"

namespace gregor::log {

struct TimestampOffset {
  int64_t timestamp = records::kNoTimestamp;
  Offset offset;
};

class TimeIndex {
 public:
  static constexpr uint32_t kEntrySize = 12;

  TimeIndex() = default;
  TimeIndex(IndexFile file, Offset base);

  static IoResult<TimeIndex> open(const std::filesystem::path& path, Offset base);

  uint32_t entries() const { return file_.entries(); }
  TimestampOffset entry(uint32_t i) const;
  // One slot stays free for the entry written when the segment is rolled.
  bool is_full(uint32_t max_entries) const { return entries() + 1 >= max_entries; }
  // The last entry, or (kNoTimestamp, base) when empty.
  TimestampOffset last_entry() const { return last_; }

  // The entry with the largest timestamp strictly below `target`, if any. Every record
  // up to that entry's offset is older than `target`, so a search for the first record at
  // or after `target` can start behind it.
  std::optional<TimestampOffset> last_entry_before(int64_t target) const;

  // Appends (timestamp, offset) if the timestamp exceeds the last entry's and the offset is
  // not below the last entry's. Callers check is_full() first, except when rolling the
  // segment, which uses the reserved slot.
  IoResult<void> maybe_append(int64_t timestamp, Offset offset);
  // Removes the entries with offset >= `offset`.
  void truncate_to(Offset offset);
  void reset();

  // Whole entries, timestamps strictly increasing and offsets non-decreasing (first and
  // last only unless `full`), offsets within [base, last_offset].
  bool is_consistent(Offset last_offset, bool full) const;

  IndexFile& file() { return file_; }
  const IndexFile& file() const { return file_; }

 private:
  void reload_last();

  IndexFile file_;
  Offset base_;
  TimestampOffset last_;
};

}  // namespace gregor::log
