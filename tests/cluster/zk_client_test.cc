// ZkClient against a real ZooKeeper server: sessions, chroots, requests, watches, expiry.
#include "gregor/cluster/zk_client.h"

#include <gtest/gtest.h>

#include "zk_test_base.h"

namespace gregor::cluster {
namespace {

using testing::ZkTestBase;
using testing::ZkTestServer;

TEST(ZkConnectStringTest, SplitsHostsAndChroot) {
  auto parsed = parse_zk_connect("h1:2181,h2:2182/kafka/prod");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->hosts, "h1:2181,h2:2182");
  EXPECT_EQ(parsed->chroot, "/kafka/prod");

  parsed = parse_zk_connect("localhost:2181");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->chroot, "");
  parsed = parse_zk_connect("localhost:2181/");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->chroot, "");
}

TEST(ZkConnectStringTest, RejectsMalformedValues) {
  EXPECT_FALSE(parse_zk_connect("").ok());
  EXPECT_FALSE(parse_zk_connect("/kafka").ok());
  EXPECT_FALSE(parse_zk_connect("localhost").ok());
  EXPECT_FALSE(parse_zk_connect("localhost:http").ok());
  EXPECT_FALSE(parse_zk_connect("localhost:2181,").ok());
  EXPECT_FALSE(parse_zk_connect("localhost:99999").ok());
  EXPECT_FALSE(parse_zk_connect("localhost:2181/kafka/").ok());
  EXPECT_FALSE(parse_zk_connect("localhost:2181/a//b").ok());
}

class ZkClientTest : public ZkTestBase {};

TEST_F(ZkClientTest, ConnectCreatesTheChroot) {
  auto zk = connect("/nested/deeper");
  ASSERT_TRUE(zk->connected());
  EXPECT_EQ(sync(*zk).create("/inside", std::string("x")), ZkError::kOk);

  // Seen from the root, the znode lives under the chroot.
  ZkClientOptions root_opts = options();
  root_opts.connect = server_->connect();
  ZkClient root(&loop_, root_opts);
  ASSERT_TRUE(root.start().ok());
  ASSERT_TRUE(wait([&] { return root.connected(); }));
  std::string data;
  EXPECT_EQ(sync(root).get(chroot_ + "/nested/deeper/inside", &data), ZkError::kOk);
  EXPECT_EQ(data, "x");
}

TEST_F(ZkClientTest, RequestsReturnErrorValues) {
  auto zk = connect();
  auto s = sync(*zk);
  EXPECT_EQ(s.create("/a", std::string("one")), ZkError::kOk);
  EXPECT_EQ(s.create("/a", std::string("two")), ZkError::kNodeExists);
  EXPECT_EQ(s.create("/missing/child", std::nullopt), ZkError::kNoNode);

  std::string data;
  ZkStat stat;
  EXPECT_EQ(s.get("/a", &data, &stat), ZkError::kOk);
  EXPECT_EQ(data, "one");
  EXPECT_EQ(stat.version, 0);
  EXPECT_EQ(s.get("/nope", &data), ZkError::kNoNode);

  EXPECT_EQ(s.set("/a", "three", 5), ZkError::kBadVersion);
  EXPECT_EQ(s.set("/a", "three", 0, &stat), ZkError::kOk);
  EXPECT_EQ(stat.version, 1);
  EXPECT_EQ(s.remove("/a", 0), ZkError::kBadVersion);

  EXPECT_EQ(s.create("/a/child", std::nullopt), ZkError::kOk);
  EXPECT_EQ(s.remove("/a", 1), ZkError::kNotEmpty);
  std::vector<std::string> children;
  EXPECT_EQ(s.children("/a", &children), ZkError::kOk);
  EXPECT_EQ(children, std::vector<std::string>{"child"});

  std::string created;
  EXPECT_EQ(s.create("/a/seq_", std::string("s"), CreateMode::kPersistentSequential, &created),
            ZkError::kOk);
  EXPECT_EQ(created, "/a/seq_0000000001");  // The child above took sequence number 0.

  EXPECT_EQ(s.exists("/a/child", &stat), ZkError::kOk);
  EXPECT_EQ(s.remove("/a/child"), ZkError::kOk);
  EXPECT_EQ(s.exists("/a/child"), ZkError::kNoNode);
  EXPECT_EQ(s.create("/bad/", std::nullopt), ZkError::kBadArguments);
}

TEST_F(ZkClientTest, MultiIsAllOrNothing) {
  auto zk = connect();
  auto s = sync(*zk);
  ASSERT_EQ(s.create("/epoch", std::string("0")), ZkError::kOk);

  std::vector<ZkOpResult> results;
  EXPECT_EQ(s.multi({ZkOp::check("/epoch", 0), ZkOp::create("/x", std::string("1")),
                     ZkOp::create("/x/y", std::nullopt), ZkOp::set("/epoch", "1", 0)},
                    &results),
            ZkError::kOk);
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[1].created_path, "/x");
  EXPECT_EQ(results[3].stat.version, 1);

  // A stale version on the check fails everything, and the creates do not happen.
  EXPECT_EQ(s.multi({ZkOp::check("/epoch", 0), ZkOp::create("/z", std::nullopt)}, &results),
            ZkError::kBadVersion);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].error, ZkError::kBadVersion);
  EXPECT_EQ(s.exists("/z"), ZkError::kNoNode);

  EXPECT_EQ(s.multi({}, &results), ZkError::kOk);
  EXPECT_TRUE(results.empty());
}

