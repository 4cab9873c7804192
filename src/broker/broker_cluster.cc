// The broker's ZooKeeper and log steps of its start and stop sequences.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

#include "broker/broker.h"
#include "broker/log_settings.h"
#include "broker/topic_watch.h"
#include "gregor/cluster/broker_registration.h"
#include "gregor/cluster/controller_election.h"
#include "gregor/cluster/topic_store.h"
#include "gregor/cluster/zk_client.h"
#include "gregor/cluster/zk_watchers.h"
#include "gregor/config/listener.h"
#include "gregor/log/log_manager.h"

namespace gregor::broker {
namespace {

// Kafka advertises the canonical host name for a listener bound to all interfaces.
std::string advertised_host(const std::string& host) {
  if (!host.empty()) return host;
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

cluster::BrokerInfo make_broker_info(const config::BrokerConfig& config) {
  cluster::BrokerInfo info;
  info.id = BrokerId(config.broker_id());
  for (const auto& ep : config.advertised_listeners()) {
    info.endpoints.push_back(
        cluster::BrokerEndpoint{ep.listener_name, advertised_host(ep.host), ep.port,
                                std::string(config::security_protocol_name(ep.protocol))});
  }
  info.rack = config.get_string("broker.rack");
  info.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return info;
}

}  // namespace

void Broker::connect_zookeeper() {
  if (config_.broker_id() < 0) {
    // Generated ids (broker.id.generation.enable) also need meta.properties to remember
    // them across restarts; until that exists, ask for an explicit id.
    fail_start("broker.id must be set (0 or more); generated broker ids are not supported yet");
    return;
  }
  cluster::ZkClientOptions options;
  options.connect = config_.get_string("zookeeper.connect").value_or("");
  options.session_timeout =
      std::chrono::milliseconds(config_.get_int("zookeeper.session.timeout.ms"));
  obs::logger("kafka.server.KafkaServer").info("Connecting to zookeeper on {}", options.connect);
  zk_ = std::make_unique<cluster::ZkClient>(loop_, options);
  if (auto started = zk_->start(); !started) {
    fail_start(fmt::format("invalid zookeeper.connect '{}': {}", options.connect, started.error()));
    return;
  }
  // A registration left by this broker's previous process lives until that session times
  // out; waiting one session timeout lets a quick restart through.
  registration_ = std::make_unique<cluster::BrokerRegistration>(*zk_, make_broker_info(config_),
                                                                options.session_timeout);
  registration_->start([this](Result<cluster::Registration, cluster::ClusterError> result) {
    if (!result) {
      if (state_ == BrokerState::kStarting) {
        fail_start(result.error().message);
      } else {
        log_.error("Re-registration in ZooKeeper failed: {}", result.error().message);
      }
      return;
    }
    broker_epoch_ = result->broker_epoch;
    if (state_ == BrokerState::kStarting && !logs_) {
      on_registered(*result);
    } else {
      log_.info("Registered again in ZooKeeper with broker epoch {}", broker_epoch_);
    }
  });
}

void Broker::on_registered(const cluster::Registration& registration) {
  log_.info("Cluster ID = {}", registration.cluster_id);
  metadata_.set_cluster_id(registration.cluster_id);
  if (!load_logs(registration.cluster_id)) return;
  start_listeners();
  if (failed_) return;
  start_admin_http();
  if (failed_) return;
  watch_cluster();
  finish_start();
}

bool Broker::load_logs(const std::string& cluster_id) {
  state_ = BrokerState::kRecovery;
  auto opened = log::LogManager::open(make_log_manager_config(config_));
  if (!opened) {
    fail_start(fmt::format("could not load the log dirs: {}", opened.error().message));
    return false;
  }
  logs_ = std::move(*opened);
  if (auto meta = logs_->ensure_meta_properties(BrokerId(id()), cluster_id); !meta) {
    fail_start(meta.error().message);
    return false;
  }
  logs_->start_background();
  obs::logger("kafka.log.LogManager")
      .info("Loaded {} logs from {}", logs_->all().size(), fmt::join(config_.log_dirs(), ","));
  state_ = BrokerState::kStarting;
  return true;
}

void Broker::watch_cluster() {
  live_brokers_ = std::make_unique<
      cluster::LiveBrokersWatch>(*zk_, [this](const std::map<BrokerId, cluster::LiveBroker>& live) {
    std::vector<cluster::BrokerMetadata> brokers;
    for (const auto& [broker_id, b] : live) {
      brokers.push_back(cluster::BrokerMetadata{broker_id, b.info.endpoints, b.info.rack, b.epoch});
    }
    metadata_.set_live_brokers(std::move(brokers));
  });
  live_brokers_->start();

  topic_store_ = std::make_unique<cluster::TopicStore>(*zk_);
  topic_watch_ = std::make_unique<TopicWatch>(*zk_, metadata_);
  topic_watch_->start();

  cluster::ControllerElection::Callbacks callbacks;
  callbacks.on_controller_changed = [this](std::optional<BrokerId> controller) {
    metadata_.set_controller(controller);
  };
  election_ = std::make_unique<cluster::ControllerElection>(*zk_, BrokerId(id()), callbacks);
  election_->start();
}

const cluster::ControllerFence* Broker::controller_fence() const {
  if (!election_ || !election_->fence()) return nullptr;
  return &*election_->fence();
}

// Flushes every log, writes the checkpoints and the clean-shutdown marker, so that the next
// start skips recovery.
void Broker::stop_logs() {
  if (!logs_) return;
  logs_->stop_background();
  if (auto done = logs_->shutdown(broker_epoch_); !done) {
    obs::logger("kafka.log.LogManager").error("Log shutdown failed: {}", done.error().message);
  }
  logs_.reset();
}

// Leaves the cluster: the registration goes first so that others stop routing to us before
// the session closes (closing alone would also remove it, one session timeout later at worst).
void Broker::stop_zookeeper() {
  if (!zk_) {
    finish_shutdown();
    return;
  }
  election_.reset();
  topic_watch_.reset();
  topic_store_.reset();
  live_brokers_.reset();
  auto close_zk = [this] {
    zk_->close();
    finish_shutdown();
  };
  if (registration_ && registration_->registered() && zk_->connected()) {
    registration_->deregister([close_zk](Result<void, cluster::ClusterError>) { close_zk(); });
  } else {
    close_zk();
  }
}

}  // namespace gregor::broker
