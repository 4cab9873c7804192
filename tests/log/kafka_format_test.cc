// Checks the files gregor writes with an independent reader of Kafka's layout
// (kafka_layout_check.py), which shares no code with the implementation.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "gregor/log/log_manager.h"
#include "log_test_util.h"

namespace gregor::log {
namespace {

struct CheckerRun {
  int exit_code = -1;
  std::string output;
};

CheckerRun run_checker(const std::filesystem::path& log_dir, int interval) {
  std::string command = std::string(GREGOR_PYTHON) + " " + GREGOR_LAYOUT_CHECKER +
                        " --strict-index --index-interval " + std::to_string(interval) + " " +
                        log_dir.string() + " 2>&1";
  CheckerRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0)
    run.output.append(buf, n);
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(KafkaFormat, AnIndependentParserAcceptsWhatWeWrite) {
  testing::TempDir root;
  ManualClock clock;
  LogManagerConfig config;
  config.log_dirs = {root.path() / "logs"};
  config.default_config = testing::LogFixture::small_config();
  auto manager = LogManager::open(config, &clock);
  ASSERT_TRUE(manager.ok());
  LogConfig plain = testing::LogFixture::small_config();
  LogConfig append_time = plain;
  append_time.timestamp_type = records::TimestampType::kLogAppendTime;
  LogConfig gzip = plain;
  gzip.compression = TopicCompression::of(records::Compression::kGzip);
  auto a = *(*manager)->get_or_create(TopicPartition{"plain", PartitionId(0)}, plain);
  auto b = *(*manager)->get_or_create(TopicPartition{"append.time", PartitionId(1)}, append_time);
  auto c = *(*manager)->get_or_create(TopicPartition{"gzip_topic", PartitionId(2)}, gzip);
  int64_t records = 0;
  for (int i = 0; i < 300; ++i) {
    // Out-of-order timestamps exercise the "max so far" rule of the time index.
    int64_t ts = clock.now_ms() + (i % 7) * 100 - 300;
    for (auto& log : {a, b, c}) {
      auto batch = testing::make_batch(1 + i % 5, ts, 150, records::Compression::kNone, true);
      ASSERT_TRUE(log->append_as_leader(batch, LeaderEpoch(i / 100)).ok());
    }
    records += 1 + i % 5;
    clock.advance(10);
  }
  ASSERT_GT(a->segment_count(), 2u);
  a->set_high_watermark(a->log_end_offset());
  ASSERT_TRUE(a->delete_records_before(Offset(100)).ok());
  ASSERT_TRUE((*manager)->ensure_meta_properties(BrokerId(3), std::string("abc")).ok());
  ASSERT_TRUE((*manager)->shutdown(5).ok());

  auto run = run_checker(root.path() / "logs", plain.index_interval_bytes);
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("\"records\": " + std::to_string(records)), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("\"plain-0\": 100"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("[\n     2,\n     600\n    ]"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("[\n     0,\n     100\n    ]"), std::string::npos) << run.output;
}

TEST(KafkaFormat, TheParserIsNotVacuous) {
  testing::LogFixture fx;
  auto log = fx.open();
  for (int i = 0; i < 20; ++i)
    fx.append(*log, 3, 1000 + i, 100);
  ASSERT_TRUE(log->close().ok());
  ASSERT_EQ(run_checker(fx.root(), 512).exit_code, 0);
  std::fstream f(fx.dir() / "00000000000000000000.log",
                 std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(500);
  f.put('\x7f');
  f.close();
  auto run = run_checker(fx.root(), 512);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("CRC mismatch"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace gregor::log
