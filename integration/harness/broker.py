"""Brokers under test: gregor, or Apache Kafka 3.9 in ZooKeeper mode as the reference.

Both kinds take the same server.properties keys and the same `--override key=value`
arguments, and both log `[KafkaServer id=N] started` when ready, so the harness drives
them identically. Only the command line differs.
"""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path
from typing import Iterable, Mapping, Optional

from . import jars, paths
from .ports import LOOPBACK, free_port
from .process import ManagedProcess, ProcessError
from .zookeeper import ZooKeeper

GREGOR = "gregor"
KAFKA = "kafka"
KINDS = (GREGOR, KAFKA)

STARTED_RE = re.compile(r"\[KafkaServer id=(\d+)\] started")
SHUTDOWN_DONE_RE = re.compile(r"\[KafkaServer id=(\d+)\] shut down completed")

# Heap and GC settings of the Kafka reference broker. The GC flags are those of Kafka's
# own start scripts, so benchmark numbers are comparable with a stock installation.
KAFKA_HEAP_OPTS = os.environ.get("GREGOR_IT_KAFKA_HEAP", "-Xmx512m -Xms512m")
KAFKA_JVM_PERFORMANCE_OPTS = (
    "-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 "
    "-XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true"
)


def kind_unavailable_reason(kind: str) -> Optional[str]:
    """None when brokers of this kind can be started here, else why not (for skips)."""
    if kind == GREGOR:
        binary = paths.gregor_binary()
        if not (binary.is_file() and os.access(binary, os.X_OK)):
            return (
                f"gregor binary not found at {binary} (build it, set GREGOR_BIN, "
                "or run with --broker-kind=kafka)"
            )
        return None
    if kind == KAFKA:
        return None  # the jars are fetched on demand
    return f"unknown broker kind {kind!r}; expected one of {', '.join(KINDS)}"


def default_config(size: int) -> dict[str, str]:
    """Settings every test cluster starts from; tests override any of them.

    Replication factors of internal topics follow the cluster size (Kafka's defaults of
    3 would keep a 1-broker cluster from ever creating __consumer_offsets), and group
    rebalances start at once instead of waiting 3 s for more members.
    """
    internal_rf = str(min(3, size))
    return {
        "num.partitions": "1",
        "default.replication.factor": "1",
        "offsets.topic.replication.factor": internal_rf,
        "offsets.topic.num.partitions": "10",
        "transaction.state.log.replication.factor": internal_rf,
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "10",
        "group.initial.rebalance.delay.ms": "0",
        "zookeeper.connection.timeout.ms": "15000",
    }


def _admin_http_config(kind: str) -> dict[str, str]:
    """gregor serves /metrics and /ready on an admin HTTP port (9644 by default); every
    gregor broker gets a probed port of its own so that several can run on one host, and
    binds it on the loopback interface like everything else the harness starts."""
    if kind != GREGOR:
        return {}
    return {"admin.http.host": LOOPBACK, "admin.http.port": str(free_port())}


