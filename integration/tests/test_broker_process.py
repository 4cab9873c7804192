"""The broker process (issue 3): it survives hostile bytes, answers pipelined requests in
order, handles KIP-511, advertises only what it serves, reports readiness and metrics,
rejects bad configuration as Kafka does, enforces connection limits, and shuts down cleanly.

Everything talks to real gregor processes over real sockets on 127.0.0.1; raw frames come
from harness/kafka_wire.py, minimal requests for any API from harness/wire_schema.py.
Most tests share one broker (`survivor`) on purpose: the point is that one process takes
every abuse and still exits 0 on SIGTERM, which the last test of the module checks. Tests
that need other settings start their own broker.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import struct
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest

from harness import kcat, paths
from harness.broker import STARTED_RE, Broker, BrokerCluster
from harness.kafka_wire import (
    API_VERSIONS_KEY,
    UNSUPPORTED_VERSION,
    ConnectionClosed,
    KafkaSocket,
    api_versions,
    api_versions_request,
    frame,
    parse_api_versions_response,
    request_header,
)
from harness.ports import LOOPBACK
from harness.process import run
from harness.wire_schema import decode_response, load_schemas, minimal_request

# Every test here is bounded: sockets time out in seconds, and no test may take a minute.
pytestmark = [pytest.mark.kinds("gregor"), pytest.mark.timeout(60)]

# Small enough that a test can exceed it cheaply, large enough for every request sent here.
MAX_REQUEST_BYTES = 4096
UNKNOWN_KEY = "gregor.it.no.such.key"
METADATA_KEY = 3

MEASUREMENTS_FILE = paths.CACHE_DIR / "measurements" / "broker_process.json"


# -- helpers ----------------------------------------------------------------------------


def connect(broker: Broker, timeout: float = 10.0) -> KafkaSocket:
    return KafkaSocket(LOOPBACK, broker.port, timeout=timeout)


def check_api_versions(sock: KafkaSocket, correlation_id: int, version: int = 3) -> dict:
    """One ApiVersions round trip that must succeed; returns the advertised ranges."""
    resp = api_versions(sock, version, correlation_id)
    assert resp.error_code == 0, f"ApiVersions v{version} answered error {resp.error_code}"
    assert API_VERSIONS_KEY in resp.api_keys
    return resp.api_keys


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://{LOOPBACK}:{port}{path}", timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def peer_pattern(sock: KafkaSocket) -> re.Pattern:
    """Matches the client's address as the broker logs it, and not a longer port."""
    return re.compile(rf"{re.escape(LOOPBACK)}:{sock.local_port}(?!\d)")


def lines_since(broker: Broker, offset: int) -> list[str]:
    with open(broker.process.log_path, "rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace").splitlines()


def read_vm_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


# -- the shared broker ------------------------------------------------------------------


@pytest.fixture(scope="module")
def survivor(broker_kind, zookeeper, tmp_path_factory):
    """One gregor broker with a small socket.request.max.bytes (given with --override) and
    an unknown key in its server.properties."""
    cluster = BrokerCluster(
        broker_kind,
        zookeeper,
        tmp_path_factory.mktemp("survivor"),
        config={UNKNOWN_KEY: "1"},
        overrides={"socket.request.max.bytes": str(MAX_REQUEST_BYTES)},
    )
    cluster.start()
    try:
        yield cluster.brokers[0]
    finally:
        cluster.stop()


# -- hostile frames -----------------------------------------------------------------------


@dataclass
class Hostile:
    name: str
    data: bytes
    reason: str  # what the broker's one log line about the connection must say (regex)
    half_close: bool = False  # shut down our side after sending (a client that goes away)


def _api_versions_v3_header(client_id_tags: bytes = b"\x00") -> bytes:
    return struct.pack(">hhih", API_VERSIONS_KEY, 3, 7, 1) + b"x" + client_id_tags


_TLS_CLIENT_HELLO = bytes.fromhex("16030100f5010000f10303") + bytes(32)
_NAMES_THE_API = r"ApiVersions.*\b(v|version )3\b"

