// One accepted Kafka-protocol connection: reads frames, hands them to the handler, keeps the
// replies in request order, writes them, and applies flow control. The libuv callbacks are
// thin trampolines into the member functions below.
//
// Lifetime: owned by the server through a shared_ptr (RequestSlots hold weak ones). The server
// drops its reference in ConnectionOwner::on_connection_released(), which runs from the last
// close callback, so the handles are never freed while libuv still knows them.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include <uv.h>

#include "frame_reader.h"
#include "gregor/net/connection.h"
#include "gregor/net/counters.h"
#include "gregor/net/frame_handler.h"
#include "gregor/net/server_config.h"
#include "response_order.h"
#include "socket_writer.h"

namespace gregor::net {

class TcpConnection;

// What a connection needs from the server that owns it.
class ConnectionOwner {
 public:
  virtual FrameHandler& handler() = 0;
  // Counts loop turns; fairness budgets are per turn.
  virtual uint64_t current_turn() const = 0;
  // Calls resume_after_yield() on `connection` later in this loop turn, after other
  // connections have had their reads.
  virtual void schedule_resume(std::weak_ptr<TcpConnection> connection) = 0;
  // The connection began closing (only for connections that were started).
  virtual void on_connection_closing(TcpConnection& connection) = 0;
  // Every handle of the connection is closed; the owner may now drop its reference.
  virtual void on_connection_released(TcpConnection& connection) = 0;

 protected:
  ~ConnectionOwner() = default;
};

struct ConnectionSettings {
  int32_t max_frame_bytes = 0;
  FlowControl flow;
};

class TcpConnection final : public Connection,
                            public std::enable_shared_from_this<TcpConnection>,
                            private SocketWriter::Events {
 public:
  // `counters` and `settings` must outlive the connection (the server owns both).
  TcpConnection(ConnectionOwner& owner, ListenerCounters& counters,
                const ConnectionSettings& settings, ConnectionId id);
  ~TcpConnection() override = default;

  // Initialises the TCP handle so a listener can uv_accept() into stream(). After a successful
  // init the connection must be either start()ed or close()d.
  int init(uv_loop_t* loop);
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&tcp_); }
  uv_tcp_t* tcp() { return &tcp_; }

  // Admits the connection: notifies the handler and starts reading. `info.id` is ignored; the
  // id given at construction stays.
  void start(ConnectionInfo info);

  const ConnectionInfo& info() const override { return info_; }
  bool is_open() const override { return state_ == State::kOpen || state_ == State::kDraining; }
  void close() override;
  std::weak_ptr<Connection> weak_handle() override { return weak_from_this(); }

  // Graceful shutdown: stop reading new requests, and close once every dispatched request
  // has been answered and written.
  void close_when_drained();

  // Closes the connection, with a log line, if no byte has moved either way for
  // `max_idle_ms` and no request is with the handler.
  void close_if_idle(uint64_t now_ms, uint64_t max_idle_ms);

  // Continues reading after a fairness yield.
  void resume_after_yield();

 protected:
  void finish_request(uint64_t sequence, Reply reply) override;

 private:
  enum class State { kNew, kOpen, kDraining, kClosing };

  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_close(uv_handle_t* handle);

  // SocketWriter::Events.
  void on_write_progress() override;
  void on_write_failed(const WriteFailure& failure) override;
  void on_writer_closed() override;

  void handle_read(ssize_t nread);
  void handle_read_end(ssize_t status);
  // Dispatches buffered frames while flow control allows, then starts or stops reading to
  // match. Every event that can change flow control ends here.
  void pump();
  void dispatch(Frame frame);
  void reject_frame(const FrameError& error);
  void release_ready_replies();
  void flush_writer();
  void refresh_throttle();
  void charge_turn(size_t bytes, size_t frames);
  void sync_reading();
  void close_if_drained();
  void release_in_flight(size_t count);
  void handle_released();
  std::string peer() const;
  template <class Call>
  void call_handler(std::string_view what, Call&& call);

  ConnectionOwner& owner_;
  ListenerCounters& counters_;
  const ConnectionSettings& settings_;
  ConnectionInfo info_;
  uv_tcp_t tcp_{};
  FrameReader reader_;
  ResponseOrder order_;
  SocketWriter writer_;
  State state_ = State::kNew;
  int handles_closing_ = 0;
  uint64_t last_activity_ms_ = 0;
  bool reading_ = false;
  bool throttled_ = false;  // A watermark stopped reading.
  bool yielded_ = false;    // The turn's fairness budget is spent.
  bool pumping_ = false;
  uint64_t budget_turn_ = 0;
  size_t turn_bytes_ = 0;
  size_t turn_frames_ = 0;
};

}  // namespace gregor::net
