// A metrics registry rendered in the Prometheus text exposition format (version 0.0.4).
//
// Threading and cost: the broker runs on one event-loop thread, and so does this registry.
// Counters, gauges and summaries are plain values owned by that thread: Counter::inc is an
// integer add, with no atomics and no locks. Labels are resolved once, when a series is
// registered; the caller keeps the returned reference and updates it directly on the hot path.
// Rendering (for GET /metrics) also runs on the loop thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gregor::obs {

enum class MetricType : int8_t { kCounter, kGauge, kSummary };

// A metric family: its Prometheus name, one-line help text and type. Families are declared
// once as constants (see kafka_metrics.h) and passed to the registry by reference; the
// registry keeps the views, so the strings must outlive it (string literals do).
struct MetricDef {
  std::string_view name;
  std::string_view help;
  MetricType type = MetricType::kCounter;
};

// Label names and values in the order they are rendered, e.g. {{"request", "Produce"},
// {"version", "9"}}. A family's series should all use the same label names in the same order.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(uint64_t n = 1) { value_ += n; }
  uint64_t value() const { return value_; }

 private:
  uint64_t value_ = 0;
};

class Gauge {
 public:
  void set(double v) { value_ = v; }
  void add(double d) { value_ += d; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

// Observations (latencies in ms, sizes in bytes) with quantiles, rendered like the Prometheus
// JMX exporter renders Kafka's histograms: quantile="0.50" ... "0.999", plus _sum and _count.
// Quantiles come from log-linear buckets (values kept in microunits, about 3% relative error)
// over the current and the previous window, so they follow recent behaviour the way Kafka's
// decaying reservoirs do; _sum and _count cover the whole process lifetime.
class Summary {
 public:
  Summary();
  ~Summary();
  Summary(Summary&&) noexcept;
  Summary& operator=(Summary&&) noexcept;

  // Records one value; negative values count as 0. Allocates the buckets on first use only.
  void observe(double value);
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  // The q-quantile (0 < q <= 1) of the recent observations; 0 when there are none.
  double quantile(double q) const;
  // Starts a new window: the current one becomes the previous one, the oldest is dropped.
  void rotate();

 private:
  struct Window;
  uint64_t count_ = 0;
  double sum_ = 0;
  std::unique_ptr<Window> current_;
  std::unique_ptr<Window> previous_;
};

// The quantiles every summary renders, with their label text.
inline constexpr std::pair<double, std::string_view> kSummaryQuantiles[] = {
    {0.50, "0.50"}, {0.75, "0.75"}, {0.95, "0.95"},
    {0.98, "0.98"}, {0.99, "0.99"}, {0.999, "0.999"}};

class Registry {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `clock` drives summary windows of length `window`; tests inject a manual clock.
  explicit Registry(Clock clock = std::chrono::steady_clock::now,
                    std::chrono::seconds window = std::chrono::seconds(60));

  // The series of `def` with `labels`, created at zero on first use; asking again returns the
  // same object. References stay valid until the series is removed. Asking for a family with
  // a type other than the one it was created with is a programming error.
  Counter& counter(const MetricDef& def, Labels labels = {});
  Gauge& gauge(const MetricDef& def, Labels labels = {});
  Summary& summary(const MetricDef& def, Labels labels = {});
  // A gauge whose value is read from `read` at render time, e.g. a partition count. `read`
  // runs on the loop thread and must stay callable until the series is removed.
  void gauge_callback(const MetricDef& def, Labels labels, std::function<double()> read);

  // Removes one series; references to it dangle afterwards. True when it existed.
  bool remove(const MetricDef& def, const Labels& labels);
  // Removes every series, in any family, that has label `name` equal to `value`, e.g. all
  // per-topic series of a deleted topic. Returns how many were removed.
  size_t remove_matching(std::string_view name, std::string_view value);

  // The text exposition format: per family "# HELP", "# TYPE" and one line per series,
  // families sorted by name and series by label values. Rotates the summary windows when the
  // current one is older than the window length.
  std::string render();

 private:
  struct Callback {
    std::function<double()> read;
  };
  using Series = std::variant<Counter, Gauge, Summary, Callback>;
  struct Family {
    MetricDef def;
    std::map<Labels, Series> series;
  };

  Family& family(const MetricDef& def);
  Series& series(const MetricDef& def, Labels labels, Series initial);

  Clock clock_;
  std::chrono::steady_clock::duration window_;
  std::chrono::steady_clock::time_point window_start_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace gregor::obs