HOSTILE = [
    Hostile("http-request", b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            r"(?i)size.*(above|exceed|larger|limit)"),
    Hostile("tls-client-hello", _TLS_CLIENT_HELLO, r"(?i)size.*(above|exceed|larger|limit)"),
    Hostile("garbage-in-a-plausible-frame", frame(bytes(range(0xF0, 0x100))),
            r"(?i)(unknown|unserved|unsupported).*\bkey -3855\b"),
    Hostile("truncated-frame-then-close", struct.pack(">i", 100) + bytes(10),
            r"(?i)(middle of a frame|truncated|incomplete)", half_close=True),
    Hostile("negative-size", struct.pack(">i", -10) + bytes(16), r"(?i)negative"),
    Hostile("size-above-socket.request.max.bytes",
            struct.pack(">i", MAX_REQUEST_BYTES + 1) + bytes(16),
            rf"(?i)\b{MAX_REQUEST_BYTES + 1}\b.*(above|exceed|larger|limit)"),
    Hostile("zero-size-frame", struct.pack(">i", 0), r"(?i)(too short|header)"),
    Hostile("frame-shorter-than-a-header", frame(b"\x00\x12\x00"), r"(?i)(too short|header)"),
    Hostile("unknown-api-key", frame(request_header(9999, 0, 1)),
            r"(?i)(unknown|unserved|unsupported).*\bkey 9999\b"),
    Hostile("metadata-v99", frame(request_header(METADATA_KEY, 99, 1)),
            r"(Metadata version 99\b|API key 3\b)"),
    Hostile("metadata-negative-version", frame(request_header(METADATA_KEY, -1, 1)),
            r"(Metadata version -1\b|API key 3\b)"),
    Hostile("client-id-runs-past-the-frame",
            frame(struct.pack(">hhih", API_VERSIONS_KEY, 1, 7, 1000) + b"abc"),
            r"ApiVersions.*header"),
    Hostile("header-tagged-field-runs-past-the-frame",
            frame(_api_versions_v3_header(b"\x01\x00\x32ab")), r"ApiVersions.*header"),
    Hostile("body-string-runs-past-the-frame",
            frame(_api_versions_v3_header() + b"\x65abc"), _NAMES_THE_API),
    Hostile("body-varint-never-ends",
            frame(_api_versions_v3_header() + b"\xff" * 8), _NAMES_THE_API),
]


@pytest.mark.parametrize("case", HOSTILE, ids=[c.name for c in HOSTILE])
def test_hostile_frame_closes_only_its_own_connection(survivor, case):
    with connect(survivor) as neighbour:
        check_api_versions(neighbour, 1)
        mark = survivor.log_size()
        with connect(survivor) as hostile:
            hostile.send(case.data)
            if case.half_close:
                hostile.shutdown_write()
            answered = hostile.wait_closed(timeout=5)
            peer = peer_pattern(hostile)
        assert answered == b"", f"the broker answered {answered[:64]!r} before closing"
        survivor.wait_for_log(peer, timeout=5, since=mark)
        check_api_versions(neighbour, 2)
        check_api_versions(neighbour, 3, version=0)

    about_peer = [line for line in lines_since(survivor, mark) if peer.search(line)]
    assert len(about_peer) == 1, "expected one log line about the connection:\n" + "\n".join(
        about_peer
    )
    assert re.search(case.reason, about_peer[0]), (
        f"the log line does not say what was wrong (want /{case.reason}/):\n{about_peer[0]}"
    )
    assert survivor.running


def test_clients_that_reset_with_answers_pending(survivor):
    # A client that sends far more than it reads, then resets: the broker's answers back up
    # behind a tiny receive window, and its pending writes then fail. That must cost the
    # broker that connection only (no SIGPIPE, no crash), however often it happens.
    burst = b"".join(frame(api_versions_request(i % 4, i)) for i in range(20000))
    with connect(survivor) as neighbour:
        for round_ in range(5):
            rude = KafkaSocket(LOOPBACK, survivor.port, receive_buffer=4096)
            try:
                rude.send_until_blocked(burst, patience=0.3)
            finally:
                rude.reset()
            check_api_versions(neighbour, round_ + 1)
    assert survivor.running, survivor.log_tail()


# -- pipelining and KIP-511 ---------------------------------------------------------------


