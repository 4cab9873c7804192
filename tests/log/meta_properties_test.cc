#include "gregor/log/meta_properties.h"

#include <fstream>

#include <gtest/gtest.h>

#include "log_test_util.h"

namespace gregor::log {
namespace {

TEST(MetaProperties, ParsesWhatKafkaWrites) {
  auto meta = parse_meta_properties(
      "#\n#Tue Nov 21 11:00:00 UTC 2023\ncluster.id=Gx6mY9cxT4u8-hS0aY3xkw\nversion=0\n"
      "broker.id=1\n");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->version, 0);
  EXPECT_EQ(meta->broker_id, BrokerId(1));
  EXPECT_EQ(meta->cluster_id, "Gx6mY9cxT4u8-hS0aY3xkw");
}

TEST(MetaProperties, AcceptsJavaPropertiesVariants) {
  auto meta =
      parse_meta_properties("! comment\n version : 0\nbroker.id 7\nextra.key=a\\=b\\\n  c\n");
  ASSERT_TRUE(meta.ok());
  EXPECT_EQ(meta->broker_id, BrokerId(7));
  EXPECT_EQ(meta->other.at("extra.key"), "a=bc");
}

TEST(MetaProperties, RejectsFilesWithoutVersion) {
  EXPECT_FALSE(parse_meta_properties("broker.id=1\n").ok());
  EXPECT_FALSE(parse_meta_properties("version=0\nbroker.id=x\n").ok());
}

TEST(MetaProperties, WriteAndReadBack) {
  testing::TempDir dir;
  auto missing = read_meta_properties(dir.path());
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  MetaProperties meta;
  meta.broker_id = BrokerId(3);
  meta.cluster_id = "abc";
  ASSERT_TRUE(write_meta_properties(dir.path(), meta).ok());
  auto read = read_meta_properties(dir.path());
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ(**read, meta);
}

}  // namespace
}  // namespace gregor::log
