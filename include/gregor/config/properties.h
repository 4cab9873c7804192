// Reading server.properties: the java.util.Properties text format, and the kafka.Kafka command
// line (a properties file followed by --override key=value pairs that win over it).
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "gregor/common/result.h"
#include "gregor/config/config_error.h"

namespace gregor::config {

// Keys and raw (unparsed) values in key order. As with java.util.Properties, a key given twice
// keeps the later value. Lookups accept string_view.
using Properties = std::map<std::string, std::string, std::less<>>;

// Parses the java.util.Properties format:
//  - "#" or "!" as the first non-blank character of a line starts a comment;
//  - key and value are separated by "=", ":" or whitespace, with blanks around the separator
//    ignored; the value keeps trailing blanks;
//  - a line ending in an odd number of backslashes continues on the next line, whose leading
//    blanks are dropped;
//  - escapes \t \n \r \f and \uXXXX are decoded, and any other escaped character stands for
//    itself ("\=" is "=", "\\" is "\").
// Java reads the file as ISO-8859-1; gregor passes bytes through, so UTF-8 text stays UTF-8,
// and \uXXXX escapes are written as UTF-8. The only error is a malformed \u escape.
Result<Properties, ConfigError> parse_properties(std::string_view text);

// Reads and parses a file. Errors name the path: unreadable file or malformed content.
Result<Properties, ConfigError> load_properties_file(const std::string& path);

// What the command line asks for.
struct CommandLine {
  enum class Action { kRun, kHelp, kVersion };
  Action action = Action::kRun;
  std::string properties_path;
  // --override pairs in command-line order; a later pair for the same key wins.
  Properties overrides;
};

// Parses arguments (without the program name) as kafka.Kafka does: no arguments or "--help"
// anywhere asks for usage, "--version" anywhere for the version; otherwise the first argument
// is the properties file and the rest must be "--override key=value" (or "--override=key=value").
// The pair is split at the first "="; a pair without "=" or with nothing after it sets the key
// to the empty string, as Kafka does. Errors are usage errors, worded for the operator.
Result<CommandLine, std::string> parse_command_line(std::span<const std::string> args);

// Usage text in kafka.Kafka's form, for `program` (e.g. "gregor").
std::string usage_text(std::string_view program);

// Loads the command line's properties file and applies its overrides on top.
Result<Properties, ConfigError> load_broker_properties(const CommandLine& command_line);

}  // namespace gregor::config
