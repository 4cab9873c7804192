"""The benchmark harness (integration/bench): its parsers always, and a --quick run against
Apache Kafka only when GREGOR_IT_BENCH=1, since it takes about a minute:

    GREGOR_IT_BENCH=1 integration/run-tests.sh -k bench
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench import parse, plan
from harness import paths

RUN_BENCH = os.environ.get("GREGOR_IT_BENCH") == "1"

# Output captured from the Kafka 3.9.1 tools.
PRODUCER_PERF_OUT = (
    "14955 records sent, 2990.4 records/sec (2.92 MB/sec), 9.1 ms avg latency, "
    "226.0 ms max latency.\n"
    "20000 records sent, 4948.045522 records/sec (0.47 MB/sec), 67.18 ms avg latency, "
    "1093.00 ms max latency, 20 ms 50th, 212 ms 95th, 213 ms 99th, 221 ms 99.9th.\n"
)
CONSUMER_PERF_OUT = (
    "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
    "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n"
    "2026-11-21 12:02:34:266, 2026-11-21 12:02:35:628, 1.9073, 1.4004, 20000, 14684.2878, "
    "989, 373, 5.1135, 53619.3029\n"
)
END_TO_END_OUT = (
    "0\t83.180252\nAvg latency: 5.4782 ms\nPercentiles: 50th = 4, 99th = 20, 99.9th = 83\n"
)


def test_parse_producer_performance():
    values = parse.producer_performance(PRODUCER_PERF_OUT)
    assert values["records"] == 20000
    assert values["records_per_s"] == pytest.approx(4948.045522)
    assert values["mib_per_s"] == pytest.approx(0.47)
    assert (values["p50_ms"], values["p99_ms"], values["p999_ms"]) == (20, 213, 221)


def test_parse_consumer_performance():
    values = parse.consumer_performance(CONSUMER_PERF_OUT)
    assert values["records"] == 20000
    assert values["records_per_s"] == pytest.approx(53619.3029)
    assert values["mib_per_s"] == pytest.approx(5.1135)
    assert values["rebalance_ms"] == 989


def test_parse_end_to_end_latency():
    values = parse.end_to_end_latency(END_TO_END_OUT)
    assert values == {"avg_ms": 5.4782, "p50_ms": 4, "p99_ms": 20, "p999_ms": 83}


def test_parsers_reject_foreign_output():
    parsers = (parse.producer_performance, parse.consumer_performance, parse.end_to_end_latency)
    for parser in parsers:
        with pytest.raises(parse.ParseError):
            parser("Exception in thread main\n")


@pytest.mark.skipif(not RUN_BENCH, reason="set GREGOR_IT_BENCH=1 to run the benchmark (~1 min)")
@pytest.mark.timeout(420)
def test_quick_bench_against_kafka(tmp_path):
    output = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--kinds", "kafka",
         "--workdir", str(tmp_path / "work"), "--output", str(output)],
        cwd=paths.INTEGRATION_DIR, capture_output=True, text=True, timeout=360,
    )
    print(done.stdout)
    assert done.returncode == 0, f"bench failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    document = json.loads(output.read_text())
    expected = plan.build_cases(list(plan.WORKLOADS), list(plan.DRIVERS), plan.QUICK)
    rows = {(r["workload"], r["driver"], r["case"], r["metric"]): r for r in document["summary"]}
    for case in expected:
        for metric in case.metrics:
            row = rows[(case.workload, case.driver, case.name, metric.key)]
            assert "kafka" in row["values"], f"no Kafka value for {case.key} {metric.label}"
            # Latencies may be 0: the Java tools print whole milliseconds.
            if metric.better == plan.HIGHER:
                assert row["values"]["kafka"] > 0, f"{case.key} {metric.label} is 0"
    assert "== produce throughput | rdkafka driver ==" in done.stdout
