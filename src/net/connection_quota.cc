#include "connection_quota.h"

#include <algorithm>

#include <fmt/format.h>

namespace gregor::net {

ConnectionQuota::ConnectionQuota(int32_t max_connections, int32_t max_per_ip,
                                 std::unordered_map<std::string, int32_t> per_ip_overrides)
    : max_connections_(max_connections),
      max_per_ip_(max_per_ip),
      overrides_(std::move(per_ip_overrides)) {}

Result<void, std::string> ConnectionQuota::try_admit(const std::string& ip) {
  if (total_ >= static_cast<size_t>(std::max(max_connections_, 0))) {
    return unexpected(fmt::format("max.connections ({}) reached", max_connections_));
  }
  const auto override_it = overrides_.find(ip);
  const bool overridden = override_it != overrides_.end();
  const int32_t limit = overridden ? override_it->second : max_per_ip_;
  size_t& count = per_ip_[ip];
  if (count >= static_cast<size_t>(std::max(limit, 0))) {
    if (count == 0) per_ip_.erase(ip);
    return unexpected(fmt::format(
        "{} ({}) reached for {}",
        overridden ? "max.connections.per.ip.overrides" : "max.connections.per.ip", limit, ip));
  }
  ++count;
  ++total_;
  return {};
}

void ConnectionQuota::release(const std::string& ip) {
  const auto it = per_ip_.find(ip);
  if (it == per_ip_.end()) return;
  if (--it->second == 0) per_ip_.erase(it);
  --total_;
}

size_t ConnectionQuota::count_for(const std::string& ip) const {
  const auto it = per_ip_.find(ip);
  return it == per_ip_.end() ? 0 : it->second;
}

}  // namespace gregor::net
