#include "gregor/log/meta_properties.h"

#include <cerrno>
#include <charconv>
#include <ctime>

#include <fmt/format.h>

#include "file.h"

namespace gregor::log {
namespace {

constexpr size_t kMaxMetaPropertiesBytes = 64 * 1024;

bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\f';
}

// Undoes the escapes of java.util.Properties: \t \n \r \f, \uXXXX (ASCII only, which is
// all Kafka writes) and a backslash before any other character.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out += s[i];
      continue;
    }
    char c = s[++i];
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
        unsigned code = 0;
        if (i + 4 < s.size() &&
            std::from_chars(s.data() + i + 1, s.data() + i + 5, code, 16).ec == std::errc() &&
            code < 0x80) {
          out += static_cast<char>(code);
          i += 4;
        } else {
          out += 'u';
        }
        break;
      }
      default:
        out += c;
    }
  }
  return out;
}

std::string escape(std::string_view s, bool is_key) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '=' || c == ':' || c == '#' || c == '!' || (is_key && c == ' ')) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

// Joins continuation lines (a line ending in an odd number of backslashes continues on the
// next one, whose leading blanks are dropped).
std::vector<std::string> logical_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  bool continuing = false;
  while (!text.empty()) {
    size_t nl = text.find_first_of("\r\n");
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (continuing) {
      while (!line.empty() && is_blank(line.front()))
        line.remove_prefix(1);
    }
    size_t backslashes = 0;
    while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\')
      ++backslashes;
    if (backslashes % 2 == 1) {
      current.append(line.substr(0, line.size() - 1));
      continuing = true;
      continue;
    }
    current.append(line);
    lines.push_back(std::move(current));
    current.clear();
    continuing = false;
  }
  if (continuing) lines.push_back(std::move(current));
  return lines;
}

LogError meta_error(std::string message) {
  return LogError::make(LogErrc::kInconsistentMeta, std::move(message));
}

}  // namespace

Result<MetaProperties, LogError> parse_meta_properties(std::string_view text) {
  std::map<std::string, std::string> props;
  for (const std::string& raw : logical_lines(text)) {
    std::string_view line = raw;
    while (!line.empty() && is_blank(line.front()))
      line.remove_prefix(1);
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    size_t i = 0;
    while (i < line.size() && line[i] != '=' && line[i] != ':' && !is_blank(line[i])) {
      i += line[i] == '\\' ? 2 : 1;
    }
    i = std::min(i, line.size());
    std::string key = unescape(line.substr(0, i));
    while (i < line.size() && is_blank(line[i]))
      ++i;
    if (i < line.size() && (line[i] == '=' || line[i] == ':')) ++i;
    while (i < line.size() && is_blank(line[i]))
      ++i;
    props[key] = unescape(line.substr(i));
  }

  MetaProperties meta;
  auto take = [&](const char* key) -> std::optional<std::string> {
    auto it = props.find(key);
    if (it == props.end()) return std::nullopt;
    std::string value = it->second;
    props.erase(it);
    return value;
  };
  auto parse_int = [](const std::string& s, int32_t& out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
  };
  auto version = take("version");
  if (!version || !parse_int(*version, meta.version)) {
    return unexpected(meta_error("meta.properties has no valid version"));
  }
  if (auto id = take("broker.id")) {
    int32_t v = 0;
    if (!parse_int(*id, v)) return unexpected(meta_error("meta.properties has a bad broker.id"));
    meta.broker_id = BrokerId(v);
  }
  meta.cluster_id = take("cluster.id");
  meta.other = std::move(props);
  return meta;
}

std::string format_meta_properties(const MetaProperties& meta) {
  // java.util.Properties.store writes a comment line and a date line first; Kafka's files
  // therefore start with "#" lines, and so do ours.
  std::time_t now = std::time(nullptr);
  char date[64] = "";
  std::tm tm{};
  if (gmtime_r(&now, &tm) != nullptr)
    std::strftime(date, sizeof date, "%a %b %d %H:%M:%S UTC %Y", &tm);
  std::string out = fmt::format("#\n#{}\n", date);
  if (meta.cluster_id) out += fmt::format("cluster.id={}\n", escape(*meta.cluster_id, false));
  out += fmt::format("version={}\n", meta.version);
  if (meta.broker_id) out += fmt::format("broker.id={}\n", meta.broker_id->value());
  for (const auto& [k, v] : meta.other)
    out += escape(k, true) + "=" + escape(v, false) + "\n";
  return out;
}

Result<std::optional<MetaProperties>, LogError> read_meta_properties(
    const std::filesystem::path& dir) {
  auto text = read_small_file(dir / kMetaPropertiesFile, kMaxMetaPropertiesBytes);
  if (!text) {
    if (text.error().err == ENOENT) return std::optional<MetaProperties>();
    return unexpected(LogError::make(LogErrc::kStorageError, text.error().message));
  }
  auto meta = parse_meta_properties(*text);
  if (!meta) return unexpected(meta.error());
  return std::optional<MetaProperties>(std::move(meta).value());
}

Result<void, LogError> write_meta_properties(const std::filesystem::path& dir,
                                             const MetaProperties& meta) {
  auto r = write_file_atomically(dir / kMetaPropertiesFile, format_meta_properties(meta));
  if (!r) return unexpected(LogError::make(LogErrc::kStorageError, r.error().message));
  return {};
}

}  // namespace gregor::log
