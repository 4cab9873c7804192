"""The Apache Kafka jars, fetched once from Maven Central by integration/fetch-jars.sh."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from . import paths

_POMS = {
    "kafka": paths.INTEGRATION_DIR / "java" / "kafka-3.9" / "pom.xml",
    "clients4": paths.INTEGRATION_DIR / "java" / "clients-4.x" / "pom.xml",
}


def _complete(directory: Path, pom: Path) -> bool:
    # fetch-jars.sh writes a stamp holding the pom's sha256 after the last jar, so a
    # matching stamp means a complete folder fetched from the current pom.
    stamp = directory / ".complete"
    return stamp.is_file() and stamp.read_text().strip() == hashlib.sha256(pom.read_bytes()).hexdigest()


def _ensure(directory: Path, pom: Path) -> Path:
    if not _complete(directory, pom):
        subprocess.run(["bash", str(paths.FETCH_JARS_SCRIPT)], check=True, timeout=900)
    if not _complete(directory, pom):
        raise RuntimeError(f"{paths.FETCH_JARS_SCRIPT} did not fill {directory}")
    return directory


def ensure_kafka_jars() -> Path:
    """The folder with Apache Kafka 3.9 (broker, tools, log4j binding), fetched if needed."""
    return _ensure(paths.KAFKA_JARS_DIR, _POMS["kafka"])


def ensure_clients4_jars() -> Path:
    """The folder with the Kafka 4.x Java client jars, fetched if needed."""
    return _ensure(paths.CLIENTS4_JARS_DIR, _POMS["clients4"])


def classpath(directory: Path) -> str:
    """A java -cp value naming every jar in the folder."""
    return f"{directory}/*"
