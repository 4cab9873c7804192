"""Memory and CPU of broker processes, read from /proc.

VmRSS is the resident set now, VmHWM its peak since the process started (both in
/proc/PID/status); CPU time is utime + stime from /proc/PID/stat. A Sampler thread reads
VmRSS every few milliseconds so a workload can ask for the peak during its own run.
"""

from __future__ import annotations

import os
import threading
from typing import Iterable, Optional

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_KIB_PER_MIB = 1024.0


def status_mib(pid: int, field: str) -> Optional[float]:
    """A `kB` field of /proc/PID/status (VmRSS, VmHWM, ...) in MiB, or None if the process
    is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / _KIB_PER_MIB
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time of the process so far, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name (field 2) may hold spaces; the fields after it are fixed.
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def total(values: Iterable[Optional[float]]) -> Optional[float]:
    """The sum, or None when any value is missing (a process died)."""
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


class Sampler:
    """Samples the summed VmRSS of some processes until closed; mark() starts a window whose
    peak peak() returns."""

    def __init__(self, pids: list[int], interval: float = 0.05) -> None:
        self.pids = pids
        self.interval = interval
        self._lock = threading.Lock()
        self._peak: Optional[float] = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()

    def mark(self) -> None:
        with self._lock:
            self._peak = None
        self._sample()

    def peak(self) -> Optional[float]:
        """The highest summed VmRSS (MiB) seen since the last mark()."""
        self._sample()
        with self._lock:
            return self._peak

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        rss = total(status_mib(pid, "VmRSS") for pid in self.pids)
        if rss is None:
            return
        with self._lock:
            self._peak = rss if self._peak is None else max(self._peak, rss)
