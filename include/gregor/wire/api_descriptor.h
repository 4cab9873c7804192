// What the rest of the broker needs to know about one Kafka API without its message types:
// its key, supported versions, and which request/response header version each uses.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace gregor::wire {

struct VersionSpan {
  int16_t lo;  // -1 when empty
  int16_t hi;
  bool contains(int16_t v) const { return lo >= 0 && v >= lo && v <= hi; }
};

struct ApiDescriptor {
  int16_t key;
  std::string_view name;
  int16_t min_version;
  int16_t max_version;
  int16_t first_flexible_version;  // -1 when the API has no flexible versions
  VersionSpan request_header_v0;   // versions sent with request header v0 (no client id)
  VersionSpan response_header_v0;  // versions answered with response header v0 regardless

  bool supports(int16_t v) const { return v >= min_version && v <= max_version; }
  bool is_flexible(int16_t v) const {
    return first_flexible_version >= 0 && v >= first_flexible_version;
  }
  // Request header v0 has no client id, v1 adds it, v2 adds tagged fields.
  int16_t request_header_version(int16_t v) const {
    if (request_header_v0.contains(v)) return 0;
    return is_flexible(v) ? 2 : 1;
  }
  // Response header v0 is the correlation id alone; v1 adds tagged fields. ApiVersions always
  // answers with v0 so that a client can parse the answer before it knows our versions.
  int16_t response_header_version(int16_t v) const {
    if (response_header_v0.contains(v)) return 0;
    return is_flexible(v) ? 1 : 0;
  }
};

// The descriptor of an API key, or nullptr when the schemas have no such API.
const ApiDescriptor* find_api(int16_t key);

// Every API in the schemas, sorted by key.
std::span<const ApiDescriptor> all_apis();

}  // namespace gregor::wire