def test_200_pipelined_api_versions_come_back_in_order(survivor):
    rng = random.Random(200)
    versions = [i % 4 for i in range(200)]
    rng.shuffle(versions)
    correlation_ids = rng.sample(range(1, 2**31 - 1), len(versions))
    burst = b"".join(
        frame(api_versions_request(v, c)) for v, c in zip(versions, correlation_ids)
    )
    with connect(survivor) as sock:
        sock.send(burst)
        answers = []
        for version, correlation_id in zip(versions, correlation_ids):
            # The parser refuses a flexible response header on v3 (ApiVersions answers
            # always use header v0) and any byte left over.
            resp = parse_api_versions_response(sock.recv_frame(), version)
            assert resp.correlation_id == correlation_id, f"answer {len(answers)} out of order"
            assert resp.error_code == 0
            answers.append(resp)
    ranges = {tuple(sorted(a.api_keys.items())) for a in answers}
    assert len(ranges) == 1, "every version must advertise the same API ranges"
    assert all(a.throttle_time_ms == 0 for a in answers if a.throttle_time_ms is not None)


@pytest.mark.parametrize("version,header_version", [(127, 2), (5, 2), (-1, 1)])
def test_kip511_unsupported_api_versions_version(survivor, version, header_version):
    with connect(survivor) as sock:
        sock.send_request(api_versions_request(version, 4242, header_version=header_version))
        raw = sock.recv_frame()
        resp = parse_api_versions_response(raw, 0)  # the v0 layout, whatever was asked
        assert resp.correlation_id == 4242
        assert resp.error_code == UNSUPPORTED_VERSION
        assert resp.api_keys == {API_VERSIONS_KEY: (0, 4)}
        assert len(raw) == 4 + 2 + 4 + 6
        # The client retries with a version both sides know, on the same connection.
        keys = check_api_versions(sock, 4243, version=3)
        assert keys[API_VERSIONS_KEY] == (0, 4)


# -- what is advertised is what is served -------------------------------------------------

# Requests whose minimal form is not harmless or not answerable, so they are not sent even
# when advertised. Everything else gets its schema's default-valued request.
NOT_SENT = {
    4: "LeaderAndIsr: only the controller sends it; a default one carries controller epoch 0",
    5: "StopReplica: only the controller sends it; a default one carries controller epoch 0",
    6: "UpdateMetadata: a default one would empty the broker's view of the cluster",
    58: "Envelope: wraps another request; only a forwarding broker sends it",
}
# Top-level fields set on top of the defaults. Produce: acks=0 would mean no response at
# all. DescribeAcls: a filter with UNKNOWN (0) types is invalid, and Kafka closes the
# connection; 1 is ANY. (With these, Apache Kafka 3.9 answers every API it advertises.)
MINIMAL_VALUES = {
    0: {"acks": -1},
    29: {"resource_type_filter": 1, "operation": 1, "permission_type": 1},
}


def test_every_advertised_api_answers_and_no_other_does(survivor):
    schemas = load_schemas()
    with connect(survivor) as sock:
        advertised = check_api_versions(sock, 1)
    assert advertised[API_VERSIONS_KEY] == (0, 4)
    unknown = set(advertised) - set(schemas)
    assert not unknown, f"advertised API keys without a schema: {sorted(unknown)}"

    answered, closed, problems = [], [], []
    for key, api in sorted(schemas.items()):
        if key in advertised and key in NOT_SENT:
            continue
        lo, hi = advertised.get(key, (api.min_version, api.min_version))
        if key in advertised and not (api.versions.lo <= lo <= hi and hi in api.versions):
            problems.append(f"{api.name}: advertised {lo}-{hi} outside the schema's range")
            continue
        request = minimal_request(api, lo, 1000 + key, MINIMAL_VALUES.get(key))
        with connect(survivor) as sock:
            sock.send_request(request)
            if key in advertised:
                try:
                    resp = decode_response(api, lo, sock.recv_frame(timeout=10))
                except (ConnectionClosed, TimeoutError, ValueError) as err:
                    problems.append(f"{api.name} v{lo} (advertised): {err!r}")
                    continue
                if resp.correlation_id != 1000 + key:
                    problems.append(f"{api.name} v{lo}: correlation id {resp.correlation_id}")
                answered.append(api.name)
            else:
                try:
                    leftover = sock.wait_closed(timeout=5)
                except TimeoutError:
                    problems.append(f"{api.name} v{lo} (not advertised): connection stayed open")
                    continue
                if leftover:
                    problems.append(f"{api.name} (not advertised) answered {leftover[:32]!r}")
                closed.append(api.name)
    assert not problems, "\n".join(problems)
    assert "ApiVersions" in answered
    assert "Metadata" in answered or "Metadata" in closed
    print(f"\nanswered: {answered}\nclosed (not advertised): {len(closed)} APIs")
    assert survivor.running


