#include "gregor/net/frame.h"

#include <cstring>

namespace gregor::net {

std::optional<Frame> Frame::allocate(size_t size) {
  Frame frame;
  // Plain new[] of a trivial type leaves the bytes uninitialised; nothrow turns exhaustion
  // into a value.
  frame.data_.reset(new (std::nothrow) uint8_t[size == 0 ? 1 : size]);
  if (!frame.data_) return std::nullopt;
  frame.size_ = size;
  return frame;
}

Frame Frame::copy_of(std::span<const uint8_t> bytes) {
  Frame frame;
  frame.data_ = std::make_unique_for_overwrite<uint8_t[]>(bytes.size());
  frame.size_ = bytes.size();
  if (!bytes.empty()) std::memcpy(frame.data(), bytes.data(), bytes.size());
  return frame;
}

void Response::append(std::vector<uint8_t> bytes) {
  if (bytes.empty()) return;
  size_ += bytes.size();
  chunks_.emplace_back(std::move(bytes));
}

void Response::append(FileRange range) {
  if (range.length == 0) return;
  size_ += range.length;
  chunks_.emplace_back(std::move(range));
}

std::vector<Response::Chunk> Response::take_chunks() && {
  size_ = 0;
  return std::move(chunks_);
}

}  // namespace gregor::net
