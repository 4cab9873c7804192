// The parts of Segment that rebuild state from the log file: crash recovery, index
// rebuilds and checks, finding the end of the segment, and truncation.
#include <limits>

#include "gregor/records/record_batch.h"
#include "leader_epoch_cache.h"
#include "segment.h"

namespace gregor::log {
namespace {

// Builds index entries the way appends do, from a stream of batches in file order.
class IndexBuilder {
 public:
  IndexBuilder(OffsetIndex& offsets, TimeIndex& times, int32_t interval)
      : offsets_(offsets), times_(times), interval_(static_cast<uint64_t>(interval)) {
    offsets_.reset();
    times_.reset();
  }

  IoResult<void> add(uint64_t position, const BatchHeader& h) {
    if (h.max_timestamp > max_.timestamp) max_ = TimestampOffset{h.max_timestamp, h.last_offset()};
    if (position - last_entry_position_ > interval_) {
      if (offsets_.entries() < offsets_.file().capacity()) {
        if (auto r = offsets_.append(h.last_offset(), static_cast<uint32_t>(position)); !r)
          return r;
      }
      if (!times_.is_full(times_.file().capacity())) {
        if (auto r = times_.maybe_append(max_.timestamp, max_.offset); !r) return r;
      }
      last_entry_position_ = position;
    }
    return {};
  }

  const TimestampOffset& max() const { return max_; }
  uint64_t last_entry_position() const { return last_entry_position_; }

