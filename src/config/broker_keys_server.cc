// Broker keys: ZooKeeper, identity, threads, sockets, listeners, security, metrics, quotas.
// Defaults and validators are Kafka 3.9's; the descriptions are our own.
#include "choices.h"
#include "key_tables.h"

namespace gregor::config::tables {

namespace {

constexpr ConfigKey kServerKeys[] = {
    // ZooKeeper.
    row("zookeeper.connect", kString, nullptr, kAny, kHigh, kReadOnly,
        "ZooKeeper ensemble as host:port[,host:port...][/chroot]; required in ZooKeeper mode."),
    row("zookeeper.session.timeout.ms", kInt, "18000", kAny, kHigh, kReadOnly,
        "How long ZooKeeper keeps the broker's session alive without hearing from it."),
    row("zookeeper.connection.timeout.ms", kInt, nullptr, kAny, kHigh, kReadOnly,
        "How long to wait for a ZooKeeper connection; the session timeout when unset."),
    row("zookeeper.set.acl", kBoolean, "false", kAny, kHigh, kReadOnly,
        "Whether znodes the broker creates get secure ACLs."),
    row("zookeeper.max.in.flight.requests", kInt, "10", at_least(1), kHigh, kReadOnly,
        "Upper bound on unacknowledged ZooKeeper requests before the client waits."),
    row("zookeeper.ssl.client.enable", kBoolean, "false", kAny, kMedium, kReadOnly,
        "Whether the ZooKeeper connection uses TLS; gregor supports plain connections only."),
    row("zookeeper.clientCnxnSocket", kString, nullptr, kAny, kMedium, kReadOnly,
        "Java ZooKeeper client socket class; accepted for compatibility and ignored."),
    row("zookeeper.metadata.migration.enable", kBoolean, "false", kAny, kHigh, kReadOnly,
        "KRaft migration switch; gregor stays in ZooKeeper mode and reports this value only."),

    // Identity and threads.
    row("broker.id", kInt, "-1", kAny, kHigh, kReadOnly,
        "This broker's id; -1 asks ZooKeeper for a generated id above reserved.broker.max.id."),
    row("broker.id.generation.enable", kBoolean, "true", kAny, kMedium, kReadOnly,
        "Whether a broker without broker.id gets one generated through ZooKeeper."),
    row("reserved.broker.max.id", kInt, "1000", at_least(0), kMedium, kReadOnly,
        "Highest id an operator may assign; generated ids start above it."),
    row("broker.rack", kString, nullptr, kAny, kMedium, kReadOnly,
        "Rack label used to spread replicas across failure domains."),
    row("num.network.threads", kInt, "3", at_least(1), kHigh, kClusterWide,
        "Network thread count in Kafka; gregor serves sockets from its event loop."),
    row("num.io.threads", kInt, "8", at_least(1), kHigh, kClusterWide,
        "Request handler thread count in Kafka; reported for compatibility."),
    row("background.threads", kInt, "10", at_least(1), kHigh, kClusterWide,
        "Thread count for background work in Kafka; reported for compatibility."),
    row("num.replica.alter.log.dirs.threads", kInt, nullptr, kAny, kHigh, kReadOnly,
        "Threads moving replicas between log directories; defaults to the log dir count."),
    row("queued.max.requests", kInt, "500", at_least(1), kHigh, kReadOnly,
        "Requests that may wait for processing before the broker stops reading sockets."),
    row("queued.max.request.bytes", kLong, "-1", kAny, kMedium, kReadOnly,
        "Bytes of queued requests before reading pauses; -1 means no byte limit."),
    row("request.timeout.ms", kInt, "30000", kAny, kHigh, kReadOnly,
        "How long the broker waits for a reply to requests it sends itself."),
    row("socket.connection.setup.timeout.ms", kLong, "10000", kAny, kMedium, kReadOnly,
        "Initial wait for an outgoing connection to be established."),
    row("socket.connection.setup.timeout.max.ms", kLong, "30000", kAny, kMedium, kReadOnly,
        "Cap for the exponentially growing outgoing connection setup timeout."),

    // Listeners and sockets.
    row("listeners", kString, "PLAINTEXT://:9092", kAny, kHigh, kPerBroker,
        "Comma-separated NAME://host:port addresses to accept connections on."),
    row("advertised.listeners", kString, nullptr, kAny, kHigh, kPerBroker,
        "Addresses published to clients when they differ from listeners; listeners when unset."),
    row("listener.security.protocol.map", kString,
        "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL", kAny, kLow,
        kPerBroker, "NAME:PROTOCOL pairs giving the security protocol of each listener name."),
    row("control.plane.listener.name", kString, nullptr, kAny, kHigh, kReadOnly,
        "Listener reserved for controller traffic; unset means controller traffic shares others."),
    row("inter.broker.listener.name", kString, nullptr, kAny, kMedium, kReadOnly,
        "Listener brokers use to reach each other; excludes security.inter.broker.protocol."),
    row("security.inter.broker.protocol", kString, "PLAINTEXT", one_of(choices::kSecurityProtocols),
        kMedium, kReadOnly,
        "Security protocol between brokers when inter.broker.listener.name is unset."),
    row("socket.send.buffer.bytes", kInt, "102400", kAny, kHigh, kReadOnly,
        "SO_SNDBUF for client sockets; -1 leaves the operating system default."),
    row("socket.receive.buffer.bytes", kInt, "102400", kAny, kHigh, kReadOnly,
        "SO_RCVBUF for client sockets; -1 leaves the operating system default."),
    row("socket.request.max.bytes", kInt, "104857600", at_least(1), kHigh, kReadOnly,
        "Largest request frame accepted; longer frames close the connection."),
    row("socket.listen.backlog.size", kInt, "50", at_least(1), kMedium, kReadOnly,
        "Backlog passed to listen() for each listener socket."),
    row("max.connections.per.ip", kInt, kIntMax, at_least(0), kMedium, kClusterWide,
        "Connections allowed from one client address."),
    row("max.connections.per.ip.overrides", kString, "", kAny, kMedium, kClusterWide,
        "host:count pairs overriding max.connections.per.ip for specific addresses."),
    row("max.connections", kInt, kIntMax, at_least(0), kMedium, kClusterWide,
        "Connections allowed to the broker in total."),
    row("max.connection.creation.rate", kInt, kIntMax, at_least(0), kMedium, kClusterWide,
        "New connections accepted per second before accepting is throttled."),
    row("connections.max.idle.ms", kLong, "600000", kAny, kMedium, kReadOnly,
        "Idle time after which the broker closes a client connection."),
    row("connection.failed.authentication.delay.ms", kInt, "100", at_least(0), kLow, kReadOnly,
        "Delay before closing a connection whose authentication failed."),

    // Security. gregor serves PLAINTEXT only; these are reported so tools see Kafka's keys.
    row("authorizer.class.name", kString, "", kAny, kLow, kReadOnly,
        "Authorizer implementation; empty disables authorization."),
    row("ssl.keystore.location", kString, nullptr, kAny, kMedium, kPerBroker,
        "Key store file for TLS listeners."),
    row("ssl.keystore.password", kPassword, nullptr, kAny, kMedium, kPerBroker,
        "Password of the TLS key store."),
    row("ssl.key.password", kPassword, nullptr, kAny, kMedium, kPerBroker,
        "Password of the private key in the TLS key store."),
    row("ssl.truststore.location", kString, nullptr, kAny, kMedium, kPerBroker,
        "Trust store file for TLS listeners."),
    row("ssl.truststore.password", kPassword, nullptr, kAny, kMedium, kPerBroker,
        "Password of the TLS trust store."),
    row("ssl.client.auth", kString, "none", one_of(choices::kSslClientAuth), kMedium, kPerBroker,
        "Whether TLS listeners ask clients for certificates."),
    row("sasl.enabled.mechanisms", kList, "GSSAPI", kAny, kMedium, kPerBroker,
        "SASL mechanisms offered to clients."),
    row("sasl.mechanism.inter.broker.protocol", kString, "GSSAPI", kAny, kMedium, kPerBroker,
        "SASL mechanism brokers use with each other."),
    row("connections.max.reauth.ms", kLong, "0", kAny, kMedium, kReadOnly,
        "Session lifetime before SASL clients must re-authenticate; 0 disables it."),

    // gregor's own admin HTTP endpoint (Kafka has no equivalent: it serves JMX instead).
    row("admin.http.host", kString, "", kAny, kMedium, kReadOnly,
        "Interface of gregor's admin HTTP endpoint (/metrics, /ready); empty for all."),
    row("admin.http.port", kInt, "9644", kAny, kMedium, kReadOnly,
        "Port of gregor's admin HTTP endpoint; 0 picks a free port, -1 turns it off."),

    // Metrics and quotas.
    row("metric.reporters", kList, "", kAny, kLow, kClusterWide,
        "Metrics reporter classes; gregor exports Prometheus text instead."),
    row("metrics.num.samples", kInt, "2", at_least(1), kLow, kReadOnly,
        "Samples kept to compute a rate metric."),
    row("metrics.sample.window.ms", kLong, "30000", at_least(1), kLow, kReadOnly,
        "Length of one rate metric sample."),
    row("metrics.recording.level", kString, "INFO", one_of(choices::kRecordingLevels), kLow,
        kReadOnly, "Most detailed metrics recording level."),
    row("kafka.metrics.reporters", kList, "", kAny, kLow, kReadOnly,
        "Yammer metrics reporter classes; accepted for compatibility."),
    row("kafka.metrics.polling.interval.secs", kInt, "10", at_least(1), kLow, kReadOnly,
        "Polling interval of Yammer metrics reporters."),
    row("quota.window.num", kInt, "11", at_least(1), kLow, kReadOnly,
        "Samples kept for client quotas."),
    row("quota.window.size.seconds", kInt, "1", at_least(1), kLow, kReadOnly,
        "Length of one client quota sample."),
    row("replication.quota.window.num", kInt, "11", at_least(1), kLow, kReadOnly,
        "Samples kept for replication quotas."),
    row("replication.quota.window.size.seconds", kInt, "1", at_least(1), kLow, kReadOnly,
        "Length of one replication quota sample."),

    // Topic administration.
    row("auto.create.topics.enable", kBoolean, "true", kAny, kHigh, kReadOnly,
        "Whether metadata requests for unknown topics create them with the broker defaults."),
    row("delete.topic.enable", kBoolean, "true", kAny, kHigh, kReadOnly,
        "Whether DeleteTopics is allowed; false answers TOPIC_DELETION_DISABLED."),
    row("create.topic.policy.class.name", kClass, nullptr, kAny, kLow, kReadOnly,
        "Policy class vetting CreateTopics; gregor accepts no plugins and reports it only."),
    row("alter.config.policy.class.name", kClass, nullptr, kAny, kLow, kReadOnly,
        "Policy class vetting AlterConfigs; gregor accepts no plugins and reports it only."),
    row("inter.broker.protocol.version", kString, "3.9-IV0",
        custom(choices::check_metadata_version), kMedium, kReadOnly,
        "Protocol version brokers speak to each other, e.g. 3.9-IV0."),
};

}  // namespace

std::span<const ConfigKey> server_keys() {
  return kServerKeys;
}

}  // namespace gregor::config::tables
