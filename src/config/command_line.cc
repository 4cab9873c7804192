// The kafka.Kafka command line: server.properties [--override property=value]*.
#include <vector>

#include <fmt/format.h>

#include "gregor/config/properties.h"

namespace gregor::config {

namespace {

// Splits "key=value" at the first "="; a missing "=" or value gives an empty value, which is
// what Kafka's parseKeyValueArgs does by default.
std::pair<std::string, std::string> split_pair(std::string_view arg) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos) return {std::string(arg), std::string()};
  return {std::string(arg.substr(0, eq)), std::string(arg.substr(eq + 1))};
}

}  // namespace

Result<CommandLine, std::string> parse_command_line(std::span<const std::string> args) {
  CommandLine cl;
  if (args.empty()) {
    cl.action = CommandLine::Action::kHelp;
    return cl;
  }
  for (const auto& a : args) {
    if (a == "--help") {
      cl.action = CommandLine::Action::kHelp;
      return cl;
    }
  }
  for (const auto& a : args) {
    if (a == "--version") {
      cl.action = CommandLine::Action::kVersion;
      return cl;
    }
  }
  cl.properties_path = args[0];

  std::vector<std::string> non_options;
  constexpr std::string_view kOverride = "--override";
  for (size_t i = 1; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == kOverride) {
      if (i + 1 == args.size())
        return unexpected(std::string("Option override requires an argument"));
      auto [k, v] = split_pair(args[++i]);
      cl.overrides.insert_or_assign(std::move(k), std::move(v));
    } else if (a.starts_with("--override=")) {
      auto [k, v] = split_pair(a.substr(kOverride.size() + 1));
      cl.overrides.insert_or_assign(std::move(k), std::move(v));
    } else if (a.starts_with("-") && a.size() > 1) {
      return unexpected(
          fmt::format("{} is not a recognized option", a.substr(a.find_first_not_of('-'))));
    } else {
      non_options.emplace_back(a);
    }
  }
  if (!non_options.empty()) {
    return unexpected(
        fmt::format("Found non argument parameters: {}", fmt::join(non_options, ",")));
  }
  return cl;
}

std::string usage_text(std::string_view program) {
  return fmt::format(
      "USAGE: {} server.properties [--override property=value]*\n"
      "Option                    Description\n"
      "------                    -----------\n"
      "--override <String>       A property=value pair that replaces the file's value\n"
      "--version                 Print the version and exit.\n",
      program);
}

Result<Properties, ConfigError> load_broker_properties(const CommandLine& command_line) {
  auto props = load_properties_file(command_line.properties_path);
  if (!props) return props;
  for (const auto& [k, v] : command_line.overrides)
    props->insert_or_assign(k, v);
  return props;
}

}  // namespace gregor::config
