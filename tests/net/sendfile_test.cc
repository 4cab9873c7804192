// Zero-copy responses: file ranges sent with sendfile, mixed with owned bytes, in order.
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <random>

#include <gtest/gtest.h>

#include "net_test_support.h"

namespace gregor::net::testing {
namespace {

// A temporary file of random bytes, deleted when the test ends. The descriptor is shared
// through a keep-alive so the test can see when the server lets go of it.
class TempFile {
 public:
  explicit TempFile(size_t size) : contents_(size) {
    char path[] = "/tmp/gregor-net-sendfile-XXXXXX";
    const int fd = ::mkstemp(path);
    EXPECT_GE(fd, 0);
    ::unlink(path);
    std::mt19937 random(42);
    for (auto& byte : contents_)
      byte = static_cast<uint8_t>(random());
    EXPECT_EQ(::write(fd, contents_.data(), size), static_cast<ssize_t>(size));
    fd_ = std::shared_ptr<int>(new int(fd), [](int* p) {
      ::close(*p);
      delete p;
    });
  }

  FileRange range(int64_t offset, size_t length) const {
    return FileRange{*fd_, offset, length, fd_};
  }
  std::weak_ptr<int> watch() const { return fd_; }
  void release() { fd_.reset(); }
  std::vector<uint8_t> slice(size_t offset, size_t length) const {
    return {contents_.begin() + offset, contents_.begin() + offset + length};
  }

 private:
  std::vector<uint8_t> contents_;
  std::shared_ptr<int> fd_;
};

TEST(NetSendfile, FileRangesArriveByteExactBetweenOwnedBytes) {
  constexpr size_t kOffset = 12345;
  constexpr size_t kLength = (size_t{5} << 20) + 7;
  TempFile file(size_t{8} << 20);
  LoopThread loop;
  ScriptedHandler handler([&](Connection& connection, RequestSlot slot, Frame frame) {
    if (frame.size() != 4 || std::string(frame.bytes().begin(), frame.bytes().end()) != "file") {
      echo(connection, std::move(slot), std::move(frame));
      return;
    }
    Response response(bytes_of("HEAD"));
    response.append(file.range(kOffset, kLength));
    response.append(bytes_of("TAIL"));
    slot.respond(std::move(response));
  });
  ServerConfig config = ServerHarness::default_config();
  // A small socket buffer makes sendfile hit EAGAIN many times over.
  config.socket_send_buffer_bytes = 64 * 1024;
  ServerHarness harness(loop, config, handler);
  auto watch = file.watch();

  Client client(harness.port());
  for (const std::string text : {"before", "file", "after"}) {
    ASSERT_TRUE(client.send_frame(bytes_of(text)));
  }
  EXPECT_EQ(client.read_frame(), bytes_of("before"));
  auto response = client.read_frame();
  ASSERT_TRUE(response);
  ASSERT_EQ(response->size(), kLength + 8);
  std::vector<uint8_t> expected = bytes_of("HEAD");
  auto middle = file.slice(kOffset, kLength);
  expected.insert(expected.end(), middle.begin(), middle.end());
  expected.insert(expected.end(), {'T', 'A', 'I', 'L'});
  EXPECT_TRUE(*response == expected);
  EXPECT_EQ(client.read_frame(), bytes_of("after"));

  // Once sent, the server no longer holds the file open.
  file.release();
  EXPECT_TRUE(loop.wait_until([&] { return watch.expired(); }));
  EXPECT_EQ(harness.counters().bytes_out, 3u * 4 + 6 + kLength + 8 + 5);
}

TEST(NetSendfile, RangePastEndOfFileClosesTheConnection) {
  TempFile file(1000);
  LoopThread loop;
  ScriptedHandler handler([&](Connection&, RequestSlot slot, Frame) {
    Response response;
    response.append(file.range(900, 500));  // Only 100 bytes exist.
    slot.respond(std::move(response));
  });
  ServerHarness harness(loop, ServerHarness::default_config(), handler);
  Client client(harness.port());
  ASSERT_TRUE(client.send_frame(bytes_of("x")));
  EXPECT_TRUE(client.wait_closed());
  ASSERT_TRUE(loop.wait_until([&] { return handler.closed == 1; }));
  // The server itself carries on.
  loop.run([&] { handler.set(echo); });
  Client next(harness.port());
  ASSERT_TRUE(next.send_frame(bytes_of("still here")));
  EXPECT_EQ(next.read_frame(), bytes_of("still here"));
}

}  // namespace
}  // namespace gregor::net::testing
