#include "gregor/config/listener.h"

#include <gtest/gtest.h>

namespace gregor::config {
namespace {

ProtocolMap default_map() {
  return *parse_protocol_map(
      "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL", "map");
}

std::vector<Endpoint> parse_ok(std::string_view text, const ProtocolMap& map = default_map(),
                               bool distinct = true) {
  auto r = parse_listeners(text, map, distinct, "listeners");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : std::vector<Endpoint>{};
}

std::string parse_error(std::string_view text, const ProtocolMap& map = default_map(),
                        bool distinct = true) {
  auto r = parse_listeners(text, map, distinct, "listeners");
  return r.ok() ? "" : r.error().message;
}

TEST(ListenerTest, ProtocolMapParsesAndNormalisesNames) {
  auto map = parse_protocol_map(" broker : plaintext , EXTERNAL:SASL_SSL ", "m");
  ASSERT_TRUE(map.ok());
  ASSERT_EQ(map->size(), 2u);
  EXPECT_EQ((*map)[0].first, "BROKER");
  EXPECT_EQ((*map)[0].second, SecurityProtocol::kPlaintext);
  EXPECT_EQ(find_protocol(*map, "EXTERNAL"), SecurityProtocol::kSaslSsl);
  EXPECT_EQ(find_protocol(*map, "OTHER"), std::nullopt);
}

TEST(ListenerTest, ProtocolMapErrors) {
  auto bad = parse_protocol_map("A:PLAINTEXT,B:TLS", "listener.security.protocol.map");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().key, "listener.security.protocol.map");
  EXPECT_EQ(bad.error().message,
            "Error parsing configuration property 'listener.security.protocol.map': unknown "
            "security protocol in entry 'B:TLS'");
  EXPECT_FALSE(parse_protocol_map("A", "m").ok());
  EXPECT_FALSE(parse_protocol_map("A:SSL,a:SSL", "m").ok());
}

TEST(ListenerTest, DefaultListenerHasEmptyHost) {
  auto eps = parse_ok("PLAINTEXT://:9092");
  ASSERT_EQ(eps.size(), 1u);
  EXPECT_EQ(eps[0].listener_name, "PLAINTEXT");
  EXPECT_EQ(eps[0].host, "");
  EXPECT_EQ(eps[0].port, 9092);
  EXPECT_EQ(eps[0].protocol, SecurityProtocol::kPlaintext);
  EXPECT_EQ(eps[0].to_string(), "PLAINTEXT://:9092");
}

TEST(ListenerTest, HostsNamesAndIpv6) {
  auto map = *parse_protocol_map("BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT,V6:PLAINTEXT", "m");
  auto eps =
      parse_ok("plaintext://0.0.0.0:9093, BROKER://kafka-1.example:9092,V6://[::1]:9094", map);
  ASSERT_EQ(eps.size(), 3u);
  EXPECT_EQ(eps[0].listener_name, "PLAINTEXT");
  EXPECT_EQ(eps[0].host, "0.0.0.0");
  EXPECT_EQ(eps[1].host, "kafka-1.example");
  EXPECT_EQ(eps[2].host, "::1");
  EXPECT_EQ(eps[2].port, 9094);
  EXPECT_EQ(eps[2].to_string(), "V6://[::1]:9094");
}

TEST(ListenerTest, UnbracketedIpv6TakesPortAfterLastColon) {
  auto eps = parse_ok("PLAINTEXT://fe80::1%eth0:9092");
  ASSERT_EQ(eps.size(), 1u);
  EXPECT_EQ(eps[0].host, "fe80::1%eth0");
  EXPECT_EQ(eps[0].port, 9092);
}

TEST(ListenerTest, Errors) {
  EXPECT_EQ(parse_error("PLAINTEXT:9092"),
            "Error creating broker listeners from 'PLAINTEXT:9092': Unable to parse "
            "PLAINTEXT:9092 to a broker endpoint");
  EXPECT_EQ(parse_error("CLIENT://:9092"),
            "Error creating broker listeners from 'CLIENT://:9092': No security protocol defined "
            "for listener CLIENT");
  EXPECT_NE(parse_error("PLAINTEXT://host"), "");
  EXPECT_NE(parse_error("PLAINTEXT://host:70000"), "");
  EXPECT_NE(parse_error("PLAINTEXT://host:-1"), "");
  EXPECT_NE(parse_error("PLAINTEXT://ho st:1"), "");
  EXPECT_NE(parse_error("PLAINTEXT://[::1:9092"), "");
  EXPECT_NE(parse_error("PLAINTEXT://:9092,plaintext://:9093"), "");
}

TEST(ListenerTest, PortsMustDifferUnlessDualStack) {
  auto map = *parse_protocol_map("A:PLAINTEXT,B:PLAINTEXT", "m");
  EXPECT_NE(parse_error("A://:9092,B://:9092", map), "");
  EXPECT_NE(parse_error("A://127.0.0.1:9092,B://127.0.0.2:9092", map), "");
  EXPECT_EQ(parse_error("A://127.0.0.1:9092,B://[::1]:9092", map), "");
  // Port 0 asks the OS for a port, so it never clashes; advertised listeners may share ports.
  EXPECT_EQ(parse_error("A://:0,B://:0", map), "");
  EXPECT_EQ(parse_error("A://h1:9092,B://h2:9092", map, false), "");
}

TEST(ListenerTest, EmptyEntriesAreSkipped) {
  EXPECT_EQ(parse_ok("PLAINTEXT://:9092,,").size(), 1u);
  EXPECT_TRUE(parse_ok("").empty());
}

}  // namespace
}  // namespace gregor::config
