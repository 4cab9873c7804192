"""The Kafka wire protocol over a raw socket, for tests that must send what no client would.

* primitives (`Writer`, `Reader`) and framing: a 4-byte big-endian size, then the request
  header and body;
* `KafkaSocket`: one blocking connection that sends frames or arbitrary bytes and reads
  frames back, telling a closed connection apart from a slow one;
* ApiVersions, hand-coded from the protocol description, so that it is an oracle
  independent of gregor's schemas. Any other API goes through `wire_schema`.

Every read checks the bytes that remain and raises `WireError`; nothing here trusts the
broker's answers.
"""

from __future__ import annotations

import select
import socket
import struct
import time
from dataclasses import dataclass, field
from typing import Optional

API_VERSIONS_KEY = 18
UNSUPPORTED_VERSION = 35


class WireError(ValueError):
    """Bytes that do not decode as the message they should be."""


class ConnectionClosed(ConnectionError):
    """The broker closed the connection (EOF or reset) before a whole frame arrived."""


# -- primitives -----------------------------------------------------------------------


class Writer:
    """Appends Kafka primitives to a byte buffer."""

    def __init__(self) -> None:
        self.out = bytearray()

    def int8(self, v: int) -> "Writer":
        self.out += struct.pack(">b", v)
        return self

    def int16(self, v: int) -> "Writer":
        self.out += struct.pack(">h", v)
        return self

    def uint16(self, v: int) -> "Writer":
        self.out += struct.pack(">H", v)
        return self

    def int32(self, v: int) -> "Writer":
        self.out += struct.pack(">i", v)
        return self

    def uint32(self, v: int) -> "Writer":
        self.out += struct.pack(">I", v)
        return self

    def int64(self, v: int) -> "Writer":
        self.out += struct.pack(">q", v)
        return self

    def float64(self, v: float) -> "Writer":
        self.out += struct.pack(">d", v)
        return self

    def uvarint(self, v: int) -> "Writer":
        while v >= 0x80:
            self.out.append((v & 0x7F) | 0x80)
            v >>= 7
        self.out.append(v)
        return self

    def raw(self, b: bytes) -> "Writer":
        self.out += b
        return self

    def string(self, s: Optional[str], compact: bool = False) -> "Writer":
        """A string, or null for None: int16 length (-1 null) or, compact, uvarint length+1."""
        data = None if s is None else s.encode()
        if compact:
            return self.uvarint(0 if data is None else len(data) + 1).raw(data or b"")
        return self.int16(-1 if data is None else len(data)).raw(data or b"")

    def bytes_(self, b: Optional[bytes], compact: bool = False) -> "Writer":
        if compact:
            return self.uvarint(0 if b is None else len(b) + 1).raw(b or b"")
        return self.int32(-1 if b is None else len(b)).raw(b or b"")

    def array_len(self, n: Optional[int], compact: bool = False) -> "Writer":
        if compact:
            return self.uvarint(0 if n is None else n + 1)
        return self.int32(-1 if n is None else n)

    def no_tags(self) -> "Writer":
        """An empty tagged-field section."""
        return self.uvarint(0)

    def bytes(self) -> bytes:
        return bytes(self.out)


class Reader:
    """Reads Kafka primitives from bytes, checking every length against what remains."""

    def __init__(self, data: bytes) -> None:
        self.data = bytes(data)
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def take(self, n: int) -> bytes:
        if n < 0 or n > self.remaining:
            raise WireError(f"need {n} bytes at offset {self.pos}, {self.remaining} remain")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def _unpack(self, fmt: str, n: int):
        return struct.unpack(fmt, self.take(n))[0]

    def int8(self) -> int:
        return self._unpack(">b", 1)

    def int16(self) -> int:
        return self._unpack(">h", 2)

    def uint16(self) -> int:
        return self._unpack(">H", 2)

    def int32(self) -> int:
        return self._unpack(">i", 4)

    def uint32(self) -> int:
        return self._unpack(">I", 4)

    def int64(self) -> int:
        return self._unpack(">q", 8)

    def float64(self) -> float:
        return self._unpack(">d", 8)

    def uvarint(self) -> int:
        value = shift = 0
        for _ in range(5):
            b = self.take(1)[0]
            value |= (b & 0x7F) << shift
            if not b & 0x80:
                return value
            shift += 7
        raise WireError(f"unsigned varint longer than 5 bytes at offset {self.pos}")

    def length(self, compact: bool, wide: bool = False) -> Optional[int]:
        """A length prefix; None for null. wide: int32 (bytes, arrays) instead of int16."""
        if compact:
            n = self.uvarint() - 1
        else:
            n = self.int32() if wide else self.int16()
        if n < -1:
            raise WireError(f"negative length {n} at offset {self.pos}")
        return None if n == -1 else n

    def string(self, compact: bool = False) -> Optional[str]:
        n = self.length(compact)
        return None if n is None else self.take(n).decode("utf-8", errors="strict")

    def bytes_(self, compact: bool = False) -> Optional[bytes]:
        n = self.length(compact, wide=True)
        return None if n is None else self.take(n)

    def tags(self) -> dict[int, bytes]:
        """A tagged-field section: tag -> raw value bytes."""
        out: dict[int, bytes] = {}
        for _ in range(self.uvarint()):
            tag = self.uvarint()
            out[tag] = self.take(self.uvarint())
        return out

    def expect_end(self, what: str) -> None:
        if self.remaining:
            raise WireError(f"{what}: {self.remaining} bytes left over at offset {self.pos}")


def frame(payload: bytes) -> bytes:
    """Prefixes payload with its 4-byte size."""
    return struct.pack(">i", len(payload)) + payload


