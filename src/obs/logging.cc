#include "gregor/obs/logging.h"

#include <map>
#include <mutex>

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace gregor::obs {

namespace {

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kTrace:
      return spdlog::level::trace;
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
    case Level::kFatal:
      return spdlog::level::critical;
    case Level::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

Level from_spdlog(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
      return Level::kTrace;
    case spdlog::level::debug:
      return Level::kDebug;
    case spdlog::level::info:
      return Level::kInfo;
    case spdlog::level::warn:
      return Level::kWarn;
    case spdlog::level::err:
      return Level::kError;
    case spdlog::level::critical:
      return Level::kFatal;
    default:
      return Level::kOff;
  }
}

// spdlog's own level names are lower case ("info", "warning"); log4j's %p prints these.
class KafkaLevelFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm& /*time*/,
              spdlog::memory_buf_t& dest) override {
    std::string_view name = level_name(from_spdlog(msg.level));
    dest.append(name.data(), name.data() + name.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<KafkaLevelFlag>();
  }
};

// log4j's "[%d] %p %m (%c)%n": ISO8601 local time with a comma before the milliseconds.
std::unique_ptr<spdlog::formatter> kafka_formatter() {
  auto f = std::make_unique<spdlog::pattern_formatter>();
  f->add_flag<KafkaLevelFlag>('*').set_pattern("[%Y-%m-%d %H:%M:%S,%e] %* %v (%n)");
  return f;
}

spdlog::sink_ptr make_sink(LogTarget target) {
  spdlog::sink_ptr sink;
  if (target == LogTarget::kStderr) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  }
  sink->set_formatter(kafka_formatter());
  return sink;
}

// All loggers share one sink. Creation and level changes take the mutex; logging itself only
// goes through spdlog, whose _mt sinks are thread-safe.
struct State {
  std::mutex mu;
  spdlog::sink_ptr sink = make_sink(LogTarget::kStdout);
  Level root = Level::kInfo;
  std::map<std::string, Level, std::less<>> levels;
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;

  Level effective(std::string_view name) const {
    Level level = root;
    size_t best = 0;
    for (const auto& [prefix, l] : levels) {
      bool matches = name == prefix || (name.size() > prefix.size() && name.starts_with(prefix) &&
                                        name[prefix.size()] == '.');
      if (matches && prefix.size() >= best) {
        best = prefix.size();
        level = l;
      }
    }
    return level;
  }

  void apply_levels() {
    for (auto& [name, l] : loggers)
      l->set_level(to_spdlog(effective(name)));
  }

  void apply(const LoggingConfig& config, spdlog::sink_ptr new_sink) {
    std::lock_guard lock(mu);
    sink = std::move(new_sink);
    root = config.root_level;
    levels.clear();
    for (const auto& [name, level] : config.logger_levels)
      levels[name] = level;
    for (auto& [name, l] : loggers)
      l->sinks() = {sink};
    apply_levels();
    // Modules that log through spdlog's default logger (net, log, cluster stay free of obs)
    // get the same sink and Kafka's layout, under the logger name "gregor".
    auto fallback = std::make_shared<spdlog::logger>("gregor", sink);
    fallback->set_level(to_spdlog(effective("gregor")));
    spdlog::set_default_logger(std::move(fallback));
  }
};

// Never destroyed, so that code running during static destruction can still log.
State& state() {
  static State* s = new State();
  return *s;
}

}  // namespace

std::string_view level_name(Level level) {
  switch (level) {
    case Level::kTrace:
      return "TRACE";
    case Level::kDebug:
      return "DEBUG";
    case Level::kInfo:
      return "INFO";
    case Level::kWarn:
      return "WARN";
    case Level::kError:
      return "ERROR";
    case Level::kFatal:
      return "FATAL";
    case Level::kOff:
      return "OFF";
  }
  return "INFO";
}

std::optional<Level> parse_level(std::string_view text) {
  std::string upper;
  for (char c : text)
    upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  if (upper == "WARNING") return Level::kWarn;
  for (auto l : {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError,
                 Level::kFatal, Level::kOff}) {
    if (level_name(l) == upper) return l;
  }
  return std::nullopt;
}

