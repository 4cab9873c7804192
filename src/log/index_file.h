// The storage shared by the offset index and the time index: a file of fixed-size
// big-endian entries. Like Kafka, an index that is still being appended to is preallocated
// to segment.index.bytes, and trimmed to its entries when its segment stops being active,
// so that Kafka's tools and ours read the same files.
//
// Entries are read through a read-only shared mapping and written with pwrite(). Writing
// through the mapping would turn a full disk into SIGBUS; pwrite() turns it into an error
// value, which takes the log dir offline instead of killing the broker. New entries wait
// in a small buffer and are written in groups (an append path with one syscall for the
// data and none for most index entries); lookups see them either way. Losing buffered
// entries in a crash is harmless: recovery rebuilds the indexes of unflushed segments.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "file.h"

namespace gregor::log {

class IndexFile {
 public:
  IndexFile() = default;
  ~IndexFile();
  IndexFile(IndexFile&& other) noexcept;
  IndexFile& operator=(IndexFile&& other) noexcept;
  IndexFile(const IndexFile&) = delete;
  IndexFile& operator=(const IndexFile&) = delete;

  // Opens or creates `path`. The existing length (rounded down to whole entries) is taken
  // as the entry count; callers validate the entries before trusting them.
  static IoResult<IndexFile> open(const std::filesystem::path& path, uint32_t entry_size);

  uint32_t entry_size() const { return entry_size_; }
  uint32_t entries() const { return entries_; }
  // The bytes of entry `i` (< entries()).
  const uint8_t* entry(uint32_t i) const {
    if (i < written_) return map_ + static_cast<size_t>(i) * entry_size_;
    return pending_.data() + static_cast<size_t>(i - written_) * entry_size_;
  }
  // The file length is a whole number of entries (a trimmed index must be).
  bool length_is_whole() const { return file_length_ % entry_size_ == 0; }
  uint32_t capacity() const { return static_cast<uint32_t>(file_length_ / entry_size_); }
  const std::filesystem::path& path() const { return file_.path(); }

  // How many leading entries satisfy `pred(i)`, for a predicate that holds on a prefix
  // of the entries (both columns of every index only grow): a binary search.
  template <class Pred>
  uint32_t count_prefix(Pred pred) const {
    uint32_t lo = 0;
    uint32_t hi = entries_;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (pred(mid)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // Appends one entry of entry_size() bytes after the last one. The file must have room
  // (capacity() > entries()).
  IoResult<void> append(std::span<const uint8_t> entry);
  // Writes the buffered entries to the file.
  IoResult<void> write_pending();
  // Forgets entries past `n` (the bytes stay until trim or the next append).
  void truncate_to_entries(uint32_t n);
  // Grows the file to `bytes` (rounded down to whole entries) so appends have room.
  IoResult<void> preallocate(uint64_t bytes);
  // Shrinks the file to exactly its entries.
  IoResult<void> trim();

  int fd() const { return file_.fd(); }
  // Renames the file on disk (e.g. to *.deleted) and remembers the new name.
  IoResult<void> rename(const std::filesystem::path& to);
  void close();

 private:
  IoResult<void> remap(uint64_t length);
  void unmap();

  File file_;
  uint8_t* map_ = nullptr;
  uint64_t mapped_ = 0;
  uint64_t file_length_ = 0;
  uint32_t entry_size_ = 8;
  uint32_t entries_ = 0;
  // Entries [0, written_) are in the file; [written_, entries_) wait in pending_.
  uint32_t written_ = 0;
  std::vector<uint8_t> pending_;
};

}  // namespace gregor::log
