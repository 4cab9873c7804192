// A topic partition and the name of its directory inside a log dir.
#pragma once

#include <compare>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "gregor/common/strong_id.h"

namespace gregor::log {

struct TopicPartition {
  std::string topic;
  PartitionId partition;

  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
};

// "<topic>-<partition>", the directory Kafka keeps a partition's segments in.
std::string partition_dir_name(const TopicPartition& tp);

// Parses a partition directory name: the partition is what follows the last '-'. Returns
// std::nullopt for names that are not partition directories (a missing or non-numeric
// partition, an empty topic, or a directory Kafka marks for deletion or future use).
std::optional<TopicPartition> parse_partition_dir_name(std::string_view name);

// True for directories Kafka renamed for asynchronous deletion: "<tp>.<uuid>-delete".
bool is_deleted_partition_dir_name(std::string_view name);

}  // namespace gregor::log

template <>
struct std::hash<gregor::log::TopicPartition> {
  size_t operator()(const gregor::log::TopicPartition& tp) const noexcept {
    return std::hash<std::string>{}(tp.topic) * 31 + std::hash<int32_t>{}(tp.partition.value());
  }
};
