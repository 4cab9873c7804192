#include "gregor/wire/codec.h"

#include <gtest/gtest.h>

#include <limits>

#include "gregor/wire/api_descriptor.h"

namespace gregor::wire {
namespace {

Bytes encode_uvarint(uint32_t v) {
  Writer w;
  w.write_uvarint(v);
  return w.buffer();
}

TEST(Codec, UvarintBoundaries) {
  for (uint32_t v : {0u, 1u, 127u, 128u, 16383u, 16384u, 0x0fffffffu, 0xffffffffu}) {
    Bytes b = encode_uvarint(v);
    EXPECT_EQ(b.size(), uvarint_size(v));
    Reader r(b);
    EXPECT_EQ(r.read_uvarint(), v);
    EXPECT_TRUE(r.ok());
  }
}

TEST(Codec, ZigZagVarints) {
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-64}, int64_t{63},
                    std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    Writer w;
    w.write_varlong(v);
    Reader r(w.buffer());
    EXPECT_EQ(r.read_varlong(), v);
    EXPECT_TRUE(r.ok());
  }
  Writer w;
  w.write_varint(-300);
  Reader r(w.buffer());
  EXPECT_EQ(r.read_varint(), -300);
}

TEST(Codec, OverlongVarintFails) {
  Bytes b = {0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  Reader r(b);
  r.read_uvarint();
  EXPECT_FALSE(r.ok());
}

TEST(Codec, StringLengthPastEndFails) {
  // int16 length 100, but only 3 bytes follow.
  Bytes b = {0x00, 0x64, 'a', 'b', 'c'};
  Reader r(b);
  EXPECT_EQ(r.read_string(false), "");
  EXPECT_FALSE(r.ok());
}

TEST(Codec, NullStringOnlyWhereNullable) {
  Bytes b = {0xff, 0xff};
  Reader a(b);
  EXPECT_FALSE(a.read_nullable_string(false).has_value());
  EXPECT_TRUE(a.ok());
  Reader c(b);
  c.read_string(false);
  EXPECT_FALSE(c.ok());
}

TEST(Codec, HugeArrayCountFailsBeforeAllocating) {
  Bytes b = {0x7f, 0xff, 0xff, 0xff, 0x00};
  Reader r(b);
  EXPECT_EQ(r.read_array_length(false, 4), 0);
  EXPECT_FALSE(r.ok());
}

TEST(Codec, CompactLengthsAreOffByOne) {
  Writer w;
  w.write_string("abc", true);
  w.write_nullable_string(std::nullopt, true);
  EXPECT_EQ(w.buffer(), (Bytes{4, 'a', 'b', 'c', 0}));
}

TEST(Codec, FailedReaderReturnsZeros) {
  Bytes b = {0x01};
  Reader r(b);
  r.read_int32();
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.read_int64(), 0);
  EXPECT_EQ(r.read_string(true), "");
}

TEST(Codec, TaggedFieldsAreSkipped) {
  // Two tagged fields: tag 0 with 2 bytes, tag 5 with 1 byte, then an int8.
  Bytes b = {2, 0, 2, 0xaa, 0xbb, 5, 1, 0xcc, 0x07};
  Reader r(b);
  r.skip_tagged_fields();
  EXPECT_EQ(r.read_int8(), 7);
  EXPECT_TRUE(r.ok());
}

TEST(Codec, UuidBase64MatchesKafkaTextForm) {
  Uuid u;
  for (int i = 0; i < 16; ++i)
    u.bytes[i] = static_cast<uint8_t>(i);
  std::string text = u.to_base64();
  EXPECT_EQ(text.size(), 22u);
  EXPECT_EQ(text, "AAECAwQFBgcICQoLDA0ODw");
  auto back = Uuid::from_base64(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, u);
  EXPECT_FALSE(Uuid::from_base64("short").has_value());
}

TEST(Codec, RecordsFileSlicesCountInSize) {
  Writer w;
  w.write_records(Records::from_files({FileSlice{3, 0, 100, nullptr}}), false);
  EXPECT_EQ(w.size(), 104);
  EXPECT_EQ(w.files().size(), 1u);
  EXPECT_EQ(w.files()[0].position, 4u);
}

TEST(ApiDescriptors, HeaderVersionExceptions) {
  const ApiDescriptor* api_versions = find_api(18);
  ASSERT_NE(api_versions, nullptr);
  EXPECT_EQ(api_versions->response_header_version(3), 0);
  EXPECT_EQ(api_versions->request_header_version(3), 2);
  const ApiDescriptor* shutdown = find_api(7);
  ASSERT_NE(shutdown, nullptr);
  EXPECT_EQ(shutdown->request_header_version(0), 0);
  EXPECT_EQ(shutdown->request_header_version(1), 1);
  EXPECT_EQ(shutdown->request_header_version(3), 2);
  const ApiDescriptor* metadata = find_api(3);
  ASSERT_NE(metadata, nullptr);
  EXPECT_EQ(metadata->response_header_version(8), 0);
  EXPECT_EQ(metadata->response_header_version(9), 1);
  EXPECT_EQ(find_api(52), nullptr);  // Vote is KRaft-only, never served by a ZK broker.
  EXPECT_EQ(find_api(-1), nullptr);
}

}  // namespace
}  // namespace gregor::wire
