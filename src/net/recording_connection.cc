#include "gregor/net/recording_connection.h"

#include "response_order.h"

namespace gregor::net {

std::shared_ptr<RecordingConnection> RecordingConnection::create(ConnectionInfo info) {
  return std::shared_ptr<RecordingConnection>(new RecordingConnection(std::move(info)));
}

RecordingConnection::RecordingConnection(ConnectionInfo info)
    : info_(std::move(info)), order_(std::make_unique<ResponseOrder>()) {}

RecordingConnection::~RecordingConnection() = default;

RequestSlot RecordingConnection::next_slot() {
  return RequestSlot(weak_from_this(), order_->open_slot());
}

size_t RecordingConnection::pending() const {
  return order_->in_flight();
}

void RecordingConnection::close() {
  open_ = false;
  order_->abandon_all();
}

void RecordingConnection::finish_request(uint64_t sequence, Reply reply) {
  if (!open_ ||
      order_->finish(sequence, std::move(reply)) != ResponseOrder::FinishResult::kAccepted) {
    return;
  }
  while (open_) {
    std::optional<Reply> ready = order_->pop_ready();
    if (!ready) break;
    const bool closes = ready->action == Reply::Action::kClose;
    replies_.push_back(std::move(*ready));
    if (closes) close();
  }
}

}  // namespace gregor::net
