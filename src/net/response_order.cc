#include "response_order.h"

namespace gregor::net {

uint64_t ResponseOrder::open_slot() {
  entries_.emplace_back();
  return next_sequence_++;
}

ResponseOrder::FinishResult ResponseOrder::finish(uint64_t sequence, Reply reply) {
  if (sequence >= next_sequence_) return FinishResult::kUnknown;
  if (sequence < first_sequence_) return FinishResult::kStale;
  auto& entry = entries_[sequence - first_sequence_];
  if (entry.has_value()) return FinishResult::kDuplicate;
  entry = std::move(reply);
  return FinishResult::kAccepted;
}

std::optional<Reply> ResponseOrder::pop_ready() {
  if (entries_.empty() || !entries_.front().has_value()) return std::nullopt;
  std::optional<Reply> reply = std::move(entries_.front());
  entries_.pop_front();
  ++first_sequence_;
  return reply;
}

size_t ResponseOrder::abandon_all() {
  const size_t dropped = entries_.size();
  entries_.clear();
  first_sequence_ = next_sequence_;
  return dropped;
}

}  // namespace gregor::net
