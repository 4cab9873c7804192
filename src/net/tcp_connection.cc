#include "tcp_connection.h"

#include <cstring>
#include <exception>
#include <string>

#include <spdlog/spdlog.h>

#include "tcp_listen.h"

namespace gregor::net {
namespace {

// Turns the 4 size bytes of a rejected frame into a hint for the log: an HTTP client or a TLS
// client on a plaintext listener are the usual causes of absurd sizes.
std::string_view misdirected_client_hint(const uint8_t (&prefix)[4]) {
  static constexpr const char* kHttpMethods[] = {"GET ", "POST", "PUT ", "HEAD", "DELE", "OPTI"};
  for (const char* method : kHttpMethods) {
    if (std::memcmp(prefix, method, 4) == 0) return " (the bytes look like an HTTP request)";
  }
  if (prefix[0] == 0x16 && prefix[1] == 0x03) {
    return " (the bytes look like a TLS handshake; is the client configured for SSL?)";
  }
  return "";
}

}  // namespace

TcpConnection::TcpConnection(ConnectionOwner& owner, ListenerCounters& counters,
                             const ConnectionSettings& settings, ConnectionId id)
    : owner_(owner),
      counters_(counters),
      settings_(settings),
      reader_(settings.max_frame_bytes),
      writer_(&tcp_, *this) {
  info_.id = id;
}

// Handlers run inside libuv callbacks, where an exception can't be allowed to unwind. One that
// escapes costs the connection it happened on, not the process.
template <class Call>
void TcpConnection::call_handler(std::string_view what, Call&& call) {
  try {
    call();
  } catch (const std::exception& e) {
    spdlog::error("Handler {} threw on connection {} from {}: {}; closing the connection", what,
                  info_.id.value(), peer(), e.what());
    close();
  } catch (...) {
    spdlog::error("Handler {} threw on connection {} from {}; closing the connection", what,
                  info_.id.value(), peer());
    close();
  }
}

int TcpConnection::init(uv_loop_t* loop) {
  const int rc = uv_tcp_init(loop, &tcp_);
  if (rc == 0) tcp_.data = this;
  return rc;
}

void TcpConnection::start(ConnectionInfo info) {
  const ConnectionId id = info_.id;
  info_ = std::move(info);
  info_.id = id;
  state_ = State::kOpen;
  last_activity_ms_ = uv_now(tcp_.loop);
  ++counters_.connections_created;
  ++counters_.connections_open;
  call_handler("on_connection_opened", [&] { owner_.handler().on_connection_opened(*this); });
  if (state_ == State::kOpen) pump();
}

void TcpConnection::close() {
  if (state_ == State::kClosing) return;
  const bool started = state_ != State::kNew;
  state_ = State::kClosing;
  reading_ = false;  // uv_close stops reading.
  if (started) {
    release_in_flight(order_.abandon_all());
    --counters_.connections_open;
    ++counters_.connections_closed;
    owner_.on_connection_closing(*this);
  }
  handles_closing_ = 1;
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &TcpConnection::on_close);
  if (writer_.close()) ++handles_closing_;
}

void TcpConnection::close_when_drained() {
  if (state_ == State::kNew) {
    close();
    return;
  }
  if (state_ != State::kOpen) return;
  state_ = State::kDraining;
  sync_reading();
  close_if_drained();
}

void TcpConnection::close_if_idle(uint64_t now_ms, uint64_t max_idle_ms) {
  if (state_ != State::kOpen && state_ != State::kDraining) return;
  // A request still with the handler (a long poll, say) is not idleness. Unsent responses are:
  // if the peer has not read anything for this long, it is stuck.
  if (order_.in_flight() > 0) return;
  if (now_ms - last_activity_ms_ < max_idle_ms) return;
  spdlog::info("Closing idle connection {} from {} on listener {} (connections.max.idle.ms = {})",
               info_.id.value(), peer(), info_.listener_name, max_idle_ms);
  close();
}

void TcpConnection::resume_after_yield() {
  if (!yielded_) return;
  yielded_ = false;
  // Everyone else had their reads in the turn that made this connection yield, so it starts
  // afresh now.
  budget_turn_ = owner_.current_turn();
  turn_bytes_ = 0;
  turn_frames_ = 0;
  pump();
}

