// Benchmark of the log's append path against plain sequential write(2) of the same bytes
// to the same disk, and of recovery speed (unclean: every batch re-validated and indexes
// rebuilt; clean: indexes checked only).
//
//   gregor_log_bench [--dir DIR] [--mib N] [--records R] [--value-bytes V] [--rounds K]
//                    [--index-interval BYTES]
//
// Each append hands the log a fresh copy of a producer batch (the log rewrites offsets in
// place, as it does with a produce request's buffer); the raw-write loop copies the same
// bytes into the same buffer before each write(), so both sides pay the same memcpy.
#include <fcntl.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "append_validator.h"
#include "flusher.h"
#include "gregor/log/partition_log.h"
#include "gregor/records/batch_builder.h"
#include "gregor/records/crc32c.h"
#include "log_dir_health.h"

namespace {

using gregor::LeaderEpoch;
using gregor::Offset;
using gregor::PartitionId;
using namespace gregor::log;
using Steady = std::chrono::steady_clock;

struct Options {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "gregor-log-bench";
  uint64_t mib = 1024;
  int records = 100;
  int value_bytes = 160;
  int rounds = 3;
  int index_interval = 4096;
};

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

std::vector<uint8_t> make_batch(const Options& o, int seed) {
  std::vector<std::string> values;
  for (int i = 0; i < o.records; ++i) {
    std::string v(static_cast<size_t>(o.value_bytes), 'a');
    for (size_t j = 0; j < v.size(); ++j)
      v[j] = static_cast<char>('a' + (seed * 31 + i * 7 + j) % 26);
    values.push_back(std::move(v));
  }
  std::vector<gregor::records::RecordInput> inputs;
  for (const auto& v : values) {
    gregor::records::RecordInput r;
    r.timestamp = 1'700'000'000'000 + seed;
    r.value = gregor::records::Bytes(reinterpret_cast<const uint8_t*>(v.data()), v.size());
    inputs.push_back(r);
  }
  return gregor::records::build_batch({}, inputs).value();
}

struct Timing {
  double buffered = 0;  // Until the last write()/append returned.
  double durable = 0;   // Until a final fsync of the data returned.
  double cpu = 0;       // CPU time of the loop (user + system) until the last write.
};

// CPU time of the calling thread: unlike wall time it does not count the time other
// processes on a shared machine take from us.
double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Starts each measurement from a quiet disk: no dirty pages of the previous round left to
// write back while this one runs.
void settle() {
  ::sync();
}

Timing raw_write(const Options& o, const std::vector<std::vector<uint8_t>>& batches,
                 uint64_t appends) {
  auto path = o.dir / "raw.bin";
  settle();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    std::perror("open");
    std::exit(1);
  }
  std::vector<uint8_t> buffer(batches[0].size());
  double cpu_start = thread_cpu_seconds();
  auto start = Steady::now();
  for (uint64_t i = 0; i < appends; ++i) {
    const auto& b = batches[i % batches.size()];
    std::memcpy(buffer.data(), b.data(), b.size());
    if (::write(fd, buffer.data(), b.size()) != static_cast<ssize_t>(b.size())) {
      std::perror("write");
      std::exit(1);
    }
  }
  Timing t;
  t.buffered = seconds_since(start);
  t.cpu = thread_cpu_seconds() - cpu_start;
  ::fdatasync(fd);
  t.durable = seconds_since(start);
  ::close(fd);
  std::filesystem::remove(path);
  return t;
}

std::shared_ptr<PartitionLog> open_log(const Options& o,
                                       std::shared_ptr<gregor::log::Flusher> flusher, bool clean,
                                       std::optional<Offset> recovery_point) {
  LogLoadParams p;
  p.dir = o.dir / "bench-0";
  p.tp = TopicPartition{"bench", PartitionId(0)};
  p.config.segment_bytes = 1 << 30;
  p.config.index_interval_bytes = o.index_interval;
  p.clock = &SystemClock::instance();
  p.clean_shutdown = clean;
  p.recovery_point = recovery_point;
  p.flusher = std::move(flusher);
  p.health = std::make_shared<LogDirHealth>(o.dir);
  auto log = PartitionLog::open(std::move(p));
  if (!log) {
    std::fprintf(stderr, "open: %s\n", log.error().message.c_str());
    std::exit(1);
  }
  return *log;
}

Timing log_append(const Options& o, const std::vector<std::vector<uint8_t>>& batches,
                  uint64_t appends, std::shared_ptr<gregor::log::Flusher> flusher) {
  std::filesystem::remove_all(o.dir / "bench-0");
  std::filesystem::create_directories(o.dir / "bench-0");
  settle();
  auto log = open_log(o, flusher, true, std::nullopt);
  std::vector<uint8_t> buffer(batches[0].size());
  double cpu_start = thread_cpu_seconds();
  auto start = Steady::now();
  for (uint64_t i = 0; i < appends; ++i) {
    const auto& b = batches[i % batches.size()];
    std::memcpy(buffer.data(), b.data(), b.size());
    auto r = log->append_as_leader(std::span<uint8_t>(buffer.data(), b.size()), LeaderEpoch(0));
    if (!r) {
      std::fprintf(stderr, "append: %s\n", r.error().message.c_str());
      std::exit(1);
    }
  }
  Timing t;
  t.buffered = seconds_since(start);
  t.cpu = thread_cpu_seconds() - cpu_start;
  if (!log->flush()) std::exit(1);
  t.durable = seconds_since(start);
  flusher->drain();
  return t;  // The log object is dropped without close(): an unclean shutdown.
}

