"""Records golden request/response frames from real clients talking to Apache Kafka 3.9.

    python -m capture.record [--out DIR] [--clients kcat,java-tools,...] [--keep-workdir]

(run from integration/ with the venv's python; capture/run-capture.sh does all of it).

Layout of the capture: ZooKeeper, one Apache Kafka broker with two listeners, and two
recording proxies. Clients bootstrap on the client proxy; the broker advertises the proxy's
address on that listener, so every later connection (found through Metadata) also goes
through it. The inter-broker listener is advertised at the second proxy, so the
controller's requests to the broker (it is its own controller) are recorded as the
'kafka-broker' client.

Output: DIR/<client>/NNN_<api>_v<version>_{req,resp}.bin (the bytes after the 4-byte size;
a request and its response share NNN) and DIR/manifest.json. To stay small, at most
MAX_PER_API exchanges are kept per client, API and version, and responses over
MAX_RESPONSE bytes (big fetches) are left out while their requests are kept.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from harness import paths
from harness.broker import KAFKA, Broker
from harness.java_tools import JavaTools
from harness.ports import free_port
from harness.process import install_signal_handlers
from harness.zookeeper import ZooKeeper

from . import frames
from .proxy import REQUEST, RESPONSE, Frame, RecordingProxy
from .sessions import SESSIONS, Session

MAX_PER_API = 8
MAX_RESPONSE = 64 * 1024
BROKER_CLIENT = "kafka-broker"
BROKER_DESCRIPTION = "Apache Kafka 3.9.1 broker as its own controller (inter-broker listener)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=paths.FIXTURES_DIR)
    parser.add_argument("--clients", default=",".join(SESSIONS), help="comma-separated subset of " + ",".join(SESSIONS))
    parser.add_argument("--keep-workdir", action="store_true", help="keep broker and ZooKeeper logs")
    args = parser.parse_args(argv)
    install_signal_handlers()  # SIGTERM unwinds like Ctrl-C, stopping broker and ZooKeeper
    clients = [c for c in args.clients.split(",") if c]
    unknown = set(clients) - set(SESSIONS)
    if unknown:
        parser.error(f"unknown clients: {', '.join(sorted(unknown))}")

    workdir = Path(tempfile.mkdtemp(prefix="gregor-capture-"))
    try:
        captured, descriptions, errors = capture(clients, workdir)
    finally:
        if args.keep_workdir:
            print(f"capture: logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    written = write_fixtures(args.out, captured, descriptions)
    for line in errors:
        print(f"capture: warning: {line}", file=sys.stderr)
    print(f"capture: wrote {written} frames to {args.out}")
    return 0


def capture(clients: list[str], workdir: Path) -> tuple[dict[str, list[Frame]], dict[str, str], list[str]]:
    """Runs the sessions of clients against a fresh broker; returns the frames per client,
    a description (client and version) per client, and proxy errors."""
    zookeeper = ZooKeeper(workdir / "zookeeper").start()
    broker_port, internal_port = free_port(), free_port()
    client_proxy = RecordingProxy(broker_port).start()
    broker_proxy = RecordingProxy(internal_port).start()
    broker_proxy.label = BROKER_CLIENT
    broker = Broker(
        KAFKA,
        1,
        zookeeper.connect_with_chroot("capture"),
        workdir / "broker",
        port=broker_port,
        config={
            "listeners": f"PLAINTEXT://127.0.0.1:{broker_port},INTERNAL://127.0.0.1:{internal_port}",
            "advertised.listeners": (
                f"PLAINTEXT://127.0.0.1:{client_proxy.port},INTERNAL://127.0.0.1:{broker_proxy.port}"
            ),
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT",
            "inter.broker.listener.name": "INTERNAL",
        },
    )
    descriptions: dict[str, str] = {}
    try:
        broker.start()
        bootstrap = f"127.0.0.1:{client_proxy.port}"
        tools = JavaTools(bootstrap)
        for client in clients:
            print(f"capture: {client} ...", flush=True)
            descriptions[client] = SESSIONS[client](Session(client, client_proxy, tools), bootstrap)
    finally:
        broker.stop()  # its controlled shutdown is recorded by the broker proxy
        client_proxy.stop()
        broker_proxy.stop()
        zookeeper.stop()
    captured = {c: client_proxy.frames_for(c) for c in clients}
    if set(clients) == set(SESSIONS):
        captured[BROKER_CLIENT] = broker_proxy.frames_for(BROKER_CLIENT)
        descriptions[BROKER_CLIENT] = BROKER_DESCRIPTION
    return captured, descriptions, client_proxy.errors + broker_proxy.errors


def select_exchanges(recorded: list[Frame]) -> tuple[list[tuple[Frame, Frame | None]], int]:
    """Pairs requests with responses in request order and keeps at most MAX_PER_API
    exchanges per API and version; oversized responses are dropped (request kept).
    Returns the exchanges and the number of dropped responses."""
    requests = {f.seq: f for f in recorded if f.direction == REQUEST}
    responses = {f.seq: f for f in recorded if f.direction == RESPONSE}
    kept, per_api, dropped = [], Counter(), 0
    for seq in sorted(requests):
        request = requests[seq]
        key = (request.api_key, request.api_version)
        if per_api[key] >= MAX_PER_API:
            continue
        per_api[key] += 1
        response = responses.get(seq)
        if response is not None and len(response.data) > MAX_RESPONSE:
            response, dropped = None, dropped + 1
        kept.append((request, response))
    return kept, dropped


def write_fixtures(out: Path, captured: dict[str, list[Frame]], descriptions: dict[str, str]) -> int:
    """Replaces the folders of the captured clients under out and rewrites manifest.json,
    keeping the entries of clients not captured this time."""
    manifest_path = out / "manifest.json"
    old = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"clients": {}, "frames": []}
    entries = [e for e in old["frames"] if e["client"] not in captured]
    clients = {c: d for c, d in old["clients"].items() if c not in captured}
    written = 0
    for client, recorded in captured.items():
        folder = out / client
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        clients[client] = descriptions[client]
        exchanges, dropped = select_exchanges(recorded)
        if dropped:
            print(f"capture: {client}: left out {dropped} responses over {MAX_RESPONSE} bytes")
        for index, (request, response) in enumerate(exchanges):
            stem = f"{index:03d}_{frames.api_file_name(request.api_key)}_v{request.api_version}"
            for frame, suffix in ((request, "req"), (response, "resp")):
                if frame is None:
                    continue
                name = f"{stem}_{suffix}.bin"
                (folder / name).write_bytes(frame.data)
                entries.append(_entry(f"{client}/{name}", client, frame))
                written += 1
    manifest = {
        "about": (
            "Kafka frames (the bytes after the 4-byte size) recorded between real clients and "
            "Apache Kafka 3.9.1 in ZooKeeper mode. See README.md."
        ),
        "broker": "Apache Kafka 3.9.1 (ZooKeeper mode)",
        "clients": dict(sorted(clients.items())),
        "frames": sorted(entries, key=lambda e: e["file"]),
    }
    out.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(_manifest_json(manifest))
    return written


def _manifest_json(manifest: dict) -> str:
    # Indented, but one line per frame: readable, and a recapture diffs line by line.
    frames_text = ",\n".join("  " + json.dumps(e) for e in manifest["frames"])
    head = {k: v for k, v in manifest.items() if k != "frames"}
    head_text = json.dumps(head, indent=1)[:-2]  # drop the closing "\n}"
    return f'{head_text},\n "frames": [\n{frames_text}\n ]\n}}\n'



def _entry(file: str, client: str, frame: Frame) -> dict:
    return {
        "file": file,
        "client": client,
        "api_key": frame.api_key,
        "api_name": frames.api_name(frame.api_key),
        "api_version": frame.api_version,
        "direction": frame.direction,
        "correlation_id": frame.correlation_id,
        "size": len(frame.data),
    }


if __name__ == "__main__":
    sys.exit(main())
