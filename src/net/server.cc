#include "gregor/net/server.h"

#include "server_core.h"

namespace gregor::net {

Server::Server(uv_loop_t* loop, ServerConfig config, FrameHandler& handler)
    : core_(std::make_unique<ServerCore>(loop, std::move(config), handler)) {}

Server::~Server() = default;

Result<void, NetError> Server::start() {
  return core_->start();
}

std::optional<uint16_t> Server::bound_port(std::string_view listener_name) const {
  return core_->bound_port(listener_name);
}

std::vector<ListenerStats> Server::stats() const {
  return core_->stats();
}

size_t Server::open_connections() const {
  return core_->open_connections();
}

void Server::shutdown(std::chrono::milliseconds grace, std::function<void()> on_closed) {
  core_->shutdown(grace, std::move(on_closed));
}

}  // namespace gregor::net