def test_kcat_completes_the_api_versions_exchange(survivor):
    # Until Metadata is served, kcat fails to get metadata; only the handshake and the
    # broker's survival are asserted.
    result = kcat.kcat(
        ["-L", "-b", survivor.bootstrap, "-m", "5", "-d", "broker,protocol"],
        timeout=40,
        check=False,
    )
    assert "Received ApiVersionResponse" in result.stderr, result.describe("no ApiVersions answer")
    assert "APIVERSION_QUERY -> UP" in result.stderr, result.describe("handshake incomplete")
    assert survivor.running
    with connect(survivor) as sock:
        check_api_versions(sock, 1)


# -- configuration --------------------------------------------------------------------------


def test_unknown_config_key_only_warns(survivor):
    log = survivor.log_text(current_run_only=True)
    assert re.search(
        rf"WARN The configuration '{re.escape(UNKNOWN_KEY)}' was supplied but isn't a known "
        r"config\.",
        log,
    ), survivor.log_tail()
    assert STARTED_RE.search(log)


@pytest.mark.parametrize("where", ["server.properties", "--override"])
def test_invalid_value_exits_1_with_kafkas_message(broker_kind, zookeeper, tmp_path, where):
    bad = {"num.partitions": "abc"}
    broker = Broker(
        broker_kind, 1, zookeeper.connect_with_chroot("/bad-config"), tmp_path,
        config=bad if where == "server.properties" else None,
        overrides=bad if where == "--override" else None,
    )
    broker.start(wait=False)
    try:
        assert broker.process.wait(timeout=20) == 1
    finally:
        broker.stop(timeout=5)
    log = broker.log_text(current_run_only=True)
    assert (
        "Invalid value abc for configuration num.partitions: Not a number of type INT" in log
    ), log
    assert not STARTED_RE.search(log)


def test_version_prints_and_exits_0(broker_kind):
    result = run([paths.gregor_binary(), "--version"], timeout=10)
    assert re.search(r"gregor .*\d+\.\d+\.\d+", result.stdout), result.stdout


def test_no_arguments_prints_usage_and_exits_1(broker_kind):
    # kafka.Kafka (and kafka-server-start.sh) exit 1 when started without a config file.
    result = run([paths.gregor_binary()], timeout=10, check=False)
    assert "USAGE" in (result.stdout + result.stderr)
    assert result.returncode == 1, result.describe(f"exit code {result.returncode}")


# -- connection limits ------------------------------------------------------------------------


def test_max_connections_per_ip_closes_the_third(cluster_factory):
    broker = cluster_factory(overrides={"max.connections.per.ip": "2"}).brokers[0]
    with connect(broker) as first, connect(broker) as second:
        check_api_versions(first, 1)
        check_api_versions(second, 1)
        mark = broker.log_size()
        with connect(broker) as third:
            assert third.wait_closed(timeout=5) == b""
            refused = peer_pattern(third)
        line = broker.wait_for_log(rf".*{refused.pattern}.*", timeout=5, since=mark).group(0)
        assert "max.connections.per.ip" in line, line
        check_api_versions(first, 2)
        check_api_versions(second, 2)
    # Once those two are gone, the address may connect again.
    deadline = time.monotonic() + 5
    while True:
        try:
            with connect(broker) as again:
                check_api_versions(again, 1)
            break
        except (ConnectionClosed, ConnectionError):
            assert time.monotonic() < deadline, "closed connections were never released"
            time.sleep(0.05)


def test_idle_connection_is_closed_and_a_busy_one_is_not(cluster_factory):
    idle_ms = 600
    broker = cluster_factory(overrides={"connections.max.idle.ms": str(idle_ms)}).brokers[0]
    with connect(broker) as idle, connect(broker) as busy:
        check_api_versions(idle, 1)
        quiet_since = time.monotonic()
        correlation_id = 1
        while True:
            correlation_id += 1
            check_api_versions(busy, correlation_id)
            try:
                assert idle.wait_closed(timeout=0.15) == b""
                break
            except TimeoutError:
                assert time.monotonic() - quiet_since < 10 * idle_ms / 1000, "never closed"
        quiet_for = time.monotonic() - quiet_since
        assert quiet_for >= 0.8 * idle_ms / 1000, f"closed after only {quiet_for:.3f} s"
        check_api_versions(busy, correlation_id + 1)
        line = broker.wait_for_log(rf".*{peer_pattern(idle).pattern}.*", timeout=5).group(0)
        assert "idle" in line, line


