"""One broker cluster under benchmark: started with its startup timed, topics made the same
way for every kind, and its processes' memory and CPU at hand.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Mapping, Optional

from harness import BrokerCluster, ZooKeeper
from harness.broker import STARTED_RE
from harness.process import ProcessError
from harness.py_clients import confluent_admin, confluent_consumer

from . import procstat

# How often the startup clock looks for the "started" line: fine enough for a broker that
# starts in tens of milliseconds.
_STARTUP_POLL_S = 0.002


def wait_started_timed(cluster: BrokerCluster, timeout: float) -> float:
    """Starts every broker of the cluster and returns the seconds from the first spawn to
    the last `[KafkaServer id=N] started` line."""
    marks = {b.broker_id: b.log_size() for b in cluster.brokers}
    seen: dict[int, bytes] = {b.broker_id: b"" for b in cluster.brokers}
    started_at = time.monotonic()
    for b in cluster.brokers:
        b.start(wait=False)
    pending = {b.broker_id: b for b in cluster.brokers}
    deadline = started_at + timeout
    while pending:
        for broker_id, b in list(pending.items()):
            with open(b.process.log_path, "rb") as f:
                f.seek(marks[broker_id])
                chunk = f.read()
            marks[broker_id] += len(chunk)
            seen[broker_id] = seen[broker_id][-4096:] + chunk
            if STARTED_RE.search(seen[broker_id].decode(errors="replace")):
                del pending[broker_id]
            elif not b.running:
                raise ProcessError(f"{b!r} exited before starting\n{b.log_tail()}")
        if not pending:
            break
        if time.monotonic() > deadline:
            raise ProcessError(f"brokers {sorted(pending)} not started within {timeout:.0f}s")
        time.sleep(_STARTUP_POLL_S)
    return time.monotonic() - started_at


class Target:
    """A cluster of one kind in its own ZooKeeper chroot and data directory."""

    def __init__(
        self,
        kind: str,
        zookeeper: ZooKeeper,
        workdir: Path,
        brokers: int = 1,
        config: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.kind = kind
        self.cluster = BrokerCluster(kind, zookeeper, workdir, size=brokers, config=config)
        self.replication_factor = min(3, brokers)
        self.startup_s: Optional[float] = None
        self.sampler: Optional[procstat.Sampler] = None
        self._admin = None
        self._prepared: set[str] = set()

    @property
    def bootstrap(self) -> str:
        return self.cluster.bootstrap

    @property
    def pids(self) -> list[int]:
        return [b.process.pid for b in self.cluster.brokers]

    def start(self, timeout: float = 90.0) -> "Target":
        self.startup_s = wait_started_timed(self.cluster, timeout)
        self.sampler = procstat.Sampler(self.pids)
        self._admin = confluent_admin(self.bootstrap)
        return self

    def stop(self) -> None:
        if self.sampler:
            self.sampler.close()
            self.sampler = None
        # Dropping the admin client closes it before its brokers go, which spares the log
        # librdkafka's reconnect complaints.
        self._admin = None
        self.cluster.stop()

    def check_running(self) -> None:
        """Raises if a broker died: every later number of this kind would be meaningless."""
        for b in self.cluster.brokers:
            if not b.running:
                raise ProcessError(f"{b!r} is not running\n{b.log_tail()}")

    # -- processes ---------------------------------------------------------------------

    def rss_mib(self) -> Optional[float]:
        return procstat.total(procstat.status_mib(p, "VmRSS") for p in self.pids)

    def hwm_mib(self) -> Optional[float]:
        return procstat.total(procstat.status_mib(p, "VmHWM") for p in self.pids)

    def cpu_seconds(self) -> Optional[float]:
        return procstat.total(procstat.cpu_seconds(p) for p in self.pids)

    # -- topics ------------------------------------------------------------------------

    def create_topic(
        self, topic: str, partitions: int, configs: Optional[Mapping[str, str]] = None,
        timeout: float = 30.0,
    ) -> None:
        """Creates the topic and waits until the brokers report a leader for every partition,
        so no run pays for leader election. Retries while the cluster has no controller yet
        (a broker logs `started` before one is elected)."""
        from confluent_kafka import KafkaError, KafkaException
        from confluent_kafka.admin import NewTopic

        new = NewTopic(topic, partitions, self.replication_factor, config=dict(configs or {}))
        deadline = time.monotonic() + timeout
        while True:
            try:
                futures = self._admin.create_topics([new], operation_timeout=5, request_timeout=5)
                futures[topic].result(timeout)
                break
            except KafkaException as e:
                error = e.args[0]
                if error.code() == KafkaError.TOPIC_ALREADY_EXISTS:
                    break  # an earlier attempt that timed out on our side went through
                retry = error.retriable() or error.code() == KafkaError._TIMED_OUT
                if not retry or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        while not self._has_leaders(topic, partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: a partition has no leader after {timeout:.0f}s")
            time.sleep(0.05)

    def _has_leaders(self, topic: str, partitions: int) -> bool:
        metadata = self._admin.list_topics(topic, timeout=5)
        info = metadata.topics.get(topic)
        if info is None or info.error is not None or len(info.partitions) != partitions:
            return False
        return all(p.leader >= 0 for p in info.partitions.values())

    def once(self, key: str) -> bool:
        """True the first time a key is asked for: for work done once per target (a backlog)."""
        if key in self._prepared:
            return False
        self._prepared.add(key)
        return True

    def join_group_once(self, topic: str, timeout: float = 60.0) -> None:
        """Joins a consumer group and commits, so that the group coordinator (and Kafka's
        __consumer_offsets topic) exists before any measured run needs it."""
        consumer = confluent_consumer(self.bootstrap, f"bench-prime-{os.getpid()}")
        try:
            consumer.subscribe([topic])
            deadline = time.monotonic() + timeout
            while True:
                msg = consumer.poll(0.5)
                if msg is not None and not msg.error():
                    consumer.commit(msg, asynchronous=False)
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no record through a consumer group within {timeout:.0f}s")
        finally:
            consumer.close()
