#include "file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace gregor::log {

IoError make_io_error(std::string_view call, const std::filesystem::path& path, int err) {
  std::string message(call);
  message += ' ';
  message += path.string();
  message += ": ";
  message += err == 0 ? "unexpected end of file" : std::strerror(err);
  return IoError{err, std::move(message)};
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

File::File(File&& other) noexcept : fd_(other.fd_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

File& File::operator=(File&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

IoResult<File> File::open(const std::filesystem::path& path, int flags) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return unexpected(make_io_error("open", path, errno));
  return File(fd, path);
}

IoResult<uint64_t> File::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0) return unexpected(make_io_error("fstat", path_, errno));
  return static_cast<uint64_t>(st.st_size);
}

IoResult<size_t> File::pread(std::span<uint8_t> out, uint64_t offset) const {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n =
        ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return unexpected(make_io_error("pread", path_, errno));
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

IoResult<void> File::pwrite_all(std::span<const uint8_t> data, uint64_t offset) const {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n =
        ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return unexpected(make_io_error("pwrite", path_, errno));
    }
    done += static_cast<size_t>(n);
  }
  return {};
}

IoResult<void> File::truncate(uint64_t size) const {
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
    return unexpected(make_io_error("ftruncate", path_, errno));
  }
  return {};
}

IoResult<void> File::datasync() const {
  if (::fdatasync(fd_) != 0) return unexpected(make_io_error("fdatasync", path_, errno));
  return {};
}

IoResult<void> File::sync() const {
  if (::fsync(fd_) != 0) return unexpected(make_io_error("fsync", path_, errno));
  return {};
}

IoResult<void> File::close() {
  if (fd_ < 0) return {};
  int fd = fd_;
  fd_ = -1;
  // close(2) must not be retried on EINTR on Linux: the descriptor is gone either way.
  if (::close(fd) != 0 && errno != EINTR) return unexpected(make_io_error("close", path_, errno));
  return {};
}

IoResult<void> sync_dir(const std::filesystem::path& dir) {
  auto file = File::open(dir, O_RDONLY | O_DIRECTORY);
  if (!file) return unexpected(file.error());
  return file->sync();
}

IoResult<void> write_file_atomically(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  auto file = File::open(tmp, O_WRONLY | O_CREAT | O_TRUNC);
  if (!file) return unexpected(file.error());
  auto bytes =
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(content.data()), content.size());
  if (auto r = file->pwrite_all(bytes, 0); !r) return r;
  if (auto r = file->sync(); !r) return r;
  if (auto r = file->close(); !r) return r;
  if (auto r = rename_file(tmp, path); !r) return r;
  return sync_dir(path.parent_path());
}

IoResult<std::string> read_small_file(const std::filesystem::path& path, size_t max_bytes) {
  auto file = File::open(path, O_RDONLY);
  if (!file) return unexpected(file.error());
  auto size = file->size();
  if (!size) return unexpected(size.error());
  if (*size > max_bytes) return unexpected(make_io_error("read (file too large)", path, EFBIG));
  std::string content(static_cast<size_t>(*size), '\0');
  auto n = file->pread(
      std::span<uint8_t>(reinterpret_cast<uint8_t*>(content.data()), content.size()), 0);
  if (!n) return unexpected(n.error());
  content.resize(*n);
  return content;
}

IoResult<void> rename_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    return unexpected(make_io_error("rename", from, errno));
  }
  return {};
}

}  // namespace gregor::log
