"""A TCP proxy that forwards Kafka traffic unchanged and records every frame.

Clients connect to the proxy; the proxy opens its own connection to the broker for each
and copies whole frames both ways, keeping a copy of each. Requests are labelled by their
header; a response gets its request's api key and version by correlation id, looked up
among the requests of the same connection (correlation ids are only unique there).

Frames are recorded under the proxy's current `label` (the client being captured) at the
moment the connection was accepted; connections accepted while the label is None are
forwarded but not recorded, which keeps setup traffic out of the fixtures.
"""

from __future__ import annotations

import functools
import socket
import threading
from dataclasses import dataclass
from typing import Optional

from . import frames

REQUEST = "request"
RESPONSE = "response"


@dataclass
class Frame:
    label: str
    seq: int  # order of the request within its label; a response shares its request's
    direction: str  # REQUEST or RESPONSE
    api_key: int
    api_version: int
    correlation_id: int
    connection: int  # connection number within the label
    data: bytes  # the frame after the 4-byte size


class RecordingProxy:
    """Listens on 127.0.0.1:port and forwards to upstream, recording frames."""

    def __init__(self, upstream_port: int, listen_port: int = 0, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.label: Optional[str] = None
        self.frames: list[Frame] = []
        self._lock = threading.Lock()
        self._next_seq: dict[str, int] = {}
        self._next_conn: dict[str, int] = {}
        self._sockets: set[socket.socket] = set()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", listen_port))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self.errors: list[str] = []
        self._closed = False

    def start(self) -> "RecordingProxy":
        threading.Thread(target=self._accept_loop, name=f"proxy-{self.port}", daemon=True).start()
        return self

    def stop(self) -> None:
        self._closed = True
        _close(self._listener)  # shutdown() wakes the thread blocked in accept()
        with self._lock:
            sockets = list(self._sockets)
        for s in sockets:
            _close(s)

    def frames_for(self, label: str) -> list[Frame]:
        with self._lock:
            return [f for f in self.frames if f.label == label]

    # -- internals -------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=10)
                upstream.settimeout(None)
            except OSError:
                # The broker is down (being stopped, typically): the client sees a closed
                # connection, as it would without the proxy.
                _close(client)
                continue
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            label = self.label
            with self._lock:
                self._sockets.update((client, upstream))
                conn = None
                if label is not None:
                    conn = self._next_conn.get(label, 0)
                    self._next_conn[label] = conn + 1
            pending: dict[int, tuple[int, int, int]] = {}
            on_request = on_response = None
            if label is not None:
                on_request = functools.partial(self._record_request, label, conn, pending)
                on_response = functools.partial(self._record_response, label, conn, pending)
            for source, sink, on_frame in ((client, upstream, on_request), (upstream, client, on_response)):
                threading.Thread(target=self._pump, args=(source, sink, on_frame, label), daemon=True).start()

    def _pump(self, source, sink, on_frame, label) -> None:
        """Copies whole frames from source to sink, showing each to on_frame first (so a
        request is registered before its response can come back). The first end of
        stream or error on either socket closes both."""
        try:
            while True:
                frame = frames.read_frame(source)
                if frame is None:
                    break
                if on_frame is not None:
                    on_frame(frame)
                sink.sendall(frames.frame_with_size(frame))
        except ValueError as err:
            self.errors.append(f"{label}: bad frame: {err}")
        except OSError:
            pass  # a closed socket is how a connection ends
        finally:
            _close(source)
            _close(sink)

    def _record_request(self, label, conn, pending, frame: bytes) -> None:
        header = frames.parse_request_header(frame)
        with self._lock:
            seq = self._next_seq.get(label, 0)
            self._next_seq[label] = seq + 1
            pending[header.correlation_id] = (seq, header.api_key, header.api_version)
            self.frames.append(
                Frame(label, seq, REQUEST, header.api_key, header.api_version, header.correlation_id, conn, frame)
            )

    def _record_response(self, label, conn, pending, frame: bytes) -> None:
        correlation_id = frames.response_correlation_id(frame)
        with self._lock:
            match = pending.pop(correlation_id, None)
            if match is None:
                self.errors.append(f"{label}: response with unknown correlation id {correlation_id}")
                return
            seq, api_key, api_version = match
            self.frames.append(Frame(label, seq, RESPONSE, api_key, api_version, correlation_id, conn, frame))


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        s.close()
    except OSError:
        pass
