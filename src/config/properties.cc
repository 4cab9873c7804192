// The java.util.Properties text format. The rules follow Properties.load: logical lines are
// assembled from natural lines first, then each logical line is split into key and value, and
// finally escapes are decoded in both.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "gregor/config/properties.h"

namespace gregor::config {

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}
bool is_newline(char c) {
  return c == '\n' || c == '\r';
}

struct LogicalLine {
  std::string text;
  int line_number = 0;  // Of the first natural line, for error messages.
};

// Joins continued lines and drops blank and comment lines.
class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  std::vector<LogicalLine> read_all() {
    std::vector<LogicalLine> lines;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (is_blank(c)) {
        ++pos_;
      } else if (is_newline(c)) {
        consume_newline();
      } else if (c == '#' || c == '!') {
        // A comment ends with its natural line, even when it ends in a backslash.
        while (pos_ < text_.size() && !is_newline(text_[pos_]))
          ++pos_;
      } else {
        lines.push_back(read_logical_line());
      }
    }
    return lines;
  }

 private:
  void consume_newline() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  LogicalLine read_logical_line() {
    LogicalLine out;
    out.line_number = line_;
    bool escaped = false;  // True when the last character is an unpaired backslash.
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (is_newline(c)) {
        if (!escaped) break;
        // Continuation: drop the backslash and the line break, then the next line's indent.
        // An empty continuation line still ends the logical line.
        out.text.pop_back();
        escaped = false;
        consume_newline();
        while (pos_ < text_.size() && is_blank(text_[pos_]))
          ++pos_;
        continue;
      }
      out.text += c;
      escaped = c == '\\' ? !escaped : false;
      ++pos_;
    }
    // Java drops a lone backslash at the very end of the input.
    if (escaped) out.text.pop_back();
    return out;
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
};

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Reads the four hex digits of a \u escape starting at s[i]; nullopt when malformed.
std::optional<uint32_t> read_hex4(std::string_view s, size_t i) {
  if (i + 4 > s.size()) return std::nullopt;
  uint32_t v = 0;
  for (size_t k = i; k < i + 4; ++k) {
    char c = s[k];
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                     : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<uint32_t>(d);
  }
  return v;
}

// Decodes escapes. A \u escape for a UTF-16 high surrogate followed by one for a low
// surrogate becomes one code point.
std::optional<std::string> decode_escapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == s.size()) break;  // A lone trailing backslash stands for nothing.
    c = s[i];
    switch (c) {
      case 't':
        out += '\t';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        auto cp = read_hex4(s, i + 1);
        if (!cp) return std::nullopt;
        i += 4;
        if (*cp >= 0xD800 && *cp < 0xDC00 && i + 2 < s.size() && s[i + 1] == '\\' &&
            s[i + 2] == 'u') {
          auto low = read_hex4(s, i + 3);
          if (low && *low >= 0xDC00 && *low < 0xE000) {
            *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
            i += 6;
          }
        }
        append_utf8(out, *cp);
        break;
      }
      default:
        out += c;
        break;
    }
  }
  return out;
}

}  // namespace

Result<Properties, ConfigError> parse_properties(std::string_view text) {
  Properties props;
  for (const auto& line : LineReader(text).read_all()) {
    std::string_view l = line.text;
    // The key ends at the first unescaped separator or blank.
    size_t key_len = 0;
    size_t value_start = l.size();
    bool has_separator = false;
    bool escaped = false;
    for (; key_len < l.size(); ++key_len) {
      char c = l[key_len];
      if (!escaped && (c == '=' || c == ':')) {
        value_start = key_len + 1;
        has_separator = true;
        break;
      }
      if (!escaped && is_blank(c)) {
        value_start = key_len + 1;
        break;
      }
      escaped = c == '\\' ? !escaped : false;
    }
    // Blanks, and one separator if none was seen yet, come before the value.
    for (; value_start < l.size(); ++value_start) {
      char c = l[value_start];
      if (is_blank(c)) continue;
      if (!has_separator && (c == '=' || c == ':')) {
        has_separator = true;
        continue;
      }
      break;
    }
    auto key = decode_escapes(l.substr(0, key_len));
    auto value = decode_escapes(l.substr(value_start));
    if (!key || !value) {
      return unexpected(
          config_error({}, fmt::format("Malformed \\uxxxx encoding on line {}", line.line_number)));
    }
    props[std::move(*key)] = std::move(*value);
  }
  return props;
}

Result<Properties, ConfigError> load_properties_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return unexpected(
        config_error({}, fmt::format("Cannot read {}: {}", path, std::strerror(errno))));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return unexpected(config_error({}, fmt::format("Cannot read {}", path)));
  auto props = parse_properties(buf.str());
  if (!props) {
    return unexpected(config_error({}, fmt::format("{}: {}", path, props.error().message)));
  }
  return props;
}

}  // namespace gregor::config
