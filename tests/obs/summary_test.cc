#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "gregor/obs/metrics.h"

namespace gregor::obs {
namespace {

TEST(SummaryTest, EmptyReportsZero) {
  Summary s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.quantile(0.99), 0);
}

TEST(SummaryTest, SmallValuesAreExact) {
  Summary s;
  for (double v : {0.001, 0.002, 0.003, 0.063})
    s.observe(v);
  EXPECT_DOUBLE_EQ(s.quantile(0.25), 0.001);
  EXPECT_DOUBLE_EQ(s.quantile(0.5), 0.002);
  EXPECT_DOUBLE_EQ(s.quantile(0.75), 0.003);
  EXPECT_DOUBLE_EQ(s.quantile(1.0), 0.063);
}

TEST(SummaryTest, CountAndSum) {
  Summary s;
  s.observe(1.5);
  s.observe(2.5);
  EXPECT_EQ(s.count(), 2u);
  EXPECT_DOUBLE_EQ(s.sum(), 4.0);
}

TEST(SummaryTest, QuantilesWithinRelativeError) {
  Summary s;
  for (int i = 1; i <= 10000; ++i)
    s.observe(i * 0.1);  // 0.1 .. 1000 ms.
  for (auto [q, expected] : {std::pair{0.5, 500.0}, {0.75, 750.0}, {0.99, 990.0}, {0.999, 999.0}}) {
    EXPECT_NEAR(s.quantile(q), expected, expected * 0.032) << q;
  }
}

TEST(SummaryTest, NegativeAndNaNCountAsZero) {
  Summary s;
  s.observe(-5);
  s.observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(s.count(), 2u);
  EXPECT_EQ(s.sum(), 0);
  EXPECT_EQ(s.quantile(1.0), 0);
}

TEST(SummaryTest, HugeValuesShareTheLastBucket) {
  Summary s;
  s.observe(1e300);
  s.observe(std::numeric_limits<double>::infinity());
  EXPECT_GT(s.quantile(0.5), 1e9);
  EXPECT_TRUE(std::isfinite(s.quantile(1.0)));
}

TEST(SummaryTest, RotateKeepsOneWindow) {
  Summary s;
  s.observe(8);
  s.rotate();
  EXPECT_EQ(s.quantile(0.5), 8);
  s.rotate();
  EXPECT_EQ(s.quantile(0.5), 0);
  EXPECT_EQ(s.count(), 1u);  // Lifetime count is unaffected.
}

}  // namespace
}  // namespace gregor::obs
