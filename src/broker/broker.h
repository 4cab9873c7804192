// The composition root: builds every module from the configuration, owns their lifetimes,
// and runs the broker's start and stop sequences on one libuv loop.
//
// Start: connect to ZooKeeper, read or create the cluster id and register under
// /brokers/ids (one step of the cluster module), load the logs and check meta.properties
// against the cluster id, bind the listeners, join the controller election, then log
// "[KafkaServer id=N] started". Kafka registers after binding; registering first costs a
// client at most a refused connection and a retry in the few milliseconds in between. Stop
// (SIGTERM/SIGINT): stop accepting, let in-flight requests finish, flush and checkpoint the logs,
// deregister, close the ZooKeeper session, log
// "[KafkaServer id=N] shut down completed"; the loop then has nothing left and returns.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>

#include "gregor/cluster/metadata_cache.h"
#include "gregor/config/broker_config.h"
#include "gregor/obs/logging.h"
#include "gregor/obs/metrics.h"

namespace gregor::net {
class Server;
class HttpServer;
}  // namespace gregor::net

namespace gregor::cluster {
class ZkClient;
class BrokerRegistration;
class ControllerElection;
class LiveBrokersWatch;
class TopicStore;
struct ControllerFence;
struct Registration;
}  // namespace gregor::cluster

namespace gregor::log {
class LogManager;
}  // namespace gregor::log

namespace gregor::broker {

class RequestPipeline;
class TopicWatch;

// Kafka's BrokerState values, exported as kafka_server_kafkaserver_brokerstate.
enum class BrokerState : int8_t {
  kNotRunning = 0,
  kStarting = 1,
  kRecovery = 2,
  kRunning = 3,
  kPendingControlledShutdown = 6,
  kShuttingDown = 7,
};

class Broker {
 public:
  Broker(uv_loop_t* loop, config::BrokerConfig config);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Starts asynchronously; `done(true)` runs once the broker is serving, `done(false)` if
  // startup failed (the broker has then shut itself down and the loop will run dry).
  void start(std::function<void(bool)> done);
  // Begins the stop sequence (idempotent). `reason` is logged.
  void shutdown(std::string reason);

  bool failed() const { return failed_; }
  BrokerState state() const { return state_; }
  const config::BrokerConfig& config() const { return config_; }
  obs::Registry& metrics() { return metrics_; }
  uv_loop_t* loop() const { return loop_; }
  int32_t id() const { return config_.broker_id(); }
  // The cluster as this broker currently sees it (brokers, controller, topics).
  const cluster::MetadataCache& metadata() const { return metadata_; }
  cluster::MetadataCache& metadata() { return metadata_; }
  // The topic znodes in ZooKeeper; null before the broker has connected.
  cluster::TopicStore* topics() const { return topic_store_.get(); }
  // This broker's fence while it is the controller; null otherwise (also before start).
  const cluster::ControllerFence* controller_fence() const;
  // The partition logs; null before the broker has loaded them.
  log::LogManager* logs() const { return logs_.get(); }
  // The broker epoch of the current ZooKeeper registration (-1 before registering).
  int64_t broker_epoch() const { return broker_epoch_; }
  // The port a listener is bound to (after start), e.g. for tests using port 0.
  int bound_port(const std::string& listener) const;

 private:
  // Start steps, in order; each runs when the one before has finished.
  void connect_zookeeper();
  void on_registered(const cluster::Registration& registration);
  bool load_logs(const std::string& cluster_id);
  void start_listeners();
  void register_connection_metrics();
  void start_admin_http();
  void finish_start();
  void fail_start(const std::string& why);
  void stop_network();
  void stop_logs();
  void stop_zookeeper();
  void finish_shutdown();
  void watch_cluster();
  void install_signal_handlers();

  uv_loop_t* loop_;
  config::BrokerConfig config_;
  obs::Logger log_;
  obs::Registry metrics_;
  BrokerState state_ = BrokerState::kNotRunning;
  bool failed_ = false;
  bool stopping_ = false;
  std::function<void(bool)> on_started_;

  cluster::MetadataCache metadata_;
  int64_t broker_epoch_ = -1;
  std::unique_ptr<cluster::ZkClient> zk_;
  std::unique_ptr<cluster::BrokerRegistration> registration_;
  std::unique_ptr<cluster::ControllerElection> election_;
  std::unique_ptr<cluster::LiveBrokersWatch> live_brokers_;
  std::unique_ptr<cluster::TopicStore> topic_store_;
  std::unique_ptr<TopicWatch> topic_watch_;
  std::unique_ptr<log::LogManager> logs_;
  std::unique_ptr<RequestPipeline> pipeline_;
  std::unique_ptr<net::Server> server_;
  std::unique_ptr<net::HttpServer> admin_;
  uv_signal_t sigterm_{};
  uv_signal_t sigint_{};
  int open_signal_handles_ = 0;
};

}  // namespace gregor::broker
