// Kafka's rules for topic names.
#pragma once

#include <string>
#include <string_view>

namespace gregor::broker {

inline constexpr size_t kMaxTopicNameLength = 249;

// Empty when `name` is a legal topic name, otherwise Kafka's reason, e.g.
// "Topic name is illegal, it can't be empty".
std::string topic_name_problem(std::string_view name);

}  // namespace gregor::broker
