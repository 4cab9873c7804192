// Checked access to JSON read from ZooKeeper. Anyone can write a znode, so every field is
// checked for presence, type and range before use, and nothing here throws.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gregor/cluster/cluster_error.h"

namespace gregor::cluster::json {

using Json = nlohmann::json;
// Encoders use an insertion-ordered object to control the key order of the output.
using OrderedJson = nlohmann::ordered_json;

// Compact JSON text, as Jackson writes it. Invalid UTF-8 (say, in a config value a client sent)
// is replaced rather than thrown on.
std::string to_text(const OrderedJson& value);

// The parsed object, or nullopt for invalid JSON or a non-object.
std::optional<Json> parse_object(std::string_view text);

const Json* field(const Json& object, std::string_view key);

// An integral number within [lo, hi]; nullopt when absent, not an integer or out of range.
std::optional<int64_t> int_field(const Json& object, std::string_view key,
                                 int64_t lo = std::numeric_limits<int32_t>::min(),
                                 int64_t hi = std::numeric_limits<int32_t>::max());
std::optional<std::string> string_field(const Json& object, std::string_view key);
// A decimal number written as a JSON string ("timestamp":"1729500000000").
std::optional<int64_t> decimal_string_field(const Json& object, std::string_view key);
// An array of int32 values (replica lists, ISRs).
std::optional<std::vector<int32_t>> int32_array(const Json& value);

// Strict parse of a whole decimal int32/int64 (optional leading '-'; nothing else).
std::optional<int64_t> parse_decimal(std::string_view text);

// A kMalformedZnode error naming the znode kind and the problem.
ClusterError malformed(std::string_view what, std::string_view problem);

}  // namespace gregor::cluster::json
