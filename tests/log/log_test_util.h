// Helpers shared by the log tests: temporary directories, batch building through the
// records module, and a PartitionLog opened on a manual clock.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "flusher.h"
#include "gregor/log/clock.h"
#include "gregor/log/partition_log.h"
#include "gregor/records/batch_builder.h"
#include "log_dir_health.h"

namespace gregor::log::testing {

// A directory under $TMPDIR removed (with its contents) when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "gregor-log-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// One producer batch (base offset 0) of `count` records with values "v<i>" and keys
// "k<i>", all at `timestamp` (or timestamp + i when `spread`).
inline std::vector<uint8_t> make_batch(int count, int64_t timestamp, size_t value_size = 10,
                                       records::Compression codec = records::Compression::kNone,
                                       bool spread = false) {
  records::BatchOptions options;
  options.compression = codec;
  std::vector<std::string> keys;
  std::vector<std::string> values;
  for (int i = 0; i < count; ++i) {
    keys.push_back("k" + std::to_string(i));
    std::string v = "v" + std::to_string(i);
    v.resize(std::max(v.size(), value_size), 'x');
    values.push_back(v);
  }
  std::vector<records::RecordInput> inputs;
  for (int i = 0; i < count; ++i) {
    records::RecordInput r;
    r.timestamp = timestamp + (spread ? i : 0);
    r.key = records::Bytes(reinterpret_cast<const uint8_t*>(keys[i].data()), keys[i].size());
    r.value = records::Bytes(reinterpret_cast<const uint8_t*>(values[i].data()), values[i].size());
    inputs.push_back(r);
  }
  auto batch = records::build_batch(options, inputs);
  EXPECT_TRUE(batch.ok());
  return std::move(batch).value();
}

// Appends a freshly built batch (the log rewrites the buffer in place, so it needs one).
inline Result<AppendInfo, LogError> append_batch(PartitionLog& log, std::vector<uint8_t> batch,
                                                 LeaderEpoch epoch) {
  return log.append_as_leader(batch, epoch);
}

inline std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline uint64_t file_size(const std::filesystem::path& path) {
  return std::filesystem::file_size(path);
}

// A log directory for one partition with its own flusher and health, on a manual clock.
class LogFixture {
 public:
  explicit LogFixture(LogConfig config = small_config()) : config_(config) {
    dir_ = tmp_.path() / "topic-0";
    std::filesystem::create_directories(dir_);
  }

  static LogConfig small_config() {
    LogConfig c;
    c.segment_bytes = 64 * 1024;
    c.index_interval_bytes = 512;
    c.segment_index_bytes = 4096;
    c.file_delete_delay_ms = 1000;
    return c;
  }

  std::shared_ptr<PartitionLog> open(bool clean = true, std::optional<Offset> recovery_point = {},
                                     std::optional<Offset> log_start = {},
                                     std::optional<Offset> hw = {}) {
    LogLoadParams p;
    p.dir = dir_;
    p.tp = TopicPartition{"topic", PartitionId(0)};
    p.config = config_;
    p.clock = &clock_;
    p.recovery_point = recovery_point;
    p.log_start_offset = log_start;
    p.high_watermark = hw;
    p.clean_shutdown = clean;
    p.flusher = flusher_;
    p.health = health_ = std::make_shared<LogDirHealth>(tmp_.path());
    auto log = PartitionLog::open(std::move(p));
    EXPECT_TRUE(log.ok()) << (log.ok() ? "" : log.error().message);
    return log.ok() ? std::move(log).value() : nullptr;
  }

  // Appends one batch as leader (epoch 0) and returns its offsets.
  AppendInfo append(PartitionLog& log, int count, int64_t timestamp, size_t value_size = 10) {
    auto batch = make_batch(count, timestamp, value_size);
    auto info = log.append_as_leader(batch, LeaderEpoch(0));
    EXPECT_TRUE(info.ok()) << (info.ok() ? "" : info.error().message);
    return info.ok() ? *info : AppendInfo{};
  }

  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& root() const { return tmp_.path(); }
  ManualClock& clock() { return clock_; }
  LogConfig& config() { return config_; }
  std::shared_ptr<Flusher> flusher() { return flusher_; }
  std::shared_ptr<LogDirHealth> health() { return health_; }

 private:
  TempDir tmp_;
  std::filesystem::path dir_;
  LogConfig config_;
  ManualClock clock_;
  std::shared_ptr<Flusher> flusher_ = std::make_shared<Flusher>();
  std::shared_ptr<LogDirHealth> health_;
};

// Reads the bytes of a FileRange back (what sendfile would send).
inline std::vector<uint8_t> read_range(const FileRange& range) {
  std::vector<uint8_t> out(range.length);
  ssize_t n = ::pread(range.fd, out.data(), out.size(), static_cast<off_t>(range.position));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

}  // namespace gregor::log::testing
