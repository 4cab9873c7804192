// Counters the metrics layer reads. They are plain integers updated on the loop thread; read
// them there too (the admin HTTP server runs on the same loop), through Server::stats().
#pragma once

#include <cstdint>
#include <string>

#include "gregor/net/connection.h"

namespace gregor::net {

struct ListenerCounters {
  // Gauges.
  uint64_t connections_open = 0;
  uint64_t requests_in_flight = 0;  // Dispatched, response not yet queued for writing.
  // Totals since start.
  uint64_t connections_created = 0;  // Admitted connections.
  uint64_t connections_closed = 0;
  uint64_t connections_refused = 0;  // Closed at accept by max.connections(.per.ip).
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t requests_received = 0;
  uint64_t frames_rejected = 0;  // Negative or oversized size prefix.
  uint64_t read_pauses = 0;      // Times a watermark stopped reading on a connection.
};

struct ListenerStats {
  std::string name;
  SecurityProtocol security_protocol = SecurityProtocol::kPlaintext;
  uint16_t port = 0;
  ListenerCounters counters;
};

}  // namespace gregor::net
