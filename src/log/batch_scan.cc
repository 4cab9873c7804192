#include "batch_scan.h"

#include <algorithm>

#include "gregor/records/byte_order.h"

namespace gregor::log {

using records::load_be32;
using records::load_be64;
using records::store_be32;
using records::store_be64;
namespace {

namespace layout = records::layout;

constexpr size_t kHeaderReadAhead = 16 * 1024;
constexpr size_t kFullReadChunk = 1024 * 1024;

}  // namespace

std::optional<BatchHeader> decode_batch_header(std::span<const uint8_t> bytes) {
  if (bytes.size() < records::kBatchHeaderSize) return std::nullopt;
  const uint8_t* p = bytes.data();
  BatchHeader h;
  h.base_offset = Offset(static_cast<int64_t>(load_be64(p + layout::kBaseOffset)));
  h.batch_length = static_cast<int32_t>(load_be32(p + layout::kBatchLength));
  h.leader_epoch = LeaderEpoch(static_cast<int32_t>(load_be32(p + layout::kPartitionLeaderEpoch)));
  h.magic = static_cast<int8_t>(p[layout::kMagic]);
  h.attributes = static_cast<uint16_t>((p[layout::kAttributes] << 8) | p[layout::kAttributes + 1]);
  h.last_offset_delta = static_cast<int32_t>(load_be32(p + layout::kLastOffsetDelta));
  h.max_timestamp = static_cast<int64_t>(load_be64(p + layout::kMaxTimestamp));
  h.record_count = static_cast<int32_t>(load_be32(p + layout::kRecordCount));
  const int64_t min_length = records::kBatchHeaderSize - records::kLogOverhead;
  if (h.magic != records::kMagicV2 || h.batch_length < min_length || h.last_offset_delta < 0) {
    return std::nullopt;
  }
  return h;
}

HeaderScanner::HeaderScanner(const File& file, uint64_t start, uint64_t end)
    : file_(file), position_(start), end_(end) {}

IoResult<std::optional<ScannedHeader>> HeaderScanner::next() {
  if (position_ >= end_) return std::optional<ScannedHeader>();
  if (end_ - position_ < records::kBatchHeaderSize) {
    stopped_early_ = true;
    return std::optional<ScannedHeader>();
  }
  bool buffered = position_ >= buffer_start_ &&
                  position_ + records::kBatchHeaderSize <= buffer_start_ + buffer_len_;
  if (!buffered) {
    buffer_.resize(kHeaderReadAhead);
    size_t want = static_cast<size_t>(std::min<uint64_t>(kHeaderReadAhead, end_ - position_));
    auto n = file_.pread(std::span<uint8_t>(buffer_.data(), want), position_);
    if (!n) return unexpected(n.error());
    buffer_start_ = position_;
    buffer_len_ = *n;
    if (buffer_len_ < records::kBatchHeaderSize) {
      stopped_early_ = true;
      return std::optional<ScannedHeader>();
    }
  }
  auto header = decode_batch_header(std::span<const uint8_t>(
      buffer_.data() + (position_ - buffer_start_), records::kBatchHeaderSize));
  if (!header || header->size() > end_ - position_) {
    stopped_early_ = true;
    return std::optional<ScannedHeader>();
  }
  ScannedHeader out{position_, *header};
  position_ += header->size();
  return std::optional<ScannedHeader>(out);
}

FullBatchScanner::FullBatchScanner(const File& file, uint64_t start, uint64_t end)
    : file_(file), position_(start), end_(end) {}

bool FullBatchScanner::refill(size_t need) {
  // `need` is bounded by end_ - position_ by the callers, so a length read from the file
  // can never make us allocate more than the file holds.
  size_t want =
      std::max(need, static_cast<size_t>(std::min<uint64_t>(kFullReadChunk, end_ - position_)));
  if (buffer_.size() < want) buffer_.resize(want);
  auto n = file_.pread(std::span<uint8_t>(buffer_.data(), want), position_);
  if (!n) {
    io_error_ = n.error();
    return false;
  }
  buffer_start_ = position_;
  buffer_len_ = *n;
  return true;
}

Result<std::optional<ScannedBatch>, records::RecordsError> FullBatchScanner::next() {
  using records::RecordsError;
  if (position_ >= end_) return std::optional<ScannedBatch>();
  const uint64_t remaining = end_ - position_;
  // At most three rounds: the buffer may start elsewhere, then hold only part of the
  // length prefix, then only part of the batch.
  for (int round = 0; round < 3; ++round) {
    uint64_t buffered_end = buffer_start_ + buffer_len_;
    std::span<const uint8_t> avail;
    if (position_ >= buffer_start_ && position_ < buffered_end) {
      avail =
          std::span<const uint8_t>(buffer_.data() + (position_ - buffer_start_),
                                   static_cast<size_t>(std::min(buffered_end, end_) - position_));
    }
    size_t need = records::kLogOverhead;
    if (avail.size() >= records::kLogOverhead) {
      auto declared = static_cast<int32_t>(load_be32(avail.data() + records::layout::kBatchLength));
      if (declared < static_cast<int32_t>(records::kBatchHeaderSize - records::kLogOverhead)) {
        return unexpected(RecordsError::kInvalidSize);
      }
      need += static_cast<uint32_t>(declared);
      // A length that runs past the end is a torn tail (or garbage); either way the valid
      // data ends here, and we never allocate for a length the file cannot hold.
      if (need > remaining) return unexpected(RecordsError::kTruncated);
    } else if (avail.size() == remaining) {
      return unexpected(RecordsError::kTruncated);
    }
    if (avail.size() >= need) {
      auto view = records::RecordBatchView::parse(avail.first(need));
      if (!view) return unexpected(view.error());
      ScannedBatch out{position_, *view};
      position_ += need;
      return std::optional<ScannedBatch>(out);
    }
    if (!refill(need)) return unexpected(RecordsError::kTruncated);
  }
  return unexpected(RecordsError::kTruncated);
}

}  // namespace gregor::log
