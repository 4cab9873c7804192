"""Just enough of the Kafka framing to label captured frames.

Every Kafka message is a 4-byte big-endian size followed by that many bytes. A request
starts with api_key (int16), api_version (int16) and correlation_id (int32); a response
starts with the correlation_id of its request. Nothing else is parsed here: decoding the
rest is the job of the codec these frames test.
"""

from __future__ import annotations

import re
import struct
from typing import NamedTuple

API_NAMES = {
    0: "Produce", 1: "Fetch", 2: "ListOffsets", 3: "Metadata", 4: "LeaderAndIsr",
    5: "StopReplica", 6: "UpdateMetadata", 7: "ControlledShutdown", 8: "OffsetCommit",
    9: "OffsetFetch", 10: "FindCoordinator", 11: "JoinGroup", 12: "Heartbeat",
    13: "LeaveGroup", 14: "SyncGroup", 15: "DescribeGroups", 16: "ListGroups",
    17: "SaslHandshake", 18: "ApiVersions", 19: "CreateTopics", 20: "DeleteTopics",
    21: "DeleteRecords", 22: "InitProducerId", 23: "OffsetForLeaderEpoch",
    24: "AddPartitionsToTxn", 25: "AddOffsetsToTxn", 26: "EndTxn", 27: "WriteTxnMarkers",
    28: "TxnOffsetCommit", 29: "DescribeAcls", 30: "CreateAcls", 31: "DeleteAcls",
    32: "DescribeConfigs", 33: "AlterConfigs", 34: "AlterReplicaLogDirs",
    35: "DescribeLogDirs", 36: "SaslAuthenticate", 37: "CreatePartitions",
    38: "CreateDelegationToken", 39: "RenewDelegationToken", 40: "ExpireDelegationToken",
    41: "DescribeDelegationToken", 42: "DeleteGroups", 43: "ElectLeaders",
    44: "IncrementalAlterConfigs", 45: "AlterPartitionReassignments",
    46: "ListPartitionReassignments", 47: "OffsetDelete", 48: "DescribeClientQuotas",
    49: "AlterClientQuotas", 50: "DescribeUserScramCredentials",
    51: "AlterUserScramCredentials", 52: "Vote", 53: "BeginQuorumEpoch",
    54: "EndQuorumEpoch", 55: "DescribeQuorum", 56: "AlterPartition", 57: "UpdateFeatures",
    58: "Envelope", 59: "FetchSnapshot", 60: "DescribeCluster", 61: "DescribeProducers",
    62: "BrokerRegistration", 63: "BrokerHeartbeat", 64: "UnregisterBroker",
    65: "DescribeTransactions", 66: "ListTransactions", 67: "AllocateProducerIds",
    68: "ConsumerGroupHeartbeat", 69: "ConsumerGroupDescribe", 70: "ControllerRegistration",
    71: "GetTelemetrySubscriptions", 72: "PushTelemetry", 73: "AssignReplicasToDirs",
    74: "ListClientMetricsResources", 75: "DescribeTopicPartitions",
}

# Refuse absurd sizes rather than buffering them: nothing in these sessions comes close.
MAX_FRAME = 64 * 1024 * 1024


class RequestHeader(NamedTuple):
    api_key: int
    api_version: int
    correlation_id: int


def api_name(api_key: int) -> str:
    return API_NAMES.get(api_key, f"Api{api_key}")


def api_file_name(api_key: int) -> str:
    """snake_case API name for file names: ApiVersions -> api_versions."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api_name(api_key)).lower()


def parse_request_header(frame: bytes) -> RequestHeader:
    """The first three fields of a request (frame = the bytes after the size)."""
    return RequestHeader(*_unpack(">hhi", frame, "request header"))


def response_correlation_id(frame: bytes) -> int:
    return _unpack(">i", frame, "response correlation id")[0]


def _unpack(layout: str, frame: bytes, what: str) -> tuple:
    if len(frame) < struct.calcsize(layout):
        raise ValueError(f"frame of {len(frame)} bytes is too short for a {what}")
    return struct.unpack_from(layout, frame, 0)


def read_frame(sock) -> bytes | None:
    """Reads one size-prefixed frame from a blocking socket and returns the bytes after
    the size, or None at a clean end of stream."""
    size_bytes = _read_exact(sock, 4)
    if size_bytes is None:
        return None
    (size,) = struct.unpack(">i", size_bytes)
    if size < 0 or size > MAX_FRAME:
        raise ValueError(f"frame size {size} out of range")
    frame = _read_exact(sock, size)
    if frame is None:
        raise ConnectionError("stream ended inside a frame")
    return frame


def _read_exact(sock, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            if got == 0:
                return None
            raise ConnectionError("stream ended inside a frame")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def frame_with_size(frame: bytes) -> bytes:
    return struct.pack(">i", len(frame)) + frame
