// Broker keys: replication, controlled shutdown, group coordinator, offsets, transactions and
// fetch sessions. Defaults and validators are Kafka 3.9's; the descriptions are our own.
#include "key_tables.h"

namespace gregor::config::tables {

namespace {

constexpr ConfigKey kClusterKeys[] = {
    // Replication.
    row("controller.socket.timeout.ms", kInt, "30000", kAny, kMedium, kReadOnly,
        "Timeout of controller-to-broker requests."),
    row("default.replication.factor", kInt, "1", kAny, kMedium, kReadOnly,
        "Replication factor of topics created without an explicit one."),
    row("replica.lag.time.max.ms", kLong, "30000", kAny, kHigh, kReadOnly,
        "A follower that has not caught up for this long leaves the ISR."),
    row("replica.socket.timeout.ms", kInt, "30000", kAny, kHigh, kReadOnly,
        "Socket timeout of follower fetches; at least replica.fetch.wait.max.ms."),
    row("replica.socket.receive.buffer.bytes", kInt, "65536", kAny, kHigh, kReadOnly,
        "SO_RCVBUF of follower fetch connections."),
    row("replica.fetch.max.bytes", kInt, "1048576", at_least(0), kMedium, kReadOnly,
        "Bytes a follower asks for per partition in one fetch."),
    row("replica.fetch.wait.max.ms", kInt, "500", kAny, kHigh, kReadOnly,
        "Longest a follower fetch waits for data at the leader."),
    row("replica.fetch.backoff.ms", kInt, "1000", at_least(0), kMedium, kReadOnly,
        "Pause after a follower fetch fails."),
    row("replica.fetch.min.bytes", kInt, "1", kAny, kHigh, kReadOnly,
        "Bytes a follower fetch waits for before the leader answers."),
    row("replica.fetch.response.max.bytes", kInt, "10485760", at_least(0), kMedium, kReadOnly,
        "Bytes a follower asks for in one fetch response overall."),
    row("num.replica.fetchers", kInt, "1", kAny, kHigh, kClusterWide,
        "Fetcher count per source broker in Kafka; gregor fetches from its event loop."),
    row("replica.high.watermark.checkpoint.interval.ms", kLong, "5000", kAny, kHigh, kReadOnly,
        "How often high watermarks are written to disk."),
    row("fetch.purgatory.purge.interval.requests", kInt, "1000", kAny, kMedium, kReadOnly,
        "Completed delayed fetches between purgatory purges."),
    row("producer.purgatory.purge.interval.requests", kInt, "1000", kAny, kMedium, kReadOnly,
        "Completed delayed produces between purgatory purges."),
    row("delete.records.purgatory.purge.interval.requests", kInt, "1", kAny, kMedium, kReadOnly,
        "Completed delayed record deletions between purgatory purges."),
    row("auto.leader.rebalance.enable", kBoolean, "true", kAny, kHigh, kReadOnly,
        "Whether the controller moves leadership back to preferred replicas."),
    row("leader.imbalance.per.broker.percentage", kInt, "10", kAny, kHigh, kReadOnly,
        "Share of non-preferred leaders per broker that triggers a rebalance."),
    row("leader.imbalance.check.interval.seconds", kLong, "300", at_least(1), kHigh, kReadOnly,
        "How often the controller checks leader balance."),
    row("replica.selector.class", kString, nullptr, kAny, kMedium, kReadOnly,
        "Selector letting consumers fetch from followers; unset means leaders only."),

    // Controlled shutdown.
    row("controlled.shutdown.enable", kBoolean, "true", kAny, kMedium, kReadOnly,
        "Whether shutdown first moves leadership away through the controller."),
    row("controlled.shutdown.max.retries", kInt, "3", kAny, kMedium, kReadOnly,
        "Controlled shutdown attempts before an unclean shutdown."),
    row("controlled.shutdown.retry.backoff.ms", kLong, "5000", kAny, kMedium, kReadOnly,
        "Pause between controlled shutdown attempts."),

    // Group coordinator.
    row("group.min.session.timeout.ms", kInt, "6000", kAny, kMedium, kReadOnly,
        "Smallest session timeout a consumer may ask for."),
    row("group.max.session.timeout.ms", kInt, "1800000", kAny, kMedium, kReadOnly,
        "Largest session timeout a consumer may ask for."),
    row("group.initial.rebalance.delay.ms", kInt, "3000", kAny, kMedium, kReadOnly,
        "Wait for more members before the first rebalance of an empty group."),
    row("group.max.size", kInt, "2147483647", at_least(1), kMedium, kReadOnly,
        "Members one consumer group may have."),

    // Offsets.
    row("offset.metadata.max.bytes", kInt, "4096", kAny, kHigh, kReadOnly,
        "Largest metadata string stored with a committed offset."),
    row("offsets.load.buffer.size", kInt, "5242880", at_least(1), kHigh, kReadOnly,
        "Read size when loading the offsets topic into memory."),
    row("offsets.topic.replication.factor", kShort, "3", at_least(1), kHigh, kReadOnly,
        "Replication factor of __consumer_offsets; creation waits for enough brokers."),
    row("offsets.topic.num.partitions", kInt, "50", at_least(1), kHigh, kReadOnly,
        "Partition count of __consumer_offsets; fixed once the topic exists."),
    row("offsets.topic.segment.bytes", kInt, "104857600", at_least(1), kHigh, kReadOnly,
        "Segment size of __consumer_offsets, kept small for fast loading."),
    row("offsets.topic.compression.codec", kInt, "0", kAny, kHigh, kReadOnly,
        "Codec id for offset commits written to __consumer_offsets; 0 is none."),
    row("offsets.retention.minutes", kInt, "10080", at_least(1), kHigh, kReadOnly,
        "How long offsets of an empty group are kept."),
    row("offsets.retention.check.interval.ms", kLong, "600000", at_least(1), kHigh, kReadOnly,
        "How often expired offsets are removed."),
    row("offsets.commit.timeout.ms", kInt, "5000", at_least(1), kHigh, kReadOnly,
        "Longest an offset commit waits for replication of the offsets topic."),
    row("offsets.commit.required.acks", kShort, "-1", kAny, kHigh, kReadOnly,
        "Deprecated: acks needed before an offset commit is accepted."),

    // Transactions and producer ids.
    row("transactional.id.expiration.ms", kInt, "604800000", at_least(1), kHigh, kReadOnly,
        "Idle time after which a transactional id is forgotten."),
    row("transaction.max.timeout.ms", kInt, "900000", at_least(1), kHigh, kReadOnly,
        "Largest transaction timeout a producer may ask for."),
    row("transaction.state.log.min.isr", kInt, "2", at_least(1), kHigh, kReadOnly,
        "min.insync.replicas of __transaction_state."),
    row("transaction.state.log.load.buffer.size", kInt, "5242880", at_least(1), kHigh, kReadOnly,
        "Read size when loading the transaction log into memory."),
    row("transaction.state.log.replication.factor", kShort, "3", at_least(1), kHigh, kReadOnly,
        "Replication factor of __transaction_state; creation waits for enough brokers."),
    row("transaction.state.log.num.partitions", kInt, "50", at_least(1), kHigh, kReadOnly,
        "Partition count of __transaction_state."),
    row("transaction.state.log.segment.bytes", kInt, "104857600", at_least(1), kHigh, kReadOnly,
        "Segment size of __transaction_state."),
    row("transaction.abort.timed.out.transaction.cleanup.interval.ms", kInt, "10000", at_least(1),
        kLow, kReadOnly, "How often timed-out transactions are rolled back."),
    row("transaction.remove.expired.transaction.cleanup.interval.ms", kInt, "3600000", at_least(1),
        kLow, kReadOnly, "How often expired transactional ids are removed."),
    row("transaction.partition.verification.enable", kBoolean, "true", kAny, kLow, kClusterWide,
        "Whether a transactional write checks that its partition joined the transaction."),
    row("producer.id.expiration.ms", kInt, "86400000", at_least(1), kLow, kClusterWide,
        "Idle time after which an idempotent producer's state is dropped."),
    row("producer.id.expiration.check.interval.ms", kInt, "600000", at_least(1), kLow, kReadOnly,
        "How often idle producer ids are looked for."),

    // Fetch sessions.
    row("max.incremental.fetch.session.cache.slots", kInt, "1000", at_least(0), kMedium, kReadOnly,
        "Incremental fetch sessions the broker keeps."),
    row("fetch.max.bytes", kInt, "57671680", at_least(1024), kMedium, kReadOnly,
        "Most bytes one fetch response returns."),
};

}  // namespace

std::span<const ConfigKey> cluster_keys() {
  return kClusterKeys;
}

}  // namespace gregor::config::tables
