"""Results as people and programs read them: a table per workload and driver with the Kafka
value, the gregor value and their ratio, and the JSON file with every raw run.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Optional, TextIO

from .plan import DRIVER_TITLES, Case

WORKLOAD_TITLES = {
    "startup": "startup time",
    "produce": "produce throughput",
    "consume": "consume throughput from a backlog",
    "latency": "produce latency at a fixed rate (send to ack)",
    "e2e": "end-to-end latency (send to receive)",
    "memory": "memory",
}
REFERENCE = "kafka"
CANDIDATE = "gregor"


def summarize(cases: list[Case], measurements: list[dict], kinds: list[str]) -> list[dict]:
    """One row per case and metric: the median over repetitions for each kind, the ratio
    gregor/kafka, and the first error of a kind that has no value."""
    rows = []
    for case in cases:
        runs = [m for m in measurements if (m["workload"], m["driver"], m["case"]) ==
                (case.workload, case.driver, case.name)]
        for metric in case.metrics:
            row = {
                "workload": case.workload, "driver": case.driver, "case": case.name,
                "metric": metric.key, "label": metric.label, "better": metric.better,
                "values": {}, "errors": {}, "ratio": None,
            }
            for kind in kinds:
                samples = [m["values"][metric.key] for m in runs
                           if m["kind"] == kind and metric.key in m["values"]]
                if samples:
                    row["values"][kind] = statistics.median(samples)
                elif any(m["kind"] == kind for m in runs):
                    errors = (m["error"] for m in runs if m["kind"] == kind and m["error"])
                    error = next(errors, None)
                    row["errors"][kind] = error or f"no {metric.key} in the output"
            reference, candidate = row["values"].get(REFERENCE), row["values"].get(CANDIDATE)
            if reference and candidate is not None:
                row["ratio"] = candidate / reference
            rows.append(row)
    return rows


def _number(value: Optional[float]) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) >= 1 else f"{value:.3f}"


def print_tables(rows: list[dict], skipped: dict[str, str], out: TextIO) -> None:
    """Prints a table per workload and driver, in run order."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["workload"], row["driver"]), []).append(row)
    header = ("case", "metric", "better", REFERENCE, CANDIDATE, f"{CANDIDATE}/{REFERENCE}")
    for (workload, driver), group in groups.items():
        table = [header]
        notes: list[str] = []
        for row in group:
            cells = []
            for kind in (REFERENCE, CANDIDATE):
                if kind in row["values"]:
                    cells.append(_number(row["values"][kind]))
                elif kind in skipped:
                    cells.append("skipped")
                elif kind in row["errors"]:
                    first_line = row["errors"][kind].splitlines()[0][:160]
                    notes.append(f"{kind}, {row['case']}: {first_line}")
                    cells.append("error")
                else:
                    cells.append("-")
            ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "-"
            table.append((row["case"], row["label"], row["better"], *cells, ratio))
        widths = [max(len(r[i]) for r in table) for i in range(len(header))]
        print(f"\n== {WORKLOAD_TITLES[workload]} | {DRIVER_TITLES[driver]} ==", file=out)
        for i, r in enumerate(table):
            print("  ".join(c.ljust(w) if j < 3 else c.rjust(w) for j, (c, w) in
                            enumerate(zip(r, widths))).rstrip(), file=out)
            if i == 0:
                print("  ".join("-" * w for w in widths), file=out)
        for note in dict.fromkeys(notes):
            print(f"  ! {note}", file=out)
    for kind, reason in skipped.items():
        print(f"\n{kind} skipped: {reason}", file=out)


def write_json(path: Path, document: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(document, indent=1, sort_keys=False, default=str) + "\n")
    partial.rename(path)
