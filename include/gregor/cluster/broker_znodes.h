// Typed contents of Kafka's broker-level znodes and their JSON, as Kafka 3.9 writes it.
//
// Encoders produce the exact bytes an Apache Kafka 3.9 broker (Scala 2.13 build) writes,
// including its key order, so that tools diffing znodes see no difference; key order is not
// significant to any reader. Decoders accept what any Kafka 2.x/3.x broker wrote and reject
// anything else with kMalformedZnode; they never throw.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gregor/cluster/cluster_error.h"
#include "gregor/common/result.h"
#include "gregor/common/strong_id.h"

namespace gregor::cluster {

// One advertised listener of a broker.
struct BrokerEndpoint {
  std::string listener;  // Listener name, e.g. "PLAINTEXT" or "INTERNAL".
  std::string host;      // IPv6 literals without brackets; may be empty.
  int32_t port = 0;
  std::string security_protocol;  // "PLAINTEXT", "SSL", "SASL_PLAINTEXT" or "SASL_SSL".

  // "LISTENER://host:port", with an IPv6 host in brackets.
  std::string connection_string() const;
  bool operator==(const BrokerEndpoint&) const = default;
};

// Parses "LISTENER://host:port" ("[v6]" hosts allowed). The protocol is left empty.
std::optional<BrokerEndpoint> parse_endpoint(std::string_view text);

struct FeatureRange {
  int16_t min_version = 0;
  int16_t max_version = 0;
  bool operator==(const FeatureRange&) const = default;
};

// /brokers/ids/<id> (ephemeral). Kafka writes JSON version 5.
struct BrokerInfo {
  BrokerId id;
  std::vector<BrokerEndpoint> endpoints;  // In advertised.listeners order.
  std::optional<std::string> rack;
  int32_t jmx_port = -1;
  int64_t timestamp_ms = 0;
  std::map<std::string, FeatureRange> features;
  int32_t version = 5;  // The JSON version read; encoding always writes 5.
};

std::string encode_broker_info(const BrokerInfo& info);
Result<BrokerInfo, ClusterError> decode_broker_info(BrokerId id, std::string_view json);

// /controller (ephemeral).
struct ControllerInfo {
  BrokerId broker_id;
  int64_t timestamp_ms = 0;
  int32_t kraft_controller_epoch = -1;  // Only set during a ZooKeeper-to-KRaft migration.
};

std::string encode_controller(const ControllerInfo& info);
Result<ControllerInfo, ClusterError> decode_controller(std::string_view json);

// /controller_epoch: plain decimal text, not JSON.
std::string encode_controller_epoch(ControllerEpoch epoch);
Result<ControllerEpoch, ClusterError> decode_controller_epoch(std::string_view text);

// /cluster/id: {"version":"1","id":"<22-character base64 uuid>"}; the version is a string.
std::string encode_cluster_id(std::string_view id);
Result<std::string, ClusterError> decode_cluster_id(std::string_view json);

// /latest_producer_id_block: the last block of producer ids handed out (inclusive range).
struct ProducerIdBlock {
  BrokerId broker;
  int64_t first = 0;
  int64_t last = 0;
};

std::string encode_producer_id_block(const ProducerIdBlock& block);
Result<ProducerIdBlock, ClusterError> decode_producer_id_block(std::string_view json);

// /feature: finalized features. Version 2 (IBP >= 3.3) keeps only max_version_level.
struct FeatureZnode {
  int32_t version = 2;
  int32_t status = 1;  // 1 = enabled, 0 = disabled.
  std::map<std::string, int16_t> max_version_levels;
};

std::string encode_feature_znode(const FeatureZnode& znode);
Result<FeatureZnode, ClusterError> decode_feature_znode(std::string_view json);

}  // namespace gregor::cluster
