// Translates the broker configuration into the network layer's settings.
#pragma once

#include "gregor/config/broker_config.h"
#include "gregor/net/http_server.h"
#include "gregor/net/server_config.h"

namespace gregor::broker {

net::ServerConfig make_server_config(const config::BrokerConfig& config);

// The admin HTTP endpoint, or nothing when admin.http.port is -1.
std::optional<net::HttpServerConfig> make_admin_config(const config::BrokerConfig& config);

}  // namespace gregor::broker
