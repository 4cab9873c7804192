// A slice of a segment file that a fetch response sends with sendfile(): the bytes stay
// on disk and the broker never copies them into user space.
#pragma once

#include <cstdint>
#include <memory>

namespace gregor::log {

struct FileRange {
  // An open descriptor of the segment file. It stays open while `keep_alive` (or a copy)
  // lives, even if retention deletes the segment in the meantime.
  int fd = -1;
  // Byte position in the file and number of bytes, always whole record batches.
  uint64_t position = 0;
  uint32_t length = 0;
  std::shared_ptr<const void> keep_alive;
};

}  // namespace gregor::log
