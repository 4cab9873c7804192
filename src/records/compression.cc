#include "gregor/records/compression.h"

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <limits>

#include "output_buffer.h"
#include "snappy_codec.h"

namespace gregor::records {
namespace {

// Kafka's default levels: gzip 6 (Deflater's default), zstd 3.
constexpr int kGzipLevel = 6;
constexpr int kZstdLevel = 3;
// zlib's gzip wrapper for deflate; +32 instead of +16 lets inflate also accept zlib.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kAutoWindowBits = 15 + 32;
// zstd decoders allocate the frame's declared window up front, so a tiny hostile frame can
// claim 128 MiB. The window is capped at the output cap, but never below 8 MiB (level 19
// uses 2^23) so that frames from real producers at high levels still decode.
constexpr int kZstdMinWindowLog = 23;
constexpr int kZstdMaxWindowLog = 27;

constexpr size_t kMaxZlibChunk = std::numeric_limits<uInt>::max();

Result<void, RecordsError> inflate_gzip(z_stream& zs, std::span<const uint8_t> input,
                                        OutputBuffer& out) {
  zs.next_in = const_cast<Bytef*>(input.data());
  size_t in_left = input.size();
  for (;;) {
    if (!out.make_room()) return unexpected(RecordsError::kDecompressedTooLarge);
    const auto in_chunk = static_cast<uInt>(std::min(in_left, kMaxZlibChunk));
    const auto out_chunk = static_cast<uInt>(std::min(out.free_size(), kMaxZlibChunk));
    zs.avail_in = in_chunk;
    zs.next_out = out.free_begin();
    zs.avail_out = out_chunk;
    const int ret = inflate(&zs, Z_NO_FLUSH);
    out.commit(out_chunk - zs.avail_out);
    in_left -= in_chunk - zs.avail_in;
    if (ret == Z_STREAM_END) {
      // Java's GZIPInputStream reads further gzip members and ignores anything else that
      // follows, so a batch it accepts is accepted here too.
      if (in_left < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b) return {};
      inflateReset(&zs);
      continue;
    }
    if (ret == Z_OK) continue;
    if (ret == Z_BUF_ERROR && zs.avail_out == 0) continue;  // Output full: grow and retry.
    return unexpected(RecordsError::kDecompressionFailed);  // Corrupt or truncated input.
  }
}

Result<void, RecordsError> decompress_lz4(LZ4F_dctx* ctx, std::span<const uint8_t> input,
                                          OutputBuffer& out) {
  LZ4F_resetDecompressionContext(ctx);
  const uint8_t* src = input.data();
  size_t src_left = input.size();
  bool frame_open = true;
  while (src_left > 0 || frame_open) {
    if (!out.make_room()) return unexpected(RecordsError::kDecompressedTooLarge);
    size_t dst_size = out.free_size();
    size_t src_size = src_left;
    const size_t hint = LZ4F_decompress(ctx, out.free_begin(), &dst_size, src, &src_size, nullptr);
    if (LZ4F_isError(hint)) return unexpected(RecordsError::kDecompressionFailed);
    out.commit(dst_size);
    src += src_size;
    src_left -= src_size;
    // A hint of 0 means the frame ended; further input would be another frame.
    frame_open = hint != 0;
    if (frame_open && src_size == 0 && dst_size == 0 && out.free_size() > 0) {
      return unexpected(RecordsError::kDecompressionFailed);  // Truncated frame.
    }
  }
  return {};
}

Result<void, RecordsError> decompress_zstd(ZSTD_DCtx* ctx, std::span<const uint8_t> input,
                                           OutputBuffer& out, size_t max_output) {
  ZSTD_DCtx_reset(ctx, ZSTD_reset_session_and_parameters);
  const int wanted_log = max_output <= 1 ? 0 : std::bit_width(max_output - 1);
  ZSTD_DCtx_setParameter(ctx, ZSTD_d_windowLogMax,
                         std::clamp(wanted_log, kZstdMinWindowLog, kZstdMaxWindowLog));
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  bool frame_open = true;
  while (in.pos < in.size || frame_open) {
    if (!out.make_room()) return unexpected(RecordsError::kDecompressedTooLarge);
    ZSTD_outBuffer dst{out.free_begin(), out.free_size(), 0};
    const size_t before = in.pos;
    const size_t ret = ZSTD_decompressStream(ctx, &dst, &in);
    if (ZSTD_isError(ret)) return unexpected(RecordsError::kDecompressionFailed);
    out.commit(dst.pos);
    frame_open = ret != 0;
    if (frame_open && in.pos == before && dst.pos < dst.size) {
      return unexpected(RecordsError::kDecompressionFailed);  // Truncated frame.
    }
  }
  return {};
}

}  // namespace

Result<Compression, RecordsError> compression_from_id(int id) {
  if (id < 0 || id > static_cast<int>(Compression::kZstd)) {
    return unexpected(RecordsError::kUnknownCompression);
  }
  return static_cast<Compression>(id);
}

struct Decompressor::State {
  std::vector<uint8_t> buffer;
  z_stream zlib{};
  bool zlib_ready = false;
  LZ4F_dctx* lz4 = nullptr;
  ZSTD_DCtx* zstd = nullptr;

