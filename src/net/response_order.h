// Keeps a connection's replies in request order: slots may finish in any order, but replies
// come out only from the front, so a later response waits until every earlier one is done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "gregor/net/request_slot.h"

namespace gregor::net {

class ResponseOrder {
 public:
  enum class FinishResult {
    kAccepted,
    kStale,      // Already answered, or abandoned when the connection began closing.
    kDuplicate,  // Finished twice: a handler bug.
    kUnknown,    // A sequence that was never opened: a handler bug.
  };

  // Opens the next slot and returns its sequence number (0, 1, 2, ...).
  uint64_t open_slot();

  FinishResult finish(uint64_t sequence, Reply reply);

  // The front reply if its slot has finished.
  std::optional<Reply> pop_ready();

  // Forgets every open or held slot; finishing one of them later yields kStale. Returns how
  // many were dropped.
  size_t abandon_all();

  // Slots opened and not yet popped.
  size_t in_flight() const { return entries_.size(); }

 private:
  std::deque<std::optional<Reply>> entries_;  // entries_[i] belongs to first_sequence_ + i.
  uint64_t first_sequence_ = 0;
  uint64_t next_sequence_ = 0;
};

}  // namespace gregor::net
