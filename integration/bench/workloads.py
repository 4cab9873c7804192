"""How each client-driven case runs against one target, with either driver.

A run function gets the case, the target and the run's settings, makes the topics it needs
(the same way on every kind) and returns (values, raw): the numbers named as in plan.Metric
plus `mib` (data moved, for CPU per MiB), and what the tool said, for the JSON file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from harness import JavaTools
from harness.java_tools import END_TO_END_LATENCY

from . import parse
from .driver import run_driver
from .plan import (
    ACKS, BACKLOG_CONSUMER, LATENCY_PRODUCER, MIB, THROUGHPUT_PRODUCER, Case, Sizes,
)
from .target import Target


@dataclass(frozen=True)
class RunContext:
    target: Target
    sizes: Sizes
    topic_configs: Mapping[str, str]

    def create_topic(self, topic: str, partitions: int) -> None:
        self.target.create_topic(topic, partitions, self.topic_configs)

    def java(self) -> JavaTools:
        return JavaTools(self.target.bootstrap)

    @property
    def timeout(self) -> float:
        return self.sizes.run_timeout


Result = tuple[dict[str, float], dict]


def _topic_for_rep(case: Case, rep: int) -> str:
    # A fresh topic per repetition: every produce run starts from empty partitions.
    return f"{case.topic}-r{rep}"


def _with_volume(values: dict[str, float], size: int) -> dict[str, float]:
    values["mib"] = values.get("records", 0) * size / MIB
    return values


# -- producing to a fresh topic (produce, latency, e2e) ---------------------------------


def _rdkafka_fresh_topic(
    mode: str, case: Case, ctx: RunContext, rep: int, partitions: int,
    producer_props: Mapping[str, str], rate: float = 0,
) -> Result:
    p = case.params
    topic = _topic_for_rep(case, rep)
    ctx.create_topic(topic, partitions)
    raw = run_driver(
        mode, ctx.target.bootstrap, topic, p["records"], ctx.timeout, size=p["size"], rate=rate,
        producer_props=producer_props,
    )
    return _with_volume(parse.rdkafka_driver(raw), p["size"]), raw


def _producer_perf_fresh_topic(
    case: Case, ctx: RunContext, rep: int, partitions: int, producer_props: Mapping[str, str],
    rate: int = -1,
) -> Result:
    p = case.params
    topic = _topic_for_rep(case, rep)
    ctx.create_topic(topic, partitions)
    done = ctx.java().producer_perf(
        topic, p["records"], p["size"], throughput=rate, producer_props=producer_props,
        timeout=ctx.timeout,
    )
    values = parse.producer_performance(done.stdout)
    return _with_volume(values, p["size"]), {"stdout": done.stdout[-2000:]}


def _throughput_producer(case: Case) -> dict[str, str]:
    return {**THROUGHPUT_PRODUCER, **ACKS[case.params["acks"]]}


def produce_rdkafka(case: Case, ctx: RunContext, rep: int) -> Result:
    return _rdkafka_fresh_topic(
        "produce", case, ctx, rep, case.params["partitions"], _throughput_producer(case)
    )


def produce_java(case: Case, ctx: RunContext, rep: int) -> Result:
    return _producer_perf_fresh_topic(
        case, ctx, rep, case.params["partitions"], _throughput_producer(case)
    )


def latency_rdkafka(case: Case, ctx: RunContext, rep: int) -> Result:
    return _rdkafka_fresh_topic(
        "produce", case, ctx, rep, 1, LATENCY_PRODUCER, rate=case.params["rate"]
    )


def latency_java(case: Case, ctx: RunContext, rep: int) -> Result:
    return _producer_perf_fresh_topic(case, ctx, rep, 1, LATENCY_PRODUCER, rate=case.params["rate"])


def e2e_rdkafka(case: Case, ctx: RunContext, rep: int) -> Result:
    return _rdkafka_fresh_topic(
        "e2e", case, ctx, rep, 1, LATENCY_PRODUCER, rate=case.params["rate"]
    )


# -- consume ---------------------------------------------------------------------------


def _ensure_backlog(case: Case, ctx: RunContext) -> str:
    """The backlog topic both consumers read, filled once per target by the rdkafka driver."""
    p = case.params
    topic = f"bench-backlog-{p['size']}b-{p['partitions']}p-{p['records']}"
    if ctx.target.once(topic):
        ctx.create_topic(topic, p["partitions"])
        run_driver(
            "produce", ctx.target.bootstrap, topic, p["records"], ctx.timeout, size=p["size"],
            producer_props={**THROUGHPUT_PRODUCER, **ACKS["1"]},
        )
    return topic


def consume_rdkafka(case: Case, ctx: RunContext, rep: int) -> Result:
    topic = _ensure_backlog(case, ctx)
    raw = run_driver(
        "consume", ctx.target.bootstrap, topic, case.params["records"], ctx.timeout,
        consumer_props=BACKLOG_CONSUMER,
    )
    values = parse.rdkafka_driver(raw)
    values["mib"] = raw["bytes"] / MIB
    return values, raw


def consume_java(case: Case, ctx: RunContext, rep: int) -> Result:
    topic = _ensure_backlog(case, ctx)
    done = ctx.java().consumer_perf(
        topic, case.params["records"], ["--timeout", "20000"], timeout=ctx.timeout
    )
    values = parse.consumer_performance(done.stdout)
    if values["records"] < case.params["records"]:
        raise RuntimeError(
            f"ConsumerPerformance read {values['records']:.0f} of {case.params['records']} records"
        )
    return values, {"stdout": done.stdout[-2000:]}


# -- end to end, one record at a time ----------------------------------------------------


def e2e_java(case: Case, ctx: RunContext, rep: int) -> Result:
    p = case.params
    topic = _topic_for_rep(case, rep)
    ctx.create_topic(topic, 1)
    # Arguments: broker_list topic num_messages producer_acks message_size_bytes.
    args = [ctx.target.bootstrap, topic, p["records"], "all", p["size"]]
    done = ctx.java().run(END_TO_END_LATENCY, args, timeout=ctx.timeout, fast_start=False)
    values = parse.end_to_end_latency(done.stdout)
    values["records"] = float(p["records"])
    return _with_volume(values, p["size"]), {"stdout": done.stdout[-2000:]}


RUNNERS: dict[tuple[str, str], Callable[[Case, RunContext, int], Result]] = {
    ("produce", "rdkafka"): produce_rdkafka,
    ("produce", "java"): produce_java,
    ("consume", "rdkafka"): consume_rdkafka,
    ("consume", "java"): consume_java,
    ("latency", "rdkafka"): latency_rdkafka,
    ("latency", "java"): latency_java,
    ("e2e", "rdkafka"): e2e_rdkafka,
    ("e2e", "java"): e2e_java,
}


def prime(ctx: RunContext) -> None:
    """Warms a target before anything is measured: an idempotent producer (which makes
    Kafka set up its producer-id machinery), a consumer, a consumer group (which creates
    __consumer_offsets), and some traffic for the JVM's JIT. Every kind gets the same."""
    topic = "bench-prime"
    ctx.create_topic(topic, 1)
    run_driver(
        "produce", ctx.target.bootstrap, topic, ctx.sizes.prime_records, ctx.timeout,
        size=1024, producer_props={**THROUGHPUT_PRODUCER, **ACKS["all"]},
    )
    run_driver(
        "consume", ctx.target.bootstrap, topic, ctx.sizes.prime_records, ctx.timeout,
        consumer_props=BACKLOG_CONSUMER,
    )
    ctx.target.join_group_once(topic, timeout=ctx.timeout)
