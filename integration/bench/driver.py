"""The librdkafka load driver (tests/bench/rdkafka_bench.cc): built on demand, run per case.

The source is compiled with the system C++ compiler against Debian's librdkafka-dev into
the git-ignored cache, under a name holding the source's hash, so an edited source is
rebuilt and an unchanged one never is. $GREGOR_BENCH_DRIVER points at a prebuilt binary
instead (e.g. the CMake target build/tests/bench/rdkafka_bench).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Mapping, Optional

from harness import paths
from harness.process import CommandError, run

SOURCE = paths.REPO_ROOT / "tests" / "bench" / "rdkafka_bench.cc"
BIN_DIR = paths.CACHE_DIR / "bench" / "bin"
# The driver exits 3 when its own time bound cut the run short; its JSON is still valid.
EXIT_TIMED_OUT = 3


class DriverError(RuntimeError):
    """The driver could not be built, or a run failed without usable results."""


def ensure_built() -> Path:
    """The driver binary, compiled first if this version of the source never was."""
    prebuilt = os.environ.get("GREGOR_BENCH_DRIVER")
    if prebuilt:
        return Path(prebuilt)
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]
    binary = BIN_DIR / f"rdkafka_bench-{digest}"
    if binary.is_file():
        return binary
    BIN_DIR.mkdir(parents=True, exist_ok=True)
    partial = binary.with_suffix(".tmp")
    compiler = os.environ.get("CXX", "c++")
    argv = [compiler, "-std=c++20", "-O2", "-g", "-Wall", "-Wextra", "-pthread",
            "-o", str(partial), str(SOURCE), "-lrdkafka"]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    except FileNotFoundError:
        raise DriverError(f"no C++ compiler {compiler!r}; install build-essential") from None
    if result.returncode != 0:
        raise DriverError(
            f"building the rdkafka driver failed (is librdkafka-dev installed? see .ci/deps):\n"
            f"{' '.join(argv)}\n{result.stderr[-3000:]}"
        )
    partial.rename(binary)
    return binary


def _property_args(flag: str, props: Optional[Mapping[str, str]]) -> list[str]:
    return [a for k, v in (props or {}).items() for a in (flag, f"{k}={v}")]


def run_driver(
    mode: str,
    bootstrap: str,
    topic: str,
    count: int,
    timeout: float,
    size: int = 100,
    rate: float = 0,
    duration: float = 0,
    producer_props: Optional[Mapping[str, str]] = None,
    consumer_props: Optional[Mapping[str, str]] = None,
) -> dict:
    """Runs one produce, consume or e2e job and returns the driver's JSON result.

    The driver stops itself after timeout seconds; the process gets a little longer before
    it is killed. Raises DriverError on a failed run or a run that delivered nothing.
    """
    argv = [
        str(ensure_built()), mode, "--bootstrap", bootstrap, "--topic", topic,
        "--count", str(count), "--size", str(size), "--rate", str(rate),
        "--duration", str(duration), "--timeout", str(timeout),
        *_property_args("-P", producer_props), *_property_args("-C", consumer_props),
    ]
    try:
        done = run(argv, timeout=timeout + 15, check=False)
    except CommandError as e:
        raise DriverError(str(e)) from None
    if done.returncode not in (0, EXIT_TIMED_OUT) or not done.lines:
        raise DriverError(done.describe(f"exited with code {done.returncode}"))
    result = json.loads(done.lines[-1])
    result["stderr_tail"] = done.stderr[-2000:]
    if not result.get("records"):
        raise DriverError(
            f"{mode} moved no records: {result.get('first_error')}\n{done.stderr[-2000:]}"
        )
    return result
