// The version gregor reports, and the Apache Kafka release whose behaviour it follows.
#pragma once

namespace gregor::broker {

inline constexpr const char* kVersion = "0.1.0";
inline constexpr const char* kKafkaVersion = "3.9.1";

}  // namespace gregor::broker
