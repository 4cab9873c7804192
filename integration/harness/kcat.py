"""kcat (librdkafka's command-line client) as a producer, consumer and metadata reader."""

from __future__ import annotations

import json
import os
import time
from typing import Mapping, Optional, Sequence

from .process import CommandResult, run

KCAT = os.environ.get("KCAT", "kcat")
CODECS = ("none", "gzip", "snappy", "lz4", "zstd")


def kcat(
    args: Sequence[str],
    input: Optional[bytes | str] = None,
    timeout: float = 30.0,
    check: bool = True,
) -> CommandResult:
    """Runs kcat with args (quiet mode) and returns its captured output."""
    return run([KCAT, "-q", *args], timeout, input=input, check=check)


def _config_args(config: Optional[Mapping[str, str]]) -> list[str]:
    return [a for k, v in (config or {}).items() for a in ("-X", f"{k}={v}")]


def produce(
    bootstrap: str,
    topic: str,
    values: Sequence[str | bytes],
    keys: Optional[Sequence[str | bytes]] = None,
    headers: Optional[Mapping[str, str]] = None,
    codec: Optional[str] = None,
    partition: Optional[int] = None,
    config: Optional[Mapping[str, str]] = None,
    timeout: float = 30.0,
) -> CommandResult:
    """Produces one record per value (values and keys must not contain the delimiters
    \\x1e and \\x1f). headers are added to every record; codec is a -z compression."""
    record_sep, key_sep = b"\x1e", b"\x1f"
    as_bytes = [v.encode() if isinstance(v, str) else v for v in values]
    args = ["-P", "-b", bootstrap, "-t", topic, "-D", record_sep.decode()]
    if keys is not None:
        key_bytes = [k.encode() if isinstance(k, str) else k for k in keys]
        as_bytes = [k + key_sep + v for k, v in zip(key_bytes, as_bytes, strict=True)]
        args += ["-K", key_sep.decode()]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}={value}"]
    if codec:
        if codec not in CODECS:
            raise ValueError(f"unknown codec {codec!r}")
        args += ["-z", codec]
    if partition is not None:
        args += ["-p", str(partition)]
    args += _config_args(config)
    return kcat(args, input=record_sep.join(as_bytes) + record_sep, timeout=timeout)


def consume(
    bootstrap: str,
    topic: str,
    count: Optional[int] = None,
    offset: str = "beginning",
    partition: Optional[int] = None,
    config: Optional[Mapping[str, str]] = None,
    timeout: float = 30.0,
) -> list[dict]:
    """Reads count records, or with count=None everything up to the end of the partitions
    (simple consumer, no group). Returns kcat's -J JSON objects: topic, partition, offset,
    tstype, ts, broker, headers ([k, v, ...]), key, payload."""
    limit = ["-e"] if count is None else ["-c", str(count)]
    args = ["-C", "-b", bootstrap, "-t", topic, "-o", offset, *limit, "-J"]
    if partition is not None:
        args += ["-p", str(partition)]
    args += _config_args(config)
    return _json_lines(kcat(args, timeout=timeout))


def consume_group(
    bootstrap: str,
    group: str,
    topics: Sequence[str],
    count: int,
    config: Optional[Mapping[str, str]] = None,
    timeout: float = 60.0,
) -> list[dict]:
    """Reads count records as a member of a consumer group (kcat -G), committing offsets.
    New groups start at the earliest offset."""
    config = {"auto.offset.reset": "earliest", **(config or {})}
    args = ["-b", bootstrap, "-G", group, "-c", str(count), "-J", *_config_args(config), *topics]
    return _json_lines(kcat(args, timeout=timeout))


def metadata(bootstrap: str, topic: Optional[str] = None, timeout: float = 30.0) -> dict:
    """The cluster metadata as kcat -L -J prints it: brokers, topics, partitions."""
    args = ["-L", "-b", bootstrap, "-J"]
    if topic:
        args += ["-t", topic]
    return json.loads(kcat(args, timeout=timeout).stdout)


def wait_for_topic(
    bootstrap: str, topic: str, partitions: Optional[int] = None, timeout: float = 30.0
) -> dict:
    """Waits until the topic's metadata shows no error and a leader for every partition
    (and, if given, that many partitions); returns that metadata. A broker that just
    logged `started` may not lead its partitions yet, so tests await this after restarts."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = metadata(bootstrap, topic, timeout=10)
            found = [t for t in last.get("topics", []) if t.get("topic") == topic]
            if found and _topic_ready(found[0], partitions):
                return found[0]
        except Exception as err:  # a broker still starting may refuse connections
            last = err
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {topic} not ready within {timeout:.0f}s; last metadata: {last}")
        time.sleep(0.2)


def _topic_ready(topic: dict, partitions: Optional[int]) -> bool:
    parts = topic.get("partitions", [])
    if "error" in topic or not parts or (partitions is not None and len(parts) != partitions):
        return False
    return all(p.get("leader", -1) >= 0 and "error" not in p for p in parts)


def _json_lines(result: CommandResult) -> list[dict]:
    return [json.loads(line) for line in result.lines]
