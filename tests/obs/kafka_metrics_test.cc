// Every catalog name equals what the JMX exporter's Kafka rules make of the MBean it stands
// for.
#include "gregor/obs/kafka_metrics.h"

#include <gtest/gtest.h>

namespace gregor::obs {
namespace {

struct Origin {
  const MetricDef& def;
  std::string_view domain;
  std::string_view type;
  std::string_view name;
  JmxKind kind;
  MetricType expected_type;
};

TEST(KafkaMetricsTest, DerivationRules) {
  EXPECT_EQ(
      jmx_prometheus_name("kafka.server", "BrokerTopicMetrics", "BytesInPerSec", JmxKind::kMeter),
      "kafka_server_brokertopicmetrics_bytesin_total");
  EXPECT_EQ(jmx_prometheus_name("kafka.server", "ReplicaManager", "UnderReplicatedPartitions",
                                JmxKind::kGauge),
            "kafka_server_replicamanager_underreplicatedpartitions");
  EXPECT_EQ(
      jmx_prometheus_name("kafka.network", "RequestMetrics", "TotalTimeMs", JmxKind::kHistogram),
      "kafka_network_requestmetrics_totaltimems");
  EXPECT_EQ(jmx_prometheus_name("kafka.coordinator.group", "GroupMetadataManager", "NumGroups",
                                JmxKind::kGauge),
            "kafka_coordinator_group_groupmetadatamanager_numgroups");
  EXPECT_EQ(jmx_prometheus_name("kafka.server", "socket-server-metrics", "connection-count",
                                JmxKind::kGauge),
            "kafka_server_socket_server_metrics_connection_count");
}

TEST(KafkaMetricsTest, CatalogMatchesMBeans) {
  using kafka::kCounter;
  using kafka::kGauge;
  using kafka::kSummary;
  const Origin origins[] = {
      {kafka::kBytesIn, "kafka.server", "BrokerTopicMetrics", "BytesInPerSec", JmxKind::kMeter,
       kCounter},
      {kafka::kBytesOut, "kafka.server", "BrokerTopicMetrics", "BytesOutPerSec", JmxKind::kMeter,
       kCounter},
      {kafka::kMessagesIn, "kafka.server", "BrokerTopicMetrics", "MessagesInPerSec",
       JmxKind::kMeter, kCounter},
      {kafka::kBytesRejected, "kafka.server", "BrokerTopicMetrics", "BytesRejectedPerSec",
       JmxKind::kMeter, kCounter},
      {kafka::kReplicationBytesIn, "kafka.server", "BrokerTopicMetrics", "ReplicationBytesInPerSec",
       JmxKind::kMeter, kCounter},
      {kafka::kReplicationBytesOut, "kafka.server", "BrokerTopicMetrics",
       "ReplicationBytesOutPerSec", JmxKind::kMeter, kCounter},
      {kafka::kTotalProduceRequests, "kafka.server", "BrokerTopicMetrics",
       "TotalProduceRequestsPerSec", JmxKind::kMeter, kCounter},
      {kafka::kTotalFetchRequests, "kafka.server", "BrokerTopicMetrics", "TotalFetchRequestsPerSec",
       JmxKind::kMeter, kCounter},
      {kafka::kFailedProduceRequests, "kafka.server", "BrokerTopicMetrics",
       "FailedProduceRequestsPerSec", JmxKind::kMeter, kCounter},
      {kafka::kFailedFetchRequests, "kafka.server", "BrokerTopicMetrics",
       "FailedFetchRequestsPerSec", JmxKind::kMeter, kCounter},
      {kafka::kInvalidMessageCrcRecords, "kafka.server", "BrokerTopicMetrics",
       "InvalidMessageCrcRecordsPerSec", JmxKind::kMeter, kCounter},
      {kafka::kInvalidMagicNumberRecords, "kafka.server", "BrokerTopicMetrics",
       "InvalidMagicNumberRecordsPerSec", JmxKind::kMeter, kCounter},
      {kafka::kInvalidOffsetOrSequenceRecords, "kafka.server", "BrokerTopicMetrics",
       "InvalidOffsetOrSequenceRecordsPerSec", JmxKind::kMeter, kCounter},
      {kafka::kNoKeyCompactedTopicRecords, "kafka.server", "BrokerTopicMetrics",
       "NoKeyCompactedTopicRecordsPerSec", JmxKind::kMeter, kCounter},
      {kafka::kPartitionCount, "kafka.server", "ReplicaManager", "PartitionCount", JmxKind::kGauge,
       kGauge},
      {kafka::kLeaderCount, "kafka.server", "ReplicaManager", "LeaderCount", JmxKind::kGauge,
       kGauge},
      {kafka::kUnderReplicatedPartitions, "kafka.server", "ReplicaManager",
       "UnderReplicatedPartitions", JmxKind::kGauge, kGauge},
      {kafka::kUnderMinIsrPartitionCount, "kafka.server", "ReplicaManager",
       "UnderMinIsrPartitionCount", JmxKind::kGauge, kGauge},
      {kafka::kAtMinIsrPartitionCount, "kafka.server", "ReplicaManager", "AtMinIsrPartitionCount",
       JmxKind::kGauge, kGauge},
      {kafka::kOfflineReplicaCount, "kafka.server", "ReplicaManager", "OfflineReplicaCount",
       JmxKind::kGauge, kGauge},
      {kafka::kIsrShrinks, "kafka.server", "ReplicaManager", "IsrShrinksPerSec", JmxKind::kMeter,
       kCounter},
      {kafka::kIsrExpands, "kafka.server", "ReplicaManager", "IsrExpandsPerSec", JmxKind::kMeter,
       kCounter},
      {kafka::kFailedIsrUpdates, "kafka.server", "ReplicaManager", "FailedIsrUpdatesPerSec",
       JmxKind::kMeter, kCounter},
      {kafka::kBrokerState, "kafka.server", "KafkaServer", "BrokerState", JmxKind::kGauge, kGauge},
      {kafka::kActiveControllerCount, "kafka.controller", "KafkaController",
       "ActiveControllerCount", JmxKind::kGauge, kGauge},
      {kafka::kOfflinePartitionsCount, "kafka.controller", "KafkaController",
       "OfflinePartitionsCount", JmxKind::kGauge, kGauge},
      {kafka::kPreferredReplicaImbalanceCount, "kafka.controller", "KafkaController",
       "PreferredReplicaImbalanceCount", JmxKind::kGauge, kGauge},
      {kafka::kGlobalTopicCount, "kafka.controller", "KafkaController", "GlobalTopicCount",
       JmxKind::kGauge, kGauge},
      {kafka::kGlobalPartitionCount, "kafka.controller", "KafkaController", "GlobalPartitionCount",
       JmxKind::kGauge, kGauge},
      {kafka::kUncleanLeaderElections, "kafka.controller", "ControllerStats",
       "UncleanLeaderElectionsPerSec", JmxKind::kMeter, kCounter},
      {kafka::kLeaderElectionRateAndTimeMs, "kafka.controller", "ControllerStats",
       "LeaderElectionRateAndTimeMs", JmxKind::kHistogram, kSummary},
      {kafka::kRequests, "kafka.network", "RequestMetrics", "RequestsPerSec", JmxKind::kMeter,
       kCounter},
      {kafka::kErrors, "kafka.network", "RequestMetrics", "ErrorsPerSec", JmxKind::kMeter,
       kCounter},
      {kafka::kTotalTimeMs, "kafka.network", "RequestMetrics", "TotalTimeMs", JmxKind::kHistogram,
       kSummary},
      {kafka::kRequestQueueTimeMs, "kafka.network", "RequestMetrics", "RequestQueueTimeMs",
       JmxKind::kHistogram, kSummary},
      {kafka::kLocalTimeMs, "kafka.network", "RequestMetrics", "LocalTimeMs", JmxKind::kHistogram,
       kSummary},
      {kafka::kRemoteTimeMs, "kafka.network", "RequestMetrics", "RemoteTimeMs", JmxKind::kHistogram,
       kSummary},
      {kafka::kResponseQueueTimeMs, "kafka.network", "RequestMetrics", "ResponseQueueTimeMs",
       JmxKind::kHistogram, kSummary},
      {kafka::kResponseSendTimeMs, "kafka.network", "RequestMetrics", "ResponseSendTimeMs",
       JmxKind::kHistogram, kSummary},
      {kafka::kThrottleTimeMs, "kafka.network", "RequestMetrics", "ThrottleTimeMs",
       JmxKind::kHistogram, kSummary},
      {kafka::kRequestBytes, "kafka.network", "RequestMetrics", "RequestBytes", JmxKind::kHistogram,
       kSummary},
      {kafka::kRequestQueueSize, "kafka.network", "RequestChannel", "RequestQueueSize",
       JmxKind::kGauge, kGauge},
      {kafka::kResponseQueueSize, "kafka.network", "RequestChannel", "ResponseQueueSize",
       JmxKind::kGauge, kGauge},
      {kafka::kNetworkProcessorAvgIdlePercent, "kafka.network", "SocketServer",
       "NetworkProcessorAvgIdlePercent", JmxKind::kGauge, kGauge},
      {kafka::kRequestHandlerAvgIdle, "kafka.server", "KafkaRequestHandlerPool",
       "RequestHandlerAvgIdlePercent", JmxKind::kMeter, kCounter},
      {kafka::kPurgatorySize, "kafka.server", "DelayedOperationPurgatory", "PurgatorySize",
       JmxKind::kGauge, kGauge},
      {kafka::kLogSize, "kafka.log", "Log", "Size", JmxKind::kGauge, kGauge},
      {kafka::kLogNumSegments, "kafka.log", "Log", "NumLogSegments", JmxKind::kGauge, kGauge},
      {kafka::kLogStartOffset, "kafka.log", "Log", "LogStartOffset", JmxKind::kGauge, kGauge},
      {kafka::kLogEndOffset, "kafka.log", "Log", "LogEndOffset", JmxKind::kGauge, kGauge},
      {kafka::kLogFlushRateAndTimeMs, "kafka.log", "LogFlushStats", "LogFlushRateAndTimeMs",
       JmxKind::kHistogram, kSummary},
      {kafka::kOfflineLogDirectoryCount, "kafka.log", "LogManager", "OfflineLogDirectoryCount",
       JmxKind::kGauge, kGauge},
      {kafka::kNumGroups, "kafka.coordinator.group", "GroupMetadataManager", "NumGroups",
       JmxKind::kGauge, kGauge},
      {kafka::kNumOffsets, "kafka.coordinator.group", "GroupMetadataManager", "NumOffsets",
       JmxKind::kGauge, kGauge},
      {kafka::kZooKeeperRequestLatencyMs, "kafka.server", "ZooKeeperClientMetrics",
       "ZooKeeperRequestLatencyMs", JmxKind::kHistogram, kSummary},
      {kafka::kZooKeeperExpires, "kafka.server", "SessionExpireListener", "ZooKeeperExpiresPerSec",
       JmxKind::kMeter, kCounter},
      {kafka::kZooKeeperDisconnects, "kafka.server", "SessionExpireListener",
       "ZooKeeperDisconnectsPerSec", JmxKind::kMeter, kCounter},
      {kafka::kZooKeeperSyncConnects, "kafka.server", "SessionExpireListener",
       "ZooKeeperSyncConnectsPerSec", JmxKind::kMeter, kCounter},
  };
  for (const auto& o : origins) {
    EXPECT_EQ(o.def.name, jmx_prometheus_name(o.domain, o.type, o.name, o.kind)) << o.name;
    EXPECT_EQ(o.def.type, o.expected_type) << o.name;
    EXPECT_FALSE(o.def.help.empty()) << o.name;
  }
}

}  // namespace
}  // namespace gregor::obs
