// A bounded, growable output area over a reused std::vector, shared by the decoders.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace gregor::records {

// Tracks how much of `storage` holds output, and grows it on demand without ever letting
// the output pass `limit` bytes. The vector's size doubles as the capacity in use, so the
// memory stays allocated for the next call.
class OutputBuffer {
 public:
  OutputBuffer(std::vector<uint8_t>& storage, size_t limit) : storage_(storage), limit_(limit) {}

  // Makes sure some free space exists, growing the vector (doubling, at least 64 KiB) but
  // never past `limit`. Returns false if the output already fills the limit.
  bool make_room() {
    if (storage_.size() > used_) return true;
    if (used_ >= limit_) return false;
    size_t target = std::max(storage_.size() * 2, kMinGrowth);
    storage_.resize(std::min(target, limit_));
    return true;
  }

  // Makes `n` free bytes available; false if that would pass the limit.
  bool reserve_exact(size_t n) {
    if (n > limit_ - used_) return false;
    if (storage_.size() - used_ < n) {
      storage_.resize(std::min(limit_, std::max(used_ + n, storage_.size() * 2)));
    }
    return true;
  }

  uint8_t* free_begin() { return storage_.data() + used_; }
  size_t free_size() const { return storage_.size() - used_; }
  void commit(size_t n) { used_ += n; }
  size_t used() const { return used_; }
  std::span<const uint8_t> output() const { return {storage_.data(), used_}; }

 private:
  static constexpr size_t kMinGrowth = size_t{64} << 10;

  std::vector<uint8_t>& storage_;
  size_t limit_;
  size_t used_ = 0;
};

}  // namespace gregor::records
