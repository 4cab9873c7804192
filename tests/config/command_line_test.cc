#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "gregor/config/properties.h"

namespace gregor::config {
namespace {

Result<CommandLine, std::string> parse(std::vector<std::string> args) {
  return parse_command_line(args);
}

TEST(CommandLineTest, NoArgumentsAsksForUsage) {
  auto r = parse({});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->action, CommandLine::Action::kHelp);
}

TEST(CommandLineTest, HelpAndVersionAnywhere) {
  EXPECT_EQ(parse({"server.properties", "--help"})->action, CommandLine::Action::kHelp);
  EXPECT_EQ(parse({"--version"})->action, CommandLine::Action::kVersion);
  EXPECT_EQ(parse({"server.properties", "--version"})->action, CommandLine::Action::kVersion);
}

TEST(CommandLineTest, FileAndOverrides) {
  auto r = parse({"config/server.properties", "--override", "broker.id=3", "--override",
                  "listeners=PLAINTEXT://:9093", "--override=log.dirs=/data"});
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ(r->action, CommandLine::Action::kRun);
  EXPECT_EQ(r->properties_path, "config/server.properties");
  EXPECT_EQ(r->overrides.at("broker.id"), "3");
  EXPECT_EQ(r->overrides.at("listeners"), "PLAINTEXT://:9093");
  EXPECT_EQ(r->overrides.at("log.dirs"), "/data");
}

TEST(CommandLineTest, OverrideSplitsAtFirstEquals) {
  auto r = parse({"f", "--override", "sasl.jaas.config=a=b;c=d"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->overrides.at("sasl.jaas.config"), "a=b;c=d");
}

TEST(CommandLineTest, OverrideWithoutValueIsEmptyAsInKafka) {
  auto r = parse({"f", "--override", "broker.rack", "--override", "x="});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->overrides.at("broker.rack"), "");
  EXPECT_EQ(r->overrides.at("x"), "");
}

TEST(CommandLineTest, LaterOverrideWins) {
  auto r = parse({"f", "--override", "broker.id=1", "--override", "broker.id=2"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->overrides.at("broker.id"), "2");
}

TEST(CommandLineTest, Errors) {
  auto missing = parse({"f", "--override"});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "Option override requires an argument");

  auto stray = parse({"f", "extra", "more"});
  ASSERT_FALSE(stray.ok());
  EXPECT_EQ(stray.error(), "Found non argument parameters: extra,more");

  auto unknown = parse({"f", "--daemon"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error(), "daemon is not a recognized option");
}

TEST(CommandLineTest, UsageNamesProgram) {
  EXPECT_EQ(
      usage_text("gregor").rfind("USAGE: gregor server.properties [--override property=value]*", 0),
      0u);
}

TEST(CommandLineTest, OverridesWinOverFile) {
  std::string path = ::testing::TempDir() + "/cmdline_test_server.properties";
  {
    std::ofstream out(path);
    out << "broker.id=0\nnum.partitions=1\n";
  }
  auto cl = parse({path, "--override", "num.partitions=6"});
  ASSERT_TRUE(cl.ok());
  auto props = load_broker_properties(*cl);
  ASSERT_TRUE(props.ok());
  EXPECT_EQ(props->at("broker.id"), "0");
  EXPECT_EQ(props->at("num.partitions"), "6");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace gregor::config
