// The pipeline as a client sees it: version gating, KIP-511, malformed frames.
#include "broker/request_pipeline.h"

#include <gtest/gtest.h>

#include "broker/handler_table.h"
#include "broker_test_support.h"
#include "gregor/common/error_code.h"
#include "gregor/wire/gen/api_versions.h"
#include "gregor/wire/gen/metadata.h"

namespace gregor::broker {
namespace {

using testing::BrokerFixture;
using testing::decode_response;

TEST(RequestPipeline, ApiVersionsV3UsesResponseHeaderV0) {
  BrokerFixture f;
  auto bytes = f.roundtrip(BrokerFixture::request(wire::ApiVersionsRequest{}, 18, 3, 2));
  ASSERT_TRUE(bytes);
  auto resp = decode_response<wire::ApiVersionsResponse>(*bytes, 3, 0);
  EXPECT_EQ(resp.error_code, 0);
  EXPECT_EQ(resp.api_keys.size(), served_apis().size());
}

TEST(RequestPipeline, UnsupportedApiVersionsVersionGetsKip511Answer) {
  BrokerFixture f;
  // A v9 request: the header is v2, the body is whatever a future client sends.
  wire::Writer w;
  wire::RequestHeader h;
  h.request_api_key = 18;
  h.request_api_version = 9;
  h.correlation_id = 42;
  h.encode(w, 2);
  w.write_raw(std::vector<uint8_t>{0x00, 0x01, 0x02});
  auto bytes = f.roundtrip(w.buffer());
  ASSERT_TRUE(bytes);
  auto resp = decode_response<wire::ApiVersionsResponse>(*bytes, 0, 0);
  EXPECT_EQ(resp.error_code, static_cast<int16_t>(ErrorCode::kUnsupportedVersion));
  ASSERT_EQ(resp.api_keys.size(), 1u);
  EXPECT_EQ(resp.api_keys[0].api_key, 18);
  EXPECT_EQ(resp.api_keys[0].min_version, 0);
  EXPECT_EQ(resp.api_keys[0].max_version, 4);
}

TEST(RequestPipeline, UnsupportedVersionOfOtherApiClosesConnection) {
  BrokerFixture f;
  EXPECT_FALSE(f.roundtrip(BrokerFixture::request(wire::MetadataRequest{}, 3, 99, 2)));
}

TEST(RequestPipeline, UnknownApiKeyClosesConnection) {
  BrokerFixture f;
  EXPECT_FALSE(f.roundtrip(BrokerFixture::request(wire::MetadataRequest{}, 9999, 0, 1)));
}

TEST(RequestPipeline, ShortFrameClosesConnection) {
  BrokerFixture f;
  EXPECT_FALSE(f.roundtrip(wire::Bytes{0x00, 0x12, 0x00}));
}

TEST(RequestPipeline, ClientIdPastTheFrameClosesConnection) {
  BrokerFixture f;
  // ApiVersions v1, header v1 with a client id claiming 200 bytes.
  EXPECT_FALSE(f.roundtrip(wire::Bytes{0, 18, 0, 1, 0, 0, 0, 1, 0, 200, 'a'}));
}

TEST(RequestPipeline, MalformedBodyClosesConnection) {
  BrokerFixture f;
  auto frame = BrokerFixture::request(wire::MetadataRequest{}, 3, 9, 2);
  frame.resize(frame.size() - 2);  // Cut the body's tail.
  EXPECT_FALSE(f.roundtrip(frame));
}

TEST(RequestPipeline, CountsRequestsPerApiAndVersion) {
  BrokerFixture f;
  ASSERT_TRUE(f.roundtrip(BrokerFixture::request(wire::ApiVersionsRequest{}, 18, 2, 1)));
  const std::string text = f.broker().metrics().render();
  EXPECT_NE(text.find("kafka_network_requestmetrics_requests_total{request=\"ApiVersions\","
                      "version=\"2\"} 1"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace gregor::broker
