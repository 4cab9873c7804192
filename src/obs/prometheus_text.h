// Pieces of the Prometheus text exposition format (version 0.0.4). Private to src/obs.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "gregor/obs/metrics.h"

namespace gregor::obs {

// HELP text escapes backslash and newline.
inline void append_help(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// Label values escape backslash, double quote and newline.
inline void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

inline std::string format_integer(uint64_t v) {
  return std::to_string(v);
}

// Integral values print without a fraction ("3"), others in the shortest form that reads back
// exactly ("0.25", "1e+20"); non-finite values use Prometheus' spellings.
inline std::string format_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<int64_t>(v));
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

// One sample line: name+suffix{labels,extra} value. `extra` (e.g. the quantile) is appended
// after the series' own labels when its name is not empty.
inline void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                          const Labels& labels, std::pair<std::string_view, std::string_view> extra,
                          const std::string& value) {
  out += name;
  out += suffix;
  if (!labels.empty() || !extra.first.empty()) {
    out += '{';
    bool first = true;
    auto add = [&](std::string_view k, std::string_view v) {
      if (!first) out += ',';
      first = false;
      out += k;
      out += "=\"";
      append_label_value(out, v);
      out += '"';
    };
    for (const auto& [k, v] : labels)
      add(k, v);
    if (!extra.first.empty()) add(extra.first, extra.second);
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace gregor::obs
