// The leader epoch cache of one partition: which leader epoch began at which offset, kept
// in <partition dir>/leader-epoch-checkpoint. Followers use it (through
// OffsetsForLeaderEpoch) to find where their log diverges from the leader's (KIP-101).
//
// Not thread-safe; the PartitionLog that owns it serializes access.
#pragma once

#include <filesystem>
#include <optional>
#include <utility>
#include <vector>

#include "checkpoint_file.h"
#include "file.h"

namespace gregor::log {

class LeaderEpochCache {
 public:
  LeaderEpochCache(std::filesystem::path file, std::vector<EpochEntry> entries);

  // Records that `epoch` starts at `start_offset`. Ignores negative epochs and entries
  // that add nothing (the same epoch again at a later offset). Entries with an epoch >=
  // `epoch` or a start offset >= `start_offset` are dropped first, so the cache stays
  // strictly increasing in both. Returns true when the cache changed.
  bool assign(LeaderEpoch epoch, Offset start_offset);

  // Drops the entries that start at or after `end_offset` (after a log truncation).
  bool truncate_from_end(Offset end_offset);
  // Drops the entries that end before `start_offset`; the last entry that starts before it
  // is kept and moved to start there (after the log start offset moved forward).
  bool truncate_from_start(Offset start_offset);
  void clear();

  std::optional<LeaderEpoch> latest_epoch() const;
  // The epoch that was current when `offset` was written, if the cache knows.
  std::optional<LeaderEpoch> epoch_for_offset(Offset offset) const;

  // The answer to OffsetsForLeaderEpoch: the largest known epoch <= `requested` and the
  // offset where the next epoch began (log_end_offset for the latest epoch). Returns
  // std::nullopt when no epoch above `requested` is known and `requested` is not the
  // latest one either (Kafka answers UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET).
  std::optional<std::pair<LeaderEpoch, Offset>> end_offset_for(LeaderEpoch requested,
                                                               Offset log_end_offset) const;

  const std::vector<EpochEntry>& entries() const { return entries_; }

  // Writes the checkpoint file (atomically) if anything changed since the last write.
  IoResult<void> persist();
  bool dirty() const { return dirty_; }

 private:
  std::filesystem::path file_;
  std::vector<EpochEntry> entries_;
  bool dirty_ = false;
};

}  // namespace gregor::log
