#include "choices.h"

#include <cctype>

namespace gregor::config::choices {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string check_metadata_version(const ConfigValue& value) {
  const auto* s = std::get_if<std::string>(&value);
  if (s == nullptr) return {};
  std::string_view v = *s;
  size_t iv = v.find("-IV");
  if (iv != std::string_view::npos) {
    if (!all_digits(v.substr(iv + 3))) return "not a valid metadata version";
    v = v.substr(0, iv);
  }
  // Two to four dot-separated numbers: "3.9", "2.8.0", "0.10.0.1".
  int parts = 0;
  size_t start = 0;
  while (true) {
    size_t dot = v.find('.', start);
    std::string_view part = v.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (!all_digits(part)) return "not a valid metadata version";
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts < 2 || parts > 4) return "not a valid metadata version";
  return {};
}

std::string check_gzip_level(const ConfigValue& value) {
  const auto* level = std::get_if<int32_t>(&value);
  if (level == nullptr || *level == -1 || (*level >= 1 && *level <= 9)) return {};
  return "Value must be between 1 and 9, or -1 for the library default";
}

std::string check_throttled_replicas(const ConfigValue& value) {
  const auto* list = std::get_if<ConfigList>(&value);
  if (list == nullptr || list->empty()) return {};
  if (list->size() == 1 && (*list)[0] == "*") return {};
  for (const auto& item : *list) {
    size_t colon = item.find(':');
    if (colon == std::string::npos || !all_digits(item.substr(0, colon)) ||
        !all_digits(item.substr(colon + 1))) {
      return "Value must be \"*\" or a comma-separated list of partition:broker pairs";
    }
  }
  return {};
}

}  // namespace gregor::config::choices
