// Thin RAII wrappers over POSIX file calls. Every function reports errno-based failures as
// values (an IoError naming the call and path) instead of throwing, so that the log can
// turn any I/O failure into "log dir offline".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "gregor/common/result.h"

namespace gregor::log {

struct IoError {
  int err = 0;          // errno of the failing call, or 0 for a short read.
  std::string message;  // "<call> <path>: <strerror>".
};

template <class T>
using IoResult = Result<T, IoError>;

IoError make_io_error(std::string_view call, const std::filesystem::path& path, int err);

// An owned file descriptor. Movable, not copyable; closes on destruction.
class File {
 public:
  File() = default;
  File(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  ~File();
  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // Opens `path` with open(2) flags (O_CLOEXEC is added) and mode 0644 for new files.
  static IoResult<File> open(const std::filesystem::path& path, int flags);

  int fd() const { return fd_; }
  // Gives up ownership of the descriptor, which the caller must close.
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  bool is_open() const { return fd_ >= 0; }
  const std::filesystem::path& path() const { return path_; }
  // Only records the new name; the caller renames the file on disk.
  void set_path(std::filesystem::path path) { path_ = std::move(path); }

  IoResult<uint64_t> size() const;
  // Reads up to out.size() bytes at `offset`; returns how many were read (fewer only at
  // the end of the file).
  IoResult<size_t> pread(std::span<uint8_t> out, uint64_t offset) const;
  // Writes all of `data` at `offset`, retrying short writes.
  IoResult<void> pwrite_all(std::span<const uint8_t> data, uint64_t offset) const;
  IoResult<void> truncate(uint64_t size) const;
  // fdatasync: the data and the metadata needed to read it back (the size).
  IoResult<void> datasync() const;
  IoResult<void> sync() const;
  IoResult<void> close();

 private:
  int fd_ = -1;
  std::filesystem::path path_;
};

// fsyncs a directory so that entries created, renamed or removed in it survive a crash.
IoResult<void> sync_dir(const std::filesystem::path& dir);

// Replaces `path` with `content` so that a crash leaves either the old or the new file:
// write <path>.tmp, fsync it, rename it over `path`, fsync the directory.
IoResult<void> write_file_atomically(const std::filesystem::path& path, std::string_view content);

// Reads a whole small file; refuses files larger than `max_bytes` so that a damaged or
// foreign file cannot make us allocate without bound.
IoResult<std::string> read_small_file(const std::filesystem::path& path, size_t max_bytes);

// rename(2) with error reporting.
IoResult<void> rename_file(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace gregor::log
