// CRC-32C in two implementations: SSE4.2's crc32 instruction (three independent lanes so
// the instruction's 3-cycle latency overlaps) and a portable slice-by-8 table. The choice
// is made once, by cpuid, so no global -msse4.2 flag is needed.
//
// Both work on the raw CRC register; the public functions apply Castagnoli's pre- and
// post-inversion around them. Register values use the reflected bit order, where the
// coefficient of x^0 is the most significant bit.
#include "gregor/records/crc32c.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace gregor::records {
namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // Castagnoli, reflected.

using Table = std::array<std::array<uint32_t, 256>, 8>;

// tables[0] advances the register by one byte; tables[k] by one byte followed by k zero
// bytes, which lets slice-by-8 fold eight input bytes with eight independent lookups.
constexpr Table make_slice_tables() {
  Table t{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int bit = 0; bit < 8; ++bit)
      c = (c & 1) ? (c >> 1) ^ kPolynomial : c >> 1;
    t[0][n] = c;
  }
  for (int k = 1; k < 8; ++k) {
    for (uint32_t n = 0; n < 256; ++n)
      t[k][n] = (t[k - 1][n] >> 8) ^ t[0][t[k - 1][n] & 0xff];
  }
  return t;
}

constexpr Table kSlice = make_slice_tables();

uint64_t load_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | p[i];
  return v;
}

uint32_t update_portable(uint32_t reg, const uint8_t* p, size_t n) {
  while (n >= 8) {
    const uint64_t word = load_le64(p) ^ reg;
    const auto lo = static_cast<uint32_t>(word);
    const auto hi = static_cast<uint32_t>(word >> 32);
    reg = kSlice[7][lo & 0xff] ^ kSlice[6][(lo >> 8) & 0xff] ^ kSlice[5][(lo >> 16) & 0xff] ^
          kSlice[4][lo >> 24] ^ kSlice[3][hi & 0xff] ^ kSlice[2][(hi >> 8) & 0xff] ^
          kSlice[1][(hi >> 16) & 0xff] ^ kSlice[0][hi >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0)
    reg = (reg >> 8) ^ kSlice[0][(reg ^ *p++) & 0xff];
  return reg;
}

#if defined(__x86_64__)

// Bytes per lane in the three-lane loop. Long enough that combining the lanes (eight table
// lookups) costs little next to the 3 * 512 bytes processed.
constexpr size_t kLaneBytes = 512;

// Multiplies two polynomials modulo the CRC polynomial, in reflected order.
constexpr uint32_t multiply_mod_p(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t m = 1u << 31; m != 0; m >>= 1) {
    if (a & m) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// Advancing a register over n zero bytes multiplies it by x^(8n) mod P, a linear map that
// four 256-entry tables (one per register byte) evaluate with four lookups.
using ShiftTable = std::array<std::array<uint32_t, 256>, 4>;

constexpr ShiftTable make_shift_table(size_t zero_bytes) {
  uint32_t x_pow = 1u << 31;  // The polynomial 1.
  for (size_t i = 0; i < zero_bytes; ++i)
    x_pow = (x_pow >> 8) ^ kSlice[0][x_pow & 0xff];
  ShiftTable t{};
  for (int k = 0; k < 4; ++k) {
    for (uint32_t n = 0; n < 256; ++n)
      t[k][n] = multiply_mod_p(n << (8 * k), x_pow);
  }
  return t;
}

constexpr ShiftTable kLaneShift = make_shift_table(kLaneBytes);

uint32_t shift_lane(const ShiftTable& t, uint32_t reg) {
  return t[0][reg & 0xff] ^ t[1][(reg >> 8) & 0xff] ^ t[2][(reg >> 16) & 0xff] ^ t[3][reg >> 24];
}

__attribute__((target("sse4.2"))) uint32_t update_sse42(uint32_t reg, const uint8_t* p, size_t n) {
  uint64_t c0 = reg;
  if (n >= 3 * kLaneBytes) {
    while (n >= 3 * kLaneBytes) {
      uint64_t c1 = 0;
      uint64_t c2 = 0;
      for (size_t i = 0; i < kLaneBytes; i += 8) {
        uint64_t w0, w1, w2;
        std::memcpy(&w0, p + i, 8);
        std::memcpy(&w1, p + kLaneBytes + i, 8);
        std::memcpy(&w2, p + 2 * kLaneBytes + i, 8);
        c0 = _mm_crc32_u64(c0, w0);
        c1 = _mm_crc32_u64(c1, w1);
        c2 = _mm_crc32_u64(c2, w2);
      }
      // reg(r, A||B) = shift(reg(r, A), |B|) ^ reg(0, B), applied twice.
      uint32_t joined =
          shift_lane(kLaneShift, static_cast<uint32_t>(c0)) ^ static_cast<uint32_t>(c1);
      joined = shift_lane(kLaneShift, joined) ^ static_cast<uint32_t>(c2);
      c0 = joined;
      p += 3 * kLaneBytes;
      n -= 3 * kLaneBytes;
    }
  }
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    c0 = _mm_crc32_u64(c0, w);
    p += 8;
    n -= 8;
  }
  auto c = static_cast<uint32_t>(c0);
  while (n-- > 0)
    c = _mm_crc32_u8(c, *p++);
  return c;
}

bool detect_sse42() {
  // Initialising the CPU model first makes the check safe even from static constructors.
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}

#else

bool detect_sse42() {
  return false;
}

uint32_t update_sse42(uint32_t reg, const uint8_t* p, size_t n) {
  return update_portable(reg, p, n);
}

#endif

// A function-local static rather than a namespace-scope one, so that callers running in
// other files' static constructors never see an uninitialised choice.
bool have_sse42() {
  static const bool have = detect_sse42();
  return have;
}

}  // namespace

uint32_t crc32c(uint32_t crc, std::span<const uint8_t> data) {
  const uint32_t reg = ~crc;
  return have_sse42() ? ~update_sse42(reg, data.data(), data.size())
                      : ~update_portable(reg, data.data(), data.size());
}

uint32_t crc32c_portable(uint32_t crc, std::span<const uint8_t> data) {
  return ~update_portable(~crc, data.data(), data.size());
}

bool crc32c_is_hardware_accelerated() {
  return have_sse42();
}

}  // namespace gregor::records
