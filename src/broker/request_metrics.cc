#include "broker/request_metrics.h"

#include <string>

#include "gregor/obs/kafka_metrics.h"

namespace gregor::broker {

void RequestMetrics::on_request(const wire::ApiDescriptor& api, int16_t version) {
  if (api.key < 0 || api.key >= kMaxKey || version < 0 || version >= kMaxVersion) return;
  obs::Counter*& counter = requests_[api.key][version];
  if (counter == nullptr) {
    counter = &registry_.counter(obs::kafka::kRequests, {{"request", std::string(api.name)},
                                                         {"version", std::to_string(version)}});
  }
  counter->inc();
}

void RequestMetrics::on_complete(const wire::ApiDescriptor& api, Clock::time_point started) {
  if (api.key < 0 || api.key >= kMaxKey) return;
  obs::Summary*& summary = total_time_[api.key];
  if (summary == nullptr) {
    summary = &registry_.summary(obs::kafka::kTotalTimeMs, {{"request", std::string(api.name)}});
  }
  const std::chrono::duration<double, std::milli> elapsed = Clock::now() - started;
  summary->observe(elapsed.count());
}

}  // namespace gregor::broker
