#include "checkpoint_file.h"

#include <cerrno>
#include <charconv>

#include <fmt/format.h>

namespace gregor::log {
namespace {

constexpr int kCheckpointVersion = 0;

template <class Int>
bool parse_int(std::string_view s, Int& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t')
      ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

CheckpointError format_error(std::string message) {
  return CheckpointError{false, std::move(message)};
}

// Splits the file into its entry lines after checking the version and the count, which
// must match the number of lines exactly: a short file means a torn write.
Result<std::vector<std::vector<std::string_view>>, CheckpointError> parse_lines(
    std::string_view text, size_t fields_per_line) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  while (!lines.empty() && lines.back().empty())
    lines.pop_back();
  if (lines.empty()) return std::vector<std::vector<std::string_view>>{};

  int version = -1;
  if (!parse_int(lines[0], version) || version != kCheckpointVersion) {
    return unexpected(format_error(fmt::format("unsupported checkpoint version '{}'", lines[0])));
  }
  if (lines.size() < 2) return std::vector<std::vector<std::string_view>>{};
  int64_t count = -1;
  if (!parse_int(lines[1], count) || count < 0) {
    return unexpected(format_error(fmt::format("malformed entry count '{}'", lines[1])));
  }
  if (static_cast<uint64_t>(count) != lines.size() - 2) {
    return unexpected(
        format_error(fmt::format("expected {} entries but found {}", count, lines.size() - 2)));
  }
  std::vector<std::vector<std::string_view>> entries;
  entries.reserve(lines.size() - 2);
  for (size_t i = 2; i < lines.size(); ++i) {
    auto fields = split_fields(lines[i]);
    if (fields.size() != fields_per_line) {
      return unexpected(format_error(fmt::format("malformed line '{}'", lines[i])));
    }
    entries.push_back(std::move(fields));
  }
  return entries;
}

std::string header(size_t count) {
  return fmt::format("{}\n{}\n", kCheckpointVersion, count);
}

Result<std::string, CheckpointError> read_or_empty(const std::filesystem::path& path) {
  auto text = read_small_file(path, kMaxCheckpointFileBytes);
  if (!text) {
    if (text.error().err == ENOENT) return std::string();
    return unexpected(CheckpointError{true, text.error().message});
  }
  return std::move(text).value();
}

}  // namespace

std::string format_offset_checkpoint(const OffsetMap& offsets) {
  std::string out = header(offsets.size());
  for (const auto& [tp, offset] : offsets) {
    out += fmt::format("{} {} {}\n", tp.topic, tp.partition.value(), offset.value());
  }
  return out;
}

Result<OffsetMap, CheckpointError> parse_offset_checkpoint(std::string_view text) {
  auto lines = parse_lines(text, 3);
  if (!lines) return unexpected(lines.error());
  OffsetMap offsets;
  for (const auto& fields : *lines) {
    int32_t partition = -1;
    int64_t offset = -1;
    if (!parse_int(fields[1], partition) || partition < 0 || !parse_int(fields[2], offset)) {
      return unexpected(format_error(fmt::format("malformed entry for topic '{}'", fields[0])));
    }
    offsets[TopicPartition{std::string(fields[0]), PartitionId(partition)}] = Offset(offset);
  }
  return offsets;
}

std::string format_epoch_checkpoint(const std::vector<EpochEntry>& entries) {
  std::string out = header(entries.size());
  for (const auto& e : entries) {
    out += fmt::format("{} {}\n", e.epoch.value(), e.start_offset.value());
  }
  return out;
}

Result<std::vector<EpochEntry>, CheckpointError> parse_epoch_checkpoint(std::string_view text) {
  auto lines = parse_lines(text, 2);
  if (!lines) return unexpected(lines.error());
  std::vector<EpochEntry> entries;
  for (const auto& fields : *lines) {
    int32_t epoch = -1;
    int64_t offset = -1;
    if (!parse_int(fields[0], epoch) || !parse_int(fields[1], offset)) {
      return unexpected(format_error("malformed leader epoch entry"));
    }
    entries.push_back(EpochEntry{LeaderEpoch(epoch), Offset(offset)});
  }
  return entries;
}

Result<OffsetMap, CheckpointError> read_offset_checkpoint(const std::filesystem::path& path) {
  auto text = read_or_empty(path);
  if (!text) return unexpected(text.error());
  return parse_offset_checkpoint(*text);
}

Result<std::vector<EpochEntry>, CheckpointError> read_epoch_checkpoint(
    const std::filesystem::path& path) {
  auto text = read_or_empty(path);
  if (!text) return unexpected(text.error());
  return parse_epoch_checkpoint(*text);
}

IoResult<void> write_offset_checkpoint(const std::filesystem::path& path,
                                       const OffsetMap& offsets) {
  return write_file_atomically(path, format_offset_checkpoint(offsets));
}

IoResult<void> write_epoch_checkpoint(const std::filesystem::path& path,
                                      const std::vector<EpochEntry>& entries) {
  return write_file_atomically(path, format_epoch_checkpoint(entries));
}

}  // namespace gregor::log
