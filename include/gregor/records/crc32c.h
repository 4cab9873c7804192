// CRC-32C (Castagnoli), the checksum of v2 record batches.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace gregor::records {

// Extends a running CRC-32C with `data`. Start from 0; feeding a buffer in pieces gives the
// same result as feeding it at once. Uses the SSE4.2 crc32 instruction when the CPU has it
// (checked once at startup) and a slice-by-8 table otherwise. crc32c("123456789") ==
// 0xE3069283.
uint32_t crc32c(uint32_t crc, std::span<const uint8_t> data);

inline uint32_t crc32c(std::span<const uint8_t> data) {
  return crc32c(0, data);
}

// The portable implementation, exposed so tests can compare it with the hardware one.
uint32_t crc32c_portable(uint32_t crc, std::span<const uint8_t> data);

// True when crc32c() uses the SSE4.2 instruction on this machine.
bool crc32c_is_hardware_accelerated();

}  // namespace gregor::records
