#include "gregor/records/compression.h"

#include <gtest/gtest.h>
#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <random>
#include <string>

namespace gregor::records {
namespace {

constexpr Compression kCodecs[] = {Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                                   Compression::kZstd};

std::vector<uint8_t> text(size_t n, uint32_t seed = 1) {
  // Compressible but not trivial: words drawn from a small vocabulary.
  static constexpr const char* kWords[] = {"kafka ",  "record ", "batch ",
                                           "offset ", "gregor ", "log "};
  std::mt19937 rng(seed);
  std::vector<uint8_t> out;
  while (out.size() < n) {
    const char* w = kWords[rng() % 6];
    out.insert(out.end(), w, w + std::char_traits<char>::length(w));
  }
  out.resize(n);
  return out;
}

std::vector<uint8_t> compress(Compression codec, std::span<const uint8_t> in) {
  Compressor c;
  std::vector<uint8_t> out;
  EXPECT_TRUE(c.compress(codec, in, out).ok());
  return out;
}

RecordsError decompress_error(Compression codec, std::span<const uint8_t> in,
                              size_t cap = 1 << 20) {
  Decompressor d;
  auto r = d.decompress(codec, in, cap);
  EXPECT_FALSE(r.ok());
  return r.ok() ? RecordsError::kInvalidArgument : r.error();
}

std::vector<uint8_t> concat(std::vector<uint8_t> a, const std::vector<uint8_t>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Compression, FromId) {
  EXPECT_EQ(compression_from_id(0).value(), Compression::kNone);
  EXPECT_EQ(compression_from_id(4).value(), Compression::kZstd);
  for (int id : {5, 6, 7, -1}) {
    EXPECT_EQ(compression_from_id(id).error(), RecordsError::kUnknownCompression);
  }
}

TEST(Compression, RoundTripsEveryCodecAndSize) {
  Decompressor d;  // One decompressor for everything: its state must reset between calls.
  for (size_t size : {size_t{0}, size_t{1}, size_t{5000}, size_t{70000}, size_t{1} << 20}) {
    const auto input = text(size, static_cast<uint32_t>(size));
    for (Compression codec : kCodecs) {
      const auto packed = compress(codec, input);
      auto out = d.decompress(codec, packed, input.size());
      ASSERT_TRUE(out.ok()) << static_cast<int>(codec) << " " << size;
      EXPECT_TRUE(std::equal(out->begin(), out->end(), input.begin(), input.end()));
    }
  }
}

TEST(Compression, TrimKeepsTheDecompressorUsable) {
  const auto input = text(200000);
  const auto packed = compress(Compression::kZstd, input);
  Decompressor d;
  ASSERT_TRUE(d.decompress(Compression::kZstd, packed, input.size()).ok());
  d.trim(1024);
  auto again = d.decompress(Compression::kZstd, packed, input.size());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), input.size());
}

TEST(Compression, NoneIsIdentityWithCap) {
  const auto input = text(100);
  Decompressor d;
  auto out = d.decompress(Compression::kNone, input, 100);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->data(), input.data());
  EXPECT_EQ(d.decompress(Compression::kNone, input, 99).error(),
            RecordsError::kDecompressedTooLarge);
}

TEST(Compression, WritesTheFramingJavaClientsRead) {
  const auto input = text(100000);
  const auto gz = compress(Compression::kGzip, input);
  EXPECT_EQ(gz[0], 0x1f);
  EXPECT_EQ(gz[1], 0x8b);
  const auto sn = compress(Compression::kSnappy, input);
  EXPECT_EQ(std::string(sn.begin(), sn.begin() + 8), std::string("\x82SNAPPY\0", 8));
  const auto lz = compress(Compression::kLz4, input);
  EXPECT_EQ(std::vector<uint8_t>(lz.begin(), lz.begin() + 6),
            (std::vector<uint8_t>{0x04, 0x22, 0x4d, 0x18, 0x60, 0x40}));  // Indep. 64 KiB.
  const auto zs = compress(Compression::kZstd, input);
  EXPECT_EQ(ZSTD_getFrameContentSize(zs.data(), zs.size()), input.size());
}

// A small input that expands to 8 MiB must stop at the cap, for every codec.
TEST(Compression, CapStopsDecompressionBombs) {
  const std::vector<uint8_t> zeros(8 << 20, 0);
  for (Compression codec : kCodecs) {
    const auto packed = compress(codec, zeros);
    ASSERT_LT(packed.size(), zeros.size() / 20);
    Decompressor d;
    EXPECT_EQ(d.decompress(codec, packed, 1 << 20).error(), RecordsError::kDecompressedTooLarge);
    EXPECT_EQ(d.decompress(codec, packed, zeros.size() - 1).error(),
              RecordsError::kDecompressedTooLarge);
    EXPECT_TRUE(d.decompress(codec, packed, zeros.size()).ok());
  }
}

TEST(Compression, RejectsGarbageAndTruncation) {
  const auto input = text(50000);
  std::vector<uint8_t> garbage(200);
  std::mt19937 rng(7);
  for (auto& b : garbage)
    b = static_cast<uint8_t>(rng());
  for (Compression codec : kCodecs) {
    const auto packed = compress(codec, input);
    const std::vector<uint8_t> truncated(packed.begin(), packed.begin() + packed.size() / 2);
    EXPECT_EQ(decompress_error(codec, truncated), RecordsError::kDecompressionFailed)
        << static_cast<int>(codec);
    EXPECT_EQ(decompress_error(codec, garbage), RecordsError::kDecompressionFailed)
        << static_cast<int>(codec);
  }
  for (Compression codec : {Compression::kGzip, Compression::kLz4, Compression::kZstd}) {
    EXPECT_EQ(decompress_error(codec, {}), RecordsError::kDecompressionFailed);
  }
}

