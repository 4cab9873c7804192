// rdkafka_bench: the librdkafka load driver of gregor's benchmark (integration/bench).
//
// A Java client on a 2-core machine can run out of CPU before the broker does, and then the
// benchmark measures the client. This driver keeps the client cheap: payloads are never
// copied in throughput runs, delivery reports are served by one thread, and each run prints
// one JSON object on stdout for the benchmark script to parse.
//
//   rdkafka_bench produce --bootstrap B --topic T --count N --size S [--rate R] [--duration D]
//   rdkafka_bench consume --bootstrap B --topic T --count N [--duration D]
//   rdkafka_bench e2e     --bootstrap B --topic T --count N --size S --rate R [--warmup W]
//
// Common options: --timeout SECONDS and librdkafka properties as key=value, repeatable:
// -X for every client, -P for the producer only, -C for the consumer only.
// The driver sets only what its mechanics need; client settings come from the caller so the
// benchmark states them in one place. Every run is bounded by --timeout: what was done by
// then is reported with "timed_out": true and the exit code is 3. Bad arguments exit 2.

#include <librdkafka/rdkafka.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace gregor::bench {
namespace {

constexpr int64_t kNsPerSec = 1'000'000'000;
constexpr double kBytesPerMib = 1024.0 * 1024.0;
constexpr int kExitUsage = 2;
constexpr int kExitTimedOut = 3;
// The e2e payload starts with a sequence number and the send time.
constexpr size_t kE2eHeaderBytes = 16;

int64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
}

void sleep_until_ns(int64_t when) {
  timespec ts{};
  ts.tv_sec = when / kNsPerSec;
  ts.tv_nsec = when % kNsPerSec;
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

void sleep_ns(int64_t duration) {
  sleep_until_ns(now_ns() + duration);
}

// -- options ---------------------------------------------------------------------------

using Properties = std::vector<std::pair<std::string, std::string>>;

struct Options {
  std::string mode;
  std::string bootstrap;
  std::string topic;
  int64_t count = 0;
  size_t size = 100;
  double rate = 0;      // records per second; 0 = as fast as possible
  double duration = 0;  // stop sending (or reading) after this many seconds; 0 = no limit
  double timeout = 120;
  int64_t warmup = -1;  // e2e: records left out of the statistics; -1 = one second's worth
  // librdkafka properties: for every client (-X), producers only (-P), consumers only (-C).
  Properties props, producer_props, consumer_props;
};

[[noreturn]] void usage(const char* problem) {
  std::fprintf(stderr,
               "rdkafka_bench: %s\n"
               "usage: rdkafka_bench produce|consume|e2e --bootstrap HOST:PORT --topic T "
               "--count N [--size BYTES] [--rate PER_S] [--duration S] [--warmup N] "
               "[--timeout S] [-X|-P|-C key=value]...\n",
               problem);
  std::exit(kExitUsage);
}

double parse_number(const char* flag, const char* text) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text, &end);
  if (errno != 0 || end == text || *end != '\0' || value < 0) {
    std::string message = std::string("bad value for ") + flag + ": " + text;
    usage(message.c_str());
  }
  return value;
}

