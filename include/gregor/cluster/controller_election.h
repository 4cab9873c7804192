// Kafka's controller election (ZK mode): the first broker to create the ephemeral
// /controller znode is the controller, and in the same transaction it increments
// /controller_epoch. Every broker watches /controller and tries again when it disappears.
//
// The epoch znode's version fences the controller: each of its writes is a transaction that
// first checks that /controller_epoch still has the version this broker's election left
// there (ControllerFence). A controller that lost its session without noticing yet finds its
// writes refused with kControllerMoved instead of overwriting its successor's.
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "gregor/cluster/generation.h"
#include "gregor/cluster/zk_client.h"
#include "gregor/common/strong_id.h"

namespace gregor::cluster {

struct ControllerFence {
  ControllerEpoch epoch;
  int32_t epoch_zk_version = 0;  // The version of /controller_epoch after the election.
  bool operator==(const ControllerFence&) const = default;
};

// Prepends the fencing check to a controller's transaction.
std::vector<ZkOp> fenced(const ControllerFence& fence, std::vector<ZkOp> ops);

// True when a fenced transaction failed on its fencing check (results[0]): another
// controller was elected since.
bool fence_failed(ZkError error, const std::vector<ZkOpResult>& results);

class ControllerElection {
 public:
  struct Callbacks {
    // This broker won an election. Writes must carry `fence`.
    std::function<void(const ControllerFence& fence)> on_elected;
    // This broker is no longer the controller (another won, or its session expired).
    std::function<void()> on_resigned;
    // The controller changed, as seen in /controller (nullopt: none at the moment).
    std::function<void(std::optional<BrokerId>)> on_controller_changed;
  };

  ControllerElection(ZkClient& zk, BrokerId self, Callbacks callbacks);
  ~ControllerElection();
  ControllerElection(const ControllerElection&) = delete;
  ControllerElection& operator=(const ControllerElection&) = delete;

  // Starts watching /controller and takes part in elections, now and after every new session.
  void start();

  // Steps down: deletes /controller if this broker holds it, which starts a new election.
  // This broker takes part again unless `stop` is true.
  void resign(bool stop = false);

  bool is_controller() const { return fence_.has_value(); }
  std::optional<BrokerId> controller() const { return controller_; }
  const std::optional<ControllerFence>& fence() const { return fence_; }

 private:
  void check();
  void check_done();
  void read_controller();
  void elect();
  void create_epoch();
  void read_epoch(bool create_if_missing, std::function<void(ControllerEpoch, int32_t)> then);
  void create_controller(ControllerEpoch current, int32_t version);
  void adopt_existing_election();
  void set_controller(std::optional<BrokerId> id);
  void become(const ControllerFence& fence);
  void step_down();
  // Retries after a lost connection; ignores errors an expiry will answer with a restart.
  void on_error(ZkError error, const char* what);

  ZkClient& zk_;
  BrokerId self_;
  Callbacks callbacks_;
  bool started_ = false;
  bool stopped_ = false;
  bool checking_ = false;  // A check is in flight; `recheck_` asks for one more after it.
  bool recheck_ = false;
  Generation generation_;  // Bumped when the session expires; stale answers are ignored.
  int listener_id_ = 0;
  int handler_id_ = 0;
  std::optional<BrokerId> controller_;
  std::optional<ControllerFence> fence_;
};

}  // namespace gregor::cluster
