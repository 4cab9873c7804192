// Byte-exact tests against frames captured from real clients talking to Apache Kafka 3.9
// (see fixtures/README.md for how they were captured). Each frame must decode completely
// with our generated codec for its API and version, and re-encode to the very same bytes.
// These are the independent oracle for the schemas: a round trip through our own encoder
// can't catch a field that both our encoder and decoder get wrong the same way.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "gregor/wire/gen/apis.h"
#include "gregor/wire/gen/headers.h"

namespace gregor::wire {
namespace {

struct Fixture {
  std::string file;
  std::string client;
  int16_t api_key;
  int16_t api_version;
  bool request;
  int32_t correlation_id;
};

std::vector<Fixture> load_manifest() {
  std::vector<Fixture> out;
  std::ifstream in(GREGOR_WIRE_FIXTURES "/manifest.json");
  if (!in) return out;
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded()) return out;
  const auto& entries = doc.is_array() ? doc : doc.value("frames", nlohmann::json::array());
  for (const auto& e : entries) {
    out.push_back(Fixture{e.at("file").get<std::string>(), e.value("client", ""),
                          e.at("api_key").get<int16_t>(), e.at("api_version").get<int16_t>(),
                          e.at("direction").get<std::string>() == "request",
                          e.value("correlation_id", 0)});
  }
  return out;
}

Bytes read_file(const std::string& name) {
  std::ifstream in(std::string(GREGOR_WIRE_FIXTURES) + "/" + name, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Decodes Message from r and re-encodes it into out.
template <class Message>
void check_body(Reader& r, int16_t version, Writer& out) {
  Message m;
  m.decode(r, version);
  ASSERT_TRUE(r.ok()) << "decode failed: " << r.error() << " at byte " << r.position();
  m.encode(out, version);
}

// Known client quirks: requests with bytes after the message, which Apache Kafka ignores
// (its request parser never checks for leftovers), so gregor must ignore them too.
// librdkafka 2.11 appends three bytes to Metadata v12 requests.
bool trailing_bytes_expected(const std::string& client, int16_t api_key, int16_t version) {
  return client == "confluent-kafka" && api_key == 3 && version == 12;
}

class GoldenFrame : public ::testing::TestWithParam<Fixture> {};

TEST_P(GoldenFrame, DecodesAndReencodesByteExact) {
  const Fixture& f = GetParam();
  const Bytes bytes = read_file(f.file);
  ASSERT_FALSE(bytes.empty()) << f.file;
  const ApiDescriptor* api = find_api(f.api_key);
  ASSERT_NE(api, nullptr) << "no schema for api key " << f.api_key;

  Reader r(bytes);
  Writer out;
  if (f.request) {
    RequestHeader h;
    const int16_t hv = api->request_header_version(f.api_version);
    h.decode(r, hv);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(h.request_api_key, f.api_key);
    EXPECT_EQ(h.request_api_version, f.api_version);
    EXPECT_EQ(h.correlation_id, f.correlation_id);
    h.encode(out, hv);
  } else {
    ResponseHeader h;
    const int16_t hv = api->response_header_version(f.api_version);
    h.decode(r, hv);
    ASSERT_TRUE(r.ok()) << r.error();
    EXPECT_EQ(h.correlation_id, f.correlation_id);
    h.encode(out, hv);
  }
  switch (f.api_key) {
#define GREGOR_GOLDEN_CASE(Name, key)                    \
  case key:                                              \
    if (f.request) {                                     \
      check_body<Name##Request>(r, f.api_version, out);  \
    } else {                                             \
      check_body<Name##Response>(r, f.api_version, out); \
    }                                                    \
    break;
    GREGOR_WIRE_FOR_EACH_API(GREGOR_GOLDEN_CASE)
#undef GREGOR_GOLDEN_CASE
    default:
      FAIL() << "api key " << f.api_key << " not in the schemas";
  }
  Bytes expected = bytes;
  if (r.remaining() != 0) {
    EXPECT_TRUE(f.request && trailing_bytes_expected(f.client, f.api_key, f.api_version))
        << r.remaining() << " bytes left over after the message";
    expected.resize(bytes.size() - r.remaining());
  }
  EXPECT_EQ(out.buffer(), expected) << "re-encoding differs from the captured bytes";
}

std::string fixture_name(const ::testing::TestParamInfo<Fixture>& info) {
  std::string name = info.param.file;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Captured, GoldenFrame, ::testing::ValuesIn(load_manifest()), fixture_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(GoldenFrame);

TEST(GoldenManifest, HasFramesFromEveryClient) {
  std::set<std::string> clients;
  for (const auto& f : load_manifest())
    clients.insert(f.client);
  EXPECT_GE(clients.size(), 3u) << "expected captures from librdkafka, Java and Python clients";
}

}  // namespace
}  // namespace gregor::wire
