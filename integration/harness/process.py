"""Long-running child processes (ZooKeeper, brokers) that can never outlive the test run.

Each process runs in its own process group, so a stop or kill reaches everything it
spawned. Four guards make sure nothing is left behind:

* the owner stops it (fixture teardown, also after a failed test or Ctrl-C);
* an atexit hook kills every process still registered when the interpreter exits;
* the kernel kills it when the test runner itself dies (PR_SET_PDEATHSIG), even by SIGKILL;
* a timer kills it after a maximum lifetime, so a hung run cannot hold ports forever.

Output (stdout and stderr together) goes to a log file that tests read and search.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Optional, Sequence

# A process started by the harness lives at most this long (seconds).
DEFAULT_MAX_LIFETIME = float(os.environ.get("GREGOR_IT_PROCESS_LIFETIME", "1800"))

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)

_live_lock = threading.Lock()
_live: set["ManagedProcess"] = set()


class ProcessError(RuntimeError):
    """A managed process failed to start, died early or did not log what we waited for."""


def _die_with_parent() -> None:
    # Runs in the child between fork and exec. The signal survives exec, so the kernel
    # kills the server if the thread that started it (the test runner) goes away.
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


class ManagedProcess:
    """One child process with a log file, a lifetime bound and group-wide signals."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        env: Optional[dict[str, str]] = None,
        cwd: Optional[Path] = None,
        max_lifetime: float = DEFAULT_MAX_LIFETIME,
    ) -> None:
        self.name = name
        self.argv = [str(a) for a in argv]
        self.log_path = Path(log_path)
        self.env = env
        self.cwd = cwd
        self.max_lifetime = max_lifetime
        self.expired = False
        self._popen: Optional[subprocess.Popen] = None
        self._timer: Optional[threading.Timer] = None
        # Offset in the log where the current run's output begins; a restart appends to
        # the same file, and waits must not match lines of an earlier run.
        self._run_offset = 0

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        """Starts the process. Raises if it is already running."""
        if self.running:
            raise ProcessError(f"{self.name} is already running (pid {self.pid})")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self._run_offset = log.tell()
            header = f"=== harness: starting {self.name}: {' '.join(self.argv)}\n"
            log.write(header.encode())
            log.flush()
            self._popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        self.expired = False
        self._timer = threading.Timer(self.max_lifetime, self._expire)
        self._timer.daemon = True
        self._timer.start()
        with _live_lock:
            _live.add(self)

    def stop(self, timeout: float = 30.0, send_term: bool = True) -> Optional[int]:
        """Sends SIGTERM, waits up to timeout seconds, then SIGKILLs the whole group.

        send_term=False only waits, for a caller that already sent SIGTERM (a second
        one could turn a clean shutdown into a forced one). Returns the exit code
        (negative for a signal), or None if it was never started.
        """
        if self._popen is None:
            return None
        if self._popen.poll() is None:
            if send_term:
                self.signal(signal.SIGTERM)
            try:
                self._popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self._log_note(f"did not exit {timeout:.0f}s after SIGTERM; sending SIGKILL")
                self.signal(signal.SIGKILL)
                self._popen.wait()
        return self._finish()

    def kill(self) -> Optional[int]:
        """SIGKILLs the whole group at once (a crash, as far as the process can tell)."""
        if self._popen is None:
            return None
        self.signal(signal.SIGKILL)
        self._popen.wait()
        return self._finish()

    def signal(self, sig: int) -> None:
        """Sends sig to the process group; a group that is already gone is ignored."""
        if self._popen is None:
            return
        try:
            os.killpg(self._popen.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def wait(self, timeout: float) -> int:
        """Waits for the process to exit by itself and returns its exit code."""
        if self._popen is None:
            raise ProcessError(f"{self.name} was never started")
        try:
            self._popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise ProcessError(
                f"{self.name} still running after {timeout:.0f}s\n{self.log_tail()}"
            ) from None
        return self._finish()

    def _finish(self) -> Optional[int]:
        # Whatever the main process did, no member of its group may survive it.
        self.signal(signal.SIGKILL)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        with _live_lock:
            _live.discard(self)
        return self.returncode

    def _expire(self) -> None:
        self.expired = True
        self._log_note(f"max lifetime of {self.max_lifetime:.0f}s reached; sending SIGKILL")
        self.signal(signal.SIGKILL)

    # -- state -----------------------------------------------------------------------

    @property
    def pid(self) -> Optional[int]:
        return None if self._popen is None else self._popen.pid

    @property
    def running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    @property
    def returncode(self) -> Optional[int]:
        return None if self._popen is None else self._popen.poll()

    # -- log -------------------------------------------------------------------------

    def log_text(self, current_run_only: bool = False) -> str:
        """The captured output, of every run or only of the current one."""
        try:
            with open(self.log_path, "rb") as f:
                if current_run_only:
                    f.seek(self._run_offset)
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of the current run's output, for error messages."""
        tail = self.log_text(current_run_only=True).splitlines()[-lines:]
        return f"--- last {len(tail)} lines of {self.log_path} ---\n" + "\n".join(tail)

    def wait_for_log(
        self, pattern: str | re.Pattern, timeout: float, since: Optional[int] = None
    ) -> re.Match:
        """Waits until the current run logs a line matching pattern and returns the match.

        Fails early, with the log tail in the message, if the process exits first.
        since is a byte offset in the log file (from log_size()) to search after.
        """
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        start = self._run_offset if since is None else since
        deadline = time.monotonic() + timeout
        while True:
            text = self._read_from(start)
            match = regex.search(text)
            if match:
                return match
            if not self.running:
                raise ProcessError(
                    f"{self.name} exited with code {self.returncode} before logging "
                    f"{regex.pattern!r}\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise ProcessError(
                    f"{self.name} did not log {regex.pattern!r} within {timeout:.0f}s\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.05)

    def log_size(self) -> int:
        """Current size of the log file: a mark to pass as since= to wait_for_log."""
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def _read_from(self, offset: int) -> str:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def _log_note(self, message: str) -> None:
        with open(self.log_path, "ab") as log:
            log.write(f"=== harness: {self.name}: {message}\n".encode())

    def __repr__(self) -> str:
        return f"ManagedProcess({self.name!r}, pid={self.pid}, running={self.running})"


def kill_all() -> None:
    """SIGKILLs every process the harness started that is still registered."""
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        proc.kill()


def install_signal_handlers() -> None:
    """Turns SIGTERM and SIGHUP into KeyboardInterrupt, so teardown runs as on Ctrl-C.

    Call from the main thread (pytest_configure does). A second signal kills the
    children at once and exits.
    """

    def handler(signum, _frame):
        if getattr(handler, "seen", False):
            kill_all()
            os._exit(128 + signum)
        handler.seen = True
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


atexit.register(kill_all)


class CommandResult:
    """What a finished short-lived command printed and returned."""

    def __init__(self, argv: list[str], returncode: int, stdout: bytes, stderr: bytes, seconds: float):
        self.argv = argv
        self.returncode = returncode
        self.stdout_bytes = stdout
        self.stderr_bytes = stderr
        self.seconds = seconds

    @property
    def stdout(self) -> str:
        return self.stdout_bytes.decode(errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_bytes.decode(errors="replace")

    @property
    def lines(self) -> list[str]:
        """Non-empty stdout lines."""
        return [line for line in self.stdout.splitlines() if line.strip()]

    def check(self) -> "CommandResult":
        """Raises CommandError unless the command exited 0."""
        if self.returncode != 0:
            raise CommandError(self.describe(f"exited with code {self.returncode}"))
        return self

    def describe(self, what: str) -> str:
        return (
            f"{' '.join(self.argv)}\n{what} after {self.seconds:.1f}s\n"
            f"--- stdout ---\n{_tail(self.stdout)}\n--- stderr ---\n{_tail(self.stderr)}"
        )


class CommandError(RuntimeError):
    """A short-lived command failed or ran out of time; the message holds its output."""


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def run(
    argv: Sequence[str],
    timeout: float,
    input: Optional[bytes | str] = None,
    env: Optional[dict[str, str]] = None,
    check: bool = True,
) -> CommandResult:
    """Runs a short-lived command in its own process group and captures its output.

    On timeout the whole group is SIGKILLed and CommandError carries what it printed so
    far. With check=True a non-zero exit raises CommandError too.
    """
    argv = [str(a) for a in argv]
    data = input.encode() if isinstance(input, str) else input
    started = time.monotonic()
    popen = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
        preexec_fn=_die_with_parent,
    )
    try:
        stdout, stderr = popen.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        stdout, stderr = popen.communicate()
        result = CommandResult(argv, -9, stdout, stderr, time.monotonic() - started)
        raise CommandError(result.describe(f"timed out after {timeout:.0f}s")) from None
    finally:
        try:
            os.killpg(popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    result = CommandResult(argv, popen.returncode, stdout, stderr, time.monotonic() - started)
    return result.check() if check else result
