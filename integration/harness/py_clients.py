"""Python clients from PyPI: confluent-kafka (librdkafka inside) and kafka-python.

Small factories with test-friendly settings plus bounded produce/consume loops; tests can
use the client objects directly for anything else. Imports are lazy so the harness loads
without the venv.
"""

from __future__ import annotations

import time
from typing import Any, Optional, Sequence

# -- confluent-kafka -----------------------------------------------------------------


def confluent_producer(bootstrap: str, **config: Any):
    from confluent_kafka import Producer

    return Producer({"bootstrap.servers": bootstrap, "message.timeout.ms": 30000, **config})


def confluent_consumer(bootstrap: str, group: str, **config: Any):
    from confluent_kafka import Consumer

    return Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": 10000,
            **config,
        }
    )


def confluent_admin(bootstrap: str, **config: Any):
    from confluent_kafka.admin import AdminClient

    return AdminClient({"bootstrap.servers": bootstrap, **config})


def confluent_produce(
    producer, topic: str, values: Sequence[bytes | str], keys: Optional[Sequence] = None, timeout: float = 30.0
) -> list:
    """Produces every value, waits for all delivery reports and returns the delivered
    messages (with partition and offset). Raises on the first delivery error."""
    delivered, errors = [], []

    def on_delivery(err, msg):
        (errors if err else delivered).append(err or msg)

    for i, value in enumerate(values):
        key = keys[i] if keys is not None else None
        producer.produce(topic, value=value, key=key, on_delivery=on_delivery)
        producer.poll(0)
    remaining = producer.flush(timeout)
    if errors:
        raise RuntimeError(f"delivery failed: {errors[0]}")
    if remaining:
        raise TimeoutError(f"{remaining} messages not delivered within {timeout:.0f}s")
    return delivered


def confluent_consume(consumer, topics: Sequence[str], count: int, timeout: float = 30.0) -> list:
    """Subscribes and polls until count messages arrived; raises on timeout or error."""
    consumer.subscribe(list(topics))
    messages = []
    deadline = time.monotonic() + timeout
    while len(messages) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"got {len(messages)} of {count} messages within {timeout:.0f}s")
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            raise RuntimeError(f"consume error: {msg.error()}")
        messages.append(msg)
    return messages


# -- kafka-python --------------------------------------------------------------------


def kafka_python_producer(bootstrap: str, **config: Any):
    from kafka import KafkaProducer

    return KafkaProducer(bootstrap_servers=bootstrap, **config)


def kafka_python_consumer(bootstrap: str, *topics: str, group: Optional[str] = None, **config: Any):
    from kafka import KafkaConsumer

    settings = {"auto_offset_reset": "earliest", "consumer_timeout_ms": 20000, **config}
    return KafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=group, **settings)


def kafka_python_admin(bootstrap: str, **config: Any):
    from kafka.admin import KafkaAdminClient

    return KafkaAdminClient(bootstrap_servers=bootstrap, **config)


def kafka_python_consume(consumer, count: int, timeout: float = 30.0) -> list:
    """Polls until count records arrived; raises on timeout."""
    records = []
    deadline = time.monotonic() + timeout
    while len(records) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"got {len(records)} of {count} records within {timeout:.0f}s")
        for batch in consumer.poll(timeout_ms=500).values():
            records.extend(batch)
    return records
