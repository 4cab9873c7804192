// Splits a connection's byte stream into Kafka frames: a 4-byte big-endian size, then that many
// bytes. Pure logic without sockets, so it is tested byte by byte.
//
// Small frames are read into a scratch buffer and copied out; once a large frame's header has
// been seen, reads land directly in the frame's own storage, so big produce requests are not
// copied twice.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "gregor/common/result.h"
#include "gregor/net/frame.h"

namespace gregor::net {

// Why a frame was refused. Sizes are checked before anything is allocated for them.
struct FrameError {
  enum class Kind { kNegativeSize, kOversized, kOutOfMemory };
  Kind kind = Kind::kOversized;
  int32_t size = 0;        // As received.
  int32_t limit = 0;       // socket.request.max.bytes.
  uint8_t prefix[4] = {};  // The raw size bytes, to recognise HTTP or TLS clients in the log.
};

class FrameReader {
 public:
  static constexpr size_t kScratchBytes = size_t{64} << 10;
  // A frame with at least this much still to come is read straight into its own buffer.
  static constexpr size_t kDirectReadMinBytes = size_t{16} << 10;

  explicit FrameReader(int32_t max_frame_bytes);

  // Where the next socket read should land. Empty only if the scratch buffer is full, which
  // can't happen while the caller drains next() before reading again.
  std::span<uint8_t> read_buffer();

  // Records that `n` bytes (possibly 0) landed in the span last returned by read_buffer().
  void commit(size_t n);

  // The next complete frame, nothing if more bytes are needed, or an error for a size that
  // must not (or could not) be allocated. After an error the stream is unusable and the
  // caller closes it.
  Result<std::optional<Frame>, FrameError> next();

  // True if some bytes of an unfinished frame are buffered (to tell a truncated frame from a
  // clean close).
  bool mid_frame() const { return in_payload_ || begin_ != end_; }
  // Bytes of the current unfinished frame received so far, and its declared size.
  size_t partial_bytes() const;
  size_t partial_target() const { return in_payload_ ? payload_.size() : 4; }

 private:
  void compact();

  int32_t max_frame_bytes_;
  std::unique_ptr<uint8_t[]> scratch_;
  size_t begin_ = 0;  // Unconsumed scratch bytes are [begin_, end_).
  size_t end_ = 0;
  bool in_payload_ = false;  // A header was read; payload_ is being filled.
  Frame payload_;
  size_t payload_filled_ = 0;
  bool direct_read_ = false;  // The last read_buffer() pointed into payload_.
};

}  // namespace gregor::net
