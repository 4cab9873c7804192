#include "gregor/log/log_manager.h"

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "gregor/log/meta_properties.h"
#include "log_test_util.h"

namespace gregor::log {
namespace {

using testing::TempDir;

TopicPartition tp(const std::string& topic, int32_t p) {
  return TopicPartition{topic, PartitionId(p)};
}

class LogManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<LogManager> open_manager() {
    LogManagerConfig config;
    config.log_dirs = {root_.path() / "d1", root_.path() / "d2"};
    config.default_config = testing::LogFixture::small_config();
    auto m = LogManager::open(config, &clock_,
                              [this](const std::filesystem::path& dir, const std::string&) {
                                failed_dirs_.push_back(dir);
                              });
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
    return m.ok() ? std::move(m).value() : nullptr;
  }
  std::shared_ptr<PartitionLog> create(LogManager& m, const TopicPartition& p) {
    auto log = m.get_or_create(p, testing::LogFixture::small_config());
    EXPECT_TRUE(log.ok());
    return log.ok() ? *log : nullptr;
  }
  static void append(PartitionLog& log, int batches) {
    for (int i = 0; i < batches; ++i) {
      auto r = testing::append_batch(log, testing::make_batch(3, 1000, 100), LeaderEpoch(0));
      ASSERT_TRUE(r.ok()) << r.error().message;
    }
  }
  std::string read_text(const std::filesystem::path& p) {
    auto bytes = testing::read_file(p);
    return std::string(bytes.begin(), bytes.end());
  }

