#include "gregor/cluster/broker_registration.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "gregor/cluster/zk_paths.h"
#include "gregor/wire/codec.h"
#include "uv_handle.h"

namespace gregor::cluster {
namespace {

int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string endpoints_text(const BrokerInfo& info) {
  std::string out;
  for (const BrokerEndpoint& e : info.endpoints) {
    if (!out.empty()) out += ",";
    out += e.connection_string();
  }
  return out;
}

}  // namespace

struct BrokerRegistration::Timer {
  UvHandle<uv_timer_t> handle;
  std::function<void()> fire;
};

BrokerRegistration::BrokerRegistration(ZkClient& zk, BrokerInfo info,
                                       std::chrono::milliseconds stale_wait)
    : zk_(zk),
      info_(std::move(info)),
      path_(paths::broker(info_.id)),
      stale_wait_(stale_wait),
      timer_(std::make_unique<Timer>()) {
  timer_->handle = make_timer(zk_.loop(), timer_.get());
  listener_id_ = zk_.add_session_listener([this](SessionEvent event) {
    if (!started_) return;
    if (event == SessionEvent::kExpired) {
      // The ephemeral znode went with the session; the broker is not live until re-registered.
      generation_.bump();
      registration_.reset();
      stop_waiting();
      restart_on_new_session_ = true;
    } else if (event == SessionEvent::kNewSession && restart_on_new_session_) {
      restart_on_new_session_ = false;
      spdlog::info("[BrokerRegistration] Registering broker {} again in the new session",
                   info_.id.value());
      run();
    }
  });
}

BrokerRegistration::~BrokerRegistration() {
  zk_.remove_session_listener(listener_id_);
  stop_waiting();
  generation_.bump();
}

void BrokerRegistration::stop_waiting() {
  waiting_for_stale_ = false;
  uv_timer_stop(timer_->handle.get());
  if (stale_handler_id_ != 0) zk_.remove_watch_handler(stale_handler_id_);
  stale_handler_id_ = 0;
}

void BrokerRegistration::start(Callback done) {
  done_ = std::move(done);
  started_ = true;
  run();
}

void BrokerRegistration::run() {
  generation_.bump();
  registration_.reset();
  stale_deadline_ms_ = 0;
  ensure_paths(generation_.ticket());
}

void BrokerRegistration::on_error(ZkError error, const char* what,
                                  const std::function<void()>& retry) {
  if (error == ZkError::kConnectionLoss || error == ZkError::kOperationTimeout) {
    retry();
  } else if (error != ZkError::kSessionExpired) {
    fail(zk_failure(error, what));
  }
}

void BrokerRegistration::ensure_paths(const Generation::Ticket& generation) {
  std::vector<std::string> wanted = paths::persistent_paths();
  wanted.emplace_back(paths::kCluster);
  cluster::ensure_paths(zk_, wanted, [this, generation](ZkError error) {
    if (!generation.valid()) return;
    if (error != ZkError::kOk) {
      on_error(error, "creating Kafka's persistent paths",
               [this, generation] { ensure_paths(generation); });
      return;
    }
    read_or_create_cluster_id(generation);
  });
}

// The first broker of a cluster proposes a random id; everyone else reads the winner's.
void BrokerRegistration::read_or_create_cluster_id(const Generation::Ticket& generation) {
  std::string proposed = wire::Uuid::random().to_base64();
  zk_.create(std::string(paths::kClusterId), encode_cluster_id(proposed), CreateMode::kPersistent,
             [this, generation, proposed](ZkError error, const std::string&, const ZkStat&) {
               if (!generation.valid()) return;
               if (error == ZkError::kOk) {
                 spdlog::info("[BrokerRegistration] Created cluster id {}", proposed);
                 cluster_id_ = proposed;
                 create_registration(generation);
                 return;
               }
               if (error != ZkError::kNodeExists) {
                 on_error(error, "creating /cluster/id",
                          [this, generation] { read_or_create_cluster_id(generation); });
                 return;
               }
               zk_.get(std::string(paths::kClusterId), false,
                       [this, generation](ZkError error, const std::string& data, const ZkStat&) {
                         if (!generation.valid()) return;
                         if (error != ZkError::kOk) {
                           on_error(error, "reading /cluster/id",
                                    [this, generation] { read_or_create_cluster_id(generation); });
                           return;
                         }
                         auto id = decode_cluster_id(data);
                         if (!id) {
                           fail(id.error());
                           return;
                         }
                         cluster_id_ = std::move(*id);
                         create_registration(generation);
                       });
             });
}

void BrokerRegistration::create_registration(const Generation::Ticket& generation) {
  info_.timestamp_ms = wall_clock_ms();
  zk_.create(path_, encode_broker_info(info_), CreateMode::kEphemeral,
             [this, generation](ZkError error, const std::string&, const ZkStat& stat) {
               if (!generation.valid()) return;
               if (error == ZkError::kOk) {
                 succeed(stat.czxid);
               } else if (error == ZkError::kNodeExists) {
                 check_existing(generation);
               } else if (error == ZkError::kNoNode) {
                 ensure_paths(generation);  // Someone removed /brokers/ids.
               } else {
                 on_error(error, "creating the broker registration",
                          [this, generation] { create_registration(generation); });
               }
             });
}

// The id is taken. It may be ours (a create retried after a lost connection had in fact
// succeeded), a previous run of this broker whose session has not expired yet, or another
// live broker configured with the same id.
void BrokerRegistration::check_existing(const Generation::Ticket& generation) {
  zk_.get(path_, false, [this, generation](ZkError error, const std::string&, const ZkStat& stat) {
    if (!generation.valid()) return;
    if (error == ZkError::kNoNode) {
      create_registration(generation);
      return;
    }
    if (error != ZkError::kOk) {
      on_error(error, "reading the existing registration",
               [this, generation] { check_existing(generation); });
      return;
    }
    auto session = zk_.session();
    if (session && stat.ephemeral_owner == session->id) {
      succeed(stat.czxid);
      return;
    }
    wait_for_stale(generation, stat.ephemeral_owner);
  });
}

void BrokerRegistration::wait_for_stale(const Generation::Ticket& generation, int64_t owner) {
  const auto now = static_cast<int64_t>(uv_now(zk_.loop()));
  if (stale_deadline_ms_ == 0) {
    stale_deadline_ms_ = now + stale_wait_.count();
    spdlog::info(
        "[BrokerRegistration] {} is held by session 0x{:x}; waiting up to {} ms for it to expire",
        path_, owner, stale_wait_.count());
  }
  auto refuse = [this, owner] {
    const int64_t ours = zk_.session() ? zk_.session()->id : 0;
    ClusterError error;
    error.code = ClusterErrc::kBrokerIdInUse;
    error.message =
        "Error while creating ephemeral at " + path_ + ", node already exists and owner '" +
        std::to_string(owner) + "' does not match current session '" + std::to_string(ours) +
        "': is another broker running with broker.id=" + std::to_string(info_.id.value()) + "?";
    fail(std::move(error));
  };
  if (now >= stale_deadline_ms_) {
    refuse();
    return;
  }
  stop_waiting();
  waiting_for_stale_ = true;
  auto retry = [this, generation] {
    if (!generation.valid() || !waiting_for_stale_) return;
    stop_waiting();
    create_registration(generation);
  };
  stale_handler_id_ =
      zk_.add_watch_handler(path_, ZkClient::WatchKind::kData, [retry](WatchEvent event) {
        if (event == WatchEvent::kDeleted) retry();
      });
  timer_->fire = [this, generation, refuse] {
    if (!generation.valid() || !waiting_for_stale_) return;
    stop_waiting();
    refuse();
  };
  uv_timer_start(
      timer_->handle.get(),
      [](uv_timer_t* t) {
        if (t->data != nullptr) static_cast<Timer*>(t->data)->fire();
      },
      static_cast<uint64_t>(stale_deadline_ms_ - now), 0);
  zk_.exists(path_, true, [this, generation, retry](ZkError error, const ZkStat&) {
    if (!generation.valid()) return;
    if (error == ZkError::kNoNode) retry();
  });
}

void BrokerRegistration::succeed(int64_t epoch) {
  stale_deadline_ms_ = 0;
  registration_ = Registration{cluster_id_, epoch};
  spdlog::info(
      "[BrokerRegistration] Registered broker {} at path {} with addresses: {}, czxid (broker "
      "epoch): {}",
      info_.id.value(), path_, endpoints_text(info_), epoch);
  if (done_) done_(*registration_);
}

void BrokerRegistration::fail(ClusterError error) {
  stale_deadline_ms_ = 0;
  spdlog::error("[BrokerRegistration] Cannot register broker {}: {}", info_.id.value(),
                error.message);
  if (done_) done_(unexpected(std::move(error)));
}

void BrokerRegistration::deregister(std::function<void(Result<void, ClusterError>)> done) {
  started_ = false;  // No re-registration after this.
  generation_.bump();
  registration_.reset();
  stop_waiting();
  const auto generation = generation_.ticket();
  zk_.get(path_, false,
          [this, generation, done = std::move(done)](ZkError error, const std::string&,
                                                     const ZkStat& stat) {
            if (!generation.valid()) return;
            auto session = zk_.session();
            if (error == ZkError::kNoNode ||
                (error == ZkError::kOk && (!session || stat.ephemeral_owner != session->id))) {
              done({});  // Nothing of ours to delete.
              return;
            }
            if (error != ZkError::kOk) {
              done(unexpected(zk_failure(error, "reading " + path_)));
              return;
            }
            zk_.remove(path_, stat.version, [this, generation, done](ZkError error) {
              if (!generation.valid()) return;
              if (error == ZkError::kOk || error == ZkError::kNoNode) {
                spdlog::info("[BrokerRegistration] Deregistered broker {}", info_.id.value());
                done({});
              } else {
                done(unexpected(zk_failure(error, "deleting " + path_)));
              }
            });
          });
}

namespace {

void write_seqid(ZkClient& zk, int32_t reserved_max_id, bool may_create,
                 std::function<void(Result<BrokerId, ClusterError>)> done) {
  zk.set(std::string(paths::kBrokerSeqId), "", kAnyVersion,
         [&zk, reserved_max_id, may_create, done = std::move(done)](ZkError error,
                                                                    const ZkStat& stat) {
           if (error == ZkError::kOk) {
             done(BrokerId(stat.version + reserved_max_id));
           } else if (error == ZkError::kNoNode && may_create) {
             ensure_paths(zk, {std::string(paths::kBrokerSeqId)},
                          [&zk, reserved_max_id, done](ZkError) {
                            write_seqid(zk, reserved_max_id, false, done);
                          });
           } else {
             done(unexpected(zk_failure(error, "writing /brokers/seqid")));
           }
         });
}

}  // namespace

void generate_broker_id(ZkClient& zk, int32_t reserved_max_id,
                        std::function<void(Result<BrokerId, ClusterError>)> done) {
  write_seqid(zk, reserved_max_id, true, std::move(done));
}

}  // namespace gregor::cluster