void TcpConnection::finish_request(uint64_t sequence, Reply reply) {
  if (state_ == State::kNew || state_ == State::kClosing) return;
  switch (order_.finish(sequence, std::move(reply))) {
    case ResponseOrder::FinishResult::kAccepted:
      break;
    case ResponseOrder::FinishResult::kStale:
      return;
    case ResponseOrder::FinishResult::kDuplicate:
    case ResponseOrder::FinishResult::kUnknown:
      spdlog::error("Handler bug: request {} on connection {} finished twice or never opened",
                    sequence, info_.id.value());
      return;
  }
  release_ready_replies();
  if (state_ == State::kClosing) return;
  flush_writer();
  if (state_ == State::kClosing) return;
  pump();
  close_if_drained();
}

void TcpConnection::on_alloc(uv_handle_t* handle, size_t /*suggested*/, uv_buf_t* buf) {
  auto* self = static_cast<TcpConnection*>(handle->data);
  const std::span<uint8_t> space = self->reader_.read_buffer();
  // An empty buffer makes libuv report UV_ENOBUFS, handled in handle_read_end().
  *buf = uv_buf_init(reinterpret_cast<char*>(space.data()), static_cast<unsigned>(space.size()));
}

void TcpConnection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* /*buf*/) {
  static_cast<TcpConnection*>(stream->data)->handle_read(nread);
}

void TcpConnection::on_close(uv_handle_t* handle) {
  static_cast<TcpConnection*>(handle->data)->handle_released();
}

void TcpConnection::on_write_progress() {
  counters_.bytes_out += writer_.take_sent_bytes();
  last_activity_ms_ = uv_now(tcp_.loop);
  pump();
  close_if_drained();
}

void TcpConnection::on_write_failed(const WriteFailure& failure) {
  // A peer that resets or goes away is routine (a poll reports that as EBADF); anything else
  // deserves attention.
  const int e = failure.uv_error;
  const bool routine = e == UV_EPIPE || e == UV_ECONNRESET || e == UV_ETIMEDOUT || e == UV_EBADF;
  spdlog::log(routine ? spdlog::level::debug : spdlog::level::warn,
              "Closing connection {} from {} on listener {}: {} failed: {}", info_.id.value(),
              peer(), info_.listener_name, failure.what, uv_strerror(failure.uv_error));
  close();
}

void TcpConnection::on_writer_closed() {
  handle_released();
}

void TcpConnection::handle_read(ssize_t nread) {
  reader_.commit(nread > 0 ? static_cast<size_t>(nread) : 0);
  if (nread == 0) return;  // EAGAIN: nothing was read.
  if (nread < 0) {
    handle_read_end(nread);
    return;
  }
  const auto bytes = static_cast<size_t>(nread);
  counters_.bytes_in += bytes;
  last_activity_ms_ = uv_now(tcp_.loop);
  charge_turn(bytes, 0);
  pump();
}

void TcpConnection::handle_read_end(ssize_t status) {
  if (status == UV_EOF && reader_.mid_frame()) {
    spdlog::info(
        "Connection {} from {} on listener {} closed by the peer in the middle of a frame "
        "({} of {} bytes received)",
        info_.id.value(), peer(), info_.listener_name, reader_.partial_bytes(),
        reader_.partial_target());
  } else if (status == UV_EOF) {
    spdlog::debug("Connection {} from {} closed by the peer", info_.id.value(), peer());
  } else if (status == UV_ENOBUFS) {
    spdlog::error("Connection {} from {}: no space left in the read buffer; closing",
                  info_.id.value(), peer());
  } else {
    spdlog::debug("Connection {} from {}: read failed: {}", info_.id.value(), peer(),
                  uv_strerror(static_cast<int>(status)));
  }
  close();
}

void TcpConnection::pump() {
  if (pumping_) return;  // A handler answered from inside on_frame; the outer loop continues.
  pumping_ = true;
  while (state_ == State::kOpen) {
    refresh_throttle();
    if (throttled_ || yielded_) break;
    auto next = reader_.next();
    if (!next) {
      reject_frame(next.error());
      break;
    }
    if (!next->has_value()) break;
    dispatch(std::move(**next));
  }
  pumping_ = false;
  sync_reading();
}

void TcpConnection::dispatch(Frame frame) {
  const uint64_t sequence = order_.open_slot();
  ++counters_.requests_received;
  ++counters_.requests_in_flight;
  charge_turn(0, 1);
  RequestSlot slot(weak_from_this(), sequence);
  call_handler("on_frame",
               [&] { owner_.handler().on_frame(*this, std::move(slot), std::move(frame)); });
}

