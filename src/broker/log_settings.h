// Translates topic configuration (config module) into the log module's settings, so that
// neither module depends on the other.
#pragma once

#include "gregor/config/broker_config.h"
#include "gregor/config/topic_config.h"
#include "gregor/log/log_config.h"
#include "gregor/log/log_manager.h"

namespace gregor::broker {

log::LogConfig to_log_config(const config::TopicConfig& topic);

// The log manager's settings: log.dirs, the broker's topic defaults, and the intervals.
log::LogManagerConfig make_log_manager_config(const config::BrokerConfig& broker);

}  // namespace gregor::broker
