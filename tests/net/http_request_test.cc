#include "http_request.h"

#include <gtest/gtest.h>

namespace gregor::net {
namespace {

TEST(HttpRequestHead, ParsesTheRequestLine) {
  auto parsed = parse_request_head("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", 8192);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(parsed->has_value());
  const HttpRequest& request = **parsed;
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/metrics?x=1");
  EXPECT_EQ(request.path, "/metrics");
  EXPECT_EQ(request.query, "x=1");
}

TEST(HttpRequestHead, WaitsForTheEndOfTheHead) {
  auto parsed = parse_request_head("GET / HTTP/1.1\r\nHost: a\r\n", 8192);
  ASSERT_TRUE(parsed.ok());
  EXPECT_FALSE(parsed->has_value());
}

TEST(HttpRequestHead, RejectsBadInput) {
  EXPECT_EQ(parse_request_head("GET /\r\n\r\n", 8192).error(), 400);
  EXPECT_EQ(parse_request_head("GET metrics HTTP/1.1\r\n\r\n", 8192).error(), 400);
  EXPECT_EQ(parse_request_head("G(T / HTTP/1.1\r\n\r\n", 8192).error(), 400);
  EXPECT_EQ(parse_request_head("GET / HTTP/2.0\r\n\r\n", 8192).error(), 505);
  EXPECT_EQ(parse_request_head(std::string(100, 'a'), 64).error(), 431);
  EXPECT_EQ(
      parse_request_head("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", 64).error(),
      431);
}

}  // namespace
}  // namespace gregor::net
