// Result codes of ZooKeeper operations, as values. The numbers are the C client's (ZOK,
// ZNONODE, ...) so that a code can be logged and looked up in ZooKeeper's documentation, but
// the header does not pull zookeeper.h (and its macros) into every file that uses the client.
#pragma once

#include <cstdint>
#include <string_view>

namespace gregor::cluster {

enum class ZkError : int32_t {
  kOk = 0,
  kSystemError = -1,
  kRuntimeInconsistency =
      -2,  // Also: "an earlier op of this multi failed, so this one did not run".
  kDataInconsistency = -3,
  kConnectionLoss = -4,  // The request may or may not have been applied.
  kMarshallingError = -5,
  kUnimplemented = -6,
  kOperationTimeout = -7,
  kBadArguments = -8,  // E.g. a malformed path.
  kInvalidState = -9,
  kNoNode = -101,
  kNoAuth = -102,
  kBadVersion = -103,
  kNoChildrenForEphemerals = -108,
  kNodeExists = -110,
  kNotEmpty = -111,
  kSessionExpired = -112,
  kInvalidCallback = -113,
  kInvalidAcl = -114,
  kAuthFailed = -115,
  kClosing = -116,  // The client was closed before the request completed.
  kNothing = -117,
  kSessionMoved = -118,
  kNotReadOnly = -119,
  kEphemeralOnLocalSession = -120,
  kNoWatcher = -121,
  kThrottledOp = -127,
};

// "NONODE", "BADVERSION", ...: the names ZooKeeper's own tools print; "UNKNOWN" for a code
// outside the table.
std::string_view zk_error_name(ZkError error);

// True when the request failed because the connection or the session went away rather than
// because of the data: the caller may retry once a session is available again.
bool is_connection_error(ZkError error);

}  // namespace gregor::cluster
