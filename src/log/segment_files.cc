#include "segment_files.h"

#include <charconv>

#include <fmt/format.h>

namespace gregor::log {

std::string segment_file_name(Offset base, std::string_view suffix) {
  return fmt::format("{:020d}{}", base.value(), suffix);
}

std::filesystem::path segment_path(const std::filesystem::path& dir, Offset base,
                                   std::string_view suffix) {
  return dir / segment_file_name(base, suffix);
}

std::optional<Offset> parse_segment_file_name(std::string_view name, std::string_view suffix) {
  constexpr size_t kDigits = 20;
  if (name.size() != kDigits + suffix.size() || !name.ends_with(suffix)) return std::nullopt;
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + kDigits, value);
  if (ec != std::errc() || ptr != name.data() + kDigits || value < 0) return std::nullopt;
  return Offset(value);
}

}  // namespace gregor::log
