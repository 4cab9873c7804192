"""What a benchmark run measures: the cases of every workload, their sizes, and the client
and topic settings, all in one place so both broker kinds get exactly the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

HIGHER = "higher"
LOWER = "lower"


@dataclass(frozen=True)
class Metric:
    """One number a case reports: its key in the run's values, its label and direction."""

    key: str
    label: str
    better: str


RECORDS_PER_S = Metric("records_per_s", "records/s", HIGHER)
MIB_PER_S = Metric("mib_per_s", "MiB/s", HIGHER)
CPU_PER_MIB = Metric("broker_cpu_ms_per_mib", "broker CPU ms/MiB", LOWER)
P50 = Metric("p50_ms", "p50 ms", LOWER)
P99 = Metric("p99_ms", "p99 ms", LOWER)
P999 = Metric("p999_ms", "p99.9 ms", LOWER)
STARTUP_S = Metric("startup_s", "seconds to 'started'", LOWER)
RSS_IDLE = Metric("rss_idle_mib", "VmRSS idle MiB", LOWER)
RSS_LOAD = Metric("rss_load_mib", "VmRSS peak under load MiB", LOWER)
RSS_HWM = Metric("hwm_mib", "VmHWM at end MiB", LOWER)

THROUGHPUT_METRICS = (RECORDS_PER_S, MIB_PER_S, CPU_PER_MIB)
LATENCY_METRICS = (P50, P99, P999)

WORKLOADS = ("startup", "produce", "consume", "latency", "e2e", "memory")
DRIVERS = ("rdkafka", "java")
# Cases of these workloads are driven by the broker itself, not by a client.
BROKER_DRIVEN = ("startup", "memory")

DRIVER_TITLES = {
    "rdkafka": "rdkafka driver",
    "java": "Kafka 3.9 Java tools",
    "broker": "broker process",
}

# Producer settings by acks level. acks=all goes with idempotence, the Kafka 3.x client
# default; acks=1 cannot have it.
ACKS = {
    "1": {"acks": "1", "enable.idempotence": "false"},
    "all": {"acks": "all", "enable.idempotence": "true"},
}
# Throughput runs let the producer batch; both clients understand these keys.
THROUGHPUT_PRODUCER = {"linger.ms": "5", "batch.size": "131072"}
# Latency runs send each record at once, with the safe Kafka 3.x defaults.
LATENCY_PRODUCER = {"linger.ms": "0", **ACKS["all"]}
# Reading a backlog, librdkafka leaves partitions with enough buffered records out of its
# fetches; when all it asks for are at their end the broker holds the fetch for
# fetch.wait.max.ms (500 ms by default) while the others' data waits. A short wait keeps
# those stalls out of a throughput number. (e2e keeps the default: there, how soon the
# broker answers a held fetch is what is measured.)
BACKLOG_CONSUMER = {"fetch.wait.max.ms": "10"}

RECORD_SIZES = (100, 1024)
PARTITIONS = (1, 16)
BACKLOG_RECORD_SIZE = 1024
LATENCY_RECORD_SIZE = 1024
# ConsumerPerformance reads only the 1-partition backlog. From a many-partition backlog the
# Java consumer stalls for fetch.max.wait.ms (500 ms) per round as soon as one partition is
# at its end: it keeps one fetch in flight per broker and leaves out partitions with
# buffered records, so the broker must wait on the drained ones. That measures the
# client's pipeline, and a compatible broker has to behave the same.
JAVA_CONSUME_PARTITIONS = (1,)
# --quick runs every case with the rdkafka driver but, to stay near a minute, only these
# with the (slow to start) Java tools: Kafka's client defaults.
QUICK_JAVA_CASES = {"produce": "1024 B, acks=all, 16 partitions"}
MIB = 1024 * 1024


@dataclass(frozen=True)
class Sizes:
    """How much each workload does. FULL takes at most ~10 minutes for both kinds on two
    cores; QUICK about a minute for one kind."""

    produce_mib: float  # data per produce run
    backlog_mib: float  # data each consumer reads
    latency_rate: int  # records/s of the latency and e2e runs
    latency_seconds: float
    e2e_seconds: float
    e2e_java_records: int  # EndToEndLatency sends one record at a time
    startup_reps: int
    prime_records: int  # per broker kind, before anything is measured
    settle_seconds: float  # idle time before the idle RSS sample
    run_timeout: float  # bound of any single run
    quick: bool = False  # also fewer cases (QUICK_JAVA_CASES)


