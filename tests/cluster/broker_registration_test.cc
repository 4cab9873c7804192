// Broker registration against a real ZooKeeper server.
#include "gregor/cluster/broker_registration.h"

#include <gtest/gtest.h>

#include "gregor/cluster/zk_paths.h"
#include "zk_test_base.h"

namespace gregor::cluster {
namespace {

using Outcome = std::optional<Result<Registration, ClusterError>>;

BrokerInfo broker(int32_t id, int32_t port = 9092) {
  BrokerInfo info;
  info.id = BrokerId(id);
  info.endpoints = {{"PLAINTEXT", "localhost", port, "PLAINTEXT"},
                    {"INTERNAL", "10.0.0.1", port + 1, "SASL_PLAINTEXT"}};
  info.rack = "r1";
  return info;
}

class BrokerRegistrationTest : public testing::ZkTestBase {};

TEST_F(BrokerRegistrationTest, RegistersWithKafkasLayout) {
  auto zk = connect();
  BrokerRegistration registration(*zk, broker(1), std::chrono::milliseconds(0));
  Outcome outcome;
  registration.start([&](auto result) { outcome = std::move(result); });
  ASSERT_TRUE(wait([&] { return outcome.has_value(); }));
  ASSERT_TRUE(outcome->ok()) << outcome->error().message;
  const Registration& reg = outcome->value();
  EXPECT_EQ(reg.cluster_id.size(), 22u);

  auto s = sync(*zk);
  for (const std::string& path : paths::persistent_paths()) {
    EXPECT_EQ(s.exists(path), ZkError::kOk) << path;
  }
  std::string data;
  ZkStat stat;
  ASSERT_EQ(s.get("/brokers/ids/1", &data, &stat), ZkError::kOk);
  EXPECT_EQ(stat.czxid, reg.broker_epoch);
  EXPECT_EQ(stat.ephemeral_owner, zk->session()->id);
  auto info = decode_broker_info(BrokerId(1), data);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->endpoints, broker(1).endpoints);
  EXPECT_EQ(info->rack, "r1");
  ASSERT_EQ(s.get("/cluster/id", &data), ZkError::kOk);
  EXPECT_EQ(decode_cluster_id(data).value(), reg.cluster_id);

