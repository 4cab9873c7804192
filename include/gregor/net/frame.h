// What travels through the connection layer: request frames in (the payload after Kafka's
// 4-byte size prefix) and responses out (a list of chunks, some of which may be file ranges
// sent with sendfile so that fetched log data is never copied into user space).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <span>
#include <utility>
#include <variant>
#include <vector>

namespace gregor::net {

// The payload of one request frame, without its size prefix. Move-only; the bytes are owned.
class Frame {
 public:
  Frame() = default;
  Frame(Frame&& other) noexcept
      : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}
  Frame& operator=(Frame&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }

  // A frame of `size` bytes whose contents are left uninitialised for the reader to fill (a
  // large produce request is not zeroed only to be overwritten), or nothing if memory is
  // short: the size comes from the network, so running out must not throw on the data path.
  static std::optional<Frame> allocate(size_t size);
  static Frame copy_of(std::span<const uint8_t> bytes);

  size_t size() const { return size_; }
  const uint8_t* data() const { return data_.get(); }
  uint8_t* data() { return data_.get(); }
  std::span<const uint8_t> bytes() const { return {data_.get(), size_}; }

 private:
  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
};

// A byte range of an open file, sent with sendfile. `keep_alive` is held until the last byte
// of the range has been sent (or the connection has closed), so whoever owns the descriptor
// (e.g. a log segment) can't close it under the writer.
struct FileRange {
  int fd = -1;
  int64_t offset = 0;
  size_t length = 0;
  std::shared_ptr<const void> keep_alive;
};

// One response body: the connection layer adds the 4-byte size prefix itself. Chunks are sent
// in the order they were appended.
class Response {
 public:
  using Chunk = std::variant<std::vector<uint8_t>, FileRange>;

  Response() = default;
  explicit Response(std::vector<uint8_t> bytes) { append(std::move(bytes)); }

  // Appends owned bytes; an empty vector is ignored.
  void append(std::vector<uint8_t> bytes);
  // Appends a file range; an empty range is ignored.
  void append(FileRange range);

  // The total number of bytes in all chunks, without the size prefix.
  size_t size() const { return size_; }
  const std::vector<Chunk>& chunks() const { return chunks_; }
  std::vector<Chunk> take_chunks() &&;

 private:
  std::vector<Chunk> chunks_;
  size_t size_ = 0;
};

}  // namespace gregor::net
