// A broker's presence in ZooKeeper: Kafka's persistent paths, the cluster id, and the
// ephemeral /brokers/ids/<id> znode that makes the broker "live".
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gregor/cluster/broker_znodes.h"
#include "gregor/cluster/cluster_error.h"
#include "gregor/cluster/generation.h"
#include "gregor/cluster/zk_client.h"
#include "gregor/common/result.h"

namespace gregor::cluster {

struct Registration {
  std::string cluster_id;
  // The czxid of the registration znode: Kafka's broker epoch, carried in LeaderAndIsr,
  // UpdateMetadata, ControlledShutdown and AlterPartition. It changes with every session.
  int64_t broker_epoch = -1;
};

class BrokerRegistration {
 public:
  using Callback = std::function<void(Result<Registration, ClusterError>)>;

  // `stale_wait`: how long to wait for a registration of this broker id owned by another
  // session to go away (a previous run of this broker whose session has not timed out yet)
  // before refusing with kBrokerIdInUse. Kafka refuses at once; waiting out one session
  // timeout lets a quick restart succeed.
  BrokerRegistration(ZkClient& zk, BrokerInfo info, std::chrono::milliseconds stale_wait);
  ~BrokerRegistration();
  BrokerRegistration(const BrokerRegistration&) = delete;
  BrokerRegistration& operator=(const BrokerRegistration&) = delete;

  // Creates the persistent paths, reads or creates /cluster/id and registers. `done` runs
  // with the outcome; after a session expiry the broker registers again by itself and `done`
  // runs again with the new broker epoch (or the error).
  void start(Callback done);

  // Deletes the registration if this session still owns it; the broker then stops being live
  // before its session closes. `done` gets kOk also when there was nothing to delete.
  void deregister(std::function<void(Result<void, ClusterError>)> done);

  bool registered() const { return registration_.has_value(); }
  const std::optional<Registration>& registration() const { return registration_; }

 private:
  void run();
  void ensure_paths(const Generation::Ticket& generation);
  void read_or_create_cluster_id(const Generation::Ticket& generation);
  void create_registration(const Generation::Ticket& generation);
  void check_existing(const Generation::Ticket& generation);
  void wait_for_stale(const Generation::Ticket& generation, int64_t owner);
  void stop_waiting();
  void succeed(int64_t epoch);
  void fail(ClusterError error);
  // Connection losses retry the step (the request waits for the connection); an expired
  // session is left to the new session's restart; anything else fails the registration.
  void on_error(ZkError error, const char* what, const std::function<void()>& retry);

  ZkClient& zk_;
  BrokerInfo info_;
  std::string path_;
  std::chrono::milliseconds stale_wait_;
  Callback done_;
  int listener_id_ = 0;
  Generation generation_;  // Bumped on every (re)start; older callbacks are ignored.
  bool started_ = false;
  bool restart_on_new_session_ = false;
  bool waiting_for_stale_ = false;
  std::string cluster_id_;
  std::optional<Registration> registration_;
  int64_t stale_deadline_ms_ = 0;
  int stale_handler_id_ = 0;
  struct Timer;
  std::unique_ptr<Timer> timer_;
};

// A broker id from /brokers/seqid, for broker.id=-1 (broker.id.generation.enable): the znode's
// version after an unconditional write, plus reserved.broker.max.id.
void generate_broker_id(ZkClient& zk, int32_t reserved_max_id,
                        std::function<void(Result<BrokerId, ClusterError>)> done);

}  // namespace gregor::cluster
