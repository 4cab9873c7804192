"""A small interpreter of gregor's protocol schemas (`wire/schemas/*.wire`).

It builds a minimal request for any API (every field at its default) and decodes any
response, following the encoding rules in `wire/README.md`, so that a test can poke every
API the broker advertises without a hand-written codec per API. It shares the schemas with
the broker, so it is no oracle for their content; `tests/wire/fixtures` (frames recorded
from Apache Kafka) is, and every recorded response decodes with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from .kafka_wire import Reader, WireError, Writer, request_header
from .paths import REPO_ROOT

SCHEMAS_DIR = REPO_ROOT / "wire" / "schemas"


@dataclass(frozen=True)
class Versions:
    """A version range; hi None means open-ended."""

    lo: int
    hi: Optional[int]

    @staticmethod
    def parse(text: str) -> "Versions":
        if text == "none":
            return Versions(1, 0)  # empty
        if text.endswith("+"):
            return Versions(int(text[:-1]), None)
        lo, _, hi = text.partition("-")
        return Versions(int(lo), int(hi or lo))

    def __contains__(self, v: int) -> bool:
        return v >= self.lo and (self.hi is None or v <= self.hi)


@dataclass
class Field:
    name: str
    type: str  # primitive name or struct name, without the brackets
    is_array: bool
    versions: Versions
    nullable: Versions = Versions(1, 0)
    tag: Optional[int] = None
    default: Optional[str] = None
    never_compact: bool = False
    children: list["Field"] = field(default_factory=list)  # inline struct fields


@dataclass
class Api:
    name: str
    key: int
    versions: Versions
    flexible: Versions
    request_header_v0: Versions
    response_header_v0: Versions
    request: list[Field]
    response: list[Field]
    structs: dict[str, list[Field]]

    @property
    def min_version(self) -> int:
        return self.versions.lo

    def request_header_version(self, version: int) -> int:
        if version in self.request_header_v0:
            return 0
        return 2 if version in self.flexible else 1

    def response_header_version(self, version: int) -> int:
        if version in self.response_header_v0:
            return 0
        return 1 if version in self.flexible else 0


_PRIMITIVES = {"bool", "int8", "int16", "uint16", "int32", "uint32", "int64", "float64",
               "uuid", "string", "bytes", "records"}


def _parse_field(text: str) -> Field:
    parts = text.split()
    name, typ, versions, *opts = parts
    is_array = typ.startswith("[")
    f = Field(name, typ.strip("[]"), is_array, Versions.parse(versions))
    for opt in opts:
        k, _, v = opt.partition("=")
        if k == "nullable":
            f.nullable = Versions.parse(v)
        elif k == "tag":
            f.tag = int(v)
        elif k == "default":
            f.default = v
        elif k == "flexible" and v == "none":
            f.never_compact = True
    return f


def parse_schema(text: str) -> Optional[Api]:
    """Parses one .wire file; None for files that describe no API (headers.wire)."""
    header: dict[str, str] = {}
    blocks: dict[str, list[Field]] = {}
    structs: dict[str, list[Field]] = {}
    # Stack of (indent, list to append children to).
    stack: list[tuple[int, list[Field]]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        indent = (len(line) - len(line.lstrip(" "))) // 2
        words = line.split()
        if indent == 0:
            if words[0] == "api":
                header = dict(w.split("=", 1) for w in words[2:])
                header["name"] = words[1]
                stack = []
            elif words[0] in ("request", "response", "message", "struct"):
                target: list[Field] = []
                if words[0] == "struct":
                    structs[words[1]] = target
                else:
                    blocks[words[0]] = target
                stack = [(0, target)]
            continue
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1]
        if words[0] == "struct" and len(words) == 2:
            target = []
            structs[words[1]] = target
            stack.append((indent, target))
            continue
        f = _parse_field(line.strip())
        parent.append(f)
        stack.append((indent, f.children))
    if not header:
        return None
    # Inline structs are referable by name elsewhere in the file too.
    def collect(fields: list[Field]) -> None:
        for f in fields:
            if f.children:
                structs.setdefault(f.type, f.children)
                collect(f.children)
    for fields in [*blocks.values(), *structs.values()]:
        collect(fields)
    none = Versions(1, 0)
    return Api(
        name=header["name"],
        key=int(header["key"]),
        versions=Versions.parse(header["versions"]),
        flexible=Versions.parse(header.get("flexible", "none")),
        request_header_v0=Versions.parse(header["request_header_v0"])
        if "request_header_v0" in header else none,
        response_header_v0=Versions.parse(header["response_header_v0"])
        if "response_header_v0" in header else none,
        request=blocks.get("request", []),
        response=blocks.get("response", []),
        structs=structs,
    )


def load_schemas(directory: Path = SCHEMAS_DIR) -> dict[int, Api]:
    """Every API schema in the repository, by API key."""
    apis = {}
    for path in sorted(directory.glob("*.wire")):
        api = parse_schema(path.read_text())
        if api is not None:
            apis[api.key] = api
    return apis


_INT_WRITERS = {"int8": "int8", "int16": "int16", "uint16": "uint16", "int32": "int32",
                "uint32": "uint32", "int64": "int64"}


class _Codec:
    """Encodes default-valued messages and decodes messages of one API version."""

    def __init__(self, api: Api, version: int) -> None:
        self.api = api
        self.version = version
        self.flexible = version in api.flexible

    def _fields_of(self, f: Field) -> list[Field]:
        if f.children:
            return f.children
        if f.type not in self.api.structs:
            raise KeyError(f"{self.api.name}: unknown struct {f.type}")
        return self.api.structs[f.type]

    # encoding

    def encode_struct(self, fields: list[Field], w: Writer, values: dict[str, Any]) -> None:
        for f in fields:
            if self.version not in f.versions or f.tag is not None:
                continue  # tagged fields are written only when not default
            self._encode_field(f, w, values.get(f.name))
        if self.flexible:
            w.no_tags()

    def _encode_field(self, f: Field, w: Writer, value: Any) -> None:
        nullable = self.version in f.nullable
        compact = self.flexible and not f.never_compact
        is_null = value is None and nullable and f.default == "null"
        if f.is_array:
            items = [] if value is None else value
            w.array_len(None if is_null else len(items), compact)
            for item in items:
                self._encode_value(f, w, item, compact)
            return
        if f.type not in _PRIMITIVES:
            if nullable:
                w.int8(-1 if is_null else 1)
            if not is_null:
                self.encode_struct(self._fields_of(f), w, value or {})
            return
        if is_null:
            if f.type == "string":
                w.string(None, compact)
            else:
                w.bytes_(None, compact)
            return
        if value is None and f.default not in (None, "null"):
            value = f.default.strip('"')
        self._encode_value(f, w, value, compact)

    def _encode_value(self, f: Field, w: Writer, value: Any, compact: bool) -> None:
        t = f.type
        if t in _INT_WRITERS:
            number = int(value, 0) if isinstance(value, str) else int(value or 0)
            getattr(w, _INT_WRITERS[t])(number)
        elif t == "bool":
            w.int8(1 if value in (True, "true") else 0)
        elif t == "float64":
            w.float64(float(value or 0))
        elif t == "uuid":
            w.raw(bytes(16))
        elif t == "string":
            w.string(value or "", compact)
        elif t in ("bytes", "records"):
            w.bytes_(value or b"", compact)
        else:
            self.encode_struct(self._fields_of(f), w, value or {})

    # decoding

    def decode_struct(self, fields: list[Field], r: Reader) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields:
            if self.version in f.versions and f.tag is None:
                out[f.name] = self._decode_field(f, r)
        if self.flexible:
            by_tag = {f.tag: f for f in fields if f.tag is not None and self.version in f.versions}
            for tag, raw in r.tags().items():
                if tag in by_tag:
                    inner = Reader(raw)
                    out[by_tag[tag].name] = self._decode_field(by_tag[tag], inner)
                    inner.expect_end(f"{self.api.name} tagged field {by_tag[tag].name}")
        return out

    def _decode_field(self, f: Field, r: Reader) -> Any:
        compact = self.flexible and not f.never_compact
        nullable = self.version in f.nullable
        if f.is_array:
            n = r.length(compact, wide=True)
            if n is None:
                if not nullable:
                    raise WireError(f"{self.api.name}.{f.name} is null but not nullable")
                return None
            return [self._decode_value(f, r, compact) for _ in range(n)]
        if f.type not in _PRIMITIVES and nullable:
            presence = r.int8()
            if presence < 0:
                return None
        return self._decode_value(f, r, compact, nullable)

    def _decode_value(self, f: Field, r: Reader, compact: bool, nullable: bool = False) -> Any:
        t = f.type
        if t in _INT_WRITERS:
            return getattr(r, _INT_WRITERS[t])()
        if t == "bool":
            return r.int8() != 0
        if t == "float64":
            return r.float64()
        if t == "uuid":
            return r.take(16)
        if t in ("string", "bytes", "records"):
            v = r.string(compact) if t == "string" else r.bytes_(compact)
            if v is None and not nullable:
                raise WireError(f"{self.api.name}.{f.name} is null but not nullable")
            return v
        return self.decode_struct(self._fields_of(f), r)


def minimal_request(
    api: Api, version: int, correlation_id: int, values: Optional[dict[str, Any]] = None
) -> bytes:
    """A request payload whose body fields all hold their defaults (0, false, empty, or the
    schema's default), with top-level fields replaced from values."""
    w = Writer().raw(request_header(api.key, version, correlation_id,
                                    api.request_header_version(version)))
    _Codec(api, version).encode_struct(api.request, w, values or {})
    return w.bytes()


@dataclass
class Response:
    correlation_id: int
    body: dict[str, Any]


def decode_response(api: Api, version: int, payload: bytes) -> Response:
    """Decodes a response frame of api at version, header included; every byte must be used."""
    r = Reader(payload)
    correlation_id = r.int32()
    if api.response_header_version(version) >= 1:
        r.tags()
    body = _Codec(api, version).decode_struct(api.response, r)
    r.expect_end(f"{api.name} v{version} response")
    return Response(correlation_id, body)

