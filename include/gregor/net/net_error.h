// Errors the connection layer reports to whoever starts it. Per-connection trouble (a bad
// frame, a reset peer) is never an error value here: it closes that connection and is logged.
#pragma once

#include <string>

namespace gregor::net {

enum class NetErrc {
  kInvalidConfig,  // A setting is out of range or listeners clash.
  kResolveFailed,  // A listener host did not resolve to an address.
  kBindFailed,     // bind() or listen() failed, e.g. the port is in use.
  kWrongState,     // start() called twice, or after shutdown().
};

struct NetError {
  NetErrc code = NetErrc::kInvalidConfig;
  std::string message;  // One line naming the listener, the address and the cause.
};

}  // namespace gregor::net
