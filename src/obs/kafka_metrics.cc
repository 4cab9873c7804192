#include "gregor/obs/kafka_metrics.h"

namespace gregor::obs {

namespace {

// The exporter lower-cases names and turns anything outside [a-z0-9_:] into '_'.
void append_sanitized(std::string& out, std::string_view part) {
  for (char c : part) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
    out += ok ? c : '_';
  }
}

}  // namespace

std::string jmx_prometheus_name(std::string_view domain, std::string_view type,
                                std::string_view name, JmxKind kind) {
  // The rules match kafka.(\w+)<type=(.+), name=(.+)...>; a dotted domain such as
  // kafka.coordinator.group keeps its inner dots, which sanitizing turns into '_'.
  std::string_view sub_domain = domain.starts_with("kafka.") ? domain.substr(6) : domain;
  std::string suffix;
  if (kind == JmxKind::kMeter) {
    // name=(.+)PerSec\w* : everything before the last "PerSec" that is followed only by word
    // characters.
    size_t per_sec = name.rfind("PerSec");
    if (per_sec != std::string_view::npos) {
      name = name.substr(0, per_sec);
      suffix = "_total";
    } else {
      suffix = "_count";
    }
  }
  std::string out = "kafka_";
  append_sanitized(out, sub_domain);
  out += '_';
  append_sanitized(out, type);
  out += '_';
  append_sanitized(out, name);
  out += suffix;
  return out;
}

}  // namespace gregor::obs
