"""Numbers out of the text that Kafka's performance tools print.

Each parser takes a tool's stdout and returns a flat dict of floats named like the rdkafka
driver's JSON (records_per_s, mib_per_s, p50_ms, ...), so the report treats both drivers
alike. A parser raises ParseError when the expected line is missing.
"""

from __future__ import annotations

import re


class ParseError(ValueError):
    """A tool's output did not contain the numbers we expected."""


_NUMBER = r"([0-9]+(?:\.[0-9]+)?)"

# ProducerPerformance's last line, e.g.
#   20000 records sent, 4948.045522 records/sec (0.47 MB/sec), 67.18 ms avg latency,
#   1093.00 ms max latency, 20 ms 50th, 212 ms 95th, 213 ms 99th, 221 ms 99.9th.
_PRODUCER_FINAL = re.compile(
    rf"{_NUMBER} records sent, {_NUMBER} records/sec \({_NUMBER} MB/sec\), "
    rf"{_NUMBER} ms avg latency, {_NUMBER} ms max latency, {_NUMBER} ms 50th, "
    rf"{_NUMBER} ms 95th, {_NUMBER} ms 99th, {_NUMBER} ms 99.9th"
)


def producer_performance(stdout: str) -> dict[str, float]:
    """ProducerPerformance: the summary line (its MB is 2^20 bytes; latencies are whole ms)."""
    match = _PRODUCER_FINAL.search(stdout)
    if not match:
        raise ParseError("no ProducerPerformance summary line")
    records, rate, mib, avg, peak, p50, p95, p99, p999 = (float(g) for g in match.groups())
    return {
        "records": records,
        "records_per_s": rate,
        "mib_per_s": mib,
        "avg_ms": avg,
        "max_ms": peak,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "p999_ms": p999,
    }


_CONSUMER_HEADER = "start.time, end.time, data.consumed.in.MB"


def consumer_performance(stdout: str) -> dict[str, float]:
    """ConsumerPerformance: the CSV line after its header. The fetch.* columns leave out the
    group join (rebalance.time.ms), so they are the rates while data flows."""
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    for i, line in enumerate(lines[:-1]):
        if line.startswith(_CONSUMER_HEADER):
            names = [n.strip() for n in line.split(",")]
            values = [v.strip() for v in lines[i + 1].split(",")]
            if len(values) != len(names):
                break
            row = dict(zip(names, values))
            try:
                return {
                    "records": float(row["data.consumed.in.nMsg"]),
                    "mib": float(row["data.consumed.in.MB"]),
                    "records_per_s": float(row["fetch.nMsg.sec"]),
                    "mib_per_s": float(row["fetch.MB.sec"]),
                    "overall_records_per_s": float(row["nMsg.sec"]),
                    "rebalance_ms": float(row["rebalance.time.ms"]),
                    "fetch_ms": float(row["fetch.time.ms"]),
                }
            except (KeyError, ValueError) as e:
                raise ParseError(f"bad ConsumerPerformance row: {e}") from None
    raise ParseError("no ConsumerPerformance header and row")


_E2E_AVG = re.compile(rf"Avg latency: {_NUMBER} ms")
_E2E_PERCENTILES = re.compile(
    rf"Percentiles: 50th = {_NUMBER}, 99th = {_NUMBER}, 99.9th = {_NUMBER}"
)


def end_to_end_latency(stdout: str) -> dict[str, float]:
    """EndToEndLatency: average and whole-millisecond percentiles of its ping-pong loop."""
    avg = _E2E_AVG.search(stdout)
    percentiles = _E2E_PERCENTILES.search(stdout)
    if not (avg and percentiles):
        raise ParseError("no EndToEndLatency summary")
    p50, p99, p999 = (float(g) for g in percentiles.groups())
    return {"avg_ms": float(avg.group(1)), "p50_ms": p50, "p99_ms": p99, "p999_ms": p999}


def rdkafka_driver(result: dict) -> dict[str, float]:
    """The rdkafka driver's JSON flattened to the same names (latency_ms.p50 -> p50_ms)."""
    values = {
        key: float(result[key])
        for key in ("records", "records_per_s", "mib_per_s", "seconds")
        if key in result
    }
    latency = result.get("latency_ms") or {}
    for name in ("avg", "p50", "p95", "p99", "p999", "max"):
        if name in latency:
            values[f"{name}_ms"] = float(latency[name])
    return values
