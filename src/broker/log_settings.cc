#include "broker/log_settings.h"

namespace gregor::broker {

log::LogConfig to_log_config(const config::TopicConfig& topic) {
  log::LogConfig out;
  out.segment_bytes = topic.segment_bytes;
  out.segment_ms = topic.segment_ms;
  out.segment_jitter_ms = topic.segment_jitter_ms;
  out.segment_index_bytes = topic.segment_index_bytes;
  out.index_interval_bytes = topic.index_interval_bytes;
  out.max_message_bytes = topic.max_message_bytes;
  out.retention_ms = topic.retention_ms;
  out.retention_bytes = topic.retention_bytes;
  out.cleanup_delete = topic.cleanup_delete;
  out.file_delete_delay_ms = topic.file_delete_delay_ms;
  // Kafka's defaults for flushing are Long.MAX_VALUE: leave flushing to the OS.
  out.flush_messages = topic.flush_messages;
  out.flush_ms = topic.flush_ms;
  out.timestamp_type = topic.message_timestamp_type == config::TimestampType::kLogAppendTime
                           ? records::TimestampType::kLogAppendTime
                           : records::TimestampType::kCreateTime;
  out.timestamp_before_max_ms = topic.message_timestamp_before_max_ms;
  out.timestamp_after_max_ms = topic.message_timestamp_after_max_ms;
  // The config layer has validated the name, so parse() cannot fail here.
  out.compression = log::TopicCompression::parse(topic.compression_type)
                        .value_or(log::TopicCompression::producer());
  return out;
}

log::LogManagerConfig make_log_manager_config(const config::BrokerConfig& broker) {
  log::LogManagerConfig out;
  for (const auto& dir : broker.log_dirs())
    out.log_dirs.emplace_back(dir);
  if (auto defaults = config::TopicConfig::create(broker, {})) {
    out.default_config = to_log_config(*defaults);
  }
  out.retention_check_interval_ms = broker.get_long("log.retention.check.interval.ms");
  out.recovery_point_checkpoint_interval_ms =
      broker.get_long("log.flush.offset.checkpoint.interval.ms");
  out.log_start_offset_checkpoint_interval_ms =
      broker.get_long("log.flush.start.offset.checkpoint.interval.ms");
  out.high_watermark_checkpoint_interval_ms =
      broker.get_long("replica.high.watermark.checkpoint.interval.ms");
  return out;
}

}  // namespace gregor::broker
