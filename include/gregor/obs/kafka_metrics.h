// Kafka's broker metrics under the names the Prometheus JMX exporter gives them with its Kafka
// rules (example_configs/kafka-2_0_0.yml, lowercaseOutputName), which Grafana dashboards and
// alerts key on. Each constant notes the MBean it stands for; labels are the MBean's extra keys
// in MBean order (e.g. request, then version).
#pragma once

#include <string>
#include <string_view>

#include "gregor/obs/metrics.h"

namespace gregor::obs {

// How the JMX exporter turns an MBean attribute into a Prometheus name.
enum class JmxKind : int8_t {
  kMeter,      // Count of a Meter: "...PerSec" becomes "..._total", others get "_count".
  kGauge,      // Value of a Gauge.
  kHistogram,  // Percentiles of a Histogram or Timer (a summary).
};

// kafka.<domain>:type=<type>,name=<name> -> e.g. "kafka_server_brokertopicmetrics_bytesin_total"
// for ("kafka.server", "BrokerTopicMetrics", "BytesInPerSec", kMeter). The result is lower
// case with characters outside [a-z0-9_:] replaced by '_'.
std::string jmx_prometheus_name(std::string_view domain, std::string_view type,
                                std::string_view name, JmxKind kind);

namespace kafka {

using enum MetricType;

// kafka.server:type=BrokerTopicMetrics,name=<X>PerSec[,topic=T]. Kafka keeps an all-topics
// series (no labels) next to the per-topic ones (topic label); the broker updates both.
inline constexpr MetricDef kBytesIn{"kafka_server_brokertopicmetrics_bytesin_total",
                                    "Bytes received from producers.", kCounter};
inline constexpr MetricDef kBytesOut{"kafka_server_brokertopicmetrics_bytesout_total",
                                     "Bytes sent to consumers and followers.", kCounter};
inline constexpr MetricDef kMessagesIn{"kafka_server_brokertopicmetrics_messagesin_total",
                                       "Records received from producers.", kCounter};
inline constexpr MetricDef kBytesRejected{"kafka_server_brokertopicmetrics_bytesrejected_total",
                                          "Bytes of produce requests rejected as too large.",
                                          kCounter};
inline constexpr MetricDef kReplicationBytesIn{
    "kafka_server_brokertopicmetrics_replicationbytesin_total",
    "Bytes fetched from leaders by this broker's followers.", kCounter};
inline constexpr MetricDef kReplicationBytesOut{
    "kafka_server_brokertopicmetrics_replicationbytesout_total",
    "Bytes served to followers of other brokers.", kCounter};
inline constexpr MetricDef kTotalProduceRequests{
    "kafka_server_brokertopicmetrics_totalproducerequests_total",
    "Produce requests per topic, successful or not.", kCounter};
inline constexpr MetricDef kTotalFetchRequests{
    "kafka_server_brokertopicmetrics_totalfetchrequests_total",
    "Fetch requests per topic, successful or not.", kCounter};
inline constexpr MetricDef kFailedProduceRequests{
    "kafka_server_brokertopicmetrics_failedproducerequests_total",
    "Produce requests per topic that failed.", kCounter};
inline constexpr MetricDef kFailedFetchRequests{
    "kafka_server_brokertopicmetrics_failedfetchrequests_total",
    "Fetch requests per topic that failed.", kCounter};
inline constexpr MetricDef kInvalidMessageCrcRecords{
    "kafka_server_brokertopicmetrics_invalidmessagecrcrecords_total",
    "Batches rejected for a bad CRC.", kCounter};
inline constexpr MetricDef kInvalidMagicNumberRecords{
    "kafka_server_brokertopicmetrics_invalidmagicnumberrecords_total",
    "Batches rejected for an unknown magic byte.", kCounter};
inline constexpr MetricDef kInvalidOffsetOrSequenceRecords{
    "kafka_server_brokertopicmetrics_invalidoffsetorsequencerecords_total",
    "Batches rejected for bad offsets or sequence numbers.", kCounter};
inline constexpr MetricDef kNoKeyCompactedTopicRecords{
    "kafka_server_brokertopicmetrics_nokeycompactedtopicrecords_total",
    "Records without a key rejected by compacted topics.", kCounter};

// kafka.server:type=ReplicaManager.
inline constexpr MetricDef kPartitionCount{"kafka_server_replicamanager_partitioncount",
                                           "Partitions with a replica on this broker.", kGauge};
inline constexpr MetricDef kLeaderCount{"kafka_server_replicamanager_leadercount",
                                        "Partitions this broker leads.", kGauge};
inline constexpr MetricDef kUnderReplicatedPartitions{
    "kafka_server_replicamanager_underreplicatedpartitions",
    "Led partitions whose ISR is smaller than their replica set.", kGauge};
inline constexpr MetricDef kUnderMinIsrPartitionCount{
    "kafka_server_replicamanager_underminisrpartitioncount",
    "Led partitions whose ISR is below min.insync.replicas.", kGauge};
inline constexpr MetricDef kAtMinIsrPartitionCount{
    "kafka_server_replicamanager_atminisrpartitioncount",
    "Led partitions whose ISR is exactly min.insync.replicas.", kGauge};
inline constexpr MetricDef kOfflineReplicaCount{"kafka_server_replicamanager_offlinereplicacount",
                                                "Replicas on failed log directories.", kGauge};
inline constexpr MetricDef kIsrShrinks{"kafka_server_replicamanager_isrshrinks_total",
                                       "Times a led partition's ISR shrank.", kCounter};
inline constexpr MetricDef kIsrExpands{"kafka_server_replicamanager_isrexpands_total",
                                       "Times a led partition's ISR grew.", kCounter};
inline constexpr MetricDef kFailedIsrUpdates{"kafka_server_replicamanager_failedisrupdates_total",
                                             "ISR changes that could not be written.", kCounter};

// kafka.server:type=KafkaServer,name=BrokerState: 0 NOT_RUNNING, 1 STARTING, 2 RECOVERY,
// 3 RUNNING, 6 PENDING_CONTROLLED_SHUTDOWN, 7 SHUTTING_DOWN.
inline constexpr MetricDef kBrokerState{"kafka_server_kafkaserver_brokerstate",
                                        "Broker lifecycle state; 3 is RUNNING.", kGauge};

// kafka.controller:type=KafkaController and type=ControllerStats.
inline constexpr MetricDef kActiveControllerCount{
    "kafka_controller_kafkacontroller_activecontrollercount",
    "1 on the broker that is the active controller, else 0.", kGauge};
inline constexpr MetricDef kOfflinePartitionsCount{
    "kafka_controller_kafkacontroller_offlinepartitionscount",
    "Partitions without a live leader, as the controller sees them.", kGauge};
inline constexpr MetricDef kPreferredReplicaImbalanceCount{
    "kafka_controller_kafkacontroller_preferredreplicaimbalancecount",
    "Partitions not led by their preferred replica.", kGauge};
inline constexpr MetricDef kGlobalTopicCount{"kafka_controller_kafkacontroller_globaltopiccount",
                                             "Topics in the cluster.", kGauge};
inline constexpr MetricDef kGlobalPartitionCount{
    "kafka_controller_kafkacontroller_globalpartitioncount", "Partitions in the cluster.", kGauge};
inline constexpr MetricDef kUncleanLeaderElections{
    "kafka_controller_controllerstats_uncleanleaderelections_total",
    "Leaders elected from outside the ISR.", kCounter};
inline constexpr MetricDef kLeaderElectionRateAndTimeMs{
    "kafka_controller_controllerstats_leaderelectionrateandtimems",
    "Time the controller took per leader election, in ms.", kSummary};

// kafka.network:type=RequestMetrics. Requests: labels request, version. Errors: request, error.
// Times: label request ("Produce", "FetchConsumer", "FetchFollower", "Metadata", ...).
// kafka.server:type=socket-server-metrics,listener=L: connections and bytes per listener.
inline constexpr MetricDef kConnectionCount{"kafka_server_socket_server_metrics_connection_count",
                                            "Open client connections, by listener.", kGauge};
inline constexpr MetricDef kConnectionCreationTotal{
    "kafka_server_socket_server_metrics_connection_creation_total",
    "Connections accepted since start, by listener.", kCounter};
inline constexpr MetricDef kConnectionCloseTotal{
    "kafka_server_socket_server_metrics_connection_close_total",
    "Connections closed since start, by listener.", kCounter};
inline constexpr MetricDef kIncomingByteTotal{
    "kafka_server_socket_server_metrics_incoming_byte_total",
    "Bytes read from client connections, by listener.", kCounter};
inline constexpr MetricDef kOutgoingByteTotal{
    "kafka_server_socket_server_metrics_outgoing_byte_total",
    "Bytes written to client connections, by listener.", kCounter};

inline constexpr MetricDef kRequests{"kafka_network_requestmetrics_requests_total",
                                     "Requests received, by API and version.", kCounter};
inline constexpr MetricDef kErrors{"kafka_network_requestmetrics_errors_total",
                                   "Responses sent, by API and error code name.", kCounter};
inline constexpr MetricDef kTotalTimeMs{"kafka_network_requestmetrics_totaltimems",
                                        "Time from receiving a request to sending its response, "
                                        "in ms.",
                                        kSummary};
inline constexpr MetricDef kRequestQueueTimeMs{"kafka_network_requestmetrics_requestqueuetimems",
                                               "Time a request waited before handling, in ms.",
                                               kSummary};
inline constexpr MetricDef kLocalTimeMs{"kafka_network_requestmetrics_localtimems",
                                        "Time spent handling a request on this broker, in ms.",
                                        kSummary};
inline constexpr MetricDef kRemoteTimeMs{"kafka_network_requestmetrics_remotetimems",
                                         "Time a request waited for other brokers or for data, "
                                         "in ms.",
                                         kSummary};
inline constexpr MetricDef kResponseQueueTimeMs{
    "kafka_network_requestmetrics_responsequeuetimems",
    "Time a response waited before sending started, in ms.", kSummary};
inline constexpr MetricDef kResponseSendTimeMs{"kafka_network_requestmetrics_responsesendtimems",
                                               "Time spent writing a response, in ms.", kSummary};
inline constexpr MetricDef kThrottleTimeMs{"kafka_network_requestmetrics_throttletimems",
                                           "Time a request was delayed by quotas, in ms.",
                                           kSummary};
inline constexpr MetricDef kRequestBytes{"kafka_network_requestmetrics_requestbytes",
                                         "Request sizes in bytes.", kSummary};

// kafka.network:type=RequestChannel and type=SocketServer.
inline constexpr MetricDef kRequestQueueSize{"kafka_network_requestchannel_requestqueuesize",
                                             "Requests read but not yet handled.", kGauge};
inline constexpr MetricDef kResponseQueueSize{"kafka_network_requestchannel_responsequeuesize",
                                              "Responses waiting to be written.", kGauge};
inline constexpr MetricDef kNetworkProcessorAvgIdlePercent{
    "kafka_network_socketserver_networkprocessoravgidlepercent",
    "Share of time the network loop was idle, from 0 to 1.", kGauge};

// kafka.server:type=KafkaRequestHandlerPool,name=RequestHandlerAvgIdlePercent is a Meter
// without the PerSec suffix, so the exporter names its count "_count": idle nanoseconds.
inline constexpr MetricDef kRequestHandlerAvgIdle{
    "kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent_count",
    "Nanoseconds the request handler spent idle; its rate over time is the idle share times "
    "1e9.",
    kCounter};

// kafka.server:type=DelayedOperationPurgatory,name=PurgatorySize,delayedOperation=<op>.
inline constexpr MetricDef kPurgatorySize{"kafka_server_delayedoperationpurgatory_purgatorysize",
                                          "Requests waiting in a purgatory (label "
                                          "delayedOperation: Produce, Fetch, ...).",
                                          kGauge};

// kafka.log:type=Log,name=<X>,topic=T,partition=P; LogFlushStats; LogManager.
inline constexpr MetricDef kLogSize{"kafka_log_log_size", "Bytes of a partition's log on disk.",
                                    kGauge};
inline constexpr MetricDef kLogNumSegments{"kafka_log_log_numlogsegments",
                                           "Segments of a partition's log.", kGauge};
inline constexpr MetricDef kLogStartOffset{"kafka_log_log_logstartoffset",
                                           "First offset of a partition's log.", kGauge};
inline constexpr MetricDef kLogEndOffset{"kafka_log_log_logendoffset",
                                         "Offset the next record of a partition will get.", kGauge};
inline constexpr MetricDef kLogFlushRateAndTimeMs{"kafka_log_logflushstats_logflushrateandtimems",
                                                  "Time per log flush (fsync), in ms.", kSummary};
inline constexpr MetricDef kOfflineLogDirectoryCount{
    "kafka_log_logmanager_offlinelogdirectorycount", "Log directories that failed.", kGauge};

// kafka.coordinator.group:type=GroupMetadataManager.
inline constexpr MetricDef kNumGroups{"kafka_coordinator_group_groupmetadatamanager_numgroups",
                                      "Consumer groups this broker coordinates.", kGauge};
inline constexpr MetricDef kNumOffsets{"kafka_coordinator_group_groupmetadatamanager_numoffsets",
                                       "Committed offsets this broker stores.", kGauge};

// kafka.server:type=ZooKeeperClientMetrics and type=SessionExpireListener.
inline constexpr MetricDef kZooKeeperRequestLatencyMs{
    "kafka_server_zookeeperclientmetrics_zookeeperrequestlatencyms",
    "Round-trip time of ZooKeeper requests, in ms.", kSummary};
inline constexpr MetricDef kZooKeeperExpires{
    "kafka_server_sessionexpirelistener_zookeeperexpires_total", "ZooKeeper session expirations.",
    kCounter};
inline constexpr MetricDef kZooKeeperDisconnects{
    "kafka_server_sessionexpirelistener_zookeeperdisconnects_total",
    "Times the ZooKeeper connection was lost.", kCounter};
inline constexpr MetricDef kZooKeeperSyncConnects{
    "kafka_server_sessionexpirelistener_zookeepersyncconnects_total",
    "Times the ZooKeeper connection was (re)established.", kCounter};

}  // namespace kafka
}  // namespace gregor::obs
