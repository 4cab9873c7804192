#include "zk_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

extern char** environ;

namespace gregor::cluster::testing {
namespace {

constexpr const char* kZkServerScript = "/usr/share/zookeeper/bin/zkServer.sh";

// Sends a four-letter command and returns the answer ("" when nothing listens).
std::string four_letter(int port, const char* command) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  // A server still starting may accept and say nothing; do not wait for it forever.
  timeval timeout{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::write(fd, command, 4) == 4) {
    char buf[64];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof(buf))) > 0)
      answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return answer;
}

}  // namespace

int ZkTestServer::free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::unique_ptr<ZkTestServer> ZkTestServer::start(int port) {
  std::unique_ptr<ZkTestServer> server(new ZkTestServer);
  server->port_ = port != 0 ? port : free_port();
  char templ[] = "/tmp/gregor-zk-XXXXXX";
  if (::mkdtemp(templ) == nullptr) {
    std::perror("mkdtemp");
    return nullptr;
  }
  server->dir_ = templ;
  const std::string cfg = server->dir_ + "/zoo.cfg";
  {
    std::ofstream out(cfg);
    out << "tickTime=200\n"
        << "initLimit=10\nsyncLimit=5\n"
        << "dataDir=" << server->dir_ << "/data\n"
        << "clientPort=" << server->port_ << "\n"
        << "clientPortAddress=127.0.0.1\n"
        << "admin.enableServer=false\n"
        << "minSessionTimeout=400\nmaxSessionTimeout=20000\n"
        << "4lw.commands.whitelist=ruok,srvr,stat,dump\n";
  }
  const std::string log = server->dir_ + "/server.log";
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e)
    env_strings.emplace_back(*e);
  env_strings.push_back("ZOO_LOG_DIR=" + server->dir_);
  // A quick-starting JVM: the server lives for seconds, not hours.
  env_strings.push_back("JVMFLAGS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m");
  std::vector<char*> envp;
  for (auto& s : env_strings)
    envp.push_back(s.data());
  envp.push_back(nullptr);

  std::string script = kZkServerScript;
  std::string verb = "start-foreground";
  char* argv[] = {script.data(), verb.data(), const_cast<char*>(cfg.c_str()), nullptr};
  const pid_t pid = ::fork();
  if (pid == 0) {
    // The server must not outlive a test binary that crashes or is killed. zkServer.sh execs
    // java in place, so the death signal set here still applies to the JVM.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out >= 0) {
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
    }
    ::execve(kZkServerScript, argv, envp.data());
    ::_exit(127);
  }
  if (pid < 0) {
    std::perror("fork");
    return nullptr;
  }
  server->pid_ = pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (four_letter(server->port_, "ruok") != "imok") {
    int status = 0;
    if (::waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
      server->pid_ = -1;
      std::fprintf(stderr, "ZooKeeper exited during start-up; see %s\n", log.c_str());
      return nullptr;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "ZooKeeper did not come up within 30 s; see %s\n", log.c_str());
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return server;
}

ZkTestServer::~ZkTestServer() {
  stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

void ZkTestServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

bool run_until(uv_loop_t* loop, const std::function<bool()>& done,
               std::chrono::milliseconds timeout) {
  // A ticking timer makes each UV_RUN_ONCE return within 5 ms even when nothing happens.
  uv_timer_t tick;
  uv_timer_init(loop, &tick);
  uv_timer_start(
      &tick, [](uv_timer_t*) {}, 5, 5);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ok = done();
  while (!ok && std::chrono::steady_clock::now() < deadline) {
    uv_run(loop, UV_RUN_ONCE);
    ok = done();
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);  // Lets the close finish while `tick` is still in scope.
  return ok;
}

void run_for(uv_loop_t* loop, std::chrono::milliseconds duration) {
  run_until(
      loop, [] { return false; }, duration);
}

bool drain_and_close(uv_loop_t* loop) {
  for (int i = 0; i < 100 && uv_loop_alive(loop) != 0; ++i)
    uv_run(loop, UV_RUN_NOWAIT);
  return uv_loop_close(loop) == 0;
}

}  // namespace gregor::cluster::testing
