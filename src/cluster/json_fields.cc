#include "json_fields.h"

#include <charconv>

namespace gregor::cluster::json {

std::string to_text(const OrderedJson& value) {
  return value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

std::optional<Json> parse_object(std::string_view text) {
  Json parsed = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

const Json* field(const Json& object, std::string_view key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<int64_t> int_field(const Json& object, std::string_view key, int64_t lo, int64_t hi) {
  const Json* value = field(object, key);
  if (value == nullptr) return std::nullopt;
  int64_t n = 0;
  if (value->is_number_unsigned()) {
    const uint64_t u = value->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    n = static_cast<int64_t>(u);
  } else if (value->is_number_integer()) {
    n = value->get<int64_t>();
  } else {
    return std::nullopt;
  }
  if (n < lo || n > hi) return std::nullopt;
  return n;
}

std::optional<std::string> string_field(const Json& object, std::string_view key) {
  const Json* value = field(object, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

std::optional<int64_t> decimal_string_field(const Json& object, std::string_view key) {
  auto text = string_field(object, key);
  if (!text) return std::nullopt;
  return parse_decimal(*text);
}

std::optional<std::vector<int32_t>> int32_array(const Json& value) {
  if (!value.is_array()) return std::nullopt;
  std::vector<int32_t> out;
  out.reserve(value.size());
  for (const Json& element : value) {
    if (!element.is_number_integer()) return std::nullopt;
    const int64_t n = element.get<int64_t>();
    if (n < std::numeric_limits<int32_t>::min() || n > std::numeric_limits<int32_t>::max()) {
      return std::nullopt;
    }
    out.push_back(static_cast<int32_t>(n));
  }
  return out;
}

std::optional<int64_t> parse_decimal(std::string_view text) {
  int64_t n = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || text.front() == '+') return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return n;
}

ClusterError malformed(std::string_view what, std::string_view problem) {
  ClusterError error;
  error.code = ClusterErrc::kMalformedZnode;
  error.message = std::string(what) + ": " + std::string(problem);
  return error;
}

}  // namespace gregor::cluster::json
