// The admin HTTP endpoint: /metrics in the Prometheus text format, /ready for health checks
// (200 once the broker is serving, 503 while it starts or stops).
#pragma once

#include "gregor/net/http_server.h"

namespace gregor::broker {

class Broker;

net::HttpHandler make_admin_handler(Broker& broker);

}  // namespace gregor::broker
