"""Command line of the benchmark: `python -m bench [options]` from integration/, or
integration/bench/run-bench.sh, which prepares the venv and the jars first.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from harness import KINDS, kind_unavailable_reason, paths
from harness.process import install_signal_handlers

from . import driver, plan, report
from .runner import RunSettings, Runner, log

RESULTS_DIR = paths.CACHE_DIR / "bench"

# plan.Sizes fields settable from the command line.
SIZE_OPTIONS = {
    "produce_mib": "MiB written by each produce run",
    "backlog_mib": "MiB of backlog each consumer reads",
    "latency_rate": "records/s of the latency and rdkafka e2e runs",
    "latency_seconds": "duration of a produce-latency run",
    "e2e_seconds": "duration of the rdkafka e2e run",
    "e2e_java_records": "records of EndToEndLatency (one at a time)",
    "startup_reps": "starts per kind for the startup time",
    "run_timeout": "seconds any single run may take",
}


def _list(choices: tuple[str, ...]):
    def parse(text: str) -> list[str]:
        items = [t.strip() for t in text.split(",") if t.strip()]
        unknown = [t for t in items if t not in choices]
        if unknown or not items:
            raise argparse.ArgumentTypeError(f"choose from {','.join(choices)}; got {text!r}")
        return items
    return parse


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected key=value, got {text!r}")
    return key, value


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="run-bench.sh",
        description="Runs the same workloads against gregor and Apache Kafka 3.9 (ZooKeeper "
        "mode), alternating the two, and prints both results and the ratio gregor/kafka.",
    )
    p.add_argument("--quick", action="store_true", help="small sizes: about a minute per kind")
    p.add_argument("--kinds", type=_list(KINDS), default=["kafka", "gregor"],
                   help="broker kinds, comma-separated (default kafka,gregor); an unavailable "
                   "kind is skipped with the reason")
    p.add_argument("--workloads", type=_list(plan.WORKLOADS), default=list(plan.WORKLOADS),
                   help=f"comma-separated subset of {','.join(plan.WORKLOADS)} (default all)")
    p.add_argument("--drivers", type=_list(plan.DRIVERS), default=list(plan.DRIVERS),
                   help="load drivers: rdkafka (C++ on librdkafka), java (Kafka's perf tools); "
                   "default both")
    p.add_argument("--reps", type=_positive, default=1, help="repetitions of every case; the "
                   "tables show medians (default 1)")
    p.add_argument("--brokers", type=_positive, default=1, help="brokers per cluster (default 1); "
                   "topics get replication factor min(3, brokers)")
    sizes = p.add_argument_group("sizes (defaults: full run / --quick)")
    for name, help_text in SIZE_OPTIONS.items():
        default_full, default_quick = getattr(plan.FULL, name), getattr(plan.QUICK, name)
        kind = int if isinstance(default_full, int) else float
        sizes.add_argument(f"--{name.replace('_', '-')}", dest=name, type=kind, default=None,
                           help=f"{help_text} ({default_full} / {default_quick})")
    p.add_argument("--topic-config", type=_key_value, action="append", default=[],
                   metavar="KEY=VALUE", help="topic config for every topic on every kind")
    p.add_argument("--workdir", type=Path, help="where brokers keep data and logs (default: a "
                   "new folder in $TMPDIR); both kinds use the same filesystem")
    p.add_argument("--keep-workdir", action="store_true",
                   help="keep data and logs (kept anyway when a run failed)")
    p.add_argument("--output", type=Path, help=f"JSON results (default {RESULTS_DIR}/"
                   "bench-<time>.json, also copied to latest.json)")
    p.add_argument("--list", action="store_true", help="print the cases and exit")
    return p.parse_args(argv)


def _git_revision() -> str:
    try:
        out = subprocess.run(["git", "-C", str(paths.REPO_ROOT), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _meta(args: argparse.Namespace, sizes: plan.Sizes) -> dict:
    return {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "git_revision": _git_revision(),
        "gregor_binary": str(paths.gregor_binary()),
        "kafka_version": "3.9.1",
        "kafka_heap": os.environ.get("GREGOR_IT_KAFKA_HEAP", "-Xmx512m -Xms512m"),
        "quick": args.quick,
        "reps": args.reps,
        "brokers": args.brokers,
        "sizes": asdict(sizes),
        "client_settings": {
            "throughput_producer": plan.THROUGHPUT_PRODUCER,
            "acks": plan.ACKS,
            "latency_producer": plan.LATENCY_PRODUCER,
            "backlog_consumer_rdkafka": plan.BACKLOG_CONSUMER,
        },
        "topic_configs": dict(args.topic_config),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    overrides = {name: getattr(args, name) for name in SIZE_OPTIONS}
    sizes = plan.with_overrides(plan.QUICK if args.quick else plan.FULL, overrides)
    cases = plan.build_cases(args.workloads, args.drivers, sizes)
    if args.list:
        for case in cases:
            print(case.key, dict(case.params) or "")
        return 0

    skipped = {k: r for k in args.kinds if (r := kind_unavailable_reason(k))}
    kinds = [k for k in args.kinds if k not in skipped]
    for kind, reason in skipped.items():
        log(f"skipping {kind}: {reason}")
    if not kinds:
        log("no broker kind left to run")
        return 0
    if any(c.workload != "startup" for c in cases):
        driver.ensure_built()  # it also primes every target, so even java-only runs need it

    install_signal_handlers()
    # A shell that starts us in the background ignores SIGINT for us; `timeout -s INT` in
    # run-bench.sh must still stop the run cleanly.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="gregor-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    log(f"kinds {','.join(kinds)}; {len(cases)} cases x {args.reps} rep(s); workdir {workdir}")
    document = {"meta": _meta(args, sizes), "skipped": skipped}
    settings = RunSettings(kinds, cases, sizes, args.reps, args.brokers, workdir,
                           dict(args.topic_config))
    runner = Runner(settings)
    started = time.monotonic()
    interrupted = False
    try:
        runner.run()
    except KeyboardInterrupt as e:
        # The runner has stopped every broker; report what was measured so far.
        interrupted = True
        log(f"interrupted ({e}); reporting the runs done so far")
    document["meta"].update(
        seconds=round(time.monotonic() - started, 1), load_average_at_end=os.getloadavg(),
        interrupted=interrupted,
    )
    failed = _report(args, cases, runner, document)
    if failed or args.keep_workdir:
        print(f"broker data and logs kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    if interrupted:
        return 130
    return 1 if failed else 0


def _report(
    args: argparse.Namespace, cases: list[plan.Case], runner: Runner, document: dict
) -> int:
    """Writes the JSON file and prints the tables; returns the number of failed runs."""
    measurements = runner.measurements
    rows = report.summarize(cases, measurements, args.kinds)
    document.update(summary=rows, runs=measurements, target_errors=runner.target_errors,
                    prime_errors=runner.prime_errors)
    output = args.output or RESULTS_DIR / f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    report.write_json(output, document)
    if args.output is None:
        shutil.copyfile(output, RESULTS_DIR / "latest.json")
    report.print_tables(rows, document["skipped"], sys.stdout)
    failed = sum(1 for m in measurements if m["error"])
    finished = sum(1 for m in measurements if m["values"] or m["error"])
    print(f"\n{finished - failed} runs, {failed} failed, {document['meta']['seconds']:.0f} s; "
          f"raw results in {output}")
    return failed
