// The Kafka-protocol server: named listeners, connection limits, and the frame-in /
// ordered-response-out loop of every connection, all on one libuv loop. It knows nothing of
// Kafka's schemas; a FrameHandler does.
//
// Lifetime: construct, start(), run the loop; to stop, call shutdown() and keep running the
// loop until its callback has run. Only then may the Server be destroyed (libuv still owns the
// handles until their close callbacks). A Server that was never started may be destroyed at
// any time.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <uv.h>

#include "gregor/common/result.h"
#include "gregor/net/counters.h"
#include "gregor/net/frame_handler.h"
#include "gregor/net/net_error.h"
#include "gregor/net/server_config.h"

namespace gregor::net {

class ServerCore;

class Server {
 public:
  // `handler` must outlive the server.
  Server(uv_loop_t* loop, ServerConfig config, FrameHandler& handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Validates the config and binds every listener. On failure, listeners already bound are
  // left open: call shutdown() as usual.
  Result<void, NetError> start();

  // The port a listener is bound to (useful with port 0), or nothing for an unknown name or
  // before start().
  std::optional<uint16_t> bound_port(std::string_view listener_name) const;

  // A snapshot of every listener's counters, in configuration order.
  std::vector<ListenerStats> stats() const;

  size_t open_connections() const;

  // Stops accepting, stops reading new requests, lets requests already dispatched finish and
  // their responses drain for up to `grace`, then closes whatever is left. `on_closed` runs
  // from the loop once every handle is closed (at once, before returning, if nothing is open).
  void shutdown(std::chrono::milliseconds grace, std::function<void()> on_closed);

 private:
  std::unique_ptr<ServerCore> core_;
};

}  // namespace gregor::net
