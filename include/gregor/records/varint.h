// Zigzag varints as used inside v2 records (protobuf style: 7 bits per byte, low first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace gregor::records {

inline constexpr size_t kMaxVarintBytes = 5;
inline constexpr size_t kMaxVarlongBytes = 10;

namespace detail {

// Reads a zigzag varint of at most kMaxBytes bytes into the unsigned type U, then undoes
// the zigzag. Bits past U's width in the last byte are dropped, as Kafka's reader does.
template <class U, size_t kMaxBytes>
std::optional<U> read_zigzag(std::span<const uint8_t> data, size_t* pos) {
  U raw = 0;
  for (size_t i = 0; i < kMaxBytes; ++i) {
    if (*pos >= data.size()) return std::nullopt;
    const uint8_t b = data[(*pos)++];
    raw |= static_cast<U>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) return static_cast<U>((raw >> 1) ^ (~(raw & 1) + 1));
  }
  return std::nullopt;
}

}  // namespace detail

// Reads a zigzag varint (at most 5 bytes) at data[*pos] and advances *pos. std::nullopt if
// the bytes end first or the encoding is longer than 5 bytes.
inline std::optional<int32_t> read_varint(std::span<const uint8_t> data, size_t* pos) {
  auto raw = detail::read_zigzag<uint32_t, kMaxVarintBytes>(data, pos);
  if (!raw) return std::nullopt;
  return static_cast<int32_t>(*raw);
}

// Reads a zigzag varlong (at most 10 bytes); otherwise as read_varint().
inline std::optional<int64_t> read_varlong(std::span<const uint8_t> data, size_t* pos) {
  auto raw = detail::read_zigzag<uint64_t, kMaxVarlongBytes>(data, pos);
  if (!raw) return std::nullopt;
  return static_cast<int64_t>(*raw);
}

// Appends the zigzag varlong encoding of `value` to `out`. Values that fit an int32 encode
// exactly as a varint would.
inline void write_varlong(std::vector<uint8_t>& out, int64_t value) {
  uint64_t raw = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  while (raw >= 0x80) {
    out.push_back(static_cast<uint8_t>(raw | 0x80));
    raw >>= 7;
  }
  out.push_back(static_cast<uint8_t>(raw));
}

inline void write_varint(std::vector<uint8_t>& out, int32_t value) {
  write_varlong(out, value);
}

// The number of bytes write_varlong() produces for `value`.
inline size_t varlong_size(int64_t value) {
  uint64_t raw = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  size_t n = 1;
  while (raw >= 0x80) {
    raw >>= 7;
    ++n;
  }
  return n;
}

}  // namespace gregor::records
