#include "gregor/log/topic_partition.h"

#include <charconv>

namespace gregor::log {

std::string partition_dir_name(const TopicPartition& tp) {
  return tp.topic + "-" + std::to_string(tp.partition.value());
}

std::optional<TopicPartition> parse_partition_dir_name(std::string_view name) {
  // Directories that Kafka renamed for deletion or for a future replica move end in
  // "-delete" / "-future" / "-stray" after a '.'-separated unique id; they are not logs.
  if (name.find('.') != std::string_view::npos &&
      (name.ends_with("-delete") || name.ends_with("-future") || name.ends_with("-stray"))) {
    return std::nullopt;
  }
  size_t dash = name.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) return std::nullopt;
  std::string_view digits = name.substr(dash + 1);
  int32_t partition = -1;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), partition);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || partition < 0) {
    return std::nullopt;
  }
  return TopicPartition{std::string(name.substr(0, dash)), PartitionId(partition)};
}

bool is_deleted_partition_dir_name(std::string_view name) {
  return name.find('.') != std::string_view::npos && name.ends_with("-delete");
}

}  // namespace gregor::log
