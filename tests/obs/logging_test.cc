#include "gregor/obs/logging.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

namespace gregor::obs {
namespace {

// Every test sends the log to its own stream and puts stdout back afterwards, so that no sink
// outlives the stream it writes to.
class LoggingTest : public ::testing::Test {
 protected:
  void configure(LoggingConfig config = {}) { configure_logging(config, out_); }
  void TearDown() override { configure_logging(LoggingConfig{}, LogTarget::kStdout); }
  std::string text() const { return out_.str(); }

  std::ostringstream out_;
};

TEST_F(LoggingTest, KafkaLayout) {
  configure();
  logger("kafka.server.KafkaServer").with_prefix("[KafkaServer id=1] ").info("started");
  std::regex layout(
      R"(\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}\] INFO \[KafkaServer id=1\] started )"
      R"(\(kafka\.server\.KafkaServer\)\n)");
  EXPECT_TRUE(std::regex_match(text(), layout)) << text();
  // The readiness pattern Testcontainers waits for.
  EXPECT_TRUE(std::regex_search(text(), std::regex(R"(\[KafkaServer id=\d+\] started)")));
}

TEST_F(LoggingTest, FormatsArgumentsAndLevelNames) {
  configure({.root_level = Level::kTrace, .logger_levels = {}});
  auto log = logger("kafka.network.SocketServer");
  log.trace("t{}", 1);
  log.debug("d");
  log.warn("Awaiting socket connections on {}:{}.", "0.0.0.0", 9092);
  log.error("e");
  log.fatal("f");
  std::string t = text();
  EXPECT_NE(t.find("] TRACE t1 (kafka.network.SocketServer)\n"), std::string::npos) << t;
  EXPECT_NE(t.find("] DEBUG d (kafka.network.SocketServer)\n"), std::string::npos);
  EXPECT_NE(
      t.find("] WARN Awaiting socket connections on 0.0.0.0:9092. (kafka.network.SocketServer)\n"),
      std::string::npos);
  EXPECT_NE(t.find("] ERROR e ("), std::string::npos);
  EXPECT_NE(t.find("] FATAL f ("), std::string::npos);
}

TEST_F(LoggingTest, LevelsFollowTheLoggerHierarchy) {
  configure({.root_level = Level::kWarn,
             .logger_levels = {{"kafka.server", Level::kDebug},
                               {"kafka.server.ReplicaManager", Level::kError}}});
  logger("kafka.server.KafkaServer").debug("server-debug");
  logger("kafka.server.ReplicaManager").warn("replica-warn");
  logger("kafka.serverx.Other").info("not-a-child");
  logger("kafka.network.SocketServer").info("network-info");
  logger("kafka.network.SocketServer").warn("network-warn");
  std::string t = text();
  EXPECT_NE(t.find("server-debug"), std::string::npos);
  EXPECT_EQ(t.find("replica-warn"), std::string::npos);
  EXPECT_EQ(t.find("not-a-child"), std::string::npos);
  EXPECT_EQ(t.find("network-info"), std::string::npos);
  EXPECT_NE(t.find("network-warn"), std::string::npos);
  EXPECT_EQ(effective_level("kafka.server.KafkaServer"), Level::kDebug);
  EXPECT_EQ(effective_level("kafka.log.LogManager"), Level::kWarn);
}

TEST_F(LoggingTest, RuntimeLevelChanges) {
  configure();
  auto log = logger("kafka.controller.KafkaController");
  EXPECT_FALSE(log.enabled(Level::kDebug));
  set_logger_level("kafka.controller", Level::kDebug);
  EXPECT_TRUE(log.enabled(Level::kDebug));
  log.debug("now visible");
  EXPECT_NE(text().find("now visible"), std::string::npos);
  set_logger_level("root", Level::kError);
  EXPECT_EQ(effective_level("root"), Level::kError);
  EXPECT_FALSE(logger("kafka.log.LogManager").enabled(Level::kInfo));
  auto levels = logger_levels();
  ASSERT_FALSE(levels.empty());
  EXPECT_EQ(levels[0], (std::pair<std::string, Level>{"root", Level::kError}));
  std::map<std::string, Level> by_name(levels.begin(), levels.end());
  EXPECT_EQ(by_name.at("kafka.controller.KafkaController"), Level::kDebug);
}

TEST_F(LoggingTest, OffDisablesEverything) {
  configure({.root_level = Level::kOff, .logger_levels = {}});
  auto log = logger("kafka.server.KafkaServer");
  log.fatal("nothing");
  EXPECT_FALSE(log.enabled(Level::kFatal));
  EXPECT_TRUE(text().empty());
}

TEST(LoggingLevelTest, ParseAndName) {
  EXPECT_EQ(parse_level("info"), Level::kInfo);
  EXPECT_EQ(parse_level("WARNING"), Level::kWarn);
  EXPECT_EQ(parse_level("Fatal"), Level::kFatal);
  EXPECT_EQ(parse_level("loud"), std::nullopt);
  EXPECT_EQ(level_name(Level::kWarn), "WARN");
}

TEST(LoggingLevelTest, ParseLoggerLevels) {
  auto levels = parse_logger_levels(" kafka.controller=WARN, kafka.request.logger = debug ,");
  ASSERT_TRUE(levels.ok());
  ASSERT_EQ(levels->size(), 2u);
  EXPECT_EQ((*levels)[0], (std::pair<std::string, Level>{"kafka.controller", Level::kWarn}));
  EXPECT_EQ((*levels)[1], (std::pair<std::string, Level>{"kafka.request.logger", Level::kDebug}));
  EXPECT_FALSE(parse_logger_levels("kafka.controller").ok());
  EXPECT_FALSE(parse_logger_levels("kafka.controller=LOUD").ok());
  EXPECT_FALSE(parse_logger_levels("=INFO").ok());
}

TEST(LoggingLevelTest, ConfigFromEnvironment) {
  std::map<std::string, std::string> env{{"KAFKA_LOG4J_ROOT_LOGLEVEL", "DEBUG"},
                                         {"KAFKA_LOG4J_LOGGERS", "kafka.controller=WARN"}};
  auto getenv = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto config = logging_config_from_env(getenv);
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->root_level, Level::kDebug);
  ASSERT_EQ(config->logger_levels.size(), 1u);
  env.clear();
  EXPECT_EQ(logging_config_from_env(getenv)->root_level, Level::kInfo);
  env["KAFKA_LOG4J_ROOT_LOGLEVEL"] = "LOUD";
  EXPECT_FALSE(logging_config_from_env(getenv).ok());
}

}  // namespace
}  // namespace gregor::obs
