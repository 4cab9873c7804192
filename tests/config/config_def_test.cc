#include "gregor/config/config_def.h"

#include <gtest/gtest.h>

#include <limits>

namespace gregor::config {
namespace {

constexpr std::string_view kColors[] = {"red", "green"};

ConfigKey key(ConfigType type, Validator v = {}) {
  ConfigKey k;
  k.name = "test.key";
  k.type = type;
  k.validator = v;
  return k;
}

std::string error_of(const ConfigKey& k, std::string_view text) {
  auto r = parse_and_validate(k, text);
  return r.ok() ? "" : r.error().message;
}

TEST(ConfigDefTest, ParsesBooleansInAnyCase) {
  auto k = key(ConfigType::kBoolean);
  EXPECT_EQ(std::get<bool>(*parse_value(k, " TRUE ")), true);
  EXPECT_EQ(std::get<bool>(*parse_value(k, "False")), false);
  EXPECT_EQ(
      error_of(k, "yes"),
      "Invalid value yes for configuration test.key: Expected value to be either true or false");
}

TEST(ConfigDefTest, ParsesIntegersLikeJava) {
  auto k = key(ConfigType::kInt);
  EXPECT_EQ(std::get<int32_t>(*parse_value(k, " 42 ")), 42);
  EXPECT_EQ(std::get<int32_t>(*parse_value(k, "+7")), 7);
  EXPECT_EQ(std::get<int32_t>(*parse_value(k, "-1")), -1);
  EXPECT_EQ(std::get<int32_t>(*parse_value(k, "2147483647")), 2147483647);
  EXPECT_EQ(error_of(k, "2147483648"),
            "Invalid value 2147483648 for configuration test.key: Not a number of type INT");
  EXPECT_EQ(error_of(k, "1.5"),
            "Invalid value 1.5 for configuration test.key: Not a number of type INT");
  EXPECT_EQ(error_of(k, "abc"),
            "Invalid value abc for configuration test.key: Not a number of type INT");
  EXPECT_NE(error_of(k, ""), "");
  EXPECT_NE(error_of(k, "-"), "");
  EXPECT_NE(error_of(k, "1_000"), "");
}

TEST(ConfigDefTest, ShortAndLongRanges) {
  EXPECT_EQ(error_of(key(ConfigType::kShort), "40000"),
            "Invalid value 40000 for configuration test.key: Not a number of type SHORT");
  EXPECT_EQ(std::get<int32_t>(*parse_value(key(ConfigType::kShort), "-32768")), -32768);
  EXPECT_EQ(std::get<int64_t>(*parse_value(key(ConfigType::kLong), "9223372036854775807")),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(
      error_of(key(ConfigType::kLong), "9223372036854775808"),
      "Invalid value 9223372036854775808 for configuration test.key: Not a number of type LONG");
}

TEST(ConfigDefTest, ParsesDoublesLikeJava) {
  auto k = key(ConfigType::kDouble);
  EXPECT_EQ(std::get<double>(*parse_value(k, "0.5")), 0.5);
  EXPECT_EQ(std::get<double>(*parse_value(k, "1")), 1.0);
  EXPECT_EQ(std::get<double>(*parse_value(k, "1e3")), 1000.0);
  EXPECT_EQ(std::get<double>(*parse_value(k, ".5")), 0.5);
  EXPECT_EQ(std::get<double>(*parse_value(k, "+2.5d")), 2.5);
  EXPECT_EQ(std::get<double>(*parse_value(k, "1.7976931348623157E308")),
            std::numeric_limits<double>::max());
  EXPECT_EQ(error_of(k, "half"),
            "Invalid value half for configuration test.key: Not a number of type DOUBLE");
}

TEST(ConfigDefTest, ParsesListsAndStrings) {
  auto list = key(ConfigType::kList);
  EXPECT_EQ(std::get<ConfigList>(*parse_value(list, " compact , delete ")),
            (ConfigList{"compact", "delete"}));
  EXPECT_TRUE(std::get<ConfigList>(*parse_value(list, "  ")).empty());
  EXPECT_EQ(std::get<ConfigList>(*parse_value(list, "a,,b")), (ConfigList{"a", "", "b"}));
  EXPECT_EQ(std::get<std::string>(*parse_value(key(ConfigType::kString), "  x y  ")), "x y");
}

TEST(ConfigDefTest, RangeValidator) {
  auto k = key(ConfigType::kInt, at_least(1));
  EXPECT_EQ(error_of(k, "0"),
            "Invalid value 0 for configuration test.key: Value must be at least 1");
  EXPECT_EQ(error_of(k, "1"), "");
  auto d = key(ConfigType::kDouble, between(0, 1));
  EXPECT_EQ(error_of(d, "1.5"),
            "Invalid value 1.5 for configuration test.key: Value must be no more than 1");
  EXPECT_EQ(error_of(d, "-0.5"),
            "Invalid value -0.5 for configuration test.key: Value must be at least 0");
  // A range check reports the parsed value, as Kafka does.
  EXPECT_EQ(error_of(key(ConfigType::kLong, at_least(-1)), " -0005"),
            "Invalid value -5 for configuration test.key: Value must be at least -1");
}

TEST(ConfigDefTest, OneOfAndListValidators) {
  EXPECT_EQ(error_of(key(ConfigType::kString, one_of(kColors)), "blue"),
            "Invalid value blue for configuration test.key: String must be one of: red, green");
  EXPECT_EQ(error_of(key(ConfigType::kString, one_of(kColors)), "Red"),
            "Invalid value Red for configuration test.key: String must be one of: red, green");
  EXPECT_EQ(error_of(key(ConfigType::kList, list_of(kColors)), "red,blue"),
            "Invalid value blue for configuration test.key: String must be one of: red, green");
  EXPECT_EQ(error_of(key(ConfigType::kList, list_of(kColors)), "green,red"), "");
}

TEST(ConfigDefTest, NullPassesValidators) {
  EXPECT_TRUE(validate_value(key(ConfigType::kInt, at_least(1)), ConfigValue{}).ok());
}

TEST(ConfigDefTest, ConfigStrings) {
  EXPECT_EQ(to_config_string(ConfigValue{}), std::nullopt);
  EXPECT_EQ(*to_config_string(ConfigValue{ConfigList{"a", "b"}}), "a,b");
  EXPECT_EQ(*to_config_string(ConfigValue{int64_t{-1}}), "-1");
  EXPECT_EQ(*to_config_string(ConfigValue{true}), "true");
  EXPECT_EQ(*to_config_string(ConfigValue{0.5}), "0.5");
}

TEST(ConfigDefTest, LogStringsFollowJavaToString) {
  EXPECT_EQ(to_log_string(key(ConfigType::kList), ConfigList{"a", "b"}), "[a, b]");
  EXPECT_EQ(to_log_string(key(ConfigType::kList), ConfigList{}), "[]");
  EXPECT_EQ(to_log_string(key(ConfigType::kPassword), std::string("secret")), "[hidden]");
  EXPECT_EQ(to_log_string(key(ConfigType::kString), ConfigValue{}), "null");
  EXPECT_EQ(to_log_string(key(ConfigType::kClass), std::string("a.B")), "class a.B");
}

TEST(ConfigDefTest, JavaDoubleStrings) {
  EXPECT_EQ(java_double_string(0.5), "0.5");
  EXPECT_EQ(java_double_string(1.0), "1.0");
  EXPECT_EQ(java_double_string(0.9), "0.9");
  EXPECT_EQ(java_double_string(100.0), "100.0");
  EXPECT_EQ(java_double_string(1234567.0), "1234567.0");
  EXPECT_EQ(java_double_string(1e7), "1.0E7");
  EXPECT_EQ(java_double_string(0.001), "0.001");
  EXPECT_EQ(java_double_string(0.0001), "1.0E-4");
  EXPECT_EQ(java_double_string(-2.5), "-2.5");
  EXPECT_EQ(java_double_string(0.0), "0.0");
  EXPECT_EQ(java_double_string(std::numeric_limits<double>::max()), "1.7976931348623157E308");
  EXPECT_EQ(java_double_string(std::numeric_limits<double>::infinity()), "Infinity");
}

}  // namespace
}  // namespace gregor::config