Options parse_options(int argc, char** argv) {
  if (argc < 2) usage("no mode given");
  Options o;
  o.mode = argv[1];
  if (o.mode != "produce" && o.mode != "consume" && o.mode != "e2e") usage("unknown mode");
  for (int i = 2; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) usage(("missing value after " + flag).c_str());
    const char* value = argv[i + 1];
    if (flag == "--bootstrap") {
      o.bootstrap = value;
    } else if (flag == "--topic") {
      o.topic = value;
    } else if (flag == "--count") {
      o.count = static_cast<int64_t>(parse_number(argv[i], value));
    } else if (flag == "--size") {
      o.size = static_cast<size_t>(parse_number(argv[i], value));
    } else if (flag == "--rate") {
      o.rate = parse_number(argv[i], value);
    } else if (flag == "--duration") {
      o.duration = parse_number(argv[i], value);
    } else if (flag == "--timeout") {
      o.timeout = parse_number(argv[i], value);
    } else if (flag == "--warmup") {
      o.warmup = static_cast<int64_t>(parse_number(argv[i], value));
    } else if (flag == "-X" || flag == "-P" || flag == "-C") {
      const char* eq = std::strchr(value, '=');
      if (eq == nullptr) usage((flag + " takes key=value").c_str());
      auto& list = flag == "-X" ? o.props : flag == "-P" ? o.producer_props : o.consumer_props;
      list.emplace_back(std::string(value, eq), std::string(eq + 1));
    } else {
      usage(("unknown option " + flag).c_str());
    }
  }
  if (o.bootstrap.empty() || o.topic.empty()) usage("--bootstrap and --topic are required");
  if (o.count <= 0) usage("--count must be positive");
  if (o.mode == "e2e" && (o.rate <= 0 || o.size < kE2eHeaderBytes)) {
    usage("e2e needs --rate > 0 and --size >= 16");
  }
  if (o.warmup < 0) o.warmup = o.mode == "e2e" ? static_cast<int64_t>(o.rate) : 0;
  return o;
}

// -- results ---------------------------------------------------------------------------

// Latencies in microseconds; a 32-bit value holds over an hour.
class Latencies {
 public:
  void reserve(int64_t n) { values_.reserve(static_cast<size_t>(n)); }
  void add_ns(int64_t ns) {
    values_.push_back(static_cast<uint32_t>(std::max<int64_t>(ns, 0) / 1000));
  }
  size_t size() const { return values_.size(); }

  // {"avg":..,"p50":..,..} in milliseconds, or null without samples. Percentiles use the
  // nearest-rank definition, the one Kafka's tools use.
  std::string json() {
    if (values_.empty()) return "null";
    std::sort(values_.begin(), values_.end());
    double sum = 0;
    for (uint32_t v : values_) {
      sum += v;
    }
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "{\"avg\": %.3f, \"p50\": %.3f, \"p95\": %.3f, \"p99\": %.3f, "
                  "\"p999\": %.3f, \"max\": %.3f}",
                  sum / static_cast<double>(values_.size()) / 1000.0, percentile(0.50),
                  percentile(0.95), percentile(0.99), percentile(0.999), values_.back() / 1000.0);
    return buf;
  }

 private:
  double percentile(double p) const {
    auto rank = static_cast<size_t>(p * static_cast<double>(values_.size()) + 0.999999);
    rank = std::clamp<size_t>(rank, 1, values_.size());
    return values_[rank - 1] / 1000.0;
  }

  std::vector<uint32_t> values_;
};

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// The first error seen by any librdkafka callback; later ones are only counted.
class ErrorLog {
 public:
  void record(const std::string& what) {
    std::lock_guard lock(mutex_);
    if (count_++ == 0) first_ = what;
  }
  int64_t count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  std::string first_json() const {
    std::lock_guard lock(mutex_);
    return count_ == 0 ? "null" : json_string(first_);
  }

 private:
  mutable std::mutex mutex_;
  int64_t count_ = 0;
  std::string first_;
};

void print_result(const std::string& fields) {
  std::printf("{%s}\n", fields.c_str());
}

std::string throughput_fields(int64_t records, int64_t bytes, double seconds) {
  const double safe = seconds > 0 ? seconds : 1e-9;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "\"records\": %" PRId64 ", \"bytes\": %" PRId64
                ", \"seconds\": %.6f, \"records_per_s\": %.1f, \"mib_per_s\": %.3f",
                records, bytes, seconds, static_cast<double>(records) / safe,
                static_cast<double>(bytes) / kBytesPerMib / safe);
  return buf;
}

// -- clients ---------------------------------------------------------------------------

// What every client owns and its callbacks reach through librdkafka's opaque pointer.
class Client {
 public:
  ErrorLog& errors() { return errors_; }

 protected:
  ErrorLog errors_;
};

