#include "snappy_codec.h"

#include <snappy.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "gregor/records/byte_order.h"

namespace gregor::records {
namespace {

constexpr std::array<uint8_t, 8> kXerialMagic = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0x00};
constexpr size_t kXerialHeaderSize = 16;
constexpr int32_t kXerialVersion = 1;
// snappy-java's default block size for SnappyOutputStream.
constexpr size_t kXerialBlockSize = size_t{32} << 10;

bool has_xerial_magic(std::span<const uint8_t> input) {
  return input.size() >= kXerialHeaderSize &&
         std::equal(kXerialMagic.begin(), kXerialMagic.end(), input.begin());
}

// Decodes one raw snappy block, checking its declared length against the output cap
// before any memory is reserved for it.
Result<void, RecordsError> decode_block(std::span<const uint8_t> block, OutputBuffer& out) {
  const auto* src = reinterpret_cast<const char*>(block.data());
  size_t length = 0;
  if (!snappy::GetUncompressedLength(src, block.size(), &length)) {
    return unexpected(RecordsError::kDecompressionFailed);
  }
  if (!out.reserve_exact(length)) return unexpected(RecordsError::kDecompressedTooLarge);
  if (!snappy::RawUncompress(src, block.size(), reinterpret_cast<char*>(out.free_begin()))) {
    return unexpected(RecordsError::kDecompressionFailed);
  }
  out.commit(length);
  return {};
}

}  // namespace

Result<void, RecordsError> snappy_decode(std::span<const uint8_t> input, OutputBuffer& out) {
  if (!has_xerial_magic(input)) return decode_block(input, out);
  size_t pos = kXerialHeaderSize;
  while (pos < input.size()) {
    // snappy-java reads concatenated streams, each with its own header; so do we.
    if (has_xerial_magic(input.subspan(pos))) {
      pos += kXerialHeaderSize;
      continue;
    }
    if (input.size() - pos < 4) return unexpected(RecordsError::kDecompressionFailed);
    const auto block_length = static_cast<int32_t>(load_be32(input.data() + pos));
    pos += 4;
    // A negative or overlong block length is how CVE-2023-34455 style inputs look.
    if (block_length < 0 || static_cast<size_t>(block_length) > input.size() - pos) {
      return unexpected(RecordsError::kDecompressionFailed);
    }
    auto block = decode_block(input.subspan(pos, static_cast<size_t>(block_length)), out);
    if (!block) return block;
    pos += static_cast<size_t>(block_length);
  }
  return {};
}

void snappy_encode_xerial(std::span<const uint8_t> input, std::vector<uint8_t>& out) {
  size_t pos = out.size();
  out.resize(pos + kXerialHeaderSize);
  std::memcpy(out.data() + pos, kXerialMagic.data(), kXerialMagic.size());
  store_be32(out.data() + pos + 8, kXerialVersion);
  store_be32(out.data() + pos + 12, kXerialVersion);
  for (size_t offset = 0; offset < input.size(); offset += kXerialBlockSize) {
    const size_t n = std::min(kXerialBlockSize, input.size() - offset);
    pos = out.size();
    out.resize(pos + 4 + snappy::MaxCompressedLength(n));
    size_t written = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(input.data() + offset), n,
                        reinterpret_cast<char*>(out.data() + pos + 4), &written);
    store_be32(out.data() + pos, static_cast<uint32_t>(written));
    out.resize(pos + 4 + written);
  }
}

}  // namespace gregor::records
