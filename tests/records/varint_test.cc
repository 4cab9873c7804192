#include "gregor/records/varint.h"

#include <gtest/gtest.h>

#include <limits>

namespace gregor::records {
namespace {

std::vector<uint8_t> encode(int64_t v) {
  std::vector<uint8_t> out;
  write_varlong(out, v);
  return out;
}

TEST(Varint, ZigzagEncodings) {
  EXPECT_EQ(encode(0), (std::vector<uint8_t>{0x00}));
  EXPECT_EQ(encode(-1), (std::vector<uint8_t>{0x01}));
  EXPECT_EQ(encode(1), (std::vector<uint8_t>{0x02}));
  EXPECT_EQ(encode(63), (std::vector<uint8_t>{0x7e}));
  EXPECT_EQ(encode(-64), (std::vector<uint8_t>{0x7f}));
  EXPECT_EQ(encode(64), (std::vector<uint8_t>{0x80, 0x01}));
  EXPECT_EQ(encode(std::numeric_limits<int32_t>::min()),
            (std::vector<uint8_t>{0xff, 0xff, 0xff, 0xff, 0x0f}));
  EXPECT_EQ(encode(std::numeric_limits<int64_t>::max()).size(), 10u);
}

TEST(Varint, RoundTrips) {
  for (int64_t v :
       {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{300}, int64_t{-300},
        int64_t{std::numeric_limits<int32_t>::max()}, int64_t{std::numeric_limits<int32_t>::min()},
        std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()}) {
    const auto bytes = encode(v);
    EXPECT_EQ(bytes.size(), varlong_size(v));
    size_t pos = 0;
    EXPECT_EQ(read_varlong(bytes, &pos), v);
    EXPECT_EQ(pos, bytes.size());
    if (v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max()) {
      pos = 0;
      EXPECT_EQ(read_varint(bytes, &pos), static_cast<int32_t>(v));
    }
  }
}

TEST(Varint, RejectsTruncatedAndOverlong) {
  const std::vector<uint8_t> truncated = {0x80, 0x80};
  size_t pos = 0;
  EXPECT_FALSE(read_varint(truncated, &pos));
  pos = 0;
  EXPECT_FALSE(read_varlong(truncated, &pos));
  const std::vector<uint8_t> six = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  pos = 0;
  EXPECT_FALSE(read_varint(six, &pos));
  const std::vector<uint8_t> eleven(11, 0x80);
  pos = 0;
  EXPECT_FALSE(read_varlong(eleven, &pos));
  pos = 0;
  EXPECT_FALSE(read_varint(std::span<const uint8_t>(), &pos));
}

}  // namespace
}  // namespace gregor::records