class Broker:
    """One broker process with its own port, data directory and log file."""

    def __init__(
        self,
        kind: str,
        broker_id: int,
        zk_connect: str,
        workdir: Path,
        config: Optional[Mapping[str, str]] = None,
        overrides: Optional[Mapping[str, str]] = None,
        port: Optional[int] = None,
    ) -> None:
        """config goes into server.properties (over the defaults); overrides are passed
        as `--override key=value` arguments, which win over the file."""
        if kind not in KINDS:
            raise ValueError(f"unknown broker kind {kind!r}")
        self.kind = kind
        self.broker_id = broker_id
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.config: dict[str, str] = {
            "broker.id": str(broker_id),
            "listeners": f"PLAINTEXT://{LOOPBACK}:{self.port}",
            "advertised.listeners": f"PLAINTEXT://{LOOPBACK}:{self.port}",
            "zookeeper.connect": zk_connect,
            "log.dirs": str(self.workdir / "data"),
            **default_config(1),
            **_admin_http_config(kind),
            **(config or {}),
        }
        self.overrides = dict(overrides or {})
        self.properties_path = self.workdir / "server.properties"
        self.process = ManagedProcess(
            f"{kind}-broker-{broker_id}", self._argv(), self.workdir / "broker.log"
        )

    # -- addresses -------------------------------------------------------------------

    @property
    def bootstrap(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def admin_port(self) -> Optional[int]:
        """gregor's admin HTTP port (GET /metrics, GET /ready), as configured; None for a
        Kafka broker, or when the endpoint is off (-1) or on an ephemeral port (0)."""
        if self.kind != GREGOR:
            return None
        value = self.overrides.get("admin.http.port", self.config.get("admin.http.port", "9644"))
        port = int(value)
        return port if port > 0 else None

    @property
    def data_dir(self) -> Path:
        return Path(self.config["log.dirs"].split(",")[0])

    # -- lifecycle -------------------------------------------------------------------

    def start(self, wait: bool = True, timeout: float = 60.0) -> "Broker":
        """Writes server.properties, starts the process and (by default) waits for the
        `[KafkaServer id=N] started` line."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.properties_path.write_text(
            "".join(f"{key}={value}\n" for key, value in self.config.items())
        )
        self.process.start()
        if wait:
            self.wait_started(timeout)
        return self

    def wait_started(self, timeout: float = 60.0) -> None:
        self.process.wait_for_log(STARTED_RE, timeout)

    def stop(self, timeout: float = 30.0) -> Optional[int]:
        """Controlled shutdown: SIGTERM, then SIGKILL after timeout. Returns the exit code
        (gregor exits 0; the JVM exits 143 after SIGTERM)."""
        return self.process.stop(timeout)

    def kill(self) -> Optional[int]:
        """kill -9: the broker gets no chance to shut down."""
        return self.process.kill()

    def pause(self) -> None:
        """SIGSTOP: the process keeps its sockets and ZooKeeper session but stops working."""
        self.process.signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.signal(signal.SIGCONT)

    def restart(self, timeout: float = 60.0, stop_timeout: float = 30.0) -> "Broker":
        """Stops (if running) and starts again on the same port with the same data."""
        self.stop(stop_timeout)
        return self.start(timeout=timeout)

    @property
    def running(self) -> bool:
        return self.process.running

    @property
    def returncode(self) -> Optional[int]:
        return self.process.returncode

    # -- log -------------------------------------------------------------------------

    def log_text(self, current_run_only: bool = False) -> str:
        return self.process.log_text(current_run_only)

    def log_tail(self, lines: int = 40) -> str:
        return self.process.log_tail(lines)

    def wait_for_log(self, pattern, timeout: float = 30.0, since: Optional[int] = None):
        return self.process.wait_for_log(pattern, timeout, since)

    def log_size(self) -> int:
        return self.process.log_size()

    # -- command line ----------------------------------------------------------------

    def _argv(self) -> list[str]:
        override_args = [a for k, v in self.overrides.items() for a in ("--override", f"{k}={v}")]
        if self.kind == GREGOR:
            return [str(paths.gregor_binary()), str(self.properties_path), *override_args]
        java = os.environ.get("JAVA", "java")
        log4j = paths.LOG4J_DIR / "broker-log4j.properties"
        return [
            java,
            *KAFKA_HEAP_OPTS.split(),
            *KAFKA_JVM_PERFORMANCE_OPTS.split(),
            f"-Dlog4j.configuration=file:{log4j}",
            "-cp",
            jars.classpath(jars.ensure_kafka_jars()),
            "kafka.Kafka",
            str(self.properties_path),
            *override_args,
        ]

    def __repr__(self) -> str:
        return f"Broker({self.kind}, id={self.broker_id}, {self.bootstrap}, running={self.running})"


class BrokerCluster:
    """N brokers of one kind sharing one ZooKeeper chroot, with ids 1..N."""

    def __init__(
        self,
        kind: str,
        zookeeper: ZooKeeper,
        workdir: Path,
        size: int = 1,
        chroot: Optional[str] = None,
        config: Optional[Mapping[str, str]] = None,
        overrides: Optional[Mapping[str, str]] = None,
    ) -> None:
        self.kind = kind
        self.zookeeper = zookeeper
        self.chroot = chroot or ZooKeeper.new_chroot(kind)
        self.zk_connect = zookeeper.connect_with_chroot(self.chroot)
        cluster_config = {**default_config(size), **(config or {})}
        self.brokers = [
            Broker(
                kind,
                broker_id,
                self.zk_connect,
                Path(workdir) / f"broker-{broker_id}",
                config=cluster_config,
                overrides=overrides,
            )
            for broker_id in range(1, size + 1)
        ]

    @property
    def bootstrap(self) -> str:
        """Every broker's address, comma-separated, for bootstrap.servers."""
        return ",".join(b.bootstrap for b in self.brokers)

    def broker(self, broker_id: int) -> Broker:
        return next(b for b in self.brokers if b.broker_id == broker_id)

    def start(self, timeout: float = 90.0) -> "BrokerCluster":
        """Starts every broker, then waits for all of them (they boot in parallel).

        Processes are started from the calling thread on purpose: a child dies with the
        thread that started it (see process.py), so no helper threads here.
        """
        for b in self.brokers:
            b.start(wait=False)
        try:
            for b in self.brokers:
                b.wait_started(timeout)
        except ProcessError:
            self.stop(timeout=5)
            raise
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Stops every broker; each is SIGTERMed at once, then awaited."""
        for b in self.brokers:
            b.process.signal(signal.SIGTERM)
        for b in self.brokers:
            b.process.stop(timeout, send_term=False)

    def running_brokers(self) -> Iterable[Broker]:
        return (b for b in self.brokers if b.running)

    def __enter__(self) -> "BrokerCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