  ~State() {
    if (zlib_ready) inflateEnd(&zlib);
    if (lz4 != nullptr) LZ4F_freeDecompressionContext(lz4);
    if (zstd != nullptr) ZSTD_freeDCtx(zstd);
  }
};

Decompressor::Decompressor() : state_(std::make_unique<State>()) {}
Decompressor::~Decompressor() = default;
Decompressor::Decompressor(Decompressor&&) noexcept = default;
Decompressor& Decompressor::operator=(Decompressor&&) noexcept = default;

Result<std::span<const uint8_t>, RecordsError> Decompressor::decompress(
    Compression codec, std::span<const uint8_t> input, size_t max_output) {
  if (codec == Compression::kNone) {
    if (input.size() > max_output) return unexpected(RecordsError::kDecompressedTooLarge);
    return input;
  }
  State& s = *state_;
  // One byte of headroom past the cap tells "exactly max_output" from "more than that".
  const size_t limit = max_output == SIZE_MAX ? SIZE_MAX : max_output + 1;
  OutputBuffer out(s.buffer, limit);
  Result<void, RecordsError> status;
  switch (codec) {
    case Compression::kGzip:
      if (!s.zlib_ready) {
        if (inflateInit2(&s.zlib, kAutoWindowBits) != Z_OK) {
          return unexpected(RecordsError::kDecompressionFailed);
        }
        s.zlib_ready = true;
      } else {
        inflateReset(&s.zlib);
      }
      status = inflate_gzip(s.zlib, input, out);
      break;
    case Compression::kSnappy:
      status = snappy_decode(input, out);
      break;
    case Compression::kLz4:
      if (s.lz4 == nullptr && LZ4F_isError(LZ4F_createDecompressionContext(&s.lz4, LZ4F_VERSION))) {
        s.lz4 = nullptr;
        return unexpected(RecordsError::kDecompressionFailed);
      }
      status = decompress_lz4(s.lz4, input, out);
      break;
    case Compression::kZstd:
      if (s.zstd == nullptr && (s.zstd = ZSTD_createDCtx()) == nullptr) {
        return unexpected(RecordsError::kDecompressionFailed);
      }
      status = decompress_zstd(s.zstd, input, out, max_output);
      break;
    case Compression::kNone:
      break;
  }
  if (!status) return unexpected(status.error());
  if (out.used() > max_output) return unexpected(RecordsError::kDecompressedTooLarge);
  return out.output();
}

void Decompressor::trim(size_t max_retained) {
  if (state_->buffer.capacity() > max_retained) std::vector<uint8_t>().swap(state_->buffer);
}

struct Compressor::State {
  z_stream zlib{};
  bool zlib_ready = false;
  ZSTD_CCtx* zstd = nullptr;

