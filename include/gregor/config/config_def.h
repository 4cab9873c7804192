// The declarative description of one configuration key (broker or topic level) and the value
// conversions Kafka's ConfigDef performs on it: text -> typed value -> validated -> text again.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "gregor/common/result.h"
#include "gregor/config/config_error.h"

namespace gregor::config {

// The value types of Kafka's ConfigDef. The numbers are the DescribeConfigs wire values
// (the ConfigType field of DescribeConfigsResponse v3+), so handlers can send them unchanged.
enum class ConfigType : int8_t {
  kUnknown = 0,
  kBoolean = 1,
  kString = 2,
  kInt = 3,
  kShort = 4,
  kLong = 5,
  kDouble = 6,
  kList = 7,
  kClass = 8,
  kPassword = 9,
};

enum class Importance : int8_t { kHigh, kMedium, kLow };

// How a broker key may change while the broker runs (Kafka's "Dynamic Update Mode"). Topic
// keys are always changeable per topic and ignore this field.
enum class UpdateMode : int8_t { kReadOnly, kPerBroker, kClusterWide };

using ConfigList = std::vector<std::string>;

// A parsed value. std::monostate is Kafka's null: a key whose default is null and that nobody
// set. SHORT and INT are held as int32_t; STRING, CLASS and PASSWORD as std::string.
using ConfigValue =
    std::variant<std::monostate, bool, int32_t, int64_t, double, std::string, ConfigList>;

// A check a range or a fixed set of strings cannot express. Returns an empty string when the
// value is acceptable, otherwise the reason, which is appended to "Invalid value X for
// configuration Y: ".
using CustomCheck = std::string (*)(const ConfigValue& value);

// What a key's values must satisfy beyond their type. Built with the constexpr helpers below
// so that the key tables stay declarative.
struct Validator {
  enum class Kind : int8_t { kNone, kRange, kOneOf, kListOneOf, kCustom };
  Kind kind = Kind::kNone;
  bool has_min = false;
  bool has_max = false;
  double min = 0;
  double max = 0;
  std::span<const std::string_view> choices;
  CustomCheck check = nullptr;
};

constexpr Validator at_least(double min) {
  Validator v;
  v.kind = Validator::Kind::kRange;
  v.has_min = true;
  v.min = min;
  return v;
}

constexpr Validator between(double min, double max) {
  Validator v = at_least(min);
  v.has_max = true;
  v.max = max;
  return v;
}

// The value must be exactly one of `choices` (case-sensitive, as Kafka's ValidString).
constexpr Validator one_of(std::span<const std::string_view> choices) {
  Validator v;
  v.kind = Validator::Kind::kOneOf;
  v.choices = choices;
  return v;
}

// Every element of a LIST value must be one of `choices`.
constexpr Validator list_of(std::span<const std::string_view> choices) {
  Validator v;
  v.kind = Validator::Kind::kListOneOf;
  v.choices = choices;
  return v;
}

constexpr Validator custom(CustomCheck check) {
  Validator v;
  v.kind = Validator::Kind::kCustom;
  v.check = check;
  return v;
}

// One row of a key table. All text is static: the tables are constexpr arrays.
struct ConfigKey {
  std::string_view name;
  ConfigType type = ConfigType::kString;
  // The default written as a user would write it in server.properties; nullptr is Kafka's null.
  const char* default_value = nullptr;
  Validator validator;
  Importance importance = Importance::kMedium;
  UpdateMode update_mode = UpdateMode::kReadOnly;
  // Our own one-line description, reported by DescribeConfigs when documentation is asked for.
  std::string_view doc;
  // Topic keys only: the broker key that supplies the default (e.g. "log.retention.ms" for
  // "retention.ms"); empty when the topic key has no broker-level synonym.
  std::string_view broker_synonym;
};

// Parses `text` the way Kafka's ConfigDef does for the key's type: surrounding whitespace is
// trimmed; numbers follow Java's parseInt/parseLong/parseShort/parseDouble; booleans are
// "true"/"false" in any case; lists are comma-separated with whitespace around commas removed.
// The error names the key and the offending text.
Result<ConfigValue, ConfigError> parse_value(const ConfigKey& key, std::string_view text);

// Checks a parsed value against key.validator. Null values always pass.
Result<void, ConfigError> validate_value(const ConfigKey& key, const ConfigValue& value);

// parse_value followed by validate_value.
Result<ConfigValue, ConfigError> parse_and_validate(const ConfigKey& key, std::string_view text);

// The text Kafka reports for a value in DescribeConfigs (ConfigDef.convertToString): lists
// joined with ",", doubles as Java prints them, nullopt for null.
std::optional<std::string> to_config_string(const ConfigValue& value);

// The text Kafka prints for a value in its "KafkaConfig values:" startup block
// (Java's toString): lists as "[a, b]", passwords as "[hidden]", null as "null".
std::string to_log_string(const ConfigKey& key, const ConfigValue& value);

// Java's Double.toString: "0.5", "1.0", "1.0E7", "1.7976931348623157E308".
std::string java_double_string(double value);

// Kafka's ConfigDef.Type names as they appear in error messages: "INT", "LONG", ...
std::string_view type_name(ConfigType type);

}  // namespace gregor::config
