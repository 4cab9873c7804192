"""The benchmark run: one ZooKeeper, one cluster per broker kind, and every case run on each
kind in turn, alternating which kind goes first so slow drifts of the machine (other
jobs, page cache, thermal) fall on both alike.

Both clusters stay up for the whole run, each in its own chroot and data directory on the
same filesystem; the idle one costs the measured one next to nothing. The start of each
cluster is the first startup sample; further samples start fresh brokers at the end, with
only ZooKeeper running.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

from harness import BrokerCluster, ZooKeeper

from .plan import BROKER_DRIVEN, Case, Sizes
from .target import Target, wait_started_timed
from .workloads import RUNNERS, RunContext, prime


# A kind whose runs keep failing is given up on, so a broken build cannot make each of the
# remaining runs wait for its own timeout.
MAX_FAILURES_IN_A_ROW = 5


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class RunSettings:
    kinds: list[str]
    cases: list[Case]
    sizes: Sizes
    reps: int
    brokers: int
    workdir: Path
    topic_configs: Mapping[str, str] = field(default_factory=dict)


class Runner:
    """Runs the cases of RunSettings and collects one measurement dict per run."""

    def __init__(self, settings: RunSettings) -> None:
        self.s = settings
        self.measurements: list[dict] = []
        self.targets: dict[str, Target] = {}
        self.target_errors: dict[str, str] = {}  # kinds that could not be measured at all
        self.prime_errors: dict[str, str] = {}
        self._failures_in_a_row: dict[str, int] = {k: 0 for k in settings.kinds}
        self._turn = 0
        self._load_peaks: dict[str, list[float]] = {k: [] for k in settings.kinds}
        self._idle_rss: dict[str, Optional[float]] = {}

    def run(self) -> list[dict]:
        zookeeper = ZooKeeper(self.s.workdir / "zookeeper")
        zookeeper.start()
        try:
            first_startup_rep = 0
            if any(c.workload != "startup" for c in self.s.cases):
                self._start_targets(zookeeper)
                first_startup_rep = 1
                for rep in range(self.s.reps):
                    for case in self.s.cases:
                        if case.workload not in BROKER_DRIVEN:
                            for kind in self._next_order():
                                self._measure(case, kind, rep)
                if self._has("memory"):
                    self._record_memory()
                self._stop_targets()
            if self._has("startup"):
                self._run_startup(zookeeper, first_startup_rep)
        finally:
            self._stop_targets()
            zookeeper.stop()
        return self.measurements

    # -- ordering ----------------------------------------------------------------------

    def _next_order(self) -> list[str]:
        order = list(self.s.kinds) if self._turn % 2 == 0 else list(reversed(self.s.kinds))
        self._turn += 1
        return order

    def _has(self, workload: str) -> bool:
        return any(c.workload == workload for c in self.s.cases)

    def _case(self, workload: str) -> Case:
        return next(c for c in self.s.cases if c.workload == workload)

    # -- startup -----------------------------------------------------------------------

    def _run_startup(self, zookeeper: ZooKeeper, first_rep: int) -> None:
        """Fresh brokers (new chroot, empty data) started and stopped, with only ZooKeeper
        running. Repetition 0 is the start of the long-lived target when there is one."""
        case = self._case("startup")
        for rep in range(first_rep, max(self.s.reps, self.s.sizes.startup_reps)):
            for kind in self._next_order():
                workdir = self.s.workdir / "startup" / f"{kind}-{rep}"
                cluster = BrokerCluster(kind, zookeeper, workdir, size=self.s.brokers)
                record = self._record(case, kind, rep)
                try:
                    seconds = wait_started_timed(cluster, self.s.sizes.run_timeout)
                    record["values"] = {"startup_s": seconds}
                    log(f"startup {kind}: {record['values']['startup_s']:.3f} s")
                except Exception as e:  # noqa: BLE001 - any failure is this run's result
                    self._fail(record, e)
                finally:
                    cluster.stop()
                    shutil.rmtree(workdir, ignore_errors=True)

    # -- the long-lived targets --------------------------------------------------------

    def _start_targets(self, zookeeper: ZooKeeper) -> None:
        for kind in self.s.kinds:
            target = Target(kind, zookeeper, self.s.workdir / kind, brokers=self.s.brokers)
            record = self._record(self._case("startup"), kind, 0) if self._has("startup") else {}
            try:
                target.start(timeout=self.s.sizes.run_timeout)
                self.targets[kind] = target
                record["values"] = {"startup_s": target.startup_s}
                log(f"{kind} up at {target.bootstrap} in {target.startup_s:.3f} s")
            except Exception as e:  # noqa: BLE001
                target.stop()
                self.target_errors[kind] = f"did not start: {e}"
                if record:
                    self._fail(record, e)
                log(f"{kind} did not start: {e}")
        time.sleep(self.s.sizes.settle_seconds)
        for kind, target in self.targets.items():
            self._idle_rss[kind] = target.rss_mib()
        for kind, target in self.targets.items():
            try:
                log(f"priming {kind}")
                prime(self._context(target))
            except Exception as e:  # noqa: BLE001
                # A broker still missing a feature (idempotence, groups) can run the rest.
                self.prime_errors[kind] = f"{type(e).__name__}: {e}"
                log(f"priming {kind} failed, measuring anyway: {str(e).splitlines()[0]}")

    def _stop_targets(self) -> None:
        for target in self.targets.values():
            target.stop()
        self.targets.clear()

    def _context(self, target: Target) -> RunContext:
        return RunContext(target, self.s.sizes, self.s.topic_configs)

    # -- one run -----------------------------------------------------------------------

    def _record(self, case: Case, kind: str, rep: int) -> dict:
        record = {
            "workload": case.workload, "driver": case.driver, "case": case.name, "kind": kind,
            "rep": rep, "values": {}, "broker": {}, "raw": None, "error": None,
            # Other work on the machine shows here first: numbers under load are noisy.
            "load_average": os.getloadavg()[0],
        }
        self.measurements.append(record)
        return record

    def _fail(self, record: dict, error: BaseException) -> None:
        record["error"] = f"{type(error).__name__}: {error}"
        log(f"{record['workload']}/{record['driver']} {record['case']} on {record['kind']} failed: "
            f"{str(error).splitlines()[0] if str(error) else type(error).__name__}")

    def _measure(self, case: Case, kind: str, rep: int) -> None:
        record = self._record(case, kind, rep)
        if kind in self.target_errors:
            record["error"] = self.target_errors[kind]
            return
        target = self.targets[kind]
        started = time.monotonic()
        try:
            target.check_running()
            # Write back what earlier runs left dirty, so this run does not pay for it.
            os.sync()
            cpu_before = target.cpu_seconds()
            target.sampler.mark()
            values, raw = RUNNERS[(case.workload, case.driver)](case, self._context(target), rep)
            cpu = target.cpu_seconds() - cpu_before
            peak = target.sampler.peak()
            record["broker"] = {"cpu_s": cpu, "rss_peak_mib": peak}
            if values.get("mib"):
                values["broker_cpu_ms_per_mib"] = cpu * 1000 / values["mib"]
            if peak is not None:
                self._load_peaks[kind].append(peak)
            record["values"], record["raw"] = values, raw
            summary = ", ".join(
                f"{m.label} {values[m.key]:,.2f}" for m in case.metrics if m.key in values
            )
            log(f"{case.key} on {kind}: {summary}")
            self._failures_in_a_row[kind] = 0
        except Exception as e:  # noqa: BLE001
            self._fail(record, e)
            self._failures_in_a_row[kind] += 1
            if self._failures_in_a_row[kind] >= MAX_FAILURES_IN_A_ROW:
                self.target_errors[kind] = (
                    f"not measured after {MAX_FAILURES_IN_A_ROW} failed runs in a row; "
                    f"the last: {record['error']}"
                )
        record["wall_s"] = time.monotonic() - started

    def _record_memory(self) -> None:
        case = self._case("memory")
        for kind in self.s.kinds:
            record = self._record(case, kind, 0)
            if kind not in self.targets:
                record["error"] = self.target_errors.get(kind, "not started")
                continue
            target = self.targets[kind]
            peaks = self._load_peaks[kind]
            record["values"] = {
                key: value for key, value in (
                    ("rss_idle_mib", self._idle_rss.get(kind)),
                    ("rss_load_mib", max(peaks) if peaks else None),
                    ("hwm_mib", target.hwm_mib()),
                ) if value is not None
            }
