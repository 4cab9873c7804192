// Per-API request counts and latencies, as Kafka's RequestMetrics MBeans export them:
// kafka_network_requestmetrics_requests_total{request,version} and
// kafka_network_requestmetrics_totaltimems{request,quantile}.
//
// Series are looked up once per (API, version) and cached, so counting a request is a
// pointer lookup and an integer add on the loop thread.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "gregor/obs/metrics.h"
#include "gregor/wire/api_descriptor.h"

namespace gregor::broker {

class RequestMetrics {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RequestMetrics(obs::Registry& registry) : registry_(registry) {}

  // A request of `api` at `version` arrived.
  void on_request(const wire::ApiDescriptor& api, int16_t version);
  // A request of `api` that arrived at `started` has been answered (or needed no answer).
  void on_complete(const wire::ApiDescriptor& api, Clock::time_point started);

 private:
  static constexpr int kMaxKey = 128;
  static constexpr int kMaxVersion = 32;

  obs::Registry& registry_;
  std::array<std::array<obs::Counter*, kMaxVersion>, kMaxKey> requests_{};
  std::array<obs::Summary*, kMaxKey> total_time_{};
};

}  // namespace gregor::broker
