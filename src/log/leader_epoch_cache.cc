#include "leader_epoch_cache.h"

#include <algorithm>

namespace gregor::log {

LeaderEpochCache::LeaderEpochCache(std::filesystem::path file, std::vector<EpochEntry> entries)
    : file_(std::move(file)) {
  // A checkpoint written by anyone may be out of order or overlapping; replaying it
  // through assign() restores the invariants (strictly increasing epochs and offsets).
  for (const auto& e : entries)
    assign(e.epoch, e.start_offset);
  dirty_ = entries_ != entries;
}

bool LeaderEpochCache::assign(LeaderEpoch epoch, Offset start_offset) {
  if (epoch.value() < 0 || start_offset.value() < 0) return false;
  if (!entries_.empty()) {
    const EpochEntry& last = entries_.back();
    // The same epoch seen again later in the log (every batch of an epoch carries it)
    // adds no information.
    if (last.epoch == epoch && last.start_offset <= start_offset) return false;
  }
  std::erase_if(entries_, [&](const EpochEntry& e) {
    return e.epoch >= epoch || e.start_offset >= start_offset;
  });
  entries_.push_back(EpochEntry{epoch, start_offset});
  dirty_ = true;
  return true;
}

bool LeaderEpochCache::truncate_from_end(Offset end_offset) {
  size_t before = entries_.size();
  std::erase_if(entries_, [&](const EpochEntry& e) { return e.start_offset >= end_offset; });
  if (entries_.size() == before) return false;
  dirty_ = true;
  return true;
}

bool LeaderEpochCache::truncate_from_start(Offset start_offset) {
  // Find the last entry starting at or before start_offset; everything before it goes.
  auto it = std::upper_bound(entries_.begin(), entries_.end(), start_offset,
                             [](Offset o, const EpochEntry& e) { return o < e.start_offset; });
  if (it == entries_.begin()) return false;
  auto floor = std::prev(it);
  bool changed = floor != entries_.begin() || floor->start_offset != start_offset;
  if (!changed) return false;
  floor->start_offset = start_offset;
  entries_.erase(entries_.begin(), floor);
  dirty_ = true;
  return true;
}

void LeaderEpochCache::clear() {
  if (entries_.empty()) return;
  entries_.clear();
  dirty_ = true;
}

std::optional<LeaderEpoch> LeaderEpochCache::latest_epoch() const {
  if (entries_.empty()) return std::nullopt;
  return entries_.back().epoch;
}

std::optional<LeaderEpoch> LeaderEpochCache::epoch_for_offset(Offset offset) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), offset,
                             [](Offset o, const EpochEntry& e) { return o < e.start_offset; });
  if (it == entries_.begin()) return std::nullopt;
  return std::prev(it)->epoch;
}

std::optional<std::pair<LeaderEpoch, Offset>> LeaderEpochCache::end_offset_for(
    LeaderEpoch requested, Offset log_end_offset) const {
  if (requested.value() < 0 || entries_.empty()) return std::nullopt;
  if (entries_.back().epoch == requested) return std::pair{requested, log_end_offset};
  auto higher = std::upper_bound(entries_.begin(), entries_.end(), requested,
                                 [](LeaderEpoch r, const EpochEntry& e) { return r < e.epoch; });
  if (higher == entries_.end()) return std::nullopt;
  // No known epoch at or below the requested one: the follower's epoch predates our
  // history, so it must truncate to where our first known epoch began.
  if (higher == entries_.begin()) return std::pair{requested, higher->start_offset};
  return std::pair{std::prev(higher)->epoch, higher->start_offset};
}

IoResult<void> LeaderEpochCache::persist() {
  if (!dirty_) return {};
  auto r = write_epoch_checkpoint(file_, entries_);
  if (r) dirty_ = false;
  return r;
}

}  // namespace gregor::log
