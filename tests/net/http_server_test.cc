#include "gregor/net/http_server.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "net_test_support.h"

namespace gregor::net::testing {
namespace {

class HttpHarness {
 public:
  HttpHarness(LoopThread& loop, HttpHandler handler, HttpServerConfig config = {}) : loop_(loop) {
    config.host = "127.0.0.1";
    loop_.run([&] {
      server_ = std::make_unique<HttpServer>(loop_.loop(), config, std::move(handler));
      auto started = server_->start();
      if (!started) ADD_FAILURE() << started.error().message;
    });
  }
  ~HttpHarness() {
    auto closed = std::make_shared<std::promise<void>>();
    loop_.run([&] { server_->close([closed] { closed->set_value(); }); });
    if (closed->get_future().wait_for(kTimeout) != std::future_status::ready) std::abort();
    loop_.run([&] { server_.reset(); });
  }
  uint16_t port() {
    return loop_.run([&] { return server_->bound_port(); });
  }

 private:
  LoopThread& loop_;
  std::unique_ptr<HttpServer> server_;
};

// Sends `request` and returns everything the server sends until it closes.
std::string http_get(uint16_t port, const std::string& request) {
  Client client(port);
  EXPECT_TRUE(client.send_bytes(bytes_of(request)));
  std::string response;
  while (auto byte = client.read_exact(1))
    response.push_back(static_cast<char>((*byte)[0]));
  return response;
}

HttpResponse route(const HttpRequest& request) {
  if (request.path == "/metrics") {
    return HttpResponse{200, "text/plain; version=0.0.4", "gregor_up 1\n", {}};
  }
  if (request.path == "/boom") throw std::runtime_error("boom");
  return HttpResponse{404, "text/plain; charset=utf-8", "not found\n", {}};
}

TEST(HttpServer, ServesGetHeadAndErrors) {
  LoopThread loop;
  HttpHarness http(loop, route);
  const uint16_t port = http.port();

  EXPECT_EQ(http_get(port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
            "Content-Length: 12\r\nConnection: close\r\n\r\ngregor_up 1\n");
  EXPECT_EQ(http_get(port, "HEAD /metrics HTTP/1.0\r\n\r\n"),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
            "Content-Length: 12\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(http_get(port, "GET /nope HTTP/1.1\r\n\r\n").substr(0, 22), "HTTP/1.1 404 Not Found");

  const std::string post = http_get(port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(post.substr(0, 31), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_NE(post.find("\r\nAllow: GET, HEAD\r\n"), std::string::npos);

  EXPECT_EQ(http_get(port, "GET /boom HTTP/1.1\r\n\r\n").substr(0, 34),
            "HTTP/1.1 500 Internal Server Error");
  EXPECT_EQ(http_get(port, "BREW coffee HTTP/1.1\r\n\r\n").substr(0, 24),
            "HTTP/1.1 400 Bad Request");
}

TEST(HttpServer, RejectsOversizedHeadsAndTimesOutSilentClients) {
  LoopThread loop;
  HttpServerConfig config;
  config.max_request_head_bytes = 256;
  config.request_timeout_ms = 100;
  HttpHarness http(loop, route, config);
  const uint16_t port = http.port();
  EXPECT_EQ(
      http_get(port, "GET / HTTP/1.1\r\nX: " + std::string(1000, 'a') + "\r\n\r\n").substr(0, 44),
      "HTTP/1.1 431 Request Header Fields Too Large");
  Client silent(port);
  EXPECT_TRUE(silent.wait_closed());
}

}  // namespace
}  // namespace gregor::net::testing