void error_cb(rd_kafka_t* /*rk*/, int err, const char* reason, void* opaque) {
  // Broker-down notices during a run are errors of the run, reported with its results.
  const auto code = static_cast<rd_kafka_resp_err_t>(err);
  static_cast<Client*>(opaque)->errors().record(std::string(rd_kafka_err2name(code)) + ": " +
                                                reason);
}

// A configuration with the caller's properties (those for every client, then those for
// this kind of client) and then the fixed ones; exits 2 on an unknown property or value.
rd_kafka_conf_t* make_conf(const Options& o, Client* owner, const Properties& role_props,
                           const Properties& fixed) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& key, const std::string& value) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      usage(err);
    }
  };
  set("bootstrap.servers", o.bootstrap);
  set("client.id", "gregor-bench");
  for (const Properties* list : {&o.props, &role_props, &fixed}) {
    for (const auto& [key, value] : *list) {
      set(key, value);
    }
  }
  rd_kafka_conf_set_error_cb(conf, error_cb);
  rd_kafka_conf_set_opaque(conf, owner);
  return conf;
}

rd_kafka_t* new_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (rk == nullptr) usage(err);  // rd_kafka_new only fails on configuration problems
  return rk;
}

// The topic's partition count once the cluster reports it, or 0 if it did not before the
// deadline. The metadata request also connects the client, so a run timed after this call
// does not pay for connecting.
int wait_for_partitions(rd_kafka_t* rk, const std::string& topic, int64_t deadline) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  int count = 0;
  for (;;) {
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        count = md->topics[0].partition_cnt;
      }
      rd_kafka_metadata_destroy(md);
    }
    if (count > 0 || now_ns() > deadline) break;
    sleep_ns(50'000'000);
  }
  rd_kafka_topic_destroy(rkt);
  return count;
}

// A producer whose delivery reports are served by its own thread, so a report is timed
// when it arrives rather than when the sending loop next finds time to poll.
class Producer : public Client {
 public:
  // expected bounds the records this producer will ever send.
  Producer(const Options& o, int64_t expected) : send_times_(static_cast<size_t>(expected)) {
    latencies_.reserve(expected);
    rd_kafka_conf_t* conf = make_conf(o, this, o.producer_props, {});
    rd_kafka_conf_set_dr_msg_cb(conf, &Producer::on_delivery);
    rk_ = new_client(RD_KAFKA_PRODUCER, conf);
    rkt_ = rd_kafka_topic_new(rk_, o.topic.c_str(), nullptr);
    poller_ = std::thread([this] {
      while (!stop_.load(std::memory_order_relaxed)) {
        rd_kafka_poll(rk_, 50);
      }
    });
  }

