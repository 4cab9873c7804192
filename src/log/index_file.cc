#include "index_file.h"

#include <fcntl.h>
#include <sys/mman.h>

#include <cerrno>
#include <limits>

namespace gregor::log {

IndexFile::~IndexFile() {
  unmap();
}

IndexFile::IndexFile(IndexFile&& other) noexcept
    : file_(std::move(other.file_)),
      map_(other.map_),
      mapped_(other.mapped_),
      file_length_(other.file_length_),
      entry_size_(other.entry_size_),
      entries_(other.entries_),
      written_(other.written_),
      pending_(std::move(other.pending_)) {
  other.map_ = nullptr;
  other.mapped_ = 0;
}

IndexFile& IndexFile::operator=(IndexFile&& other) noexcept {
  if (this != &other) {
    unmap();
    file_ = std::move(other.file_);
    map_ = other.map_;
    mapped_ = other.mapped_;
    file_length_ = other.file_length_;
    entry_size_ = other.entry_size_;
    entries_ = other.entries_;
    written_ = other.written_;
    pending_ = std::move(other.pending_);
    other.map_ = nullptr;
    other.mapped_ = 0;
  }
  return *this;
}

IoResult<IndexFile> IndexFile::open(const std::filesystem::path& path, uint32_t entry_size) {
  auto file = File::open(path, O_RDWR | O_CREAT);
  if (!file) return unexpected(file.error());
  auto size = file->size();
  if (!size) return unexpected(size.error());
  IndexFile index;
  index.file_ = std::move(file).value();
  index.entry_size_ = entry_size;
  // Index positions are 32-bit, so no valid index exceeds 4 GiB worth of entries; a
  // larger file is damage and is treated as empty (and rebuilt) rather than mapped.
  uint64_t max_len = uint64_t{std::numeric_limits<int32_t>::max()} * entry_size;
  if (*size > max_len) {
    index.file_length_ = 0;
    return index;
  }
  if (auto r = index.remap(*size); !r) return unexpected(r.error());
  index.entries_ = index.capacity();
  index.written_ = index.entries_;
  return index;
}

namespace {
// Buffered entries are written once this many bytes have gathered.
constexpr size_t kPendingBytes = 4096;
}  // namespace

IoResult<void> IndexFile::append(std::span<const uint8_t> entry) {
  if (entries_ >= capacity()) {
    return unexpected(make_io_error("append to full index", file_.path(), ENOSPC));
  }
  pending_.insert(pending_.end(), entry.begin(), entry.end());
  ++entries_;
  if (pending_.size() >= kPendingBytes) return write_pending();
  return {};
}

IoResult<void> IndexFile::write_pending() {
  if (pending_.empty()) return {};
  auto r = file_.pwrite_all(pending_, static_cast<uint64_t>(written_) * entry_size_);
  if (!r) return r;
  written_ = entries_;
  pending_.clear();
  return {};
}

void IndexFile::truncate_to_entries(uint32_t n) {
  if (n >= entries_) return;
  if (n < written_) {
    written_ = n;
    pending_.clear();
  } else {
    pending_.resize(static_cast<size_t>(n - written_) * entry_size_);
  }
  entries_ = n;
}

IoResult<void> IndexFile::preallocate(uint64_t bytes) {
  if (auto r = write_pending(); !r) return r;
  uint64_t length = bytes / entry_size_ * entry_size_;
  if (length < static_cast<uint64_t>(entries_) * entry_size_) {
    length = static_cast<uint64_t>(entries_) * entry_size_;
  }
  if (length == file_length_) return {};
  if (auto r = file_.truncate(length); !r) return r;
  return remap(length);
}

IoResult<void> IndexFile::trim() {
  if (auto r = write_pending(); !r) return r;
  uint64_t length = static_cast<uint64_t>(entries_) * entry_size_;
  if (length == file_length_) return {};
  if (auto r = file_.truncate(length); !r) return r;
  return remap(length);
}

IoResult<void> IndexFile::rename(const std::filesystem::path& to) {
  if (auto r = rename_file(file_.path(), to); !r) return r;
  file_.set_path(to);
  return {};
}

void IndexFile::close() {
  (void)write_pending();
  unmap();
  (void)file_.close();
}

IoResult<void> IndexFile::remap(uint64_t length) {
  unmap();
  file_length_ = length;
  if (length == 0) return {};
  void* p = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, file_.fd(), 0);
  if (p == MAP_FAILED) {
    file_length_ = 0;
    return unexpected(make_io_error("mmap", file_.path(), errno));
  }
  map_ = static_cast<uint8_t*>(p);
  mapped_ = length;
  return {};
}

void IndexFile::unmap() {
  if (map_ != nullptr) ::munmap(map_, mapped_);
  map_ = nullptr;
  mapped_ = 0;
}

}  // namespace gregor::log
