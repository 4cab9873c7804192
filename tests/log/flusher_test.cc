#include "flusher.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "log_test_util.h"

namespace gregor::log {
namespace {

using testing::LogFixture;

TEST(Flusher, CompletesRequestsWithTheDurableOffset) {
  LogFixture fx;
  auto log = fx.open();
  fx.append(*log, 5, 1000);
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Result<Offset, LogError>> got;
  log->flush_async(Offset(5), [&](const Result<Offset, LogError>& r) {
    std::lock_guard<std::mutex> lock(mu);
    got = r;
    cv.notify_one();
  });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return got.has_value(); });
  ASSERT_TRUE(got->ok());
  EXPECT_GE(got->value(), Offset(5));
  EXPECT_EQ(log->recovery_point(), Offset(5));
}

TEST(Flusher, GroupsConcurrentRequestsAndReportsEach) {
  LogFixture fx;
  auto log = fx.open();
  std::atomic<int> done{0};
  std::atomic<int> failed{0};
  for (int i = 0; i < 50; ++i) {
    auto info = fx.append(*log, 1, 1000);
    log->flush_async(Offset(info.last_offset.value() + 1), [&](const Result<Offset, LogError>& r) {
      if (!r.ok()) ++failed;
      ++done;
    });
  }
  fx.flusher()->drain();
  EXPECT_EQ(done.load(), 50);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(log->recovery_point(), Offset(50));
}

TEST(Flusher, FlushMessagesMarksTheAppendAsDue) {
  LogFixture fx;
  fx.config().flush_messages = 10;
  auto log = fx.open();
  EXPECT_FALSE(fx.append(*log, 5, 1000).flush_due);
  EXPECT_TRUE(fx.append(*log, 5, 1000).flush_due);
  ASSERT_TRUE(log->flush().ok());
  EXPECT_FALSE(fx.append(*log, 5, 1000).flush_due);
}

TEST(Flusher, FlushMsFlushesOnTheInterval) {
  LogFixture fx;
  fx.config().flush_ms = 1000;
  auto log = fx.open();
  fx.append(*log, 5, 1000);
  log->maybe_flush_on_interval();
  fx.flusher()->drain();
  EXPECT_EQ(log->recovery_point(), Offset(0));
  fx.clock().advance(1000);
  log->maybe_flush_on_interval();
  fx.flusher()->drain();
  EXPECT_EQ(log->recovery_point(), Offset(5));
}

TEST(Flusher, AFailedDirNeverReportsDataAsFlushed) {
  LogFixture fx;
  auto log = fx.open();
  fx.append(*log, 5, 1000);
  fx.health()->fail("injected fsync failure");
  std::optional<Result<Offset, LogError>> got;
  log->flush_async(Offset(5), [&](const Result<Offset, LogError>& r) { got = r; });
  fx.flusher()->drain();
  ASSERT_TRUE(got.has_value());
  ASSERT_FALSE(got->ok());
  EXPECT_EQ(to_error_code(got->error()), ErrorCode::kKafkaStorageError);
  EXPECT_EQ(log->recovery_point(), Offset(0));
  auto append = testing::append_batch(*log, testing::make_batch(1, 1000), LeaderEpoch(0));
  ASSERT_FALSE(append.ok());
  EXPECT_EQ(to_error_code(append.error()), ErrorCode::kKafkaStorageError);
}

TEST(Flusher, AppendsFlushesReadsAndRetentionRunConcurrently) {
  LogFixture fx;
  fx.config().retention_bytes = 200 * 1024;
  fx.config().file_delete_delay_ms = 0;
  auto log = fx.open();
  std::atomic<bool> done{false};
  std::atomic<int> flushed{0};
  std::thread writer([&] {
    for (int i = 0; i < 1500; ++i) {
      auto info = fx.append(*log, 3, fx.clock().now_ms() + i, 100);
      log->set_high_watermark(Offset(info.last_offset.value() + 1));
      log->flush_async(Offset(info.last_offset.value() + 1),
                       [&](const Result<Offset, LogError>& r) {
                         if (r.ok()) ++flushed;
                       });
    }
    done = true;
  });
  std::thread reader([&] {
    while (!done) {
      Offset start = log->log_start_offset();
      ReadOptions o;
      o.max_bytes = 4096;
      auto r = log->read(start, o);
      // Retention may move the start between the two calls; anything else is a bug.
      if (!r.ok()) {
        EXPECT_EQ(to_error_code(r.error()), ErrorCode::kOffsetOutOfRange);
      }
    }
  });
  std::thread janitor([&] {
    while (!done)
      EXPECT_TRUE(log->apply_retention().ok());
  });
  writer.join();
  reader.join();
  janitor.join();
  fx.flusher()->drain();
  EXPECT_EQ(flushed.load(), 1500);
  EXPECT_EQ(log->recovery_point(), Offset(4500));
  // The janitor may not have had a turn after the last append; one more pass settles it.
  ASSERT_TRUE(log->apply_retention().ok());
  EXPECT_GT(log->log_start_offset(), Offset(0));
  EXPECT_GE(log->size_bytes(), 200u * 1024) << "retention keeps at least retention.bytes";
  EXPECT_LT(log->size_bytes(), 200u * 1024 + 64 * 1024) << "and less than one more segment";
}

}  // namespace
}  // namespace gregor::log
