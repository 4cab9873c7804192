// Answers about the cluster that several handlers give the same way.
#pragma once

#include <cstdint>

#include "gregor/cluster/metadata_cache.h"

namespace gregor::broker {

// The controller id to report to clients: the controller only while it is a live broker,
// else -1, so that clients routing admin requests to it always reach a broker that exists.
inline int32_t live_controller_id(const cluster::MetadataSnapshot& snapshot) {
  const auto controller = snapshot.controller_id();
  return controller && snapshot.broker(*controller) != nullptr ? controller->value() : -1;
}

}  // namespace gregor::broker
