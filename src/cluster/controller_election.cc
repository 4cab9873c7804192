#include "gregor/cluster/controller_election.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "gregor/cluster/broker_znodes.h"
#include "gregor/cluster/zk_paths.h"

namespace gregor::cluster {
namespace {

std::string controller_path() {
  return std::string(paths::kController);
}
std::string epoch_path() {
  return std::string(paths::kControllerEpoch);
}

int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::vector<ZkOp> fenced(const ControllerFence& fence, std::vector<ZkOp> ops) {
  ops.insert(ops.begin(), ZkOp::check(epoch_path(), fence.epoch_zk_version));
  return ops;
}

bool fence_failed(ZkError error, const std::vector<ZkOpResult>& results) {
  if (error == ZkError::kOk || results.empty()) return false;
  return results[0].error == ZkError::kBadVersion || results[0].error == ZkError::kNoNode;
}

ControllerElection::ControllerElection(ZkClient& zk, BrokerId self, Callbacks callbacks)
    : zk_(zk), self_(self), callbacks_(std::move(callbacks)) {}

ControllerElection::~ControllerElection() {
  generation_.bump();
  if (listener_id_ != 0) zk_.remove_session_listener(listener_id_);
  if (handler_id_ != 0) zk_.remove_watch_handler(handler_id_);
}

void ControllerElection::start() {
  if (started_) return;
  started_ = true;
  handler_id_ = zk_.add_watch_handler(controller_path(), ZkClient::WatchKind::kData,
                                      [this](WatchEvent) { check(); });
  listener_id_ = zk_.add_session_listener([this](SessionEvent event) {
    if (event == SessionEvent::kExpired) {
      // The ephemeral /controller went with the session: whatever this broker was doing as
      // controller must stop now, before a successor's first write.
      generation_.bump();
      checking_ = false;
      recheck_ = false;
      step_down();
    } else if (event == SessionEvent::kNewSession) {
      check();  // The watch is gone with the old session; look again and maybe run.
    }
  });
  check();
}

void ControllerElection::resign(bool stop) {
  stopped_ = stop;
  if (!fence_) return;
  const ControllerFence fence = *fence_;
  step_down();
  // Deleting /controller only while the epoch is still ours, so a successor's is never hit.
  zk_.multi(fenced(fence, {ZkOp::remove(controller_path())}),
            [this](ZkError error, const std::vector<ZkOpResult>&) {
              if (error != ZkError::kOk) {
                spdlog::warn("[Controller id={}] Could not delete {}: {}", self_.value(),
                             controller_path(), zk_error_name(error));
              }
            });
}

void ControllerElection::check() {
  if (!started_) return;
  if (checking_) {
    recheck_ = true;
    return;
  }
  checking_ = true;
  const auto generation = generation_.ticket();
  zk_.exists(controller_path(), true, [this, generation](ZkError error, const ZkStat&) {
    if (!generation.valid()) return;
    if (error == ZkError::kOk) {
      read_controller();
    } else if (error == ZkError::kNoNode) {
      set_controller(std::nullopt);
      step_down();
      if (stopped_) {
        check_done();
      } else {
        elect();
      }
    } else {
      on_error(error, "watching /controller");
    }
  });
}

void ControllerElection::check_done() {
  checking_ = false;
  if (recheck_) {
    recheck_ = false;
    check();
  }
}

void ControllerElection::on_error(ZkError error, const char* what) {
  checking_ = false;
  if (error == ZkError::kConnectionLoss || error == ZkError::kOperationTimeout) {
    check();  // The retry waits in the client until the connection is back.
  } else if (error != ZkError::kSessionExpired && error != ZkError::kClosing) {
    // Not retried in a loop: the next change of /controller or the next session tries again.
    spdlog::error("[Controller id={}] Election step failed, {}: {}", self_.value(), what,
                  zk_error_name(error));
  }
}

void ControllerElection::read_controller() {
  const auto generation = generation_.ticket();
  zk_.get(controller_path(), false,
          [this, generation](ZkError error, const std::string& data, const ZkStat& stat) {
            if (!generation.valid()) return;
            if (error == ZkError::kNoNode) {
              recheck_ = true;  // Gone already: look again.
              check_done();
              return;
            }
            if (error != ZkError::kOk) {
              on_error(error, "reading /controller");
              return;
            }
            auto info = decode_controller(data);
            if (!info) {
              spdlog::error("[Controller id={}] {}", self_.value(), info.error().message);
              step_down();
              set_controller(std::nullopt);
              check_done();
              return;
            }
            auto session = zk_.session();
            const bool ours = info->broker_id == self_ && session.has_value() &&
                              stat.ephemeral_owner == session->id;
            set_controller(info->broker_id);
            if (ours && !fence_) {
              // Our election went through although its answer was lost (connection loss).
              adopt_existing_election();
              return;
            }
            if (!ours) step_down();
            check_done();
          });
}

void ControllerElection::elect() {
  read_epoch(/*create_if_missing=*/true,
             [this](ControllerEpoch epoch, int32_t version) { create_controller(epoch, version); });
}

// The very first election of the cluster: start from epoch 0, as Kafka does.
void ControllerElection::create_epoch() {
  const auto generation = generation_.ticket();
  zk_.create(epoch_path(), encode_controller_epoch(ControllerEpoch(0)), CreateMode::kPersistent,
             [this, generation](ZkError error, const std::string&, const ZkStat& stat) {
               if (!generation.valid()) return;
               if (error == ZkError::kOk) {
                 create_controller(ControllerEpoch(0), stat.version);
               } else if (error == ZkError::kNodeExists) {
                 elect();  // Another broker created it first; read theirs.
               } else {
                 on_error(error, "creating /controller_epoch");
               }
             });
}

void ControllerElection::create_controller(ControllerEpoch current, int32_t version) {
  const auto generation = generation_.ticket();
  const ControllerEpoch next(current.value() + 1);
  std::vector<ZkOp> ops = {
      ZkOp::create(controller_path(), encode_controller({self_, wall_clock_ms()}),
                   CreateMode::kEphemeral),
      ZkOp::set(epoch_path(), encode_controller_epoch(next), version)};
  zk_.multi(std::move(ops),
            [this, generation, next](ZkError error, const std::vector<ZkOpResult>& results) {
              if (!generation.valid()) return;
              if (error == ZkError::kOk) {
                set_controller(self_);
                become({next, results[1].stat.version});
                check_done();
              } else if (error == ZkError::kNodeExists || error == ZkError::kBadVersion ||
                         error == ZkError::kConnectionLoss || error == ZkError::kOperationTimeout) {
                // Someone else won, or the epoch moved under us, or the answer was lost and it
                // may have gone through: /controller and its owner tell which.
                read_controller();
              } else {
                on_error(error, "creating /controller");
              }
            });
}

void ControllerElection::adopt_existing_election() {
  read_epoch(/*create_if_missing=*/false, [this](ControllerEpoch epoch, int32_t version) {
    // Only the holder of /controller can move the epoch, so the current one is ours.
    become({epoch, version});
    check_done();
  });
}

void ControllerElection::read_epoch(bool create_if_missing,
                                    std::function<void(ControllerEpoch, int32_t)> then) {
  const auto generation = generation_.ticket();
  zk_.get(epoch_path(), false,
          [this, generation, create_if_missing, then = std::move(then)](
              ZkError error, const std::string& data, const ZkStat& stat) {
            if (!generation.valid()) return;
            if (error == ZkError::kNoNode && create_if_missing) {
              create_epoch();
              return;
            }
            if (error != ZkError::kOk) {
              on_error(error, "reading /controller_epoch");
              return;
            }
            auto epoch = decode_controller_epoch(data);
            if (!epoch) {
              spdlog::error("[Controller id={}] {}", self_.value(), epoch.error().message);
              check_done();
              return;
            }
            then(*epoch, stat.version);
          });
}

void ControllerElection::set_controller(std::optional<BrokerId> id) {
  if (id == controller_) return;
  controller_ = id;
  if (callbacks_.on_controller_changed) callbacks_.on_controller_changed(id);
}

void ControllerElection::become(const ControllerFence& fence) {
  if (fence_ == fence) return;
  fence_ = fence;
  spdlog::info(
      "[Controller id={}] {} successfully elected as the controller. Epoch incremented to {} and "
      "epoch zk version is now {}",
      self_.value(), self_.value(), fence.epoch.value(), fence.epoch_zk_version);
  if (callbacks_.on_elected) callbacks_.on_elected(fence);
}

void ControllerElection::step_down() {
  if (!fence_) return;
  fence_.reset();
  spdlog::info("[Controller id={}] Resigned as the controller", self_.value());
  if (callbacks_.on_resigned) callbacks_.on_resigned();
}

}  // namespace gregor::cluster
