#include "connection_quota.h"

#include <gtest/gtest.h>

namespace gregor::net {
namespace {

TEST(ConnectionQuota, EnforcesPerIpLimitsAndOverrides) {
  ConnectionQuota quota(100, 2, {{"10.0.0.9", 3}, {"10.0.0.66", 0}});
  EXPECT_TRUE(quota.try_admit("10.0.0.1").ok());
  EXPECT_TRUE(quota.try_admit("10.0.0.1").ok());
  auto refused = quota.try_admit("10.0.0.1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), "max.connections.per.ip (2) reached for 10.0.0.1");
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(quota.try_admit("10.0.0.9").ok());
  EXPECT_FALSE(quota.try_admit("10.0.0.9").ok());
  EXPECT_FALSE(quota.try_admit("10.0.0.66").ok());  // An override of 0 blocks the address.
  EXPECT_EQ(quota.count_for("10.0.0.66"), 0u);
  quota.release("10.0.0.1");
  EXPECT_TRUE(quota.try_admit("10.0.0.1").ok());
  EXPECT_EQ(quota.total(), 5u);
}

TEST(ConnectionQuota, EnforcesTheServerWideLimit) {
  ConnectionQuota quota(2, 100, {});
  EXPECT_TRUE(quota.try_admit("a").ok());
  EXPECT_TRUE(quota.try_admit("b").ok());
  auto refused = quota.try_admit("c");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), "max.connections (2) reached");
  quota.release("a");
  EXPECT_TRUE(quota.try_admit("c").ok());
}

}  // namespace
}  // namespace gregor::net