Logger::Logger(std::shared_ptr<spdlog::logger> impl, std::string name)
    : impl_(std::move(impl)), name_(std::move(name)) {}

Logger Logger::with_prefix(std::string prefix) const {
  Logger copy = *this;
  copy.prefix_ = std::move(prefix);
  return copy;
}

bool Logger::enabled(Level level) const {
  return level != Level::kOff && impl_->should_log(to_spdlog(level));
}

void Logger::write(Level level, std::string_view message) const {
  if (!enabled(level)) return;
  impl_->log(to_spdlog(level), spdlog::string_view_t(message.data(), message.size()));
}

Logger logger(std::string_view name) {
  State& s = state();
  std::lock_guard lock(s.mu);
  auto it = s.loggers.find(name);
  if (it == s.loggers.end()) {
    auto impl = std::make_shared<spdlog::logger>(std::string(name), s.sink);
    impl->set_level(to_spdlog(s.effective(name)));
    it = s.loggers.emplace(std::string(name), std::move(impl)).first;
  }
  return Logger(it->second, it->first);
}

Result<std::vector<std::pair<std::string, Level>>, std::string> parse_logger_levels(
    std::string_view text) {
  std::vector<std::pair<std::string, Level>> out;
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ')
      s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
      s.remove_suffix(1);
    return s;
  };
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view entry =
        trim(text.substr(start, comma == std::string_view::npos ? comma : comma - start));
    start = comma == std::string_view::npos ? text.size() + 1 : comma + 1;
    if (entry.empty()) continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos || trim(entry.substr(0, eq)).empty()) {
      return unexpected(fmt::format("Invalid logger entry '{}': expected name=LEVEL", entry));
    }
    auto level = parse_level(trim(entry.substr(eq + 1)));
    if (!level) {
      return unexpected(fmt::format("Invalid logger entry '{}': unknown level", entry));
    }
    out.emplace_back(std::string(trim(entry.substr(0, eq))), *level);
  }
  return out;
}

Result<LoggingConfig, std::string> logging_config_from_env(
    const std::function<const char*(const char*)>& getenv) {
  LoggingConfig config;
  if (const char* root = getenv("KAFKA_LOG4J_ROOT_LOGLEVEL"); root != nullptr && *root != '\0') {
    auto level = parse_level(root);
    if (!level) return unexpected(fmt::format("Invalid KAFKA_LOG4J_ROOT_LOGLEVEL '{}'", root));
    config.root_level = *level;
  }
  if (const char* loggers = getenv("KAFKA_LOG4J_LOGGERS"); loggers != nullptr) {
    auto levels = parse_logger_levels(loggers);
    if (!levels) return unexpected("KAFKA_LOG4J_LOGGERS: " + levels.error());
    config.logger_levels = std::move(*levels);
  }
  return config;
}

void configure_logging(const LoggingConfig& config, LogTarget target) {
  state().apply(config, make_sink(target));
}

void configure_logging(const LoggingConfig& config, std::ostream& out) {
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out, /*force_flush=*/true);
  sink->set_formatter(kafka_formatter());
  state().apply(config, std::move(sink));
}

void set_logger_level(std::string_view name, Level level) {
  State& s = state();
  std::lock_guard lock(s.mu);
  if (name == "root") {
    s.root = level;
  } else {
    // As in log4j, descendants with a level of their own keep it.
    s.levels[std::string(name)] = level;
  }
  s.apply_levels();
}

Level effective_level(std::string_view name) {
  State& s = state();
  std::lock_guard lock(s.mu);
  return name == "root" ? s.root : s.effective(name);
}

std::vector<std::pair<std::string, Level>> logger_levels() {
  State& s = state();
  std::lock_guard lock(s.mu);
  std::vector<std::pair<std::string, Level>> out{{"root", s.root}};
  for (const auto& [name, l] : s.loggers)
    out.emplace_back(name, s.effective(name));
  return out;
}

}  // namespace gregor::obs
