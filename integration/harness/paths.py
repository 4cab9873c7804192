"""Where things live: the repository, the harness cache and the binaries under test.

Every location can be overridden from the environment so CI and developers can point the
harness at a different build without editing code.
"""

import os
from pathlib import Path

INTEGRATION_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = INTEGRATION_DIR.parent

# Git-ignored: the venv, the Maven-fetched jars and nothing else that matters.
CACHE_DIR = Path(os.environ.get("GREGOR_IT_CACHE", INTEGRATION_DIR / ".cache"))

# Apache Kafka 3.9 (broker + tools) and the Kafka 4.x Java clients, filled by fetch-jars.sh.
KAFKA_JARS_DIR = Path(os.environ.get("GREGOR_IT_KAFKA_JARS", CACHE_DIR / "jars-3.9"))
CLIENTS4_JARS_DIR = Path(os.environ.get("GREGOR_IT_CLIENTS4_JARS", CACHE_DIR / "jars-4.x"))

FETCH_JARS_SCRIPT = INTEGRATION_DIR / "fetch-jars.sh"
LOG4J_DIR = Path(__file__).resolve().parent / "log4j"

# Debian's zookeeper package: the server jar (its manifest names its dependencies) and an
# SLF4J binding from libslf4j-java, without which the server logs nothing at all.
ZOOKEEPER_JAR = Path(os.environ.get("GREGOR_IT_ZOOKEEPER_JAR", "/usr/share/java/zookeeper.jar"))
SLF4J_SIMPLE_JAR = Path("/usr/share/java/slf4j-simple.jar")

FIXTURES_DIR = REPO_ROOT / "tests" / "wire" / "fixtures"


def gregor_binary() -> Path:
    """The gregor broker under test: $GREGOR_BIN, else the default CMake build location."""
    return Path(os.environ.get("GREGOR_BIN", REPO_ROOT / "build" / "src" / "broker" / "gregor"))
