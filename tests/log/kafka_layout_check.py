#!/usr/bin/env python3
"""An independent reader of Kafka's on-disk log layout, written from the format
description and not from gregor's implementation, used to check what gregor writes.

    kafka_layout_check.py LOG_DIR [--index-interval N] [--strict-index]

For every partition directory in LOG_DIR it parses each <offset>.log (record batch v2:
framing, magic, CRC-32C, offsets increasing across batches and segments), each .index
(8-byte entries: relative offset, position; every entry must point at the start of a
batch whose last offset it names), each .timeindex (12-byte entries: timestamp, relative
offset; timestamps increasing; each entry's timestamp is the largest batch max timestamp
up to its offset) and the leader-epoch-checkpoint. It then parses the per-dir checkpoint
files, meta.properties and .kafka_cleanshutdown if present. With --strict-index the
offset index of every non-active segment must be exactly the one Kafka's rule produces
(an entry for a batch whenever more than N bytes follow the previous entry).

Prints a JSON summary and exits 0, or prints the first problem and exits 1.
"""

import json
import os
import re
import struct
import sys


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


class Problem(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Problem(message)


def parse_segment(path, base):
    """Returns the batches of a .log file as dicts."""
    data = open(path, "rb").read()
    batches = []
    pos = 0
    while pos < len(data):
        check(len(data) - pos >= 61, f"{path}: partial batch header at byte {pos}")
        base_offset, length, epoch, magic, crc = struct.unpack_from(">qiibI", data, pos)
        check(magic == 2, f"{path}: magic {magic} at byte {pos}")
        check(length >= 49, f"{path}: batch length {length} at byte {pos}")
        end = pos + 12 + length
        check(end <= len(data), f"{path}: batch at byte {pos} runs past the end")
        check(crc32c(data[pos + 21:end]) == crc, f"{path}: CRC mismatch in batch at byte {pos}")
        (attributes, last_delta, first_ts, max_ts, pid, pepoch, seq,
         count) = struct.unpack_from(">hiqqqhii", data, pos + 21)
        check(base_offset >= base, f"{path}: batch offset {base_offset} below segment base")
        check(last_delta >= 0 and count >= 0, f"{path}: bad counts at byte {pos}")
        batches.append({"position": pos, "size": 12 + length, "base": base_offset,
                        "last": base_offset + last_delta, "max_ts": max_ts, "epoch": epoch,
                        "count": count, "attributes": attributes})
        pos = end
    for a, b in zip(batches, batches[1:]):
        check(b["base"] > a["last"], f"{path}: offsets go backwards at byte {b['position']}")
    return batches


def parse_offset_index(path, base, batches, log_size):
    data = open(path, "rb").read()
    check(len(data) % 8 == 0, f"{path}: size {len(data)} is not a multiple of 8")
    by_position = {b["position"]: b for b in batches}
    entries = []
    for i in range(0, len(data), 8):
        rel, position = struct.unpack_from(">ii", data, i)
        entries.append((base + rel, position))
    for n, (offset, position) in enumerate(entries):
        check(position < log_size, f"{path}: entry {n} points past the log")
        batch = by_position.get(position)
        check(batch is not None, f"{path}: entry {n} position {position} is not a batch start")
        check(batch["last"] == offset, f"{path}: entry {n} offset {offset} != batch last offset")
        if n:
            check(offset > entries[n - 1][0] and position > entries[n - 1][1],
                  f"{path}: entry {n} is not increasing")
    return entries


def expected_offset_index(batches, interval):
    entries = []
    last_entry_position = 0
    for b in batches:
        if b["position"] - last_entry_position > interval:
            entries.append((b["last"], b["position"]))
            last_entry_position = b["position"]
    return entries


def parse_time_index(path, base, batches):
    data = open(path, "rb").read()
    check(len(data) % 12 == 0, f"{path}: size {len(data)} is not a multiple of 12")
    entries = []
    for i in range(0, len(data), 12):
        ts, rel = struct.unpack_from(">qi", data, i)
        entries.append((ts, base + rel))
    for n, (ts, offset) in enumerate(entries):
        if n:
            check(ts > entries[n - 1][0], f"{path}: timestamps not increasing at entry {n}")
            check(offset >= entries[n - 1][1], f"{path}: offsets decrease at entry {n}")
        upto = [b["max_ts"] for b in batches if b["last"] <= offset]
        check(upto and max(upto) == ts,
              f"{path}: entry {n} ({ts}, {offset}) is not the max timestamp up to its offset")
    if batches and entries:
        check(entries[-1][0] <= max(b["max_ts"] for b in batches), f"{path}: timestamp too large")
    return entries


def parse_checkpoint(path, fields):
    lines = open(path).read().split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    check(len(lines) >= 2 and lines[0] == "0", f"{path}: bad version line")
    count = int(lines[1])
    check(count == len(lines) - 2, f"{path}: count {count} != {len(lines) - 2} entries")
    rows = [line.split(" ") for line in lines[2:]]
    for row in rows:
        check(len(row) == fields, f"{path}: malformed line {' '.join(row)}")
    return rows


def check_partition(path, interval, strict):
    names = sorted(os.listdir(path))
    bases = sorted(int(n[:20]) for n in names if re.fullmatch(r"\d{20}\.log", n))
    check(bases, f"{path}: no segments")
    summary = {"segments": len(bases), "batches": 0, "records": 0}
    previous_last = -1
    for i, base in enumerate(bases):
        stem = os.path.join(path, "%020d" % base)
        batches = parse_segment(stem + ".log", base)
        if batches:
            check(batches[0]["base"] > previous_last, f"{stem}.log: overlaps the previous segment")
            previous_last = batches[-1]["last"]
        if i + 1 < len(bases) and batches:
            check(batches[-1]["last"] < bases[i + 1], f"{stem}.log: runs into the next segment")
        log_size = os.path.getsize(stem + ".log")
        index = parse_offset_index(stem + ".index", base, batches, log_size)
        if strict and i + 1 < len(bases):
            check(index == expected_offset_index(batches, interval),
                  f"{stem}.index: differs from Kafka's indexing rule")
        times = parse_time_index(stem + ".timeindex", base, batches)
        if i + 1 < len(bases) and batches:
            check(times and times[-1][0] == max(b["max_ts"] for b in batches),
                  f"{stem}.timeindex: last entry is not the segment's max timestamp")
        summary["batches"] += len(batches)
        summary["records"] += sum(b["count"] for b in batches)
    epochs_path = os.path.join(path, "leader-epoch-checkpoint")
    if os.path.exists(epochs_path):
        rows = parse_checkpoint(epochs_path, 2)
        epochs = [(int(e), int(o)) for e, o in rows]
        for a, b in zip(epochs, epochs[1:]):
            check(b[0] > a[0] and b[1] > a[1], f"{epochs_path}: not increasing")
        summary["epochs"] = epochs
    summary["log_end"] = previous_last + 1
    return summary


def check_log_dir(log_dir, interval, strict):
    result = {"partitions": {}}
    for name in sorted(os.listdir(log_dir)):
        full = os.path.join(log_dir, name)
        if os.path.isdir(full) and re.fullmatch(r".+-\d+", name):
            result["partitions"][name] = check_partition(full, interval, strict)
    for ckpt in ("recovery-point-offset-checkpoint", "log-start-offset-checkpoint",
                 "replication-offset-checkpoint"):
        p = os.path.join(log_dir, ckpt)
        if os.path.exists(p):
            rows = parse_checkpoint(p, 3)
            result[ckpt] = {f"{t}-{part}": int(o) for t, part, o in rows}
    meta = os.path.join(log_dir, "meta.properties")
    if os.path.exists(meta):
        props = {}
        for line in open(meta):
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, value = line.partition("=")
                props[key] = value
        check(props.get("version") == "0", f"{meta}: version is not 0")
        result["meta.properties"] = props
    marker = os.path.join(log_dir, ".kafka_cleanshutdown")
    if os.path.exists(marker):
        result["clean_shutdown"] = json.load(open(marker))
    for name, rp in result.get("recovery-point-offset-checkpoint", {}).items():
        if name in result["partitions"]:
            check(rp <= result["partitions"][name]["log_end"] or
                  result["partitions"][name]["log_end"] == 0,
                  f"{name}: recovery point {rp} is past the log end")
    return result


def main(argv):
    args = argv[1:]
    interval = 4096
    strict = False
    if "--strict-index" in args:
        strict = True
        args.remove("--strict-index")
    if "--index-interval" in args:
        i = args.index("--index-interval")
        interval = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(json.dumps(check_log_dir(args[0], interval, strict), indent=1))
    except Problem as problem:
        print(f"PROBLEM: {problem}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
