// Small string helpers the config module shares. Private to src/config.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace gregor::config {

// Removes the characters Java's String.trim() removes: everything at or below ' '.
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ')
    s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ')
    s.remove_suffix(1);
  return s;
}

inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
inline char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
}

inline bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

inline std::string to_upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = ascii_upper(c);
  return out;
}

// Kafka's LIST parsing: empty text is an empty list; otherwise split on commas with the
// whitespace around each comma removed. Empty elements are kept ("a,,b" has three).
inline std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  text = trim(text);
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    out.emplace_back(trim(item));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

// Kafka's CSV lists for paths and the like (CoreUtils.parseCsvList): like split_list but
// empty elements are dropped.
inline std::vector<std::string> split_csv_non_empty(std::string_view text) {
  std::vector<std::string> out;
  for (auto& item : split_list(text)) {
    if (!item.empty()) out.push_back(std::move(item));
  }
  return out;
}

}  // namespace gregor::config
