// The sparse offset index of a segment (<base>.index): 8-byte entries of
// [offset - base offset : int32][file position : int32], big-endian. As in Kafka, an entry
// names the *last* offset of the batch that starts at the position, and one is written
// each time more than index.interval.bytes of log have accumulated since the previous one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "gregor/common/strong_id.h"
#include "index_file.h"

namespace gregor::log {

struct OffsetPosition {
  Offset offset;
  uint32_t position = 0;
};

class OffsetIndex {
 public:
  static constexpr uint32_t kEntrySize = 8;

  OffsetIndex() = default;
  OffsetIndex(IndexFile file, Offset base) : file_(std::move(file)), base_(base) {}

  static IoResult<OffsetIndex> open(const std::filesystem::path& path, Offset base);

  uint32_t entries() const { return file_.entries(); }
  OffsetPosition entry(uint32_t i) const;
  bool is_full(uint32_t max_entries) const { return entries() >= max_entries; }

  // The entry with the largest offset <= target, or (base, 0) when there is none.
  OffsetPosition lookup(Offset target) const;

  // The last entry whose position is at most `max_position` and whose offset is below
  // `below`, if any: the batch it names ends a read of bytes up to max_position that
  // stops before `below`.
  std::optional<OffsetPosition> last_entry_within(uint64_t max_position, Offset below) const;

  // Appends (offset, position). The offset must exceed the last one and fit 32 bits
  // relative to the base; the caller checks both.
  IoResult<void> append(Offset offset, uint32_t position);
  // Removes the entries with offset >= `offset`.
  void truncate_to(Offset offset);
  void reset() { file_.truncate_to_entries(0); }

  // Structural checks that need no log access: whole entries, offsets strictly increasing
  // and within [base, base + INT32_MAX], positions strictly increasing and below
  // `log_size`. With `full` false only the first and last entries are examined, which is
  // what a clean start can afford for every old segment.
  bool is_consistent(uint64_t log_size, bool full) const;

  IndexFile& file() { return file_; }
  const IndexFile& file() const { return file_; }

 private:
  IndexFile file_;
  Offset base_;
};

}  // namespace gregor::log