# -- measurements -------------------------------------------------------------------------------


def _wait_started_precisely(broker: Broker, since: int, timeout: float = 10.0) -> None:
    # The harness polls every 50 ms; a measurement wants finer steps.
    deadline = time.monotonic() + timeout
    while not STARTED_RE.search("\n".join(lines_since(broker, since))):
        assert broker.running, broker.log_tail()
        assert time.monotonic() < deadline, broker.log_tail()
        time.sleep(0.002)


def test_startup_time_and_idle_rss(cluster_factory):
    broker = cluster_factory().brokers[0]
    broker.stop()
    startup_s, rss_kib, hwm_kib = [], [], []
    for attempt in range(5):
        mark = broker.log_size()
        began = time.monotonic()
        broker.start(wait=False)
        _wait_started_precisely(broker, mark)
        startup_s.append(time.monotonic() - began)
        assert http_get(broker.admin_port, "/ready")[0] == 200
        status = read_vm_status(broker.process.pid)
        rss_kib.append(status["VmRSS"])
        hwm_kib.append(status["VmHWM"])
        if attempt < 4:
            assert broker.stop() == 0
    measurements = {
        "binary": str(paths.gregor_binary()),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "startup_to_started_line_s": {
            "median": statistics.median(startup_s),
            "samples": [round(s, 4) for s in startup_s],
        },
        "idle_vm_rss_kib": {"median": statistics.median(rss_kib), "samples": rss_kib},
        "idle_vm_hwm_kib": {"median": statistics.median(hwm_kib), "samples": hwm_kib},
    }
    MEASUREMENTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    MEASUREMENTS_FILE.write_text(json.dumps(measurements, indent=2) + "\n")
    print(
        f"\nstartup (exec to started line), median of 5: "
        f"{1000 * statistics.median(startup_s):.1f} ms {[round(1000 * s, 1) for s in startup_s]}"
        f"\nidle VmRSS: {statistics.median(rss_kib) / 1024:.1f} MiB "
        f"(VmHWM {statistics.median(hwm_kib) / 1024:.1f} MiB); written to {MEASUREMENTS_FILE}"
    )
    # Sanity bounds only; the numbers are for the record.
    assert statistics.median(startup_s) < 5.0
    assert statistics.median(rss_kib) < 512 * 1024


# -- admin endpoint and shutdown (last: they end the shared broker) ------------------------------


def test_admin_endpoint_ready_and_broker_state(survivor):
    assert STARTED_RE.search(survivor.log_text(current_run_only=True))
    status, body = http_get(survivor.admin_port, "/ready")
    assert status == 200, body
    status, metrics = http_get(survivor.admin_port, "/metrics")
    assert status == 200
    assert re.search(r"^kafka_server_kafkaserver_brokerstate(\{\})? 3(\.0+)?$", metrics, re.M), (
        metrics[:2000]
    )
    samples = [line for line in metrics.splitlines() if line and not line.startswith("#")]
    bad = [line for line in samples if not re.match(r"^[a-zA-Z_:][\w:]*(\{.*\})? \S+$", line)]
    assert not bad, f"not Prometheus text: {bad[:5]}"


LIFECYCLE = [
    r"INFO (\[KafkaServer id=1\] )?starting \(kafka\.server\.KafkaServer\)",
    r"INFO \[KafkaServer id=1\] started \(kafka\.server\.KafkaServer\)",
    r"INFO \[KafkaServer id=1\] shutting down \(kafka\.server\.KafkaServer\)",
    r"INFO \[KafkaServer id=1\] shut down completed \(kafka\.server\.KafkaServer\)",
]


def test_survivor_exits_0_on_sigterm_with_lifecycle_lines_in_order(survivor):
    assert survivor.running, "the broker died during this module\n" + survivor.log_tail()
    with connect(survivor) as sock:
        check_api_versions(sock, 1)
    assert survivor.stop(timeout=15) == 0, survivor.log_tail()
    log = survivor.log_text(current_run_only=True)
    positions = []
    for pattern in LIFECYCLE:
        found = re.search(pattern, log)
        assert found, f"missing /{pattern}/\n{survivor.log_tail()}"
        positions.append(found.start())
    assert positions == sorted(positions), "lifecycle lines out of order"
    with pytest.raises(OSError):
        http_get(survivor.admin_port, "/ready", timeout=2)
