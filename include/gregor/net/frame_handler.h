// The seam between the connection layer and the Kafka layer above it.
#pragma once

#include "gregor/net/connection.h"
#include "gregor/net/frame.h"
#include "gregor/net/request_slot.h"

namespace gregor::net {

// Called on the loop thread only. Implementations must not block: work that has to wait keeps
// the slot and finishes it later from the loop.
class FrameHandler {
 public:
  virtual ~FrameHandler() = default;

  // One complete frame arrived on `connection`. `slot.sequence()` counts the connection's
  // frames from 0. The handler may finish the slot before returning or keep it. It may also
  // close the connection; no further frames of that connection are delivered afterwards.
  virtual void on_frame(Connection& connection, RequestSlot slot, Frame frame) = 0;

  // A connection was admitted and will start delivering frames.
  virtual void on_connection_opened(Connection& connection) {}

  // A connection started closing; drop any per-connection state (sessions, purgatory
  // entries). Its slots may still be finished later; that does nothing.
  virtual void on_connection_closed(const Connection& connection) {}
};

}  // namespace gregor::net
