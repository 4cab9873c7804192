#include "broker/topic_name.h"

#include <fmt/format.h>

namespace gregor::broker {

std::string topic_name_problem(std::string_view name) {
  if (name.empty()) return "Topic name is illegal, it can't be empty";
  if (name == "." || name == "..") return "Topic name cannot be \".\" or \"..\"";
  if (name.size() > kMaxTopicNameLength) {
    return fmt::format(
        "Topic name is illegal, it can't be longer than {} characters, topic name: {}",
        kMaxTopicNameLength, name);
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) {
      return fmt::format(
          "Topic name \"{}\" is illegal, it contains a character other than ASCII alphanumerics, "
          "'.', '_' and '-'",
          name);
    }
  }
  return {};
}

}  // namespace gregor::broker
