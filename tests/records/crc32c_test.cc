#include "gregor/records/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string_view>
#include <vector>

namespace gregor::records {
namespace {

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(crc32c(bytes_of("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c_portable(0, bytes_of("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c({}), 0u);
  // RFC 3720 (iSCSI) B.4: 32 bytes of zeros and of 0xff.
  std::vector<uint8_t> zeros(32, 0), ones(32, 0xff);
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
}

// The hardware path splits long inputs into three lanes; every length and alignment must
// agree with the portable table, including lengths around the lane boundaries.
TEST(Crc32c, HardwareMatchesPortableForAllShapes) {
  std::mt19937 rng(42);
  std::vector<uint8_t> data(20000);
  for (auto& b : data)
    b = static_cast<uint8_t>(rng());
  for (size_t len : {0, 1, 7, 8, 9, 63, 1535, 1536, 1537, 3072, 3079, 4608, 10000, 19990}) {
    for (size_t align = 0; align < 8; ++align) {
      auto span = std::span<const uint8_t>(data).subspan(align, len);
      ASSERT_EQ(crc32c(span), crc32c_portable(0, span)) << len << " " << align;
    }
  }
}

TEST(Crc32c, ChainingEqualsOneShot) {
  std::vector<uint8_t> data(5000);
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<uint8_t>(i * 31);
  const uint32_t whole = crc32c(data);
  for (size_t cut : {0, 1, 100, 1600, 4999, 5000}) {
    auto a = std::span<const uint8_t>(data).first(cut);
    auto b = std::span<const uint8_t>(data).subspan(cut);
    EXPECT_EQ(crc32c(crc32c(a), b), whole) << cut;
    EXPECT_EQ(crc32c_portable(crc32c_portable(0, a), b), whole) << cut;
  }
}

TEST(Crc32c, ReportsAcceleration) {
  // Every x86-64 machine this project targets has SSE4.2; elsewhere the table is used.
#if defined(__x86_64__)
  EXPECT_EQ(crc32c_is_hardware_accelerated(), __builtin_cpu_supports("sse4.2") != 0);
#else
  EXPECT_FALSE(crc32c_is_hardware_accelerated());
#endif
}

}  // namespace
}  // namespace gregor::records