 private:
  OffsetIndex& offsets_;
  TimeIndex& times_;
  uint64_t interval_;
  uint64_t last_entry_position_ = 0;
  TimestampOffset max_;
};

}  // namespace

IoResult<void> Segment::make_index_room() {
  // A rebuilt index can need more room than the file has (a trimmed or missing index).
  // Every batch is at least a header long, which bounds the number of entries; the file
  // is sparse and is trimmed (or kept preallocated, if active) afterwards.
  uint64_t entries = size_ / records::kBatchHeaderSize + 2;
  uint64_t bytes = std::min<uint64_t>(entries * TimeIndex::kEntrySize, INT32_MAX);
  bytes = std::max<uint64_t>(bytes, sealed_ ? 0 : preallocated_bytes_);
  if (auto r = offset_index_.file().preallocate(bytes); !r) return r;
  return time_index_.file().preallocate(bytes);
}

IoResult<RecoveryResult> Segment::recover(int32_t index_interval, LeaderEpochCache* epochs) {
  if (auto r = make_index_room(); !r) return unexpected(r.error());
  sealed_ = false;
  IndexBuilder builder(offset_index_, time_index_, index_interval);
  max_timestamp_ = TimestampOffset{records::kNoTimestamp, base_};
  RecoveryResult result;
  Offset previous_last(base_.value() - 1);
  FullBatchScanner scanner(log_, 0, size_);
  for (;;) {
    auto next = scanner.next();
    if (!next) {
      if (scanner.io_error()) return unexpected(*scanner.io_error());
      result.stopped_at = next.error();
      break;
    }
    if (!*next) break;
    const records::RecordBatchView& batch = (*next)->batch;
    if (auto valid = records::validate_header(batch); !valid) {
      result.stopped_at = valid.error();
      break;
    }
    // Offsets must move forward and stay representable relative to the segment base;
    // anything else is damage that happens to carry a correct CRC.
    Offset base = batch.base_offset();
    if (base <= previous_last || base < base_ ||
        batch.last_offset().value() - base_.value() > std::numeric_limits<int32_t>::max()) {
      result.stopped_at = records::RecordsError::kInvalidOffsetDelta;
      break;
    }
    BatchHeader h;
    h.base_offset = base;
    h.last_offset_delta = batch.last_offset_delta();
    h.max_timestamp = batch.max_timestamp();
    if (auto r = builder.add((*next)->position, h); !r) return unexpected(r.error());
    if (epochs != nullptr) {
      LeaderEpoch epoch = batch.partition_leader_epoch();
      auto latest = epochs->latest_epoch();
      if (epoch.value() >= 0 && (!latest || epoch > *latest)) epochs->assign(epoch, base);
    }
    previous_last = batch.last_offset();
    result.valid_bytes = (*next)->position + batch.size_bytes();
  }
  result.truncated_bytes = size_ - result.valid_bytes;
  if (result.truncated_bytes > 0) {
    if (auto r = log_.truncate(result.valid_bytes); !r) return unexpected(r.error());
    size_ = result.valid_bytes;
  }
  max_timestamp_ = builder.max();
  bytes_since_index_ = size_ - builder.last_entry_position();
  first_batch_timestamp_.reset();
  result.next_offset = Offset(previous_last.value() + 1);
  index_missing_ = false;
  if (auto r = seal(); !r) return unexpected(r.error());
  return result;
}

IoResult<void> Segment::rebuild_indexes(int32_t index_interval) {
  const bool was_sealed = sealed_;
  if (auto r = make_index_room(); !r) return r;
  IndexBuilder builder(offset_index_, time_index_, index_interval);
  HeaderScanner scanner(log_, 0, size_);
  IoResult<void> added;
  auto scan = scanner.for_each([&](const ScannedHeader& h) {
    added = builder.add(h.position, h.header);
    return added.ok();
  });
  if (!scan) return scan;
  if (!added) return added;
  max_timestamp_ = builder.max();
  bytes_since_index_ = size_ - builder.last_entry_position();
  index_missing_ = false;
  // An active segment keeps its preallocated room; a sealed one is trimmed again.
  if (!was_sealed) return {};
  sealed_ = false;
  return seal();
}

IoResult<bool> Segment::indexes_look_valid(bool full) {
  if (index_missing_) return size_ == 0;
  if (!offset_index_.is_consistent(size_, full)) return false;
  if (offset_index_.entries() > 0) {
    OffsetPosition last = offset_index_.entry(offset_index_.entries() - 1);
    auto at = header_at(last.position);
    if (!at) return unexpected(at.error());
    if (!*at || (*at)->header.last_offset() != last.offset) return false;
  }
  Offset bound(base_.value() + std::numeric_limits<int32_t>::max());
  return time_index_.is_consistent(bound, full);
}

IoResult<std::optional<Offset>> Segment::read_next_offset() {
  OffsetPosition start{base_, 0};
  if (offset_index_.entries() > 0) start = offset_index_.entry(offset_index_.entries() - 1);
  HeaderScanner scanner(log_, start.position, size_);
  Offset next_offset = base_;
  auto scan = scanner.for_each([&](const ScannedHeader& h) {
    next_offset = h.header.next_offset();
    return true;
  });
  if (!scan) return unexpected(scan.error());
  if (scanner.stopped_early()) return std::optional<Offset>();
  return std::optional<Offset>(next_offset);
}

IoResult<void> Segment::recompute_max_timestamp() {
  // Every entry the time index still has describes data that survived, so scanning only
  // the batches after its last entry restores the exact maximum.
  TimestampOffset last = time_index_.last_entry();
  max_timestamp_ = last;
  uint64_t start = time_index_.entries() > 0 ? offset_index_.lookup(last.offset).position : 0;
  HeaderScanner scanner(log_, start, size_);
  return scanner.for_each([&](const ScannedHeader& next) {
    const BatchHeader& h = next.header;
    if (h.max_timestamp > max_timestamp_.timestamp) {
      max_timestamp_ = TimestampOffset{h.max_timestamp, h.last_offset()};
    }
    return true;
  });
}

IoResult<uint64_t> Segment::truncate_to(Offset offset, int64_t now_ms) {
  uint64_t position = 0;
  if (offset > base_) {
    auto batch = find_batch(offset);
    if (!batch) return unexpected(batch.error());
    if (!*batch) return uint64_t{0};
    position = (*batch)->position;
  }
  if (position >= size_) return uint64_t{0};
  offset_index_.truncate_to(offset);
  time_index_.truncate_to(offset);
  if (auto r = log_.truncate(position); !r) return unexpected(r.error());
  uint64_t removed = size_ - position;
  size_ = position;
  uint64_t last_entry = 0;
  if (offset_index_.entries() > 0) {
    last_entry = offset_index_.entry(offset_index_.entries() - 1).position;
  }
  bytes_since_index_ = size_ - last_entry;
  if (size_ == 0) {
    created_ms_ = now_ms;
    first_batch_timestamp_.reset();
  }
  if (auto r = recompute_max_timestamp(); !r) return unexpected(r.error());
  return removed;
}

}  // namespace gregor::log
