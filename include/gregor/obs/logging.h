// Named loggers writing Kafka's log4j layout, "[%d] %p %m (%c)%n":
//
//   [2026-11-21 12:00:00,123] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)
//
// Operators and test harnesses grep these lines (Testcontainers waits for
// "\[KafkaServer id=\d+\] started"), so the layout, level names and logger names are Kafka's.
// Loggers are cheap handles; logging is thread-safe. Levels follow log4j's hierarchy: a level
// set for "kafka.server" applies to "kafka.server.KafkaServer" unless something more specific
// is set.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "gregor/common/result.h"

namespace spdlog {
class logger;
}

namespace gregor::obs {

enum class Level : int8_t { kTrace, kDebug, kInfo, kWarn, kError, kFatal, kOff };

// log4j's names: "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL", "OFF".
std::string_view level_name(Level level);

// Case-insensitive; also accepts "WARNING". nullopt for anything else.
std::optional<Level> parse_level(std::string_view text);

class Logger {
 public:
  // The logger's name, printed in parentheses at the end of each line.
  const std::string& name() const { return name_; }

  // A copy that starts every message with `prefix`, Kafka's logIdent, e.g.
  // logger("kafka.server.KafkaServer").with_prefix("[KafkaServer id=1] ").
  Logger with_prefix(std::string prefix) const;

  // Whether a message at `level` would be written. Formatting is skipped when it would not.
  bool enabled(Level level) const;

  template <class... Args>
  void log(Level level, fmt::format_string<Args...> format, Args&&... args) const {
    if (!enabled(level)) return;
    fmt::memory_buffer buf;
    buf.append(prefix_);
    fmt::format_to(std::back_inserter(buf), format, std::forward<Args>(args)...);
    write(level, std::string_view(buf.data(), buf.size()));
  }
  template <class... Args>
  void trace(fmt::format_string<Args...> f, Args&&... args) const {
    log(Level::kTrace, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) const {
    log(Level::kDebug, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) const {
    log(Level::kInfo, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void warn(fmt::format_string<Args...> f, Args&&... args) const {
    log(Level::kWarn, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void error(fmt::format_string<Args...> f, Args&&... args) const {
    log(Level::kError, f, std::forward<Args>(args)...);
  }
  template <class... Args>
  void fatal(fmt::format_string<Args...> f, Args&&... args) const {
    log(Level::kFatal, f, std::forward<Args>(args)...);
  }

  // Writes an already formatted message (the prefix is not added) if `level` is enabled.
  void write(Level level, std::string_view message) const;

 private:
  friend Logger logger(std::string_view name);
  Logger(std::shared_ptr<spdlog::logger> impl, std::string name);

  std::shared_ptr<spdlog::logger> impl_;
  std::string name_;
  std::string prefix_;
};

// The logger called `name`, created on first use with the level configured for its name.
Logger logger(std::string_view name);

struct LoggingConfig {
  Level root_level = Level::kInfo;
  // Levels for logger names and their descendants, e.g. {"kafka.controller", kWarn}.
  std::vector<std::pair<std::string, Level>> logger_levels;
};

// Parses "kafka.controller=WARN,kafka.network.RequestChannel$=DEBUG", the format of the
// cp-kafka image's KAFKA_LOG4J_LOGGERS. Errors name the bad entry.
Result<std::vector<std::pair<std::string, Level>>, std::string> parse_logger_levels(
    std::string_view text);

// Reads the cp-kafka image variables KAFKA_LOG4J_ROOT_LOGLEVEL (root level, default INFO) and
// KAFKA_LOG4J_LOGGERS (per-logger levels) through `getenv`.
Result<LoggingConfig, std::string> logging_config_from_env(
    const std::function<const char*(const char*)>& getenv);

enum class LogTarget : int8_t { kStdout, kStderr };

// Sends all loggers to `target` with the given levels. Loggers created earlier are updated.
// Without a call, logging goes to stdout at INFO. Call it at startup, before other threads
// log: swapping the sink is not synchronised with logging (level changes are).
void configure_logging(const LoggingConfig& config, LogTarget target = LogTarget::kStdout);

// Like configure_logging, but every line goes to `out` (which must outlive the logging), for
// tests that check the layout.
void configure_logging(const LoggingConfig& config, std::ostream& out);

// Changes the level of `name`, and of its descendants that have no level of their own, at run
// time (an IncrementalAlterConfigs on a BROKER_LOGGER resource). "root" names the root logger.
void set_logger_level(std::string_view name, Level level);

// The level in force for `name`: the most specific configured ancestor, else the root level.
Level effective_level(std::string_view name);

// Every logger created so far with its effective level, sorted by name, plus "root"; what a
// BROKER_LOGGER DescribeConfigs reports.
std::vector<std::pair<std::string, Level>> logger_levels();

}  // namespace gregor::obs