void TcpConnection::reject_frame(const FrameError& error) {
  ++counters_.frames_rejected;
  if (error.kind == FrameError::Kind::kOutOfMemory) {
    spdlog::error(
        "Closing connection {} from {} on listener {}: out of memory for a frame of {} "
        "bytes",
        info_.id.value(), peer(), info_.listener_name, error.size);
  } else {
    spdlog::warn(
        "Closing connection {} from {} on listener {}: frame size {} is {} "
        "(socket.request.max.bytes = {}){}",
        info_.id.value(), peer(), info_.listener_name, error.size,
        error.kind == FrameError::Kind::kNegativeSize ? "negative" : "above the limit", error.limit,
        misdirected_client_hint(error.prefix));
  }
  close();
}

void TcpConnection::release_ready_replies() {
  while (state_ != State::kClosing) {
    std::optional<Reply> reply = order_.pop_ready();
    if (!reply) return;
    release_in_flight(1);
    switch (reply->action) {
      case Reply::Action::kSend: {
        const size_t size = reply->response.size();
        if (!writer_.enqueue(std::move(reply->response))) {
          spdlog::error("Closing connection {} from {}: a response of {} bytes can't be framed",
                        info_.id.value(), peer(), size);
          close();
          return;
        }
        break;
      }
      case Reply::Action::kNone:
        break;
      case Reply::Action::kClose:
        // Earlier responses are already queued and still go out; later ones are dropped.
        spdlog::debug("Closing connection {} from {} at the handler's request", info_.id.value(),
                      peer());
        release_in_flight(order_.abandon_all());
        state_ = State::kDraining;
        break;
    }
  }
}

void TcpConnection::flush_writer() {
  auto flushed = writer_.flush();
  counters_.bytes_out += writer_.take_sent_bytes();
  if (!flushed) on_write_failed(flushed.error());
}

void TcpConnection::refresh_throttle() {
  const FlowControl& flow = settings_.flow;
  const size_t in_flight = order_.in_flight();
  const size_t queued = writer_.queued_bytes();
  if (!throttled_) {
    if (in_flight >= flow.max_in_flight_requests || queued >= flow.max_queued_write_bytes) {
      throttled_ = true;
      ++counters_.read_pauses;
    }
  } else if (in_flight <= flow.resume_in_flight_requests &&
             queued <= flow.resume_queued_write_bytes) {
    throttled_ = false;
  }
}

void TcpConnection::charge_turn(size_t bytes, size_t frames) {
  const uint64_t turn = owner_.current_turn();
  if (turn != budget_turn_) {
    budget_turn_ = turn;
    turn_bytes_ = 0;
    turn_frames_ = 0;
  }
  turn_bytes_ += bytes;
  turn_frames_ += frames;
  const FlowControl& flow = settings_.flow;
  if (!yielded_ &&
      (turn_bytes_ >= flow.max_read_bytes_per_turn || turn_frames_ >= flow.max_frames_per_turn)) {
    yielded_ = true;
    owner_.schedule_resume(weak_from_this());
  }
}

void TcpConnection::sync_reading() {
  if (state_ == State::kClosing) return;
  const bool want = state_ == State::kOpen && !throttled_ && !yielded_;
  if (want == reading_) return;
  if (!want) {
    uv_read_stop(stream());
    reading_ = false;
    return;
  }
  if (const int rc = uv_read_start(stream(), &TcpConnection::on_alloc, &TcpConnection::on_read);
      rc < 0) {
    spdlog::warn("Closing connection {} from {}: cannot start reading: {}", info_.id.value(),
                 peer(), uv_strerror(rc));
    close();
    return;
  }
  reading_ = true;
}

void TcpConnection::close_if_drained() {
  if (state_ == State::kDraining && order_.in_flight() == 0 && writer_.idle()) close();
}

void TcpConnection::release_in_flight(size_t count) {
  counters_.requests_in_flight -= count;
}

void TcpConnection::handle_released() {
  if (--handles_closing_ > 0) return;
  // This may destroy the connection; nothing may touch it afterwards.
  owner_.on_connection_released(*this);
}

std::string TcpConnection::peer() const {
  return format_endpoint(info_.peer_ip, info_.peer_port);
}

}  // namespace gregor::net
