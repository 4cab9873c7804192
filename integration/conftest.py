"""pytest fixtures of the integration suite.

Which broker the tests run against is chosen with --broker-kind (or GREGOR_IT_BROKER):
'gregor' (the default), 'kafka' (Apache Kafka 3.9, the reference), or both, comma-separated,
which runs every broker test once per kind. A test limited to some kinds says so with
@pytest.mark.kinds("kafka"); a kind that cannot start here (no gregor binary yet) turns
into a skip with the reason.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    KAFKA,
    KINDS,
    BrokerCluster,
    JavaTools,
    ZooKeeper,
    kind_unavailable_reason,
)
from harness.process import install_signal_handlers  # noqa: E402

# Clusters started by fixtures, whose log tails are attached to a failing test's report.
_active_clusters: list[BrokerCluster] = []


def pytest_addoption(parser):
    parser.addoption(
        "--broker-kind",
        default=os.environ.get("GREGOR_IT_BROKER", "gregor"),
        help="broker(s) to test: gregor, kafka or gregor,kafka (env GREGOR_IT_BROKER)",
    )


def pytest_configure(config):
    config.addinivalue_line("markers", "kinds(*kinds): run the test only against these broker kinds")
    config.addinivalue_line(
        "markers", "gregor_pending(reason): gregor does not serve what this test needs yet; "
        "against gregor it is an expected failure (xfail, not strict, so a pass shows as XPASS)")
    kinds = _selected_kinds(config)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise pytest.UsageError(f"--broker-kind: unknown kind(s) {unknown}; choose from {KINDS}")
    install_signal_handlers()


def _selected_kinds(config) -> list[str]:
    return [k.strip() for k in config.getoption("--broker-kind").split(",") if k.strip()]


def pytest_generate_tests(metafunc):
    # Every test that (directly or through a fixture) needs a broker kind runs once per
    # selected kind; kinds the test does not allow or that cannot start become skips.
    if "broker_kind" not in metafunc.fixturenames:
        return
    marker = metafunc.definition.get_closest_marker("kinds")
    allowed = marker.args if marker else KINDS
    params = []
    for kind in _selected_kinds(metafunc.config):
        reason = kind_unavailable_reason(kind)
        if kind not in allowed:
            reason = f"test runs only against {', '.join(allowed)}"
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        pending = metafunc.definition.get_closest_marker("gregor_pending")
        if kind == "gregor" and pending and not reason:
            marks.append(pytest.mark.xfail(reason=pending.args[0], strict=False))
        params.append(pytest.param(kind, marks=marks, id=kind))
    metafunc.parametrize("broker_kind", params, indirect=True, scope="module")


@pytest.fixture(scope="module")
def broker_kind(request) -> str:
    """'gregor' or 'kafka': the kind of broker this test runs against."""
    return request.param


@pytest.fixture(scope="session")
def zookeeper(tmp_path_factory):
    """One ZooKeeper server for the run; every cluster lives under its own chroot."""
    zk = ZooKeeper(tmp_path_factory.mktemp("zookeeper"))
    zk.start()
    yield zk
    zk.stop()


def _start_cluster(kind, zookeeper, workdir, **kwargs) -> BrokerCluster:
    cluster = BrokerCluster(kind, zookeeper, workdir, **kwargs)
    _active_clusters.append(cluster)
    cluster.start()
    return cluster


def _stop_cluster(cluster: BrokerCluster) -> None:
    try:
        cluster.stop()
    finally:
        _active_clusters.remove(cluster)


@pytest.fixture(scope="module")
def cluster(request, broker_kind, zookeeper, tmp_path_factory):
    """A running cluster of broker_kind shared by the tests of a module. A module sets
    CLUSTER_SIZE (default 1) and CLUSTER_CONFIG (server.properties keys) to shape it."""
    size = getattr(request.module, "CLUSTER_SIZE", 1)
    config = getattr(request.module, "CLUSTER_CONFIG", None)
    workdir = tmp_path_factory.mktemp(f"{broker_kind}-cluster")
    c = _start_cluster(broker_kind, zookeeper, workdir, size=size, config=config)
    yield c
    _stop_cluster(c)


@pytest.fixture
def cluster_factory(broker_kind, zookeeper, tmp_path_factory):
    """make(size=1, config=None, overrides=None, kind=broker_kind) starts a fresh cluster
    for one test; everything made is stopped when the test ends."""
    made = []

    def make(size=1, config=None, overrides=None, kind=None):
        kind = kind or broker_kind
        workdir = tmp_path_factory.mktemp(f"{kind}-cluster")
        c = _start_cluster(kind, zookeeper, workdir, size=size, config=config, overrides=overrides)
        made.append(c)
        return c

    yield make
    for c in made:
        _stop_cluster(c)


@pytest.fixture(scope="module")
def reference_kafka(zookeeper, tmp_path_factory):
    """A 1-broker Apache Kafka cluster, whatever --broker-kind says: the reference a test
    compares gregor's behaviour with."""
    c = _start_cluster(KAFKA, zookeeper, tmp_path_factory.mktemp("reference-kafka"))
    yield c
    _stop_cluster(c)


@pytest.fixture(scope="module")
def bootstrap(cluster) -> str:
    return cluster.bootstrap


@pytest.fixture(scope="module")
def tools(cluster) -> JavaTools:
    """Kafka 3.9's command-line tools aimed at the module's cluster."""
    return JavaTools(cluster.bootstrap)


@pytest.fixture
def topic_name(request) -> str:
    """A topic name unique to the test (legal in Kafka: [a-zA-Z0-9._-], < 250 chars)."""
    name = re.sub(r"[^a-zA-Z0-9._-]", "-", request.node.name)
    return f"t-{name}"[:200]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for cluster in _active_clusters:
            for broker in cluster.brokers:
                report.sections.append((f"{broker!r} log", broker.log_tail(60)))