TEST_F(ZkClientTest, WatchesFireOnceAndHandlersSeeTheEvent) {
  auto zk = connect();
  auto s = sync(*zk);
  std::vector<WatchEvent> data_events;
  std::vector<WatchEvent> child_events;
  zk->add_watch_handler("/w", ZkClient::WatchKind::kData,
                        [&](WatchEvent e) { data_events.push_back(e); });
  zk->add_watch_handler("/w", ZkClient::WatchKind::kChildren,
                        [&](WatchEvent e) { child_events.push_back(e); });

  EXPECT_EQ(s.exists("/w", nullptr, /*watch=*/true), ZkError::kNoNode);
  ASSERT_EQ(s.create("/w", std::string("v1")), ZkError::kOk);
  ASSERT_TRUE(wait([&] { return data_events.size() == 1; }));
  EXPECT_EQ(data_events[0], WatchEvent::kCreated);

  std::string data;
  ASSERT_EQ(s.get("/w", &data, nullptr, /*watch=*/true), ZkError::kOk);
  ASSERT_EQ(s.children("/w", nullptr, /*watch=*/true), ZkError::kOk);
  ASSERT_EQ(s.set("/w", "v2"), ZkError::kOk);
  ASSERT_EQ(s.create("/w/c", std::nullopt), ZkError::kOk);
  ASSERT_TRUE(wait([&] { return data_events.size() == 2 && child_events.size() == 1; }));
  EXPECT_EQ(data_events[1], WatchEvent::kDataChanged);
  EXPECT_EQ(child_events[0], WatchEvent::kChildrenChanged);

  // A second handler on the same path hears the same events.
  int second = 0;
  const int second_id =
      zk->add_watch_handler("/w", ZkClient::WatchKind::kData, [&](WatchEvent) { ++second; });
  ASSERT_EQ(s.get("/w", &data, nullptr, /*watch=*/true), ZkError::kOk);
  ASSERT_EQ(s.set("/w", "v3"), ZkError::kOk);
  ASSERT_TRUE(wait([&] { return data_events.size() == 3 && second == 1; }));
  zk->remove_watch_handler(second_id);

  // The watches were one-shot: a further change goes unreported until re-armed.
  ASSERT_EQ(s.set("/w", "v4"), ZkError::kOk);
  testing::run_for(&loop_, std::chrono::milliseconds(200));
  EXPECT_EQ(data_events.size(), 3u);
}

TEST_F(ZkClientTest, RequestsMadeBeforeTheSessionWaitForIt) {
  ZkClient zk(&loop_, options());
  std::optional<ZkError> created;
  zk.create("/early", std::string("e"), CreateMode::kPersistent,
            [&](ZkError e, std::string, const ZkStat&) { created = e; });
  ASSERT_TRUE(zk.start().ok());
  ASSERT_TRUE(wait([&] { return created.has_value(); }));
  EXPECT_EQ(*created, ZkError::kOk);
}

TEST_F(ZkClientTest, CloseEndsTheSessionAndFailsLaterRequests) {
  auto owner = connect();
  auto watcher = connect();
  ASSERT_EQ(sync(*owner).create("/eph", std::nullopt, CreateMode::kEphemeral), ZkError::kOk);
  owner->close();
  EXPECT_FALSE(owner->connected());
  // The ephemeral znode goes with the session at once, not after the session timeout.
  EXPECT_EQ(sync(*watcher).exists("/eph"), ZkError::kNoNode);

  std::optional<ZkError> after;
  owner->get("/x", false, [&](ZkError e, std::string, const ZkStat&) { after = e; });
  EXPECT_FALSE(after.has_value());  // Never from inside the call.
  ASSERT_TRUE(wait([&] { return after.has_value(); }));
  EXPECT_EQ(*after, ZkError::kClosing);
}

TEST_F(ZkClientTest, ExpiredSessionIsReplacedAndListenersAreTold) {
  auto zk = connect("", std::chrono::milliseconds(2000));
  std::vector<SessionEvent> events;
  zk->add_session_listener([&](SessionEvent e) { events.push_back(e); });
  ASSERT_EQ(sync(*zk).create("/eph", std::nullopt, CreateMode::kEphemeral), ZkError::kOk);
  const int64_t old_session = zk->session()->id;

  expire_session(*zk);
  ASSERT_TRUE(wait([&] {
    return !events.empty() && events.back() == SessionEvent::kNewSession && zk->connected();
  }));
  EXPECT_NE(std::find(events.begin(), events.end(), SessionEvent::kExpired), events.end());
  EXPECT_NE(zk->session()->id, old_session);
  EXPECT_EQ(sync(*zk).exists("/eph"), ZkError::kNoNode);
  EXPECT_EQ(sync(*zk).create("/eph", std::nullopt, CreateMode::kEphemeral), ZkError::kOk);
}

// Not on the shared server: this test needs the port to be silent at first.
TEST(ZkClientStartupTest, WaitsForZooKeeperToComeUp) {
  uv_loop_t loop;
  ASSERT_EQ(uv_loop_init(&loop), 0);
  const int port = ZkTestServer::free_port();
  {
    ZkClientOptions opts;
    opts.connect = "127.0.0.1:" + std::to_string(port) + "/late";
    opts.session_timeout = std::chrono::milliseconds(2000);
    ZkClient zk(&loop, opts);
    ASSERT_TRUE(zk.start().ok());
    testing::run_for(&loop, std::chrono::milliseconds(1500));
    EXPECT_FALSE(zk.connected());

    auto server = ZkTestServer::start(port);
    ASSERT_NE(server, nullptr);
    EXPECT_TRUE(testing::run_until(
        &loop, [&] { return zk.connected(); }, std::chrono::seconds(15)));
  }
  EXPECT_TRUE(testing::drain_and_close(&loop));
}

}  // namespace
}  // namespace gregor::cluster