  ~State() {
    if (zlib_ready) deflateEnd(&zlib);
    if (zstd != nullptr) ZSTD_freeCCtx(zstd);
  }
};

Compressor::Compressor() : state_(std::make_unique<State>()) {}
Compressor::~Compressor() = default;
Compressor::Compressor(Compressor&&) noexcept = default;
Compressor& Compressor::operator=(Compressor&&) noexcept = default;

namespace {

Result<void, RecordsError> deflate_gzip(z_stream& zs, std::span<const uint8_t> input,
                                        std::vector<uint8_t>& out) {
  if (input.size() > kMaxZlibChunk) return unexpected(RecordsError::kInvalidArgument);
  const size_t start = out.size();
  const uLong bound = deflateBound(&zs, static_cast<uLong>(input.size()));
  out.resize(start + bound);
  zs.next_in = const_cast<Bytef*>(input.data());
  zs.avail_in = static_cast<uInt>(input.size());
  zs.next_out = out.data() + start;
  zs.avail_out = static_cast<uInt>(bound);
  const int ret = deflate(&zs, Z_FINISH);
  if (ret != Z_STREAM_END) {
    out.resize(start);
    return unexpected(RecordsError::kCompressionFailed);
  }
  out.resize(start + (bound - zs.avail_out));
  return {};
}

Result<void, RecordsError> compress_lz4(std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  // Independent 64 KiB blocks without content size or checksums: the frame Kafka's Java
  // client writes, which every client's reader accepts.
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;
  prefs.frameInfo.blockMode = LZ4F_blockIndependent;
  const size_t start = out.size();
  const size_t bound = LZ4F_compressFrameBound(input.size(), &prefs);
  out.resize(start + bound);
  const size_t n =
      LZ4F_compressFrame(out.data() + start, bound, input.data(), input.size(), &prefs);
  if (LZ4F_isError(n)) {
    out.resize(start);
    return unexpected(RecordsError::kCompressionFailed);
  }
  out.resize(start + n);
  return {};
}

Result<void, RecordsError> compress_zstd(ZSTD_CCtx* ctx, std::span<const uint8_t> input,
                                         std::vector<uint8_t>& out) {
  const size_t start = out.size();
  const size_t bound = ZSTD_compressBound(input.size());
  out.resize(start + bound);
  const size_t n = ZSTD_compress2(ctx, out.data() + start, bound, input.data(), input.size());
  if (ZSTD_isError(n)) {
    out.resize(start);
    return unexpected(RecordsError::kCompressionFailed);
  }
  out.resize(start + n);
  return {};
}

}  // namespace

Result<void, RecordsError> Compressor::compress(Compression codec, std::span<const uint8_t> input,
                                                std::vector<uint8_t>& out) {
  State& s = *state_;
  switch (codec) {
    case Compression::kNone:
      out.insert(out.end(), input.begin(), input.end());
      return {};
    case Compression::kGzip:
      if (!s.zlib_ready) {
        if (deflateInit2(&s.zlib, kGzipLevel, Z_DEFLATED, kGzipWindowBits, 8, Z_DEFAULT_STRATEGY) !=
            Z_OK) {
          return unexpected(RecordsError::kCompressionFailed);
        }
        s.zlib_ready = true;
      } else {
        deflateReset(&s.zlib);
      }
      return deflate_gzip(s.zlib, input, out);
    case Compression::kSnappy:
      snappy_encode_xerial(input, out);
      return {};
    case Compression::kLz4:
      return compress_lz4(input, out);
    case Compression::kZstd:
      if (s.zstd == nullptr) {
        if ((s.zstd = ZSTD_createCCtx()) == nullptr) {
          return unexpected(RecordsError::kCompressionFailed);
        }
        ZSTD_CCtx_setParameter(s.zstd, ZSTD_c_compressionLevel, kZstdLevel);
      }
      return compress_zstd(s.zstd, input, out);
  }
  return unexpected(RecordsError::kInvalidArgument);
}

}  // namespace gregor::records
