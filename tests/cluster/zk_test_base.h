// A gtest fixture with a real ZooKeeper server per test suite, a libuv loop per test, and
// blocking wrappers around ZkClient's requests that run the loop until the answer arrives.
#pragma once

#include <gtest/gtest.h>
#include <uv.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gregor/cluster/zk_client.h"
#include "zk_test_server.h"

namespace gregor::cluster::testing {

// Blocking forms of ZkClient's requests, for test code only.
class ZkSync {
 public:
  ZkSync(uv_loop_t* loop, ZkClient& zk) : loop_(loop), zk_(zk) {}
  ZkError create(const std::string& path, std::optional<std::string> data = std::nullopt,
                 CreateMode mode = CreateMode::kPersistent, std::string* created = nullptr);
  ZkError get(const std::string& path, std::string* data, ZkStat* stat = nullptr,
              bool watch = false);
  ZkError set(const std::string& path, std::string data, int32_t version = kAnyVersion,
              ZkStat* stat = nullptr);
  ZkError remove(const std::string& path, int32_t version = kAnyVersion);
  ZkError exists(const std::string& path, ZkStat* stat = nullptr, bool watch = false);
  ZkError children(const std::string& path, std::vector<std::string>* out, bool watch = false);
  ZkError multi(std::vector<ZkOp> ops, std::vector<ZkOpResult>* results = nullptr);

 private:
  uv_loop_t* loop_;
  ZkClient& zk_;
};

class ZkTestBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // A started client on a chroot unique to this test (plus `chroot_suffix`), connected.
  std::unique_ptr<ZkClient> connect(
      const std::string& chroot_suffix = "",
      std::chrono::milliseconds session_timeout = std::chrono::milliseconds(4000));
  ZkClientOptions options(
      const std::string& chroot_suffix = "",
      std::chrono::milliseconds session_timeout = std::chrono::milliseconds(4000)) const;
  // Ends `zk`'s session from the server side: a second handle joins it and closes it.
  void expire_session(ZkClient& zk);
  bool wait(const std::function<bool()>& done,
            std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return run_until(&loop_, done, timeout);
  }
  ZkSync sync(ZkClient& zk) { return ZkSync(&loop_, zk); }

  static inline std::unique_ptr<ZkTestServer> server_;
  uv_loop_t loop_{};
  std::string chroot_;  // "/<suite>.<test>"
};

}  // namespace gregor::cluster::testing
