// The connection as a frame handler sees it: who is on the other end, through which listener,
// and a way to end it. The libuv machinery behind it lives in src/net, so handlers and their
// tests depend only on this small interface (a test can implement it without any socket).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "gregor/common/security_protocol.h"
#include "gregor/common/strong_id.h"

namespace gregor::net {

struct Reply;

// Identifies one accepted connection for the life of the process; ids are never reused, so a
// stale id can't name a newer connection.
using ConnectionId = StrongId<struct ConnectionIdTag, uint64_t>;

using gregor::security_protocol_name;
using gregor::SecurityProtocol;

// Facts about a connection that stay fixed while it is open.
struct ConnectionInfo {
  ConnectionId id;
  std::string listener_name;
  SecurityProtocol security_protocol = SecurityProtocol::kPlaintext;
  std::string peer_ip;  // IPv4-mapped IPv6 peers are shown as plain IPv4.
  uint16_t peer_port = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual const ConnectionInfo& info() const = 0;

  // True until the connection starts closing (for any reason). Once false it stays false.
  virtual bool is_open() const = 0;

  // Closes the connection now. Responses not yet written are dropped and requests still
  // pending are abandoned (finishing them later is a harmless no-op). Safe to call repeatedly.
  virtual void close() = 0;

  // A handle that outlives the connection safely, for work that must reach it later without
  // a request slot (e.g. closing after an authentication failure delay). It expires once the
  // connection's memory is released, shortly after it closes.
  virtual std::weak_ptr<Connection> weak_handle() = 0;

 protected:
  friend class RequestSlot;

  // Records how the request with `sequence` ends. Only RequestSlot calls this; an
  // implementation must accept calls after it has closed and ignore them.
  virtual void finish_request(uint64_t sequence, Reply reply) = 0;
};

}  // namespace gregor::net