def request_header(
    key: int, version: int, correlation_id: int, header_version: int = 1,
    client_id: Optional[str] = "gregor-it",
) -> bytes:
    """Request header v0 (no client id), v1, or v2 (v1 plus an empty tagged-field section)."""
    w = Writer().int16(key).int16(version).int32(correlation_id)
    if header_version >= 1:
        w.string(client_id)  # never compact, even in header v2
    if header_version >= 2:
        w.no_tags()
    return w.bytes()


# -- a raw connection -------------------------------------------------------------------


class KafkaSocket:
    """A blocking TCP connection to a broker speaking (or abusing) the Kafka framing."""

    def __init__(
        self, host: str, port: int, timeout: float = 10.0, receive_buffer: Optional[int] = None
    ) -> None:
        """receive_buffer: a small SO_RCVBUF, set before connecting, makes the broker's
        answers back up quickly when this side does not read."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if receive_buffer is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self._buf = bytearray()

    @property
    def local_port(self) -> int:
        return self.sock.getsockname()[1]

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_request(self, payload: bytes) -> None:
        self.send(frame(payload))

    def send_until_blocked(self, data: bytes, patience: float = 0.5) -> int:
        """Sends as much of data as the broker takes within patience seconds; returns the
        number of bytes sent. A broker that stops reading (backpressure) is not an error."""
        sent = 0
        deadline = time.monotonic() + patience
        self.sock.setblocking(False)
        try:
            while sent < len(data) and time.monotonic() < deadline:
                _, writable, _ = select.select([], [self.sock], [], deadline - time.monotonic())
                if writable:
                    sent += self.sock.send(data[sent : sent + 65536])
        finally:
            self.sock.settimeout(self.timeout)
        return sent

    def reset(self) -> None:
        """Closes with a TCP reset (SO_LINGER 0) instead of an orderly FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def shutdown_write(self) -> None:
        """Half-closes: the broker reads EOF, we can still read its reaction."""
        self.sock.shutdown(socket.SHUT_WR)

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("no data from the broker in time")
        ready, _, _ = select.select([self.sock], [], [], remaining)
        if not ready:
            raise TimeoutError("no data from the broker in time")
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError as err:
            raise ConnectionClosed(f"reset after {len(self._buf)} buffered bytes") from err
        if not chunk:
            raise ConnectionClosed(f"EOF after {len(self._buf)} buffered bytes")
        self._buf += chunk

    def recv_frame(self, timeout: Optional[float] = None) -> bytes:
        """The next response frame's payload (without its size)."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        while len(self._buf) < 4:
            self._fill(deadline)
        size = struct.unpack(">i", self._buf[:4])[0]
        if size < 0 or size > 64 * 1024 * 1024:
            raise WireError(f"response frame size {size} is not plausible")
        while len(self._buf) < 4 + size:
            self._fill(deadline)
        payload = bytes(self._buf[4 : 4 + size])
        del self._buf[: 4 + size]
        return payload

    def wait_closed(self, timeout: float = 5.0) -> bytes:
        """Waits for EOF or a reset and returns whatever arrived before it. Raises
        TimeoutError if the connection is still open after timeout seconds."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._fill(deadline)
            except ConnectionClosed:
                out = bytes(self._buf)
                self._buf.clear()
                return out

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> "KafkaSocket":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- ApiVersions, by hand ----------------------------------------------------------------


def api_versions_header_version(version: int) -> int:
    """Request header v2 from ApiVersions v3 on (flexible), v1 before."""
    return 2 if version >= 3 else 1


def api_versions_request(
    version: int, correlation_id: int, software: tuple[str, str] = ("gregor-it", "1.0"),
    header_version: Optional[int] = None,
) -> bytes:
    """An ApiVersions request payload (header and body, no size prefix)."""
    hv = api_versions_header_version(version) if header_version is None else header_version
    w = Writer().raw(request_header(API_VERSIONS_KEY, version, correlation_id, hv))
    if version >= 3:
        w.string(software[0], compact=True).string(software[1], compact=True).no_tags()
    return w.bytes()


@dataclass
class ApiVersionsResponse:
    correlation_id: int
    error_code: int
    api_keys: dict[int, tuple[int, int]]  # key -> (min, max)
    throttle_time_ms: Optional[int] = None
    tags: dict[int, bytes] = field(default_factory=dict)


def parse_api_versions_response(payload: bytes, version: int) -> ApiVersionsResponse:
    """Decodes an ApiVersions response of the given version, requiring every byte to be
    used. The response header is always v0 (no tagged fields) for this API; from v3 the
    body is flexible. Unknown versions decode as v0, as KIP-511 answers them."""
    r = Reader(payload)
    correlation_id = r.int32()
    error_code = r.int16()
    flexible = version >= 3
    n = r.length(flexible, wide=True)
    if n is None:
        raise WireError("api_keys is null")
    keys: dict[int, tuple[int, int]] = {}
    for _ in range(n):
        key, lo, hi = r.int16(), r.int16(), r.int16()
        if flexible:
            r.tags()
        if key in keys:
            raise WireError(f"API key {key} listed twice")
        keys[key] = (lo, hi)
    resp = ApiVersionsResponse(correlation_id, error_code, keys)
    if version >= 1:
        resp.throttle_time_ms = r.int32()
    if flexible:
        resp.tags = r.tags()
    r.expect_end(f"ApiVersions v{version} response")
    return resp


def api_versions(sock: KafkaSocket, version: int, correlation_id: int) -> ApiVersionsResponse:
    """One ApiVersions round trip; checks the correlation id."""
    sock.send_request(api_versions_request(version, correlation_id))
    resp = parse_api_versions_response(sock.recv_frame(), version)
    if resp.correlation_id != correlation_id:
        raise WireError(f"correlation id {resp.correlation_id}, expected {correlation_id}")
    return resp