// The CPU cost of validating and stamping alone, without any I/O.
double validate_only(const std::vector<std::vector<uint8_t>>& batches, uint64_t appends) {
  LogConfig config;
  std::vector<uint8_t> buffer(batches[0].size());
  double cpu_start = thread_cpu_seconds();
  for (uint64_t i = 0; i < appends; ++i) {
    const auto& b = batches[i % batches.size()];
    std::memcpy(buffer.data(), b.data(), b.size());
    auto v =
        AppendValidator::validate_client(std::span<uint8_t>(buffer.data(), b.size()), config, 0);
    if (!v) std::exit(1);
    AppendValidator::assign_client(*v, config, Offset(static_cast<int64_t>(i) * 100),
                                   LeaderEpoch(0), 0);
  }
  return thread_cpu_seconds() - cpu_start;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--dir")
      o.dir = argv[i + 1];
    else if (flag == "--mib")
      o.mib = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--records")
      o.records = std::atoi(argv[i + 1]);
    else if (flag == "--value-bytes")
      o.value_bytes = std::atoi(argv[i + 1]);
    else if (flag == "--rounds")
      o.rounds = std::atoi(argv[i + 1]);
    else if (flag == "--index-interval")
      o.index_interval = std::atoi(argv[i + 1]);
  }
  std::filesystem::create_directories(o.dir);
  std::vector<std::vector<uint8_t>> batches;
  for (int i = 0; i < 16; ++i)
    batches.push_back(make_batch(o, i));
  const uint64_t batch_bytes = batches[0].size();
  const uint64_t appends = (o.mib << 20) / batch_bytes;
  const double mib = static_cast<double>(appends * batch_bytes) / (1 << 20);
  std::printf("batch %llu bytes (%d records x %d-byte values), %llu appends, %.0f MiB, dir %s\n",
              static_cast<unsigned long long>(batch_bytes), o.records, o.value_bytes,
              static_cast<unsigned long long>(appends), mib, o.dir.c_str());
  std::printf("crc32c hardware: %s\n",
              gregor::records::crc32c_is_hardware_accelerated() ? "yes" : "no");

  auto flusher = std::make_shared<gregor::log::Flusher>();
  std::vector<Timing> raw, app;
  for (int round = 0; round < o.rounds; ++round) {
    // Alternate which runs first: the first of a pair meets a page cache still full of
    // the previous round's files, the second one the pages the first just freed.
    if (round % 2 == 0) {
      raw.push_back(raw_write(o, batches, appends));
      app.push_back(log_append(o, batches, appends, flusher));
    } else {
      app.push_back(log_append(o, batches, appends, flusher));
      raw.push_back(raw_write(o, batches, appends));
    }
    std::printf(
        "round %d: write() %.0f MiB/s (%.0f with fsync, %.0f per CPU second), "
        "append %.0f MiB/s (%.0f with fsync, %.0f per CPU second)\n",
        round, mib / raw.back().buffered, mib / raw.back().durable, mib / raw.back().cpu,
        mib / app.back().buffered, mib / app.back().durable, mib / app.back().cpu);
  }
  auto median = [&](std::vector<Timing> v, double Timing::*field) {
    std::vector<double> x;
    for (const auto& t : v)
      x.push_back(mib / (t.*field));
    std::sort(x.begin(), x.end());
    return x[x.size() / 2];
  };
  for (auto [name, field] :
       {std::pair{"buffered", &Timing::buffered}, std::pair{"with fsync", &Timing::durable},
        std::pair{"per CPU second", &Timing::cpu}}) {
    double r = median(raw, field);
    double a = median(app, field);
    std::printf("median %s: write() %.0f MiB/s, append %.0f MiB/s, ratio %.2f\n", name, r, a,
                a / r);
  }

  double validation = validate_only(batches, appends);
  std::printf("validation alone: %.0f MiB per CPU second (%.2f us per batch)\n", mib / validation,
              validation / static_cast<double>(appends) * 1e6);

  // Recovery of the last append round: unclean (from offset 0), then clean.
  settle();
  auto start = Steady::now();
  auto log = open_log(o, flusher, false, Offset(0));
  double unclean = seconds_since(start);
  std::printf("unclean recovery: %.2f s, %.0f MiB/s, log end %lld\n", unclean, mib / unclean,
              static_cast<long long>(log->log_end_offset().value()));
  if (!log->close()) return 1;
  log.reset();
  start = Steady::now();
  log = open_log(o, flusher, true, std::nullopt);
  std::printf("clean load: %.3f s\n", seconds_since(start));
  log.reset();
  flusher->stop();
  std::filesystem::remove_all(o.dir / "bench-0");
  return 0;
}