  TempDir root_;
  ManualClock clock_;
  std::vector<std::filesystem::path> failed_dirs_;
};

TEST_F(LogManagerTest, SpreadsPartitionsOverDirsAndWritesCheckpoints) {
  auto m = open_manager();
  for (int p = 0; p < 4; ++p)
    append(*create(*m, tp("orders", p)), 2);
  EXPECT_TRUE(std::filesystem::exists(root_.path() / "d1/orders-0"));
  EXPECT_TRUE(std::filesystem::exists(root_.path() / "d2/orders-1"));
  EXPECT_EQ(*m->dir_of(tp("orders", 2)), root_.path() / "d1");
  m->get(tp("orders", 0))->set_high_watermark(Offset(6));
  ASSERT_TRUE(m->write_checkpoints().ok());
  EXPECT_EQ(read_text(root_.path() / "d1/replication-offset-checkpoint"),
            "0\n2\norders 0 6\norders 2 0\n");
  EXPECT_EQ(read_text(root_.path() / "d1/log-start-offset-checkpoint"), "0\n0\n");
  EXPECT_EQ(read_text(root_.path() / "d2/recovery-point-offset-checkpoint"),
            "0\n2\norders 1 0\norders 3 0\n");
}

TEST_F(LogManagerTest, CleanShutdownLeavesTheMarkerAndRestartSkipsRecovery) {
  {
    auto m = open_manager();
    auto log = create(*m, tp("t", 0));
    append(*log, 5);
    log->set_high_watermark(Offset(9));
    ASSERT_TRUE(m->shutdown(/*broker_epoch=*/42).ok());
  }
  EXPECT_EQ(read_text(root_.path() / "d1/.kafka_cleanshutdown"),
            R"({"version":0,"brokerEpoch":42})");
  EXPECT_EQ(read_text(root_.path() / "d1/recovery-point-offset-checkpoint"), "0\n1\nt 0 15\n");
  auto m = open_manager();
  EXPECT_TRUE(m->had_clean_shutdown(root_.path() / "d1"));
  EXPECT_FALSE(std::filesystem::exists(root_.path() / "d1/.kafka_cleanshutdown"));
  auto log = m->get(tp("t", 0));
  ASSERT_TRUE(log);
  EXPECT_EQ(log->log_end_offset(), Offset(15));
  EXPECT_EQ(log->high_watermark(), Offset(9));
  EXPECT_EQ(log->recovery_point(), Offset(15));
}

TEST_F(LogManagerTest, UncleanRestartRecoversTheTail) {
  {
    auto m = open_manager();
    append(*create(*m, tp("t", 0)), 5);
    ASSERT_TRUE(m->write_checkpoints().ok());
  }  // no shutdown: a crash
  auto segment = root_.path() / "d1/t-0/00000000000000000000.log";
  std::filesystem::resize_file(segment, testing::file_size(segment) - 1);
  auto m = open_manager();
  EXPECT_FALSE(m->had_clean_shutdown(root_.path() / "d1"));
  EXPECT_EQ(m->get(tp("t", 0))->log_end_offset(), Offset(12));
}

TEST_F(LogManagerTest, DeleteRecordsSurvivesARestart) {
  {
    auto m = open_manager();
    auto log = create(*m, tp("t", 0));
    append(*log, 5);
    log->set_high_watermark(Offset(15));
    ASSERT_TRUE(log->delete_records_before(Offset(7)).ok());
    ASSERT_TRUE(m->shutdown().ok());
  }
  EXPECT_EQ(read_text(root_.path() / "d1/log-start-offset-checkpoint"), "0\n1\nt 0 7\n");
  auto m = open_manager();
  EXPECT_EQ(m->get(tp("t", 0))->log_start_offset(), Offset(7));
}

TEST_F(LogManagerTest, RemoveRenamesTheDirAndDeletesItLater) {
  auto m = open_manager();
  append(*create(*m, tp("gone", 0)), 2);
  ASSERT_TRUE(m->remove(tp("gone", 0)).ok());
  EXPECT_EQ(m->get(tp("gone", 0)), nullptr);
  EXPECT_FALSE(std::filesystem::exists(root_.path() / "d1/gone-0"));
  std::vector<std::string> renamed;
  for (const auto& e : std::filesystem::directory_iterator(root_.path() / "d1")) {
    if (e.is_directory()) renamed.push_back(e.path().filename().string());
  }
  ASSERT_EQ(renamed.size(), 1u);
  EXPECT_TRUE(renamed[0].starts_with("gone-0."));
  EXPECT_TRUE(renamed[0].ends_with("-delete"));
  EXPECT_EQ(renamed[0].size(), std::string("gone-0.").size() + 32 + std::string("-delete").size());
  m->run_maintenance();
  EXPECT_TRUE(std::filesystem::exists(root_.path() / "d1" / renamed[0]));
  clock_.advance(1000);
  m->run_maintenance();
  EXPECT_FALSE(std::filesystem::exists(root_.path() / "d1" / renamed[0]));
}

TEST_F(LogManagerTest, AnIoErrorTakesOnlyThatDirOffline) {
  auto m = open_manager();
  auto broken = create(*m, tp("a", 0));   // d1
  auto healthy = create(*m, tp("b", 0));  // d2
  std::filesystem::remove_all(root_.path() / "d1/a-0");
  // Appending until the segment rolls needs a new file in the vanished directory.
  Result<AppendInfo, LogError> r = AppendInfo{};
  for (int i = 0; i < 200 && r.ok(); ++i) {
    auto batch = testing::make_batch(3, 1000, 300);
    r = broken->append_as_leader(batch, LeaderEpoch(0));
  }
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(to_error_code(r.error()), ErrorCode::kKafkaStorageError);
  ASSERT_EQ(failed_dirs_.size(), 1u);
  EXPECT_EQ(failed_dirs_[0], root_.path() / "d1");
  EXPECT_EQ(m->offline_dirs(), std::vector<std::filesystem::path>{root_.path() / "d1"});
  append(*healthy, 2);
  auto placed = create(*m, tp("c", 0));
  EXPECT_EQ(*m->dir_of(tp("c", 0)), root_.path() / "d2");
  EXPECT_FALSE(m->shutdown().ok());
  EXPECT_FALSE(std::filesystem::exists(root_.path() / "d1/.kafka_cleanshutdown"));
  EXPECT_TRUE(std::filesystem::exists(root_.path() / "d2/.kafka_cleanshutdown"));
}

TEST_F(LogManagerTest, MetaPropertiesAreWrittenAndChecked) {
  auto m = open_manager();
  ASSERT_TRUE(m->ensure_meta_properties(BrokerId(1), std::string("cluster-a")).ok());
  auto meta = read_meta_properties(root_.path() / "d2");
  ASSERT_TRUE(meta.ok() && meta->has_value());
  EXPECT_EQ((*meta)->broker_id, BrokerId(1));
  EXPECT_EQ((*meta)->cluster_id, "cluster-a");
  auto wrong = m->ensure_meta_properties(BrokerId(2), std::string("cluster-a"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, LogErrc::kInconsistentMeta);
  EXPECT_FALSE(m->ensure_meta_properties(BrokerId(1), std::string("cluster-b")).ok());
}

TEST_F(LogManagerTest, ALockedLogDirRefusesASecondManager) {
  auto first = open_manager();
  ASSERT_TRUE(first);
  EXPECT_TRUE(std::filesystem::exists(root_.path() / "d1/.lock"));
  LogManagerConfig config;
  config.log_dirs = {root_.path() / "d1", root_.path() / "d2"};
  auto second = LogManager::open(config, &clock_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, LogErrc::kInconsistentMeta);
  first.reset();
  EXPECT_TRUE(LogManager::open(config, &clock_).ok());
}

TEST_F(LogManagerTest, APartitionInTwoDirsRefusesToStart) {
  std::filesystem::create_directories(root_.path() / "d1/dup-0");
  std::filesystem::create_directories(root_.path() / "d2/dup-0");
  LogManagerConfig config;
  config.log_dirs = {root_.path() / "d1", root_.path() / "d2"};
  auto m = LogManager::open(config, &clock_);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, LogErrc::kInconsistentMeta);
}

TEST_F(LogManagerTest, MaintenanceRunsRetentionOnItsInterval) {
  auto m = open_manager();
  LogConfig c = testing::LogFixture::small_config();
  c.retention_ms = 1000;
  auto log = *m->get_or_create(tp("t", 0), c);
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(
        testing::append_batch(*log, testing::make_batch(3, clock_.now_ms(), 200), LeaderEpoch(0))
            .ok());
  }
  log->set_high_watermark(log->log_end_offset());
  ASSERT_GT(log->segment_count(), 2u);
  m->run_maintenance();  // first round: retention is due, nothing is old yet
  EXPECT_EQ(log->log_start_offset(), Offset(0));
  clock_.advance(10'000);
  m->run_maintenance();  // not due again until log.retention.check.interval.ms
  EXPECT_EQ(log->log_start_offset(), Offset(0));
  clock_.advance(300'000);
  m->run_maintenance();
  EXPECT_EQ(log->log_start_offset(), log->log_end_offset());
}

TEST_F(LogManagerTest, BackgroundThreadFlushesOnFlushMs) {
  auto m = open_manager();
  LogConfig c = testing::LogFixture::small_config();
  c.flush_ms = 0;
  auto log = *m->get_or_create(tp("t", 0), c);
  append(*log, 3);
  m->start_background(std::chrono::milliseconds(5));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (log->recovery_point() < Offset(9) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(log->recovery_point(), Offset(9));
  m->stop_background();
}

}  // namespace
}  // namespace gregor::log
