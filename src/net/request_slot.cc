#include "gregor/net/request_slot.h"

#include <spdlog/spdlog.h>

namespace gregor::net {

RequestSlot::RequestSlot(RequestSlot&& other) noexcept
    : connection_(std::move(other.connection_)),
      sequence_(other.sequence_),
      pending_(other.pending_) {
  other.pending_ = false;
}

RequestSlot& RequestSlot::operator=(RequestSlot&& other) noexcept {
  if (this != &other) {
    // Overwriting an unfinished slot abandons it, exactly as destroying it would.
    if (pending_) close_connection();
    connection_ = std::move(other.connection_);
    sequence_ = other.sequence_;
    pending_ = other.pending_;
    other.pending_ = false;
  }
  return *this;
}

RequestSlot::~RequestSlot() {
  if (!pending_) return;
  if (auto connection = connection_.lock(); connection && connection->is_open()) {
    const auto& info = connection->info();
    spdlog::warn(
        "Request {} on connection {} from {}:{} was dropped without a response; closing the "
        "connection so its later responses don't wait forever",
        sequence_, info.id.value(), info.peer_ip, info.peer_port);
  }
  close_connection();
}

bool RequestSlot::connection_open() const {
  auto connection = connection_.lock();
  return connection && connection->is_open();
}

void RequestSlot::respond(Response response) {
  finish(Reply{Reply::Action::kSend, std::move(response)});
}

void RequestSlot::finish_without_response() {
  finish(Reply{Reply::Action::kNone, {}});
}

void RequestSlot::close_connection() {
  finish(Reply{Reply::Action::kClose, {}});
}

void RequestSlot::finish(Reply reply) {
  if (!pending_) return;
  pending_ = false;
  if (auto connection = connection_.lock()) {
    connection->finish_request(sequence_, std::move(reply));
  }
}

}  // namespace gregor::net