  ~Producer() {
    stop_poller();
    rd_kafka_purge(rk_, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_poll(rk_, 0);
    rd_kafka_topic_destroy(rkt_);
    rd_kafka_destroy(rk_);
  }

  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Enqueues one record stamped with its send time, waiting while the local queue is full.
  // copy=false requires the payload to outlive the delivery report. False on a hard error,
  // past the expected count, or when the deadline passes.
  bool send(const void* payload, size_t len, bool copy, int64_t deadline) {
    if (next_ >= send_times_.size()) return false;
    // The record's opaque points at its send time, which the delivery report reads.
    int64_t* stamp = &send_times_[next_++];
    *stamp = now_ns();
    for (;;) {
      const int flags = copy ? RD_KAFKA_MSG_F_COPY : 0;
      if (rd_kafka_produce(rkt_, RD_KAFKA_PARTITION_UA, flags, const_cast<void*>(payload), len,
                           nullptr, 0, stamp) == 0) {
        return true;
      }
      const rd_kafka_resp_err_t err = rd_kafka_last_error();
      if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        errors_.record(std::string("produce: ") + rd_kafka_err2str(err));
        return false;
      }
      if (now_ns() > deadline) return false;
      sleep_ns(100'000);
    }
  }

  // Connects and learns the topic's partitions; false if that did not happen in time.
  bool wait_for_topic(const std::string& topic, int64_t deadline) {
    if (wait_for_partitions(rk_, topic, deadline) > 0) return true;
    errors_.record("no metadata for topic " + topic);
    return false;
  }

  // Waits until every record is acknowledged (or failed), or the deadline passes.
  bool drain(int64_t deadline) {
    while (rd_kafka_outq_len(rk_) > 0) {
      if (now_ns() > deadline) return false;
      sleep_ns(500'000);
    }
    return true;
  }

  // Stops the delivery thread; the statistics below are stable afterwards.
  void stop_poller() {
    stop_.store(true);
    if (poller_.joinable()) poller_.join();
  }

  int64_t delivered() const { return delivered_.load(); }
  int64_t delivered_bytes() const { return delivered_bytes_; }
  int64_t failed() const { return failed_.load(); }
  int64_t last_delivery_ns() const { return last_delivery_ns_; }
  Latencies& latencies() { return latencies_; }

 private:
  static void on_delivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* opaque) {
    static_cast<Producer*>(static_cast<Client*>(opaque))->delivered_one(msg);
  }

  void delivered_one(const rd_kafka_message_t* msg) {
    const int64_t now = now_ns();
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      failed_.fetch_add(1);
      errors_.record(std::string("delivery: ") + rd_kafka_err2str(msg->err));
      return;
    }
    latencies_.add_ns(now - *static_cast<const int64_t*>(msg->_private));
    delivered_bytes_ += static_cast<int64_t>(msg->len);
    last_delivery_ns_ = now;
    delivered_.fetch_add(1);
  }

  rd_kafka_t* rk_ = nullptr;
  rd_kafka_topic_t* rkt_ = nullptr;
  std::thread poller_;
  std::atomic<bool> stop_{false};
  // Send times, one slot per record, written before the record is enqueued; never resized.
  std::vector<int64_t> send_times_;
  size_t next_ = 0;
  // Written only by the delivery thread; read by others after stop_poller().
  Latencies latencies_;
  int64_t delivered_bytes_ = 0;
  int64_t last_delivery_ns_ = 0;
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> failed_{0};
};

// A consumer reading every partition of the topic from the beginning, assigned directly
// rather than through a group: the benchmark measures fetching, not group coordination.
class Consumer : public Client {
 public:
  explicit Consumer(const Options& o) {
    // librdkafka wants a group id even for assign(); the group is never joined.
    const std::string group = "gregor-bench-" + std::to_string(getpid());
    rd_kafka_conf_t* conf = make_conf(o, this, o.consumer_props,
                                      {{"group.id", group},
                                       {"enable.auto.commit", "false"},
                                       {"enable.partition.eof", "false"},
                                       {"auto.offset.reset", "earliest"}});
    rk_ = new_client(RD_KAFKA_CONSUMER, conf);
    rd_kafka_poll_set_consumer(rk_);
  }

  ~Consumer() {
    rd_kafka_consumer_close(rk_);
    rd_kafka_destroy(rk_);
  }

  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Assigns all partitions at their first offset; false if the topic's metadata did not
  // show up before the deadline.
  bool assign_all(const std::string& topic, int64_t deadline) {
    const int partitions = wait_for_partitions(rk_, topic, deadline);
    if (partitions == 0) {
      errors_.record("no metadata for topic " + topic);
      return false;
    }
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    const rd_kafka_resp_err_t err = rd_kafka_assign(rk_, list);
    rd_kafka_topic_partition_list_destroy(list);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      errors_.record(std::string("assign: ") + rd_kafka_err2str(err));
      return false;
    }
    return true;
  }

  // The next record, or nullptr after timeout_ms; consumer errors are recorded and skipped.
  // The caller destroys the returned message.
  rd_kafka_message_t* poll(int timeout_ms) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(rk_, timeout_ms);
    if (msg != nullptr && msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      errors_.record(std::string("consume: ") + rd_kafka_message_errstr(msg));
      rd_kafka_message_destroy(msg);
      return nullptr;
    }
    return msg;
  }

 private:
  rd_kafka_t* rk_ = nullptr;
};

