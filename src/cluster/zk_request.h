// The request objects ZkClient hands to the C client as completion context. A request is
// owned by the client's queues until issued, then by the C client until its completion runs,
// which takes it back and deletes it. fail() reports an error for a request that never ran.
#pragma once

#include <zookeeper/zookeeper.h>

#include "gregor/cluster/zk_client.h"

namespace gregor::cluster {

class ZkClient::Request {
 public:
  explicit Request(ZkClient* owner) : owner_(owner) {}
  virtual ~Request() = default;
  Request(const Request&) = delete;
  Request& operator=(const Request&) = delete;

  // Starts the C client call with `this` as its context. Returns the C client's code: on ZOK
  // the completion will run exactly once; otherwise it never will.
  virtual int issue(zhandle_t* zh) = 0;
  // Reports `error` to the caller for a request that did not run.
  virtual void fail(ZkError error) = 0;

 protected:
  // False while the client is being destroyed: completions then free the request silently.
  bool deliver() const { return !owner_->dropping_callbacks_; }

 private:
  ZkClient* owner_;
};

// Converts the C client's stat; a null pointer (no stat for a failed call) gives zeros.
ZkStat to_zk_stat(const struct Stat* stat);

}  // namespace gregor::cluster