TEST(Snappy, AcceptsRawSnappyAsLibrdkafkaSends) {
  const auto input = text(100000);
  std::string raw;
  snappy::Compress(reinterpret_cast<const char*>(input.data()), input.size(), &raw);
  Decompressor d;
  auto out = d.decompress(Compression::kSnappy,
                          std::span(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()),
                          input.size());
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(std::equal(out->begin(), out->end(), input.begin(), input.end()));
}

TEST(Snappy, ChecksXerialBlockLengths) {
  const auto input = text(10000);
  const auto packed = compress(Compression::kSnappy, input);
  auto with_length = [&](uint32_t length) {
    auto bad = packed;
    bad[16] = static_cast<uint8_t>(length >> 24);
    bad[17] = static_cast<uint8_t>(length >> 16);
    bad[18] = static_cast<uint8_t>(length >> 8);
    bad[19] = static_cast<uint8_t>(length);
    return bad;
  };
  EXPECT_EQ(decompress_error(Compression::kSnappy, with_length(0x80000000u)),
            RecordsError::kDecompressionFailed);
  EXPECT_EQ(decompress_error(Compression::kSnappy, with_length(0x7fffffffu)),
            RecordsError::kDecompressionFailed);
  const std::vector<uint8_t> header_and_partial_length(packed.begin(), packed.begin() + 18);
  EXPECT_EQ(decompress_error(Compression::kSnappy, header_and_partial_length),
            RecordsError::kDecompressionFailed);
  // Just the header is an empty stream.
  Decompressor d;
  const std::vector<uint8_t> header_only(packed.begin(), packed.begin() + 16);
  EXPECT_TRUE(d.decompress(Compression::kSnappy, header_only, 10)->empty());
}

TEST(Snappy, ChecksDeclaredLengthAgainstTheCapFirst) {
  // A raw block that claims 4 GiB of output in its length varint.
  const std::vector<uint8_t> claim = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x00};
  EXPECT_EQ(decompress_error(Compression::kSnappy, claim), RecordsError::kDecompressedTooLarge);
}

TEST(Snappy, ReadsConcatenatedXerialStreams) {
  const auto a = text(40000, 1), b = text(3000, 2);
  Decompressor d;
  auto out = d.decompress(
      Compression::kSnappy,
      concat(compress(Compression::kSnappy, a), compress(Compression::kSnappy, b)), 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(std::vector<uint8_t>(out->begin(), out->end()), concat(a, b));
}

TEST(Gzip, ReadsConcatenatedMembersAndIgnoresTrailingBytes) {
  const auto a = text(1000, 1), b = text(2000, 2);
  const auto joined = concat(compress(Compression::kGzip, a), compress(Compression::kGzip, b));
  Decompressor d;
  auto out = d.decompress(Compression::kGzip, joined, 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(std::vector<uint8_t>(out->begin(), out->end()), concat(a, b));
  auto trailing =
      d.decompress(Compression::kGzip, concat(compress(Compression::kGzip, a), {0, 0, 0}), 1 << 20);
  ASSERT_TRUE(trailing.ok());
  EXPECT_EQ(trailing->size(), a.size());
}

TEST(Lz4, ReadsConcatenatedFrames) {
  const auto a = text(100000, 1), b = text(10, 2);
  Decompressor d;
  auto out =
      d.decompress(Compression::kLz4,
                   concat(compress(Compression::kLz4, a), compress(Compression::kLz4, b)), 1 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(std::vector<uint8_t>(out->begin(), out->end()), concat(a, b));
}

// Streams zstd without a content size in the frame header, with the given window.
std::vector<uint8_t> zstd_stream(std::span<const uint8_t> input, int window_log) {
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_contentSizeFlag, 0);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_windowLog, window_log);
  std::vector<uint8_t> out(ZSTD_compressBound(input.size()) + 64);
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  ZSTD_outBuffer dst{out.data(), out.size(), 0};
  ZSTD_compressStream2(ctx, &dst, &in, ZSTD_e_continue);
  while (ZSTD_compressStream2(ctx, &dst, &in, ZSTD_e_end) != 0) {
  }
  ZSTD_freeCCtx(ctx);
  out.resize(dst.pos);
  return out;
}

TEST(Zstd, DecodesFramesWithoutContentSize) {
  const auto input = text(300000);
  const auto packed = zstd_stream(input, 20);
  ASSERT_EQ(ZSTD_getFrameContentSize(packed.data(), packed.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  Decompressor d;
  auto out = d.decompress(Compression::kZstd, packed, input.size());
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(std::equal(out->begin(), out->end(), input.begin(), input.end()));
}

// A frame that declares a window far above the output cap would make the decoder
// allocate that window up front; it is refused instead.
TEST(Zstd, RefusesWindowsFarAboveTheCap) {
  const auto input = text(1000);
  const auto packed = zstd_stream(input, 26);
  EXPECT_EQ(decompress_error(Compression::kZstd, packed, 1 << 20),
            RecordsError::kDecompressionFailed);
  Decompressor d;
  EXPECT_TRUE(d.decompress(Compression::kZstd, packed, 64 << 20).ok());
}

}  // namespace
}  // namespace gregor::records