std::vector<char> random_payload(size_t size) {
  std::vector<char> payload(size);
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (char& c : payload) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return payload;
}

// Sleeps until the i-th record is due at the given rate; no-op when unpaced.
void pace(const Options& o, int64_t start, int64_t i) {
  if (o.rate <= 0) return;
  const auto due = start + static_cast<int64_t>(static_cast<double>(i) * kNsPerSec / o.rate);
  if (due > now_ns()) sleep_until_ns(due);
}

int64_t seconds_to_ns(double s) {
  return static_cast<int64_t>(s * kNsPerSec);
}

// -- modes -----------------------------------------------------------------------------

int run_produce(const Options& o) {
  const int64_t hard_deadline = now_ns() + seconds_to_ns(o.timeout);
  const std::vector<char> payload = random_payload(o.size);
  Producer producer(o, o.count);
  // The clock starts once the producer is connected, as a long-running producer would be.
  const bool ready = producer.wait_for_topic(o.topic, hard_deadline);
  const int64_t start = now_ns();
  const int64_t send_deadline =
      o.duration > 0 ? std::min(hard_deadline, start + seconds_to_ns(o.duration)) : hard_deadline;
  int64_t sent = 0;
  while (ready && sent < o.count) {
    pace(o, start, sent);
    if (now_ns() > send_deadline) break;
    if (!producer.send(payload.data(), payload.size(), false, hard_deadline)) break;
    ++sent;
  }
  const bool drained = producer.drain(hard_deadline);
  producer.stop_poller();
  const int64_t end = producer.last_delivery_ns() > 0 ? producer.last_delivery_ns() : now_ns();
  const bool timed_out = !ready || !drained || (sent < o.count && now_ns() > hard_deadline);
  char extra[160];
  std::snprintf(extra, sizeof extra,
                ", \"sent\": %" PRId64 ", \"failed\": %" PRId64 ", \"timed_out\": %s", sent,
                producer.failed(), timed_out ? "true" : "false");
  print_result("\"mode\": \"produce\", " +
               throughput_fields(producer.delivered(), producer.delivered_bytes(),
                                 static_cast<double>(end - start) / kNsPerSec) +
               extra + ", \"latency_ms\": " + producer.latencies().json() +
               ", \"errors\": " + std::to_string(producer.errors().count()) +
               ", \"first_error\": " + producer.errors().first_json());
  return timed_out ? kExitTimedOut : 0;
}

int run_consume(const Options& o) {
  Consumer consumer(o);
  const int64_t start = now_ns();
  const int64_t hard_deadline = start + seconds_to_ns(o.timeout);
  const int64_t read_deadline =
      o.duration > 0 ? std::min(hard_deadline, start + seconds_to_ns(o.duration)) : hard_deadline;
  int64_t records = 0;
  int64_t bytes = 0;
  int64_t first = 0;
  int64_t last = 0;
  const bool assigned = consumer.assign_all(o.topic, hard_deadline);
  // Timing starts at the assignment, as a consumer that knows its partitions would start.
  const int64_t assigned_at = now_ns();
  while (assigned && records < o.count && now_ns() < read_deadline) {
    rd_kafka_message_t* msg = consumer.poll(100);
    if (msg == nullptr) continue;
    last = now_ns();
    if (first == 0) first = last;
    ++records;
    bytes += static_cast<int64_t>(msg->len + msg->key_len);
    rd_kafka_message_destroy(msg);
  }
  const bool timed_out = records < o.count && now_ns() >= hard_deadline;
  const int64_t end = last > 0 ? last : now_ns();
  char extra[160];
  std::snprintf(extra, sizeof extra, ", \"first_record_ms\": %.3f, \"timed_out\": %s",
                first > 0 ? static_cast<double>(first - assigned_at) / 1e6 : -1.0,
                timed_out ? "true" : "false");
  print_result(
      "\"mode\": \"consume\", " +
      throughput_fields(records, bytes, static_cast<double>(end - assigned_at) / kNsPerSec) +
      extra + ", \"errors\": " + std::to_string(consumer.errors().count()) +
      ", \"first_error\": " + consumer.errors().first_json());
  return timed_out || !assigned ? kExitTimedOut : 0;
}

