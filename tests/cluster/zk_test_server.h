// A throwaway ZooKeeper server for tests (Debian's zookeeper package) and helpers to run a
// libuv loop until something has happened.
#pragma once

#include <uv.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <sys/types.h>

namespace gregor::cluster::testing {

class ZkTestServer {
 public:
  // Starts a standalone server on 127.0.0.1:`port` (0: a free port) with a fresh data
  // directory, and waits until it answers "ruok". Returns nullptr (and says why on stderr)
  // when it does not come up. Short ticks allow session timeouts from 400 ms.
  static std::unique_ptr<ZkTestServer> start(int port = 0);
  ~ZkTestServer();  // Stops the server and removes its directory.
  ZkTestServer(const ZkTestServer&) = delete;
  ZkTestServer& operator=(const ZkTestServer&) = delete;

  int port() const { return port_; }
  std::string connect() const { return "127.0.0.1:" + std::to_string(port_); }

  // A port nothing listens on at the moment (a small race, acceptable in tests).
  static int free_port();

 private:
  ZkTestServer() = default;
  void stop();

  int port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;
};

// Runs `loop` until `done()` is true or `timeout` passes; returns done().
bool run_until(uv_loop_t* loop, const std::function<bool()>& done,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Runs `loop` for `duration`, for tests that check that something does not happen.
void run_for(uv_loop_t* loop, std::chrono::milliseconds duration);

// Runs the loop until every handle is closed, then closes it. Returns false if handles leaked.
bool drain_and_close(uv_loop_t* loop);

}  // namespace gregor::cluster::testing
