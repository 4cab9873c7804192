#include "broker/broker.h"

#include <fmt/format.h>

#include <chrono>
#include <csignal>

#include "broker/admin_http.h"
#include "broker/net_config.h"
#include "broker/request_pipeline.h"
#include "broker/topic_watch.h"
#include "gregor/cluster/broker_registration.h"
#include "gregor/cluster/controller_election.h"
#include "gregor/cluster/topic_store.h"
#include "gregor/cluster/zk_client.h"
#include "gregor/cluster/zk_watchers.h"
#include "gregor/log/log_manager.h"
#include "gregor/net/http_server.h"
#include "gregor/net/server.h"
#include "gregor/obs/kafka_metrics.h"

namespace gregor::broker {
namespace {

// How long in-flight requests may take to finish once shutdown has begun.
constexpr std::chrono::milliseconds kShutdownGrace{5000};

}  // namespace

Broker::Broker(uv_loop_t* loop, config::BrokerConfig config)
    : loop_(loop),
      config_(std::move(config)),
      log_(obs::logger("kafka.server.KafkaServer")),
      pipeline_(std::make_unique<RequestPipeline>(this, metrics_)) {
  metrics_.gauge_callback(obs::kafka::kBrokerState, {},
                          [this] { return static_cast<double>(state_); });
}

Broker::~Broker() = default;

int Broker::bound_port(const std::string& listener) const {
  if (!server_) return -1;
  auto port = server_->bound_port(listener);
  return port ? *port : -1;
}

void Broker::start(std::function<void(bool)> done) {
  on_started_ = std::move(done);
  state_ = BrokerState::kStarting;
  log_.info("starting");
  install_signal_handlers();
  log_ = log_.with_prefix(fmt::format("[KafkaServer id={}] ", id()));
  obs::logger("kafka.server.KafkaConfig").info("{}", config_.format_values());
  connect_zookeeper();
}

void Broker::install_signal_handlers() {
  auto on_signal = [](uv_signal_t* handle, int signum) {
    auto* self = static_cast<Broker*>(handle->data);
    obs::logger("kafka.Kafka")
        .info("Terminating process due to signal {}", signum == SIGTERM ? "SIGTERM" : "SIGINT");
    self->shutdown(signum == SIGTERM ? "SIGTERM" : "SIGINT");
  };
  for (uv_signal_t* s : {&sigterm_, &sigint_}) {
    uv_signal_init(loop_, s);
    s->data = this;
    ++open_signal_handles_;
  }
  uv_signal_start(&sigterm_, on_signal, SIGTERM);
  uv_signal_start(&sigint_, on_signal, SIGINT);
  obs::logger("org.apache.kafka.common.utils.LoggingSignalHandler")
      .info("Registered signal handlers for TERM, INT");
}

void Broker::start_listeners() {
  server_ = std::make_unique<net::Server>(loop_, make_server_config(config_), *pipeline_);
  if (auto started = server_->start(); !started) {
    fail_start(fmt::format("failed to bind the listeners: {}", started.error().message));
    return;
  }
  register_connection_metrics();
}

// Connection and byte counts per listener, read from the network layer when scraped (the
// admin endpoint runs on the loop thread, as the counters require).
void Broker::register_connection_metrics() {
  using Read = uint64_t (*)(const net::ListenerCounters&);
  const std::pair<const obs::MetricDef*, Read> series[] = {
      {&obs::kafka::kConnectionCount,
       [](const net::ListenerCounters& c) { return c.connections_open; }},
      {&obs::kafka::kConnectionCreationTotal,
       [](const net::ListenerCounters& c) { return c.connections_created; }},
      {&obs::kafka::kConnectionCloseTotal,
       [](const net::ListenerCounters& c) { return c.connections_closed; }},
      {&obs::kafka::kIncomingByteTotal, [](const net::ListenerCounters& c) { return c.bytes_in; }},
      {&obs::kafka::kOutgoingByteTotal, [](const net::ListenerCounters& c) { return c.bytes_out; }},
  };
  for (const auto& ep : config_.listeners()) {
    for (const auto& [def, read] : series) {
      metrics_.gauge_callback(*def, {{"listener", ep.listener_name}},
                              [this, name = ep.listener_name, read = read]() -> double {
                                for (const auto& l : server_->stats()) {
                                  if (l.name == name) return static_cast<double>(read(l.counters));
                                }
                                return 0;
                              });
    }
  }
}

void Broker::start_admin_http() {
  auto admin_config = make_admin_config(config_);
  if (!admin_config) return;
  admin_ = std::make_unique<net::HttpServer>(loop_, *admin_config, make_admin_handler(*this));
  if (auto started = admin_->start(); !started) {
    fail_start(fmt::format("failed to bind the admin HTTP endpoint on port {}: {}",
                           admin_config->port, started.error().message));
    return;
  }
}

void Broker::finish_start() {
  state_ = BrokerState::kRunning;
  log_.info("started");
  if (on_started_) std::exchange(on_started_, nullptr)(true);
}

void Broker::fail_start(const std::string& why) {
  failed_ = true;
  obs::logger("kafka.server.KafkaServer").error("Fatal error during KafkaServer startup: {}", why);
  obs::logger("kafka.Kafka").error("Exiting Kafka due to fatal exception during startup.");
  if (on_started_) std::exchange(on_started_, nullptr)(false);
  shutdown("startup failure");
}

void Broker::shutdown(std::string reason) {
  if (stopping_) return;
  stopping_ = true;
  state_ = BrokerState::kShuttingDown;
  log_.info("shutting down");
  stop_network();
}

// Stops accepting and lets requests already read finish, then closes everything else.
void Broker::stop_network() {
  auto then = [this] {
    stop_logs();
    stop_zookeeper();
  };
  if (server_) {
    server_->shutdown(kShutdownGrace, then);
  } else {
    then();
  }
}

void Broker::finish_shutdown() {
  auto closed_all = [this] {
    for (uv_signal_t* s : {&sigterm_, &sigint_}) {
      if (uv_is_closing(reinterpret_cast<uv_handle_t*>(s))) continue;
      uv_close(reinterpret_cast<uv_handle_t*>(s), [](uv_handle_t* h) {
        auto* self = static_cast<Broker*>(h->data);
        if (--self->open_signal_handles_ == 0) {
          self->state_ = BrokerState::kNotRunning;
          self->log_.info("shut down completed");
        }
      });
    }
  };
  if (admin_) {
    admin_->close(closed_all);
  } else {
    closed_all();
  }
}

}  // namespace gregor::broker
