#include "broker/admin_http.h"

#include "broker/broker.h"

namespace gregor::broker {

net::HttpHandler make_admin_handler(Broker& broker) {
  return [&broker](const net::HttpRequest& request) {
    net::HttpResponse response;
    if (request.path == "/metrics") {
      response.content_type = "text/plain; version=0.0.4; charset=utf-8";
      response.body = broker.metrics().render();
    } else if (request.path == "/ready") {
      const bool ready = broker.state() == BrokerState::kRunning;
      response.status = ready ? 200 : 503;
      response.body = ready ? "ready\n" : "not ready\n";
    } else {
      response.status = 404;
      response.body = "not found; try /metrics or /ready\n";
    }
    return response;
  };
}

}  // namespace gregor::broker
