// Connection limits at accept time: max.connections over the whole server and
// max.connections.per.ip with its per-address overrides.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "gregor/common/result.h"

namespace gregor::net {

class ConnectionQuota {
 public:
  ConnectionQuota(int32_t max_connections, int32_t max_per_ip,
                  std::unordered_map<std::string, int32_t> per_ip_overrides);

  // Reserves a place for a connection from `ip`, or returns why there is none (one phrase
  // naming the setting and its value, for the log).
  Result<void, std::string> try_admit(const std::string& ip);

  // Gives back a place reserved by try_admit().
  void release(const std::string& ip);

  size_t total() const { return total_; }
  size_t count_for(const std::string& ip) const;

 private:
  int32_t max_connections_;
  int32_t max_per_ip_;
  std::unordered_map<std::string, int32_t> overrides_;
  std::unordered_map<std::string, size_t> per_ip_;
  size_t total_ = 0;
};

}  // namespace gregor::net
