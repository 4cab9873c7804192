// Kafka's record compression codecs, run through the system libraries, with reusable state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/records/records_error.h"

namespace gregor::records {

// The codec ids of the batch attributes (the low 3 bits). 5..7 are undefined.
enum class Compression : uint8_t {
  kNone = 0,
  kGzip = 1,
  kSnappy = 2,
  kLz4 = 3,
  kZstd = 4,
};

// Maps the 3-bit attribute value to a codec; kUnknownCompression for 5..7.
Result<Compression, RecordsError> compression_from_id(int id);

// Decompresses payloads into one internal buffer that is reused from call to call, and keeps
// the codec contexts alive between calls, so a steady stream of batches allocates nothing
// once the buffer has grown to the largest batch seen. Not thread-safe: one per thread or
// connection.
class Decompressor {
 public:
  Decompressor();
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
  Decompressor(Decompressor&&) noexcept;
  Decompressor& operator=(Decompressor&&) noexcept;

  // Decompresses `input` written with `codec`. The result stays valid until the next call
  // on this object. Output larger than `max_output` bytes fails with kDecompressedTooLarge
  // before more than about max_output bytes are allocated, which defeats decompression
  // bombs. Snappy input may be raw snappy or the xerial framing of the Java client; gzip
  // input may hold several concatenated members; zstd and lz4 frames need no content size.
  // kNone returns `input` itself.
  Result<std::span<const uint8_t>, RecordsError> decompress(Compression codec,
                                                            std::span<const uint8_t> input,
                                                            size_t max_output);

  // Frees the output buffer if it has grown past `max_retained` bytes, so that one huge
  // batch does not pin its memory for the life of a connection. Invalidates the last result.
  void trim(size_t max_retained);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Compresses payloads the way Kafka's Java producer does, so that every client can read
// the output: gzip members, snappy in xerial framing, lz4 frames with independent 64 KiB
// blocks, zstd frames. Keeps codec contexts between calls.
class Compressor {
 public:
  Compressor();
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;
  Compressor(Compressor&&) noexcept;
  Compressor& operator=(Compressor&&) noexcept;

  // Appends the compressed form of `input` to `out`. kNone appends `input` unchanged.
  Result<void, RecordsError> compress(Compression codec, std::span<const uint8_t> input,
                                      std::vector<uint8_t>& out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace gregor::records
