#include "gregor/obs/metrics.h"

#include <gtest/gtest.h>

#include <limits>

#include "gregor/obs/kafka_metrics.h"

namespace gregor::obs {
namespace {

using namespace std::chrono_literals;

constexpr MetricDef kRequestsDef{"test_requests_total", "Requests by API.", MetricType::kCounter};
constexpr MetricDef kTimeDef{"test_totaltimems", "Total time in ms.", MetricType::kSummary};
constexpr MetricDef kStateDef{"test_state", "Lifecycle state.", MetricType::kGauge};
constexpr MetricDef kCountDef{"test_partitioncount", "Partitions.", MetricType::kGauge};

struct ManualClock {
  std::chrono::steady_clock::time_point now{};
  Registry::Clock fn() {
    return [this] { return now; };
  }
};

TEST(MetricsTest, RendersExactText) {
  ManualClock clock;
  Registry r(clock.fn());
  r.counter(kRequestsDef, {{"request", "Produce"}, {"version", "9"}}).inc();
  r.counter(kRequestsDef, {{"request", "Fetch"}, {"version", "13"}}).inc(5);
  r.gauge(kStateDef).set(3);
  r.gauge_callback(kCountDef, {}, [] { return 4.0; });
  auto& time = r.summary(kTimeDef, {{"request", "Produce"}});
  for (double ms : {1.0, 2.0, 4.0, 8.0})
    time.observe(ms);

  EXPECT_EQ(r.render(),
            "# HELP test_partitioncount Partitions.\n"
            "# TYPE test_partitioncount gauge\n"
            "test_partitioncount 4\n"
            "# HELP test_requests_total Requests by API.\n"
            "# TYPE test_requests_total counter\n"
            "test_requests_total{request=\"Fetch\",version=\"13\"} 5\n"
            "test_requests_total{request=\"Produce\",version=\"9\"} 1\n"
            "# HELP test_state Lifecycle state.\n"
            "# TYPE test_state gauge\n"
            "test_state 3\n"
            "# HELP test_totaltimems Total time in ms.\n"
            "# TYPE test_totaltimems summary\n"
            "test_totaltimems{request=\"Produce\",quantile=\"0.50\"} 2\n"
            "test_totaltimems{request=\"Produce\",quantile=\"0.75\"} 4\n"
            "test_totaltimems{request=\"Produce\",quantile=\"0.95\"} 8\n"
            "test_totaltimems{request=\"Produce\",quantile=\"0.98\"} 8\n"
            "test_totaltimems{request=\"Produce\",quantile=\"0.99\"} 8\n"
            "test_totaltimems{request=\"Produce\",quantile=\"0.999\"} 8\n"
            "test_totaltimems_sum{request=\"Produce\"} 15\n"
            "test_totaltimems_count{request=\"Produce\"} 4\n");
}

TEST(MetricsTest, KafkaNamesAndUnlabelledAllTopicsSeries) {
  Registry r;
  r.counter(kafka::kBytesIn).inc(100);
  r.counter(kafka::kBytesIn, {{"topic", "t"}}).inc(100);
  r.gauge(kafka::kUnderReplicatedPartitions).set(0);
  std::string text = r.render();
  EXPECT_NE(text.find("# TYPE kafka_server_brokertopicmetrics_bytesin_total counter\n"
                      "kafka_server_brokertopicmetrics_bytesin_total 100\n"
                      "kafka_server_brokertopicmetrics_bytesin_total{topic=\"t\"} 100\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("kafka_server_replicamanager_underreplicatedpartitions 0\n"),
            std::string::npos);
}

TEST(MetricsTest, SameSeriesSameObject) {
  Registry r;
  Counter& a = r.counter(kRequestsDef, {{"request", "Produce"}});
  Counter& b = r.counter(kRequestsDef, {{"request", "Produce"}});
  EXPECT_EQ(&a, &b);
  a.inc(2);
  EXPECT_EQ(b.value(), 2u);
  // Registering more series does not move existing ones.
  for (int i = 0; i < 100; ++i)
    r.counter(kRequestsDef, {{"request", std::to_string(i)}});
  EXPECT_EQ(&a, &r.counter(kRequestsDef, {{"request", "Produce"}}));
}

TEST(MetricsTest, GaugeSetAndAdd) {
  Registry r;
  Gauge& g = r.gauge(kStateDef);
  g.set(2);
  g.add(1.5);
  EXPECT_EQ(g.value(), 3.5);
  EXPECT_NE(r.render().find("test_state 3.5\n"), std::string::npos);
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  constexpr MetricDef def{"test_escape", "Line one\nback\\slash", MetricType::kGauge};
  Registry r;
  r.gauge(def, {{"topic", "a\"b\\c\nd"}}).set(1);
  EXPECT_EQ(r.render(),
            "# HELP test_escape Line one\\nback\\\\slash\n"
            "# TYPE test_escape gauge\n"
            "test_escape{topic=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST(MetricsTest, NumberFormats) {
  Registry r;
  r.gauge(kStateDef, {{"v", "a"}}).set(0.25);
  r.gauge(kStateDef, {{"v", "b"}}).set(std::numeric_limits<double>::quiet_NaN());
  r.gauge(kStateDef, {{"v", "c"}}).set(std::numeric_limits<double>::infinity());
  r.gauge(kStateDef, {{"v", "d"}}).set(-7);
  r.gauge(kStateDef, {{"v", "e"}}).set(1e20);
  r.counter(kRequestsDef).inc(std::numeric_limits<uint64_t>::max());
  std::string text = r.render();
  EXPECT_NE(text.find("test_state{v=\"a\"} 0.25\n"), std::string::npos);
  EXPECT_NE(text.find("test_state{v=\"b\"} NaN\n"), std::string::npos);
  EXPECT_NE(text.find("test_state{v=\"c\"} +Inf\n"), std::string::npos);
  EXPECT_NE(text.find("test_state{v=\"d\"} -7\n"), std::string::npos);
  EXPECT_NE(text.find("test_state{v=\"e\"} 1e+20\n"), std::string::npos);
  EXPECT_NE(text.find("test_requests_total 18446744073709551615\n"), std::string::npos);
}

TEST(MetricsTest, RemoveSeries) {
  Registry r;
  r.counter(kRequestsDef, {{"topic", "a"}}).inc();
  r.counter(kRequestsDef, {{"topic", "b"}}).inc();
  r.gauge(kStateDef, {{"topic", "a"}, {"partition", "0"}}).set(1);
  EXPECT_TRUE(r.remove(kRequestsDef, {{"topic", "b"}}));
  EXPECT_FALSE(r.remove(kRequestsDef, {{"topic", "b"}}));
  EXPECT_EQ(r.remove_matching("topic", "a"), 2u);
  // Families without series are not rendered at all.
  EXPECT_EQ(r.render(), "");
}

TEST(MetricsTest, SummaryWindowsRotateAtRender) {
  ManualClock clock;
  Registry r(clock.fn(), 60s);
  auto& s = r.summary(kTimeDef);
  s.observe(1024);
  r.render();
  EXPECT_EQ(s.quantile(0.5), 1024);
  clock.now += 61s;
  r.render();  // The first window becomes the previous one and still counts.
  EXPECT_EQ(s.quantile(0.5), 1024);
  s.observe(1);
  s.observe(1);
  clock.now += 61s;
  std::string text = r.render();  // Now only the two recent observations remain.
  EXPECT_EQ(s.quantile(0.99), 1);
  EXPECT_NE(text.find("test_totaltimems{quantile=\"0.99\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("test_totaltimems_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("test_totaltimems_sum 1026\n"), std::string::npos);
}

}  // namespace
}  // namespace gregor::obs
