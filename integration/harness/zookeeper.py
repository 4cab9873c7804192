"""A real ZooKeeper server (Debian's zookeeper package) on a free loopback port.

The server is started the way `zkServer.sh start-foreground` starts it (java, the package's
jar, QuorumPeerMain, zoo.cfg), but directly: Debian's script fixes the class path, which
leaves the server without an SLF4J binding and so without any log. We add Debian's
slf4j-simple, which logs to stderr, into the captured log file.

One server can serve many broker clusters: each cluster gets its own chroot
(`127.0.0.1:PORT/<chroot>`), exactly as an operator would share an ensemble.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from pathlib import Path
from typing import Optional

from . import paths
from .ports import LOOPBACK, free_port
from .process import ManagedProcess, ProcessError

# A short tick lets tests use session timeouts down to 1 s; the explicit maximum keeps
# Kafka's default zookeeper.session.timeout.ms (18 s) from being cut to 20 ticks.
_ZOO_CFG = """\
tickTime=500
initLimit=10
syncLimit=5
minSessionTimeout=1000
maxSessionTimeout=60000
dataDir={data_dir}
clientPort={port}
clientPortAddress=127.0.0.1
maxClientCnxns=0
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat,mntr,cons,dump,envi
"""


class ZooKeeper:
    """One standalone ZooKeeper server with its own data directory."""

    def __init__(self, workdir: Path, port: Optional[int] = None, heap: str = "-Xmx256m") -> None:
        self.workdir = Path(workdir)
        self.port = port or free_port()
        self.heap = heap
        self.process = ManagedProcess(
            f"zookeeper:{self.port}", self._argv(), self.workdir / "zookeeper.log"
        )

    @property
    def connect(self) -> str:
        """The connection string without a chroot."""
        return f"{LOOPBACK}:{self.port}"

    def connect_with_chroot(self, chroot: str) -> str:
        """The connection string for a cluster living under /<chroot>."""
        return f"{self.connect}/{chroot.strip('/')}"

    @staticmethod
    def new_chroot(prefix: str = "cluster") -> str:
        """A chroot name nobody else in this run uses."""
        return f"{prefix}-{uuid.uuid4().hex[:8]}"

    def start(self, timeout: float = 30.0) -> "ZooKeeper":
        """Starts the server and waits until it serves clients (see serving())."""
        (self.workdir / "data").mkdir(parents=True, exist_ok=True)
        (self.workdir / "zoo.cfg").write_text(
            _ZOO_CFG.format(data_dir=self.workdir / "data", port=self.port)
        )
        self.process.start()
        deadline = time.monotonic() + timeout
        while not self.serving():
            if not self.process.running:
                raise ProcessError(
                    f"ZooKeeper exited with code {self.process.returncode}\n"
                    f"{self.process.log_tail()}"
                )
            if time.monotonic() > deadline:
                self.process.kill()
                raise ProcessError(
                    f"ZooKeeper was not serving within {timeout:.0f}s\n"
                    f"{self.process.log_tail()}"
                )
            time.sleep(0.1)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.process.stop(timeout)

    def kill(self) -> None:
        self.process.kill()

    @property
    def running(self) -> bool:
        return self.process.running

    def serving(self) -> bool:
        """True once `ruok` answers `imok` and `srvr` reports a mode. The server answers
        `imok` a moment before it accepts sessions, hence the second check."""
        return self.four_letter("ruok") == "imok" and "Mode: " in self.four_letter("srvr")

    def four_letter(self, command: str, timeout: float = 2.0) -> str:
        """Sends a four-letter command (ruok, srvr, stat, mntr, cons, dump) and returns
        the answer, or "" when the server does not answer."""
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=timeout) as s:
                s.sendall(command.encode())
                chunks = []
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
                return b"".join(chunks).decode(errors="replace")
        except OSError:
            return ""

    def client(self, chroot: Optional[str] = None, timeout: float = 10.0):
        """A started kazoo client (the caller stops it), for reading znodes in tests."""
        from kazoo.client import KazooClient

        hosts = self.connect_with_chroot(chroot) if chroot else self.connect
        zk = KazooClient(hosts=hosts, timeout=timeout)
        zk.start(timeout=timeout)
        return zk

    def _argv(self) -> list[str]:
        class_path = [str(paths.ZOOKEEPER_JAR)]
        if paths.SLF4J_SIMPLE_JAR.is_file():
            class_path.append(str(paths.SLF4J_SIMPLE_JAR))
        return [
            os.environ.get("JAVA", "java"),
            *self.heap.split(),
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss,SSS",
            "-Dzookeeper.jmx.log4j.disable=true",
            "-cp",
            ":".join(class_path),
            "org.apache.zookeeper.server.quorum.QuorumPeerMain",
            str(self.workdir / "zoo.cfg"),
        ]

    def __enter__(self) -> "ZooKeeper":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
