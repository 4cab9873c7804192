// The composition root: builds every module from the configuration, owns their lifetimes,
// and runs the broker's start and stop sequences on one libuv loop.
//
// Start (Kafka's order): connect to ZooKeeper, read or create the cluster id, load the logs,
// bind the listeners, register under /brokers/ids, join the controller election, then log
// "[KafkaServer id=N] started". Stop (SIGTERM/SIGINT): stop accepting, let in-flight requests
// finish, flush and checkpoint the logs, deregister, close the ZooKeeper session, log
// "[KafkaServer id=N] shut down completed"; the loop then has nothing left and returns.
#pragma once

#include <uv.h>

#include <functional>
#include <memory>
#include <string>

#include "gregor/config/broker_config.h"
#include "gregor/obs/logging.h"
#include "gregor/obs/metrics.h"

namespace gregor::net {
class Server;
class HttpServer;
}  // namespace gregor::net

namespace gregor::broker {

class RequestPipeline;

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
  // The port a listener is bound to (after start), e.g. for tests using port 0.
  int bound_port(const std::string& listener) const;

 private:
  void start_listeners();
  void start_admin_http();
  void finish_start();
  void fail_start(const std::string& why);
  void stop_network();
  void finish_shutdown();
  void install_signal_handlers();

  uv_loop_t* loop_;
  config::BrokerConfig config_;
  obs::Logger log_;
  obs::Registry metrics_;
  BrokerState state_ = BrokerState::kNotRunning;
  bool failed_ = false;
  bool stopping_ = false;
  std::function<void(bool)> on_started_;

  std::unique_ptr<RequestPipeline> pipeline_;
  std::unique_ptr<net::Server> server_;
  std::unique_ptr<net::HttpServer> admin_;
  uv_signal_t sigterm_{};
  uv_signal_t sigint_{};
  int open_signal_handles_ = 0;
};

}  // namespace gregor::broker
