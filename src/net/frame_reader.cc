#include "frame_reader.h"

#include <algorithm>
#include <cstring>

namespace gregor::net {

FrameReader::FrameReader(int32_t max_frame_bytes)
    : max_frame_bytes_(max_frame_bytes),
      scratch_(std::make_unique_for_overwrite<uint8_t[]>(kScratchBytes)) {}

std::span<uint8_t> FrameReader::read_buffer() {
  const size_t remaining = in_payload_ ? payload_.size() - payload_filled_ : 0;
  direct_read_ = begin_ == end_ && remaining >= kDirectReadMinBytes;
  if (direct_read_) return {payload_.data() + payload_filled_, remaining};
  // The caller drains next() before reading again, so at most a partial header is buffered
  // here and moving it to the front is cheap.
  if (begin_ > 0) compact();
  return {scratch_.get() + end_, kScratchBytes - end_};
}

void FrameReader::commit(size_t n) {
  if (direct_read_) {
    payload_filled_ += n;
  } else {
    end_ += n;
  }
  direct_read_ = false;
}

Result<std::optional<Frame>, FrameError> FrameReader::next() {
  if (!in_payload_) {
    if (end_ - begin_ < 4) return std::optional<Frame>{};
    const uint8_t* p = scratch_.get() + begin_;
    const int32_t size = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                                              (uint32_t{p[2]} << 8) | uint32_t{p[3]});
    // The size is checked before anything is allocated: it comes from the network.
    FrameError error{FrameError::Kind::kOversized, size, max_frame_bytes_, {}};
    std::memcpy(error.prefix, p, 4);
    if (size < 0) error.kind = FrameError::Kind::kNegativeSize;
    if (size < 0 || size > max_frame_bytes_) return unexpected(error);
    std::optional<Frame> payload = Frame::allocate(static_cast<size_t>(size));
    if (!payload) {
      error.kind = FrameError::Kind::kOutOfMemory;
      return unexpected(error);
    }
    begin_ += 4;
    payload_ = std::move(*payload);
    payload_filled_ = 0;
    in_payload_ = true;
  }
  const size_t wanted = payload_.size() - payload_filled_;
  const size_t take = std::min(wanted, end_ - begin_);
  if (take > 0) {
    std::memcpy(payload_.data() + payload_filled_, scratch_.get() + begin_, take);
    payload_filled_ += take;
    begin_ += take;
  }
  if (begin_ == end_) begin_ = end_ = 0;
  if (payload_filled_ < payload_.size()) return std::optional<Frame>{};
  in_payload_ = false;
  payload_filled_ = 0;
  return std::optional<Frame>{std::move(payload_)};
}

size_t FrameReader::partial_bytes() const {
  return in_payload_ ? payload_filled_ + (end_ - begin_) : end_ - begin_;
}

void FrameReader::compact() {
  const size_t buffered = end_ - begin_;
  if (begin_ > 0 && buffered > 0) std::memmove(scratch_.get(), scratch_.get() + begin_, buffered);
  begin_ = 0;
  end_ = buffered;
}

}  // namespace gregor::net
