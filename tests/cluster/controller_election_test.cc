// Controller election between in-process brokers sharing one loop and one ZooKeeper server.
#include "gregor/cluster/controller_election.h"

#include <gtest/gtest.h>

#include "gregor/cluster/broker_znodes.h"
#include "zk_test_base.h"

namespace gregor::cluster {
namespace {

// One broker's view: its session, its election and what the callbacks told it.
struct Contender {
  std::unique_ptr<ZkClient> zk;
  std::unique_ptr<ControllerElection> election;
  std::vector<ControllerFence> elected;
  int resigned = 0;
  std::optional<BrokerId> controller;
};

class ControllerElectionTest : public testing::ZkTestBase {
 protected:
  std::unique_ptr<Contender> contender(int32_t id) {
    auto c = std::make_unique<Contender>();
    c->zk = connect("", std::chrono::milliseconds(2000));
    Contender* raw = c.get();
    c->election = std::make_unique<ControllerElection>(
        *c->zk, BrokerId(id),
        ControllerElection::Callbacks{
            [raw](const ControllerFence& f) { raw->elected.push_back(f); },
            [raw] { ++raw->resigned; },
            [raw](std::optional<BrokerId> id) { raw->controller = id; }});
    return c;
  }

  // Broker 1 elected first, broker 2 following it.
  void elect_first_then_follow(std::unique_ptr<Contender>& a, std::unique_ptr<Contender>& b) {
    a = contender(1);
    a->election->start();
    ASSERT_TRUE(wait([&] { return a->election->is_controller(); }));
    b = contender(2);
    b->election->start();
    ASSERT_TRUE(wait([&] { return b->controller == BrokerId(1); }));
  }
};

TEST_F(ControllerElectionTest, OneOfTwoBrokersWinsAndBothAgree) {
  auto a = contender(1);
  auto b = contender(2);
  a->election->start();
  b->election->start();
  ASSERT_TRUE(wait([&] {
    return a->controller.has_value() && b->controller.has_value() &&
           (a->election->is_controller() || b->election->is_controller());
  }));
  EXPECT_NE(a->election->is_controller(), b->election->is_controller());
  EXPECT_EQ(a->controller, b->controller);
  Contender& winner = a->election->is_controller() ? *a : *b;
  ASSERT_EQ(winner.elected.size(), 1u);
  EXPECT_EQ(winner.elected[0].epoch, ControllerEpoch(1));  // The cluster's first election.

  std::string data;
  ASSERT_EQ(sync(*a->zk).get("/controller_epoch", &data), ZkError::kOk);
  EXPECT_EQ(data, "1");
  ASSERT_EQ(sync(*a->zk).get("/controller", &data), ZkError::kOk);
  EXPECT_EQ(decode_controller(data).value().broker_id, *a->controller);
}

TEST_F(ControllerElectionTest, FailsOverWhenTheControllersSessionCloses) {
  std::unique_ptr<Contender> a, b;
  ASSERT_NO_FATAL_FAILURE(elect_first_then_follow(a, b));
  const ControllerFence old_fence = *a->election->fence();

  a->election.reset();
  a->zk->close();
  ASSERT_TRUE(wait([&] { return b->election->is_controller(); }));
  EXPECT_EQ(b->controller, BrokerId(2));
  ASSERT_EQ(b->elected.size(), 1u);
  EXPECT_EQ(b->elected[0].epoch, ControllerEpoch(old_fence.epoch.value() + 1));
  EXPECT_GT(b->elected[0].epoch_zk_version, old_fence.epoch_zk_version);

  // The deposed controller's fence no longer admits writes; the new one's does.
  std::vector<ZkOpResult> results;
  auto s = sync(*b->zk);
  ZkError error = s.multi(fenced(old_fence, {ZkOp::create("/written", std::nullopt)}), &results);
  EXPECT_TRUE(fence_failed(error, results));
  EXPECT_EQ(s.exists("/written"), ZkError::kNoNode);
  error = s.multi(fenced(b->elected[0], {ZkOp::create("/written", std::nullopt)}), &results);
  EXPECT_EQ(error, ZkError::kOk);
}

TEST_F(ControllerElectionTest, ExpiredControllerResignsAndAnElectionFollows) {
  std::unique_ptr<Contender> a, b;
  ASSERT_NO_FATAL_FAILURE(elect_first_then_follow(a, b));

  expire_session(*a->zk);
  ASSERT_TRUE(wait([&] { return a->resigned == 1; }));
  // Whoever wins, it is one broker, with epoch 2, and both see it.
  ASSERT_TRUE(wait([&] {
    return (a->election->is_controller() || b->election->is_controller()) &&
           a->controller == b->controller && a->controller.has_value() && a->zk->connected();
  }));
  EXPECT_NE(a->election->is_controller(), b->election->is_controller());
  const auto& fence = a->election->is_controller() ? a->election->fence() : b->election->fence();
  EXPECT_EQ(fence->epoch, ControllerEpoch(2));
}

TEST_F(ControllerElectionTest, ResignHandsOver) {
  std::unique_ptr<Contender> a, b;
  ASSERT_NO_FATAL_FAILURE(elect_first_then_follow(a, b));

  a->election->resign(/*stop=*/true);
  EXPECT_FALSE(a->election->is_controller());
  EXPECT_EQ(a->resigned, 1);
  ASSERT_TRUE(wait([&] { return b->election->is_controller() && a->controller == BrokerId(2); }));
  EXPECT_EQ(b->elected[0].epoch, ControllerEpoch(2));
}

}  // namespace
}  // namespace gregor::cluster