FULL = Sizes(
    produce_mib=100, backlog_mib=256, latency_rate=1000, latency_seconds=15, e2e_seconds=10,
    e2e_java_records=5000, startup_reps=3, prime_records=50_000, settle_seconds=3,
    run_timeout=150,
)
QUICK = Sizes(
    produce_mib=12, backlog_mib=32, latency_rate=1000, latency_seconds=3, e2e_seconds=2,
    e2e_java_records=500, startup_reps=1, prime_records=10_000, settle_seconds=2,
    run_timeout=60, quick=True,
)


def with_overrides(sizes: Sizes, overrides: Mapping[str, float]) -> Sizes:
    """sizes with the given fields replaced (None values are ignored)."""
    return replace(sizes, **{k: v for k, v in overrides.items() if v is not None})


@dataclass(frozen=True)
class Case:
    """One measured configuration of a workload with one driver."""

    workload: str
    driver: str  # "rdkafka", "java" or "broker"
    name: str
    metrics: tuple[Metric, ...]
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.workload}/{self.driver}/{self.name}"

    @property
    def topic(self) -> str:
        """A topic name for this case, the same on every kind."""
        slug = "".join(c if c.isalnum() else "-" for c in self.name.lower()).strip("-")
        while "--" in slug:
            slug = slug.replace("--", "-")
        return f"bench-{self.workload}-{self.driver}-{slug}"


def records_for(mib: float, size: int) -> int:
    return max(1, int(mib * MIB / size))


def build_cases(workloads: list[str], drivers: list[str], sizes: Sizes) -> list[Case]:
    """Every case of the selected workloads and drivers, in the order they run."""
    cases: list[Case] = []
    if "startup" in workloads:
        cases.append(Case("startup", "broker", "fresh broker, ZooKeeper up", (STARTUP_S,)))
    for driver in [d for d in DRIVERS if d in drivers]:
        if "produce" in workloads:
            cases += _produce_cases(driver, sizes)
    for driver in [d for d in DRIVERS if d in drivers]:
        if "consume" in workloads:
            count = records_for(sizes.backlog_mib, BACKLOG_RECORD_SIZE)
            for partitions in JAVA_CONSUME_PARTITIONS if driver == "java" else PARTITIONS:
                name = f"{BACKLOG_RECORD_SIZE} B backlog, {_partitions(partitions)}"
                cases.append(Case("consume", driver, name, THROUGHPUT_METRICS, {
                    "records": count, "size": BACKLOG_RECORD_SIZE, "partitions": partitions,
                }))
    for driver in [d for d in DRIVERS if d in drivers]:
        if "latency" in workloads:
            name = f"{LATENCY_RECORD_SIZE} B at {sizes.latency_rate}/s, acks=all"
            cases.append(Case("latency", driver, name, LATENCY_METRICS, {
                "records": int(sizes.latency_rate * sizes.latency_seconds),
                "rate": sizes.latency_rate, "size": LATENCY_RECORD_SIZE,
            }))
    for driver in [d for d in DRIVERS if d in drivers]:
        if "e2e" in workloads:
            cases.append(_e2e_case(driver, sizes))
    if "memory" in workloads:
        cases.append(Case("memory", "broker", "broker process", (RSS_IDLE, RSS_LOAD, RSS_HWM)))
    if sizes.quick:
        cases = [c for c in cases if c.driver != "java" or
                 QUICK_JAVA_CASES.get(c.workload, c.name) == c.name]
    return cases


def _partitions(n: int) -> str:
    return f"{n} partition{'s' if n > 1 else ''}"


def _produce_cases(driver: str, sizes: Sizes) -> list[Case]:
    cases = []
    for size in RECORD_SIZES:
        for acks in ACKS:
            for partitions in PARTITIONS:
                name = f"{size} B, acks={acks}, {_partitions(partitions)}"
                cases.append(Case("produce", driver, name, THROUGHPUT_METRICS, {
                    "records": records_for(sizes.produce_mib, size), "size": size,
                    "acks": acks, "partitions": partitions,
                }))
    return cases


def _e2e_case(driver: str, sizes: Sizes) -> Case:
    if driver == "java":
        # EndToEndLatency waits for each record before sending the next.
        name = f"{LATENCY_RECORD_SIZE} B, one at a time, acks=all"
        records = sizes.e2e_java_records
    else:
        name = f"{LATENCY_RECORD_SIZE} B at {sizes.latency_rate}/s, acks=all"
        records = int(sizes.latency_rate * sizes.e2e_seconds)
    return Case("e2e", driver, name, LATENCY_METRICS, {
        "records": records, "rate": sizes.latency_rate, "size": LATENCY_RECORD_SIZE,
    })
