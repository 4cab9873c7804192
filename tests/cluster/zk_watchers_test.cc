// Standing watches against a real ZooKeeper server.
#include "gregor/cluster/zk_watchers.h"

#include <gtest/gtest.h>

#include "gregor/cluster/broker_registration.h"
#include "gregor/cluster/topic_store.h"
#include "gregor/cluster/zk_paths.h"
#include "zk_test_base.h"

namespace gregor::cluster {
namespace {

class ZkWatchersTest : public testing::ZkTestBase {
 protected:
  void prepare(ZkClient& zk) {
    std::optional<ZkError> made;
    ensure_paths(zk, paths::persistent_paths(), [&](ZkError e) { made = e; });
    ASSERT_TRUE(wait([&] { return made.has_value(); }));
  }
};

TEST_F(ZkWatchersTest, ChildrenWatchFollowsAPathThatAppearsLater) {
  auto zk = connect("", std::chrono::milliseconds(2000));
  std::vector<std::vector<std::string>> reports;
  ChildrenWatch watch(*zk, "/later", [&](auto children) {
    ASSERT_TRUE(children.ok());
    reports.push_back(*children);
  });
  watch.start();
  ASSERT_TRUE(wait([&] { return reports.size() == 1; }));
  EXPECT_TRUE(reports[0].empty());

  auto s = sync(*zk);
  ASSERT_EQ(s.create("/later", std::nullopt), ZkError::kOk);
  ASSERT_EQ(s.create("/later/b", std::nullopt), ZkError::kOk);
  ASSERT_EQ(s.create("/later/a", std::nullopt), ZkError::kOk);
  ASSERT_TRUE(wait([&] { return !reports.empty() && reports.back().size() == 2; }));
  EXPECT_EQ(reports.back(), (std::vector<std::string>{"a", "b"}));

  // After an expiry the watch is set again in the new session.
  expire_session(*zk);
  const size_t before = reports.size();
  ASSERT_TRUE(wait([&] { return reports.size() > before && zk->connected(); }));
  ASSERT_EQ(s.create("/later/c", std::nullopt), ZkError::kOk);
  ASSERT_TRUE(wait([&] { return reports.back().size() == 3; }));
}

TEST_F(ZkWatchersTest, DataWatchSeesCreationChangesAndDeletion) {
  auto zk = connect();
  std::vector<std::optional<std::string>> seen;
  DataWatch watch(*zk, "/d", [&](auto data) {
    ASSERT_TRUE(data.ok());
    seen.push_back(*data ? std::optional<std::string>((*data)->data) : std::nullopt);
  });
  watch.start();
  ASSERT_TRUE(wait([&] { return seen.size() == 1; }));
  EXPECT_FALSE(seen[0].has_value());
  auto s = sync(*zk);
  ASSERT_EQ(s.create("/d", std::string("one")), ZkError::kOk);
  ASSERT_TRUE(wait([&] { return seen.back() == std::optional<std::string>("one"); }));
  ASSERT_EQ(s.set("/d", "two"), ZkError::kOk);
  ASSERT_TRUE(wait([&] { return seen.back() == std::optional<std::string>("two"); }));
  ASSERT_EQ(s.remove("/d"), ZkError::kOk);
  ASSERT_TRUE(wait([&] { return !seen.back().has_value(); }));
}

TEST_F(ZkWatchersTest, LiveBrokersComeAndGo) {
  auto zk = connect();
  prepare(*zk);
  std::map<BrokerId, LiveBroker> live;
  int reports = 0;
  LiveBrokersWatch watch(*zk, [&](const auto& brokers) {
    live = brokers;
    ++reports;
  });
  watch.start();
  ASSERT_TRUE(wait([&] { return reports > 0; }));
  EXPECT_TRUE(live.empty());

  auto zk1 = connect();
  auto zk2 = connect();
  BrokerInfo info1;
  info1.id = BrokerId(1);
  info1.endpoints = {{"PLAINTEXT", "h1", 9092, "PLAINTEXT"}};
  BrokerInfo info2;
  info2.id = BrokerId(2);
  info2.endpoints = {{"PLAINTEXT", "h2", 9092, "PLAINTEXT"}};
  info2.rack = "r2";
  BrokerRegistration reg1(*zk1, info1, std::chrono::milliseconds(0));
  BrokerRegistration reg2(*zk2, info2, std::chrono::milliseconds(0));
  reg1.start([](auto) {});
  reg2.start([](auto) {});
  ASSERT_TRUE(wait([&] { return live.size() == 2; }));
  ASSERT_TRUE(reg1.registered());
  EXPECT_EQ(live.at(BrokerId(1)).epoch, reg1.registration()->broker_epoch);
  EXPECT_EQ(live.at(BrokerId(2)).info.rack, "r2");
  EXPECT_EQ(live.at(BrokerId(2)).info.endpoints[0].host, "h2");

  // A broker re-registering with other endpoints (same session) is seen too.
  BrokerInfo moved = info2;
  moved.endpoints[0].host = "h2b";
  ASSERT_EQ(sync(*zk2).set("/brokers/ids/2", encode_broker_info(moved)), ZkError::kOk);
  ASSERT_TRUE(wait([&] { return live.at(BrokerId(2)).info.endpoints[0].host == "h2b"; }));

  zk1->close();
  ASSERT_TRUE(wait([&] { return live.size() == 1; }));
  EXPECT_TRUE(live.contains(BrokerId(2)));
}

TEST_F(ZkWatchersTest, ConfigChangesAreReportedOnceInOrder) {
  auto zk = connect();
  prepare(*zk);
  TopicStore store(*zk);
  std::vector<ConfigChange> changes;
  ConfigChangeWatch watch(
      *zk, [&](const auto& batch) { changes.insert(changes.end(), batch.begin(), batch.end()); });
  std::optional<bool> written;
  store.write_entity_config("topics", "a", {{"retention.ms", "1"}},
                            [&](auto r) { written = r.ok(); });
  ASSERT_TRUE(wait([&] { return written.has_value(); }));
  watch.start();
  ASSERT_TRUE(wait([&] { return changes.size() == 1; }));  // What was there at start.
  for (const char* name : {"b", "c"}) {
    store.write_entity_config("topics", name, {}, [](auto) {});
  }
  ASSERT_TRUE(wait([&] { return changes.size() == 3; }));
  testing::run_for(&loop_, std::chrono::milliseconds(100));
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].entity_path, "topics/a");
  EXPECT_EQ(changes[1].entity_path, "topics/b");
  EXPECT_EQ(changes[2].entity_path, "topics/c");
  EXPECT_LT(changes[0].sequence, changes[1].sequence);
}

}  // namespace
}  // namespace gregor::cluster