  // A second broker joins the same cluster id.
  auto zk2 = connect();
  BrokerRegistration second(*zk2, broker(2, 9094), std::chrono::milliseconds(0));
  Outcome outcome2;
  second.start([&](auto result) { outcome2 = std::move(result); });
  ASSERT_TRUE(wait([&] { return outcome2.has_value(); }));
  ASSERT_TRUE(outcome2->ok());
  EXPECT_EQ(outcome2->value().cluster_id, reg.cluster_id);
  EXPECT_NE(outcome2->value().broker_epoch, reg.broker_epoch);
}

TEST_F(BrokerRegistrationTest, DuplicateBrokerIdIsRefused) {
  auto zk1 = connect();
  auto zk2 = connect();
  BrokerRegistration first(*zk1, broker(1), std::chrono::milliseconds(0));
  Outcome outcome1;
  first.start([&](auto result) { outcome1 = std::move(result); });
  ASSERT_TRUE(wait([&] { return outcome1.has_value(); }));
  ASSERT_TRUE(outcome1->ok());

  BrokerRegistration second(*zk2, broker(1, 9999), std::chrono::milliseconds(300));
  Outcome outcome2;
  second.start([&](auto result) { outcome2 = std::move(result); });
  ASSERT_TRUE(wait([&] { return outcome2.has_value(); }));
  ASSERT_FALSE(outcome2->ok());
  EXPECT_EQ(outcome2->error().code, ClusterErrc::kBrokerIdInUse);
  EXPECT_NE(outcome2->error().message.find("broker.id=1"), std::string::npos);
  EXPECT_EQ(to_error_code(outcome2->error()), ErrorCode::kDuplicateBrokerRegistration);

  // The live broker keeps its registration.
  ZkStat stat;
  ASSERT_EQ(sync(*zk2).exists("/brokers/ids/1", &stat), ZkError::kOk);
  EXPECT_EQ(stat.ephemeral_owner, zk1->session()->id);
}

TEST_F(BrokerRegistrationTest, StaleRegistrationOfAPreviousRunIsWaitedOut) {
  // The "previous run" lives on a loop that stops running, as a crashed process would: its
  // session stays on the server until the 1 s timeout passes.
  uv_loop_t old_loop;
  ASSERT_EQ(uv_loop_init(&old_loop), 0);
  {
    ZkClient old_zk(&old_loop, options("", std::chrono::milliseconds(1000)));
    ASSERT_TRUE(old_zk.start().ok());
    BrokerRegistration old_run(old_zk, broker(1), std::chrono::milliseconds(0));
    Outcome old_outcome;
    old_run.start([&](auto result) { old_outcome = std::move(result); });
    ASSERT_TRUE(testing::run_until(&old_loop, [&] { return old_outcome.has_value(); }));
    ASSERT_TRUE(old_outcome->ok());

    auto zk = connect();
    BrokerRegistration restarted(*zk, broker(1), std::chrono::milliseconds(8000));
    Outcome outcome;
    restarted.start([&](auto result) { outcome = std::move(result); });
    ASSERT_TRUE(wait([&] { return outcome.has_value(); }, std::chrono::seconds(10)));
    ASSERT_TRUE(outcome->ok()) << outcome->error().message;
    ZkStat stat;
    ASSERT_EQ(sync(*zk).exists("/brokers/ids/1", &stat), ZkError::kOk);
    EXPECT_EQ(stat.ephemeral_owner, zk->session()->id);
  }
  EXPECT_TRUE(testing::drain_and_close(&old_loop));
}

TEST_F(BrokerRegistrationTest, RegistersAgainAfterSessionExpiry) {
  auto zk = connect("", std::chrono::milliseconds(2000));
  BrokerRegistration registration(*zk, broker(4), std::chrono::milliseconds(0));
  std::vector<Result<Registration, ClusterError>> outcomes;
  registration.start([&](auto result) { outcomes.push_back(std::move(result)); });
  ASSERT_TRUE(wait([&] { return outcomes.size() == 1; }));
  ASSERT_TRUE(outcomes[0].ok());

  expire_session(*zk);
  ASSERT_TRUE(wait([&] { return outcomes.size() == 2; }));
  ASSERT_TRUE(outcomes[1].ok()) << outcomes[1].error().message;
  EXPECT_GT(outcomes[1].value().broker_epoch, outcomes[0].value().broker_epoch);
  EXPECT_EQ(outcomes[1].value().cluster_id, outcomes[0].value().cluster_id);
  ZkStat stat;
  ASSERT_EQ(sync(*zk).exists("/brokers/ids/4", &stat), ZkError::kOk);
  EXPECT_EQ(stat.ephemeral_owner, zk->session()->id);
  EXPECT_EQ(registration.registration()->broker_epoch, stat.czxid);
}

TEST_F(BrokerRegistrationTest, DeregisterRemovesTheZnode) {
  auto zk = connect();
  BrokerRegistration registration(*zk, broker(2), std::chrono::milliseconds(0));
  Outcome outcome;
  registration.start([&](auto result) { outcome = std::move(result); });
  ASSERT_TRUE(wait([&] { return outcome.has_value(); }));
  std::optional<Result<void, ClusterError>> removed;
  registration.deregister([&](auto result) { removed = std::move(result); });
  ASSERT_TRUE(wait([&] { return removed.has_value(); }));
  EXPECT_TRUE(removed->ok());
  EXPECT_FALSE(registration.registered());
  EXPECT_EQ(sync(*zk).exists("/brokers/ids/2"), ZkError::kNoNode);
}

TEST_F(BrokerRegistrationTest, GeneratesBrokerIdsFromTheSequence) {
  auto zk = connect();
  std::vector<int32_t> ids;
  for (int i = 0; i < 2; ++i) {
    std::optional<Result<BrokerId, ClusterError>> id;
    generate_broker_id(*zk, 1000, [&](auto result) { id = std::move(result); });
    ASSERT_TRUE(wait([&] { return id.has_value(); }));
    ASSERT_TRUE(id->ok());
    ids.push_back(id->value().value());
  }
  EXPECT_EQ(ids, (std::vector<int32_t>{1001, 1002}));
}

}  // namespace
}  // namespace gregor::cluster