void put_u64(char* out, uint64_t v) {
  std::memcpy(out, &v, sizeof v);
}
uint64_t get_u64(const char* in) {
  uint64_t v = 0;
  std::memcpy(&v, in, sizeof v);
  return v;
}

// Produces at a fixed rate while a consumer in the same process reads the records back:
// the latency of a record is the time from its send call to its arrival, on one clock.
int run_e2e(const Options& o) {
  const int64_t total = o.warmup + o.count;
  Consumer consumer(o);
  const int64_t start = now_ns();
  const int64_t hard_deadline = start + seconds_to_ns(o.timeout);
  if (!consumer.assign_all(o.topic, hard_deadline)) {
    print_result("\"mode\": \"e2e\", \"records\": 0, \"timed_out\": true, \"errors\": " +
                 std::to_string(consumer.errors().count()) +
                 ", \"first_error\": " + consumer.errors().first_json());
    return kExitTimedOut;
  }
  Latencies e2e;
  e2e.reserve(o.count);
  std::atomic<int64_t> received{0};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load(std::memory_order_relaxed) && received.load() < total) {
      rd_kafka_message_t* msg = consumer.poll(50);
      if (msg == nullptr) continue;
      const int64_t now = now_ns();
      if (msg->len >= kE2eHeaderBytes) {
        const auto* bytes = static_cast<const char*>(msg->payload);
        if (static_cast<int64_t>(get_u64(bytes)) >= o.warmup) {
          e2e.add_ns(now - static_cast<int64_t>(get_u64(bytes + 8)));
        }
      }
      received.fetch_add(1);
      rd_kafka_message_destroy(msg);
    }
  });

  Producer producer(o, total);
  std::vector<char> payload = random_payload(o.size);
  const bool ready = producer.wait_for_topic(o.topic, hard_deadline);
  const int64_t send_start = now_ns();
  int64_t sent = 0;
  while (ready && sent < total) {
    pace(o, send_start, sent);
    if (now_ns() > hard_deadline) break;
    put_u64(payload.data(), static_cast<uint64_t>(sent));
    put_u64(payload.data() + 8, static_cast<uint64_t>(now_ns()));
    if (!producer.send(payload.data(), payload.size(), true, hard_deadline)) break;
    ++sent;
  }
  producer.drain(hard_deadline);
  producer.stop_poller();
  while (received.load() < sent && now_ns() < hard_deadline) {
    sleep_ns(1'000'000);
  }
  stop.store(true);
  reader.join();
  const bool timed_out = received.load() < total;
  char fields[256];
  std::snprintf(fields, sizeof fields,
                "\"mode\": \"e2e\", \"records\": %zu, \"warmup\": %" PRId64 ", \"sent\": %" PRId64
                ", \"received\": %" PRId64 ", \"rate\": %.1f, \"timed_out\": %s",
                e2e.size(), o.warmup, sent, received.load(), o.rate, timed_out ? "true" : "false");
  const int64_t errors = producer.errors().count() + consumer.errors().count();
  const std::string first_error = producer.errors().count() > 0 ? producer.errors().first_json()
                                                                : consumer.errors().first_json();
  print_result(std::string(fields) + ", \"latency_ms\": " + e2e.json() +
               ", \"ack_latency_ms\": " + producer.latencies().json() +
               ", \"errors\": " + std::to_string(errors) + ", \"first_error\": " + first_error);
  return timed_out ? kExitTimedOut : 0;
}

}  // namespace
}  // namespace gregor::bench

int main(int argc, char** argv) {
  using namespace gregor::bench;
  const Options o = parse_options(argc, argv);
  if (o.mode == "produce") return run_produce(o);
  if (o.mode == "consume") return run_consume(o);
  return run_e2e(o);
}
