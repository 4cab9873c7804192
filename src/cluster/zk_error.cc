#include "gregor/cluster/zk_error.h"

#include <zookeeper/zookeeper.h>

namespace gregor::cluster {

// The enum mirrors the C client's codes so that a code can be passed through unchanged.
static_assert(static_cast<int>(ZkError::kOk) == ZOK);
static_assert(static_cast<int>(ZkError::kConnectionLoss) == ZCONNECTIONLOSS);
static_assert(static_cast<int>(ZkError::kOperationTimeout) == ZOPERATIONTIMEOUT);
static_assert(static_cast<int>(ZkError::kInvalidState) == ZINVALIDSTATE);
static_assert(static_cast<int>(ZkError::kNoNode) == ZNONODE);
static_assert(static_cast<int>(ZkError::kBadVersion) == ZBADVERSION);
static_assert(static_cast<int>(ZkError::kNodeExists) == ZNODEEXISTS);
static_assert(static_cast<int>(ZkError::kNotEmpty) == ZNOTEMPTY);
static_assert(static_cast<int>(ZkError::kSessionExpired) == ZSESSIONEXPIRED);
static_assert(static_cast<int>(ZkError::kClosing) == ZCLOSING);
static_assert(static_cast<int>(ZkError::kSessionMoved) == ZSESSIONMOVED);
static_assert(static_cast<int>(ZkError::kThrottledOp) == ZTHROTTLEDOP);

std::string_view zk_error_name(ZkError error) {
  switch (error) {
    case ZkError::kOk:
      return "OK";
    case ZkError::kSystemError:
      return "SYSTEMERROR";
    case ZkError::kRuntimeInconsistency:
      return "RUNTIMEINCONSISTENCY";
    case ZkError::kDataInconsistency:
      return "DATAINCONSISTENCY";
    case ZkError::kConnectionLoss:
      return "CONNECTIONLOSS";
    case ZkError::kMarshallingError:
      return "MARSHALLINGERROR";
    case ZkError::kUnimplemented:
      return "UNIMPLEMENTED";
    case ZkError::kOperationTimeout:
      return "OPERATIONTIMEOUT";
    case ZkError::kBadArguments:
      return "BADARGUMENTS";
    case ZkError::kInvalidState:
      return "INVALIDSTATE";
    case ZkError::kNoNode:
      return "NONODE";
    case ZkError::kNoAuth:
      return "NOAUTH";
    case ZkError::kBadVersion:
      return "BADVERSION";
    case ZkError::kNoChildrenForEphemerals:
      return "NOCHILDRENFOREPHEMERALS";
    case ZkError::kNodeExists:
      return "NODEEXISTS";
    case ZkError::kNotEmpty:
      return "NOTEMPTY";
    case ZkError::kSessionExpired:
      return "SESSIONEXPIRED";
    case ZkError::kInvalidCallback:
      return "INVALIDCALLBACK";
    case ZkError::kInvalidAcl:
      return "INVALIDACL";
    case ZkError::kAuthFailed:
      return "AUTHFAILED";
    case ZkError::kClosing:
      return "CLOSING";
    case ZkError::kNothing:
      return "NOTHING";
    case ZkError::kSessionMoved:
      return "SESSIONMOVED";
    case ZkError::kNotReadOnly:
      return "NOTREADONLY";
    case ZkError::kEphemeralOnLocalSession:
      return "EPHEMERALONLOCALSESSION";
    case ZkError::kNoWatcher:
      return "NOWATCHER";
    case ZkError::kThrottledOp:
      return "THROTTLEDOP";
  }
  return "UNKNOWN";
}

bool is_connection_error(ZkError error) {
  switch (error) {
    case ZkError::kConnectionLoss:
    case ZkError::kOperationTimeout:
    case ZkError::kSessionExpired:
    case ZkError::kSessionMoved:
    case ZkError::kClosing:
    case ZkError::kInvalidState:
    case ZkError::kThrottledOp:
      return true;
    default:
      return false;
  }
}

}  // namespace gregor::cluster
