"""One realistic session per client, run against the recording proxy.

Each session function takes the bootstrap address (the proxy) and a Session helper that
switches recording on only around the client's own traffic; topic setup done with other
tools is forwarded but not recorded. Every client process is bounded in time.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from harness import jars, kcat, py_clients
from harness.java_tools import JavaTools
from harness.process import run

from .proxy import RecordingProxy

JAVA_SESSION_SOURCE = Path(__file__).resolve().parent / "java" / "CaptureSession.java"


@dataclass
class Session:
    client: str  # fixture folder name, also the proxy label
    proxy: RecordingProxy
    tools: JavaTools  # Kafka 3.9 tools for unrecorded setup

    def record(self) -> None:
        self.proxy.label = self.client

    def pause(self) -> None:
        self.proxy.label = None

    def topic(self) -> str:
        return f"capture-{self.client}"


def kcat_session(s: Session, bootstrap: str) -> str:
    """librdkafka (Debian's 2.0.2) through kcat: metadata, produce with every codec,
    a group consumer, a simple consumer and an offsets-for-times query."""
    topic = s.topic()
    s.tools.create_topic(topic, partitions=2)
    s.record()
    kcat.metadata(bootstrap)
    for codec in kcat.CODECS:
        kcat.produce(
            bootstrap, topic, [f"{codec}-{i}" for i in range(3)],
            keys=[f"k{i}" for i in range(3)], headers={"codec": codec}, codec=codec,
        )
    kcat.consume_group(bootstrap, "capture-kcat-group", [topic], count=15)
    kcat.consume(bootstrap, topic, partition=0)
    kcat.kcat(["-Q", "-b", bootstrap, "-t", f"{topic}:0:0", "-J"])
    s.pause()
    found = re.search(r"Version (\S+) .*librdkafka (\S+)", kcat.kcat(["-V"]).stdout)
    return f"kcat {found.group(1)} (librdkafka {found.group(2)})" if found else "kcat"


def java_tools_session(s: Session, bootstrap: str) -> str:
    """Kafka 3.9's command-line tools: topics, configs, console producer and consumer,
    consumer groups, a small producer-performance run."""
    topic, group = s.topic(), "capture-java-group"
    tools = JavaTools(bootstrap)
    s.record()
    tools.create_topic(topic, partitions=2, configs={"retention.ms": "86400000"})
    tools.list_topics()
    tools.describe_topic(topic)
    tools.topics("--alter", "--topic", topic, "--partitions", "3")
    tools.configs("--entity-type", "topics", "--entity-name", topic, "--alter", "--add-config", "segment.ms=3600000")
    tools.configs("--entity-type", "topics", "--entity-name", topic, "--describe")
    tools.configs("--entity-type", "brokers", "--entity-name", "1", "--describe")
    tools.console_produce(
        topic, [f"key{i}:value{i}" for i in range(10)], key_separator=":",
        producer_props={"compression.type": "lz4", "linger.ms": "5"},
    )
    tools.console_consume(topic, max_messages=10, group=group, print_key=True)
    tools.list_groups()
    tools.consumer_groups("--describe", "--group", group)
    tools.consumer_groups("--delete", "--group", group)
    tools.producer_perf(
        topic, num_records=200, record_size=100,
        producer_props={"acks": "1", "batch.size": "4096", "compression.type": "gzip"},
    )
    tools.delete_topic(topic)
    s.pause()
    return "Apache Kafka 3.9.1 tools (kafka-clients 3.9.1)"


def java_clients4_session(s: Session, bootstrap: str) -> str:
    """The Kafka 4.x Java clients (Admin, idempotent producer with snappy, classic group
    consumer), driven by the single-file program java/CaptureSession.java."""
    s.record()
    run(
        [
            os.environ.get("JAVA", "java"), "-Xmx256m", "-XX:+UseSerialGC",
            "-cp", jars.classpath(jars.ensure_clients4_jars()),
            str(JAVA_SESSION_SOURCE), bootstrap, s.topic(), "capture-java4-group",
        ],
        timeout=120,
    )
    s.pause()
    versions = sorted(p.name for p in jars.ensure_clients4_jars().glob("kafka-clients-*.jar"))
    return f"Apache Kafka Java clients ({', '.join(versions)})"


def kafka_python_session(s: Session, bootstrap: str) -> str:
    """kafka-python (a pure-Python implementation): admin calls, a gzip producer and a
    group consumer that commits."""
    import kafka
    from kafka.admin import ConfigResource, ConfigResourceType, NewTopic

    topic, group = s.topic(), "capture-kafka-python-group"
    s.record()
    admin = py_clients.kafka_python_admin(bootstrap, request_timeout_ms=30000)
    try:
        admin.create_topics([NewTopic(topic, 2, 1)])
        admin.list_topics()
        admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
        admin.describe_cluster()
        producer = py_clients.kafka_python_producer(bootstrap, compression_type="gzip", linger_ms=5)
        for i in range(10):
            producer.send(topic, key=f"k{i}".encode(), value=f"v{i}".encode(), headers=[("h", b"1")])
        producer.flush(30)
        producer.close(10)
        consumer = py_clients.kafka_python_consumer(bootstrap, topic, group=group, enable_auto_commit=False)
        try:
            py_clients.kafka_python_consume(consumer, count=10)
            consumer.commit()
        finally:
            consumer.close()
        admin.list_consumer_groups()
        admin.describe_consumer_groups([group])
        admin.list_consumer_group_offsets(group)
        admin.delete_topics([topic])
    finally:
        admin.close()
    s.pause()
    return f"kafka-python {kafka.__version__}"


def confluent_kafka_session(s: Session, bootstrap: str) -> str:
    """confluent-kafka (a newer librdkafka than Debian's): admin calls, an idempotent zstd
    producer, a transactional producer (commit and abort) and a group consumer."""
    import confluent_kafka
    from confluent_kafka.admin import ConfigResource, NewTopic

    topic, group = s.topic(), "capture-confluent-group"
    s.record()
    admin = py_clients.confluent_admin(bootstrap)
    for future in admin.create_topics([NewTopic(topic, num_partitions=2, replication_factor=1)]).values():
        future.result(30)
    admin.list_topics(timeout=30)
    for future in admin.describe_configs([ConfigResource("topic", topic)]).values():
        future.result(30)

    producer = py_clients.confluent_producer(bootstrap, **{"enable.idempotence": True, "compression.type": "zstd"})
    py_clients.confluent_produce(producer, topic, [f"v{i}".encode() for i in range(10)], keys=[b"k"] * 10)

    tx = py_clients.confluent_producer(bootstrap, **{"transactional.id": "capture-confluent-tx"})
    tx.init_transactions(30)
    tx.begin_transaction()
    tx.produce(topic, key=b"tx", value=b"committed")
    tx.commit_transaction(30)
    tx.begin_transaction()
    tx.produce(topic, key=b"tx", value=b"aborted")
    tx.abort_transaction(30)

    consumer = py_clients.confluent_consumer(bootstrap, group=group, **{"enable.auto.commit": False})
    try:
        py_clients.confluent_consume(consumer, [topic], count=11)
        consumer.commit(asynchronous=False)
    finally:
        consumer.close()
    for future in admin.delete_topics([topic]).values():
        future.result(30)
    s.pause()
    return f"confluent-kafka {confluent_kafka.version()[0]} (librdkafka {confluent_kafka.libversion()[0]})"


# Fixture folder name -> session. The order is the order of the capture run.
SESSIONS: dict[str, Callable[[Session, str], str]] = {
    "kcat": kcat_session,
    "java-tools": java_tools_session,
    "java-clients-4": java_clients4_session,
    "kafka-python": kafka_python_session,
    "confluent-kafka": confluent_kafka_session,
}
