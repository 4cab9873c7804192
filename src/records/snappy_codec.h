// Snappy as Kafka uses it: raw snappy blocks, or the xerial stream framing that the Java
// client's snappy-java library writes.
//
// xerial framing: an 8-byte magic (0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00), a 4-byte version and
// a 4-byte minimum compatible version (both big-endian, both 1 in practice), then blocks,
// each a 4-byte big-endian length followed by that many bytes of raw snappy.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/records/records_error.h"
#include "output_buffer.h"

namespace gregor::records {

// Decodes raw or xerial-framed snappy (told apart by the magic) into `out`.
Result<void, RecordsError> snappy_decode(std::span<const uint8_t> input, OutputBuffer& out);

// Appends `input` compressed in xerial framing with 32 KiB blocks, as snappy-java does.
void snappy_encode_xerial(std::span<const uint8_t> input, std::vector<uint8_t>& out);

}  // namespace gregor::records
