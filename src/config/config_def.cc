#include "gregor/config/config_def.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include <fmt/format.h>

#include "string_util.h"

namespace gregor::config {

ConfigError invalid_value(std::string_view key, std::string_view value, std::string_view reason) {
  ConfigError e;
  e.key = std::string(key);
  e.message = fmt::format("Invalid value {} for configuration {}", value, key);
  if (!reason.empty()) fmt::format_to(std::back_inserter(e.message), ": {}", reason);
  return e;
}

ConfigError config_error(std::string_view key, std::string message, ErrorCode code) {
  ConfigError e;
  e.code = code;
  e.key = std::string(key);
  e.message = std::move(message);
  return e;
}

std::string_view type_name(ConfigType type) {
  switch (type) {
    case ConfigType::kBoolean:
      return "BOOLEAN";
    case ConfigType::kString:
      return "STRING";
    case ConfigType::kInt:
      return "INT";
    case ConfigType::kShort:
      return "SHORT";
    case ConfigType::kLong:
      return "LONG";
    case ConfigType::kDouble:
      return "DOUBLE";
    case ConfigType::kList:
      return "LIST";
    case ConfigType::kClass:
      return "CLASS";
    case ConfigType::kPassword:
      return "PASSWORD";
    case ConfigType::kUnknown:
      break;
  }
  return "UNKNOWN";
}

namespace {

// Java's Long.parseLong: an optional sign, then decimal digits only, no overflow.
std::optional<int64_t> parse_java_long(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t start = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (start == s.size()) return std::nullopt;
  for (size_t i = start; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  }
  // from_chars does not take a leading '+', so skip it; a '-' it handles itself.
  std::string_view digits = s[0] == '+' ? s.substr(1) : s;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return v;
}

// Java's Double.parseDouble for the decimal forms people write in config files: an optional
// sign, digits with an optional point and exponent, an optional f/F/d/D suffix, or the words
// NaN and Infinity. Hexadecimal floating point literals are not accepted.
std::optional<double> parse_java_double(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") {
    return negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
  }
  if (!s.empty() && (s.back() == 'f' || s.back() == 'F' || s.back() == 'd' || s.back() == 'D')) {
    s.remove_suffix(1);
  }
  if (s.empty() || s[0] == '+' || s[0] == '-') return std::nullopt;
  for (char c : s) {
    bool ok = (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    if (!ok) return std::nullopt;
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return negative ? -v : v;
}

// Bounds print like the Java Number they came from: validators in Kafka's tables use integer
// bounds, so integral bounds print without a fraction.
std::string bound_string(double bound) {
  if (std::floor(bound) == bound && std::fabs(bound) < 1e18) {
    return std::to_string(static_cast<int64_t>(bound));
  }
  return java_double_string(bound);
}

std::string value_string(const ConfigValue& value) {
  auto s = to_config_string(value);
  return s ? *s : "null";
}

// The numeric value of an INT, SHORT, LONG or DOUBLE, as long double so that every int64_t
// compares exactly with the (small) bounds of the tables.
std::optional<long double> numeric(const ConfigValue& value) {
  if (auto* i = std::get_if<int32_t>(&value)) return *i;
  if (auto* l = std::get_if<int64_t>(&value)) return *l;
  if (auto* d = std::get_if<double>(&value)) return *d;
  return std::nullopt;
}

std::string join_choices(std::span<const std::string_view> choices) {
  std::string out;
  for (size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) out += ", ";
    out += choices[i];
  }
  return out;
}

bool contains(std::span<const std::string_view> choices, std::string_view s) {
  for (auto c : choices) {
    if (c == s) return true;
  }
  return false;
}

}  // namespace

Result<ConfigValue, ConfigError> parse_value(const ConfigKey& key, std::string_view text) {
  std::string_view trimmed = trim(text);
  auto not_a_number = [&] {
    return unexpected(
        invalid_value(key.name, text, fmt::format("Not a number of type {}", type_name(key.type))));
  };
  switch (key.type) {
    case ConfigType::kBoolean:
      if (equals_ignore_case(trimmed, "true")) return ConfigValue(true);
      if (equals_ignore_case(trimmed, "false")) return ConfigValue(false);
      return unexpected(invalid_value(key.name, text, "Expected value to be either true or false"));
    case ConfigType::kInt:
    case ConfigType::kShort: {
      auto v = parse_java_long(trimmed);
      int64_t lo = key.type == ConfigType::kInt ? std::numeric_limits<int32_t>::min() : -32768;
      int64_t hi = key.type == ConfigType::kInt ? std::numeric_limits<int32_t>::max() : 32767;
      if (!v || *v < lo || *v > hi) return not_a_number();
      return ConfigValue(static_cast<int32_t>(*v));
    }
    case ConfigType::kLong: {
      auto v = parse_java_long(trimmed);
      if (!v) return not_a_number();
      return ConfigValue(*v);
    }
    case ConfigType::kDouble: {
      auto v = parse_java_double(trimmed);
      if (!v) return not_a_number();
      return ConfigValue(*v);
    }
    case ConfigType::kList:
      return ConfigValue(split_list(trimmed));
    case ConfigType::kString:
    case ConfigType::kClass:
    case ConfigType::kPassword:
    case ConfigType::kUnknown:
      return ConfigValue(std::string(trimmed));
  }
  return ConfigValue(std::string(trimmed));
}

Result<void, ConfigError> validate_value(const ConfigKey& key, const ConfigValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return {};
  const Validator& v = key.validator;
  switch (v.kind) {
    case Validator::Kind::kNone:
      return {};
    case Validator::Kind::kRange: {
      auto n = numeric(value);
      if (!n) return {};
      if (v.has_min && *n < v.min) {
        return unexpected(invalid_value(key.name, value_string(value),
                                        "Value must be at least " + bound_string(v.min)));
      }
      if (v.has_max && *n > v.max) {
        return unexpected(invalid_value(key.name, value_string(value),
                                        "Value must be no more than " + bound_string(v.max)));
      }
      return {};
    }
    case Validator::Kind::kOneOf: {
      auto* s = std::get_if<std::string>(&value);
      if (s && !contains(v.choices, *s)) {
        return unexpected(
            invalid_value(key.name, *s, "String must be one of: " + join_choices(v.choices)));
      }
      return {};
    }
    case Validator::Kind::kListOneOf: {
      auto* list = std::get_if<ConfigList>(&value);
      if (!list) return {};
      for (const auto& item : *list) {
        if (!contains(v.choices, item)) {
          return unexpected(
              invalid_value(key.name, item, "String must be one of: " + join_choices(v.choices)));
        }
      }
      return {};
    }
    case Validator::Kind::kCustom: {
      std::string reason = v.check(value);
      if (!reason.empty()) return unexpected(invalid_value(key.name, value_string(value), reason));
      return {};
    }
  }
  return {};
}

Result<ConfigValue, ConfigError> parse_and_validate(const ConfigKey& key, std::string_view text) {
  auto parsed = parse_value(key, text);
  if (!parsed) return parsed;
  auto ok = validate_value(key, *parsed);
  if (!ok) return unexpected(ok.error());
  return parsed;
}

std::optional<std::string> to_config_string(const ConfigValue& value) {
  struct Visitor {
    std::optional<std::string> operator()(std::monostate) const { return std::nullopt; }
    std::optional<std::string> operator()(bool b) const { return b ? "true" : "false"; }
    std::optional<std::string> operator()(int32_t i) const { return std::to_string(i); }
    std::optional<std::string> operator()(int64_t l) const { return std::to_string(l); }
    std::optional<std::string> operator()(double d) const { return java_double_string(d); }
    std::optional<std::string> operator()(const std::string& s) const { return s; }
    std::optional<std::string> operator()(const ConfigList& list) const {
      std::string out;
      for (size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out += ',';
        out += list[i];
      }
      return out;
    }
  };
  return std::visit(Visitor{}, value);
}

std::string to_log_string(const ConfigKey& key, const ConfigValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return "null";
  if (key.type == ConfigType::kPassword) return "[hidden]";
  if (key.type == ConfigType::kClass) return "class " + *to_config_string(value);
  if (auto* list = std::get_if<ConfigList>(&value)) {
    std::string out = "[";
    for (size_t i = 0; i < list->size(); ++i) {
      if (i > 0) out += ", ";
      out += (*list)[i];
    }
    return out + "]";
  }
  return *to_config_string(value);
}

std::string java_double_string(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";

  // The shortest digits that read back as the same double, e.g. "1.7976931348623157e+308".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  std::string sign;
  if (sci.front() == '-') {
    sign = "-";
    sci.remove_prefix(1);
  }
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exponent = std::stoi(std::string(sci.substr(e_pos + 1)));

  // Java prints plain decimals for magnitudes in [1e-3, 1e7) and E notation otherwise.
  if (exponent >= -3 && exponent < 7) {
    std::string int_part, frac_part;
    if (exponent >= 0) {
      size_t int_len = static_cast<size_t>(exponent) + 1;
      while (digits.size() < int_len)
        digits += '0';
      int_part = digits.substr(0, int_len);
      frac_part = digits.substr(int_len);
    } else {
      int_part = "0";
      frac_part = std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    }
    if (frac_part.empty()) frac_part = "0";
    return sign + int_part + "." + frac_part;
  }
  std::string mantissa = digits.substr(0, 1) + "." + (digits.size() > 1 ? digits.substr(1) : "0");
  return sign + mantissa + "E" + std::to_string(exponent);
}

}  // namespace gregor::config
