"""Parser and validator for gregor's protocol schema files (*.wire).

The format is documented in wire/README.md. Every problem is reported as
`file:line: path: message` and the generator refuses to emit anything while any remain.
"""

import os
import re

PRIMITIVES = {
    # name: (C++ type, fixed wire size or None)
    'bool': ('bool', 1),
    'int8': ('int8_t', 1),
    'int16': ('int16_t', 2),
    'uint16': ('uint16_t', 2),
    'int32': ('int32_t', 4),
    'uint32': ('uint32_t', 4),
    'int64': ('int64_t', 8),
    'float64': ('double', 8),
    'uuid': ('Uuid', 16),
    'string': ('std::string', None),
    'bytes': ('Bytes', None),
    'records': ('Records', None),
}
INT_RANGES = {
    'int8': (-2**7, 2**7 - 1),
    'int16': (-2**15, 2**15 - 1),
    'uint16': (0, 2**16 - 1),
    'int32': (-2**31, 2**31 - 1),
    'uint32': (0, 2**32 - 1),
    'int64': (-2**63, 2**63 - 1),
}
FIELD_ATTRS = {'nullable', 'tag', 'default', 'flexible'}
NAME_RE = re.compile(r'^[a-z][a-z0-9_]*$')
TYPE_RE = re.compile(r'^[A-Z][A-Za-z0-9]*$')


class SchemaError(Exception):
    pass


class Versions:
    """A version range: `N`, `N-M`, `N+` or `none`. hi is None for an open range."""

    def __init__(self, lo, hi, text):
        self.lo, self.hi, self.text = lo, hi, text

    @staticmethod
    def parse(text):
        if text == 'none':
            return Versions(None, None, text)
        m = re.fullmatch(r'(\d+)(?:(\+)|-(\d+))?', text)
        if not m:
            raise ValueError(f"bad version range '{text}' (want N, N-M, N+ or none)")
        lo = int(m.group(1))
        if m.group(2):
            return Versions(lo, None, text)
        hi = int(m.group(3)) if m.group(3) is not None else lo
        if hi < lo:
            raise ValueError(f"empty version range '{text}'")
        if hi > 32767:
            raise ValueError(f"version out of range in '{text}'")
        return Versions(lo, hi, text)

    @property
    def empty(self):
        return self.lo is None

    @property
    def open(self):
        return not self.empty and self.hi is None

    def contains(self, v):
        return not self.empty and v >= self.lo and (self.hi is None or v <= self.hi)

    def within(self, other):
        """True when every version of self is also in other."""
        if self.empty:
            return True
        if other.empty or self.lo < other.lo:
            return False
        if other.hi is None:
            return True
        return self.hi is not None and self.hi <= other.hi

    def intersect(self, other):
        if self.empty or other.empty:
            return Versions(None, None, 'none')
        lo = max(self.lo, other.lo)
        his = [h for h in (self.hi, other.hi) if h is not None]
        hi = min(his) if his else None
        if hi is not None and hi < lo:
            return Versions(None, None, 'none')
        return Versions(lo, hi, f'{lo}+' if hi is None else f'{lo}-{hi}')

    def cond(self, var, bounds=None):
        """A C++ condition for `var` in this range; bounds (lo, hi) drop redundant tests."""
        if self.empty:
            return 'false'
        parts = []
        if bounds is None or self.lo > bounds[0]:
            parts.append(f'{var} >= {self.lo}')
        if self.hi is not None and (bounds is None or bounds[1] is None or self.hi < bounds[1]):
            parts.append(f'{var} <= {self.hi}')
        return ' && '.join(parts) if parts else 'true'


class Field:
    def __init__(self, name, type_text, versions, line):
        self.name = name
        self.type_text = type_text
        self.versions = versions
        self.line = line
        self.nullable = Versions(None, None, 'none')
        self.tag = None
        self.default = None
        self.flexible_none = False
        self.children = []        # fields of an inline struct declared under this field
        self.is_array = type_text.startswith('[')
        self.elem = type_text[1:-1] if self.is_array else type_text
        self.struct = None        # resolved Struct for struct-typed fields

    @property
    def is_struct(self):
        return self.elem not in PRIMITIVES

    @property
    def is_nullable(self):
        return not self.nullable.empty


class Struct:
    def __init__(self, name, line, scope):
        self.name = name
        self.line = line
        self.fields = []
        self.scope = scope        # 'file' (namespace scope) or the owning Message
        self.declared = False     # declared with `struct NAME` rather than inline under a field


class Message:
    """A request, a response or a standalone versioned message (such as a header)."""

    def __init__(self, name, kind, versions, flexible, line):
        self.name, self.kind, self.line = name, kind, line
        self.versions, self.flexible = versions, flexible
        self.fields = []
        self.structs = {}         # nested struct types, by name

    @property
    def first_flexible(self):
        return -1 if self.flexible.empty else self.flexible.lo


class Api:
    def __init__(self, name, key, versions, flexible, line):
        self.name, self.key, self.line = name, key, line
        self.versions, self.flexible = versions, flexible
        self.request_header_v0 = Versions(None, None, 'none')
        self.response_header_v0 = Versions(None, None, 'none')
        self.request = None
        self.response = None


class SchemaFile:
    def __init__(self, path):
        self.path = path
        self.stem = os.path.splitext(os.path.basename(path))[0]
        self.api = None
        self.messages = []        # every Message, requests and responses included
        self.structs = {}         # file-level shared structs


class Parser:
    def __init__(self, path):
        self.path = path
        self.file = SchemaFile(path)
        self.errors = []

    def err(self, line, where, msg):
        self.errors.append(f'{os.path.basename(self.path)}:{line}: {where}: {msg}')

    def parse_attrs(self, tokens, allowed, line, where):
        attrs = {}
        for tok in tokens:
            if '=' not in tok:
                self.err(line, where, f"expected key=value, got '{tok}'")
                continue
            k, v = tok.split('=', 1)
            if k not in allowed:
                self.err(line, where, f"unknown key '{k}' (allowed: {', '.join(sorted(allowed))})")
            elif k in attrs:
                self.err(line, where, f"duplicate key '{k}'")
            else:
                attrs[k] = v
        return attrs

    def versions(self, text, line, where):
        try:
            return Versions.parse(text)
        except ValueError as e:
            self.err(line, where, str(e))
            return Versions(None, None, 'none')

    def parse(self):
        with open(self.path) as f:
            raw = f.readlines()
        lines = []
        for n, text in enumerate(raw, 1):
            text = text.rstrip('\n')
            if '\t' in text:
                self.err(n, 'file', 'tabs are not allowed; indent with two spaces')
                continue
            body = text.split('#', 1)[0].rstrip()
            if not body.strip():
                continue
            indent = len(body) - len(body.lstrip(' '))
            if indent % 2:
                self.err(n, 'file', 'indentation must be a multiple of two spaces')
                continue
            lines.append((n, indent // 2, body.split()))
        self.lines = lines
        self.pos = 0
        while self.pos < len(lines):
            n, depth, toks = lines[self.pos]
            self.pos += 1
            if depth != 0:
                self.err(n, 'file', 'indented line outside of any block')
                continue
            self.top_level(n, toks)
        f = self.file
        if f.api:
            if f.api.request is None:
                self.err(f.api.line, f.api.name, 'api has no request block')
            if f.api.response is None:
                self.err(f.api.line, f.api.name, 'api has no response block')
        return f

    def top_level(self, n, toks):
        word = toks[0]
        f = self.file
        if word == 'api':
            if len(toks) < 2:
                return self.err(n, 'api', 'missing api name')
            name = toks[1]
            if f.api:
                return self.err(n, name, 'only one api per file')
            if f.messages:
                return self.err(n, name, 'the api line must come before its request and response')
            if not TYPE_RE.match(name):
                self.err(n, name, 'api names are PascalCase')
            a = self.parse_attrs(toks[2:], {'key', 'versions', 'flexible', 'request_header_v0',
                                            'response_header_v0'}, n, name)
            for req in ('key', 'versions', 'flexible'):
                if req not in a:
                    self.err(n, name, f"missing {req}=")
            try:
                key = int(a.get('key', '-1'))
            except ValueError:
                key = -1
                self.err(n, name, f"key must be an integer, got '{a.get('key')}'")
            api = Api(name, key, self.versions(a.get('versions', '0'), n, name),
                      self.versions(a.get('flexible', 'none'), n, name), n)
            if api.versions.open or api.versions.empty:
                self.err(n, name, 'api versions must be a closed range N-M')
            if 'request_header_v0' in a:
                api.request_header_v0 = self.versions(a['request_header_v0'], n, name)
            if 'response_header_v0' in a:
                api.response_header_v0 = self.versions(a['response_header_v0'], n, name)
            for attr, r in (('request_header_v0', api.request_header_v0),
                            ('response_header_v0', api.response_header_v0)):
                if not r.within(Versions(api.versions.lo or 0, None, '')):
                    self.err(n, name, f'{attr} is outside the api versions')
            f.api = api
        elif word in ('request', 'response'):
            if not f.api:
                return self.err(n, word, f'{word} block before the api line')
            if len(toks) != 2:
                return self.err(n, word, f'expected `{word} NAME`')
            want = f.api.name + word.capitalize()
            if toks[1] != want:
                self.err(n, toks[1], f'the {word} of api {f.api.name} must be named {want}')
            if getattr(f.api, word) is not None:
                return self.err(n, toks[1], f'duplicate {word} block')
            m = Message(toks[1], word, f.api.versions, f.api.flexible, n)
            setattr(f.api, word, m)
            f.messages.append(m)
            self.block(m, m.fields, 1, m.name, allow_structs=True)
        elif word == 'message':
            if len(toks) < 2:
                return self.err(n, 'message', 'missing message name')
            name = toks[1]
            if f.api:
                self.err(n, name, 'a file holds either one api or standalone messages')
            a = self.parse_attrs(toks[2:], {'versions', 'flexible'}, n, name)
            if 'versions' not in a:
                self.err(n, name, 'missing versions=')
            m = Message(name, 'message', self.versions(a.get('versions', '0'), n, name),
                        self.versions(a.get('flexible', 'none'), n, name), n)
            if m.versions.open or m.versions.empty:
                self.err(n, name, 'message versions must be a closed range N-M')
            f.messages.append(m)
            self.block(m, m.fields, 1, m.name, allow_structs=True)
        elif word == 'struct':
            if len(toks) != 2:
                return self.err(n, 'struct', 'expected `struct NAME`')
            s = Struct(toks[1], n, 'file')
            s.declared = True
            if s.name in f.structs:
                self.err(n, s.name, 'duplicate struct')
            f.structs[s.name] = s
            self.block(None, s.fields, 1, s.name, allow_structs=False)
        else:
            self.err(n, word, "unknown directive (want api, request, response, message or struct)")

    def block(self, msg, out, depth, path, allow_structs):
        """Reads the lines indented `depth` levels below the current one into `out`."""
        while self.pos < len(self.lines):
            n, d, toks = self.lines[self.pos]
            if d < depth:
                return
            self.pos += 1
            if d > depth:
                self.err(n, path, 'unexpected indentation (children belong under a struct field)')
                continue
            if toks[0] == 'struct':
                if not allow_structs or msg is None or len(toks) != 2:
                    self.err(n, path, 'shared structs are declared directly inside a request, '
                             'response or message block as `struct NAME`')
                    continue
                s = Struct(toks[1], n, msg)
                s.declared = True
                self.add_nested(msg, s, n, path)
                self.block(msg, s.fields, depth + 1, f'{path}.{s.name}', allow_structs=False)
                continue
            fld = self.field(n, toks, path)
            if fld is None:
                continue
            out.append(fld)
            if self.pos < len(self.lines) and self.lines[self.pos][1] > depth:
                self.block(msg, fld.children, depth + 1, f'{path}.{fld.name}', allow_structs=False)
                if not fld.is_struct:
                    self.err(n, f'{path}.{fld.name}', f"type '{fld.type_text}' cannot have fields")
                elif msg is None:
                    self.err(n, f'{path}.{fld.name}', 'file-level structs cannot declare inline '
                             'structs; declare a separate struct')
                else:
                    s = Struct(fld.elem, n, msg)
                    s.fields = fld.children
                    self.add_nested(msg, s, n, f'{path}.{fld.name}')
                    fld.struct = s

    def add_nested(self, msg, s, n, path):
        if s.name in msg.structs:
            self.err(n, path, f"struct name '{s.name}' is already used in {msg.name}")
        if s.name == msg.name:
            self.err(n, path, f"struct name '{s.name}' equals its message's name")
        if not TYPE_RE.match(s.name):
            self.err(n, path, f"struct names are PascalCase, got '{s.name}'")
        msg.structs[s.name] = s

    def field(self, n, toks, path):
        if len(toks) < 3:
            self.err(n, path, 'a field is `name type versions [key=value ...]`')
            return None
        name, type_text, vtext = toks[:3]
        where = f'{path}.{name}'
        if not NAME_RE.match(name):
            self.err(n, where, 'field names are snake_case')
        arr = type_text.startswith('[')
        if arr and not (type_text.endswith(']') and len(type_text) > 2):
            self.err(n, where, f"bad array type '{type_text}'")
            return None
        elem = type_text[1:-1] if arr else type_text
        if elem.startswith('['):
            self.err(n, where, 'arrays of arrays are not allowed')
            return None
        if elem not in PRIMITIVES and not TYPE_RE.match(elem):
            self.err(n, where, f"unknown type '{elem}' (primitives are lowercase, structs PascalCase)")
            return None
        if arr and elem == 'records':
            self.err(n, where, 'arrays of records are not allowed')
        fld = Field(name, type_text, self.versions(vtext, n, where), n)
        a = self.parse_attrs(toks[3:], FIELD_ATTRS, n, where)
        if 'nullable' in a:
            fld.nullable = self.versions(a['nullable'], n, where)
        if 'tag' in a:
            try:
                fld.tag = int(a['tag'])
                if fld.tag < 0:
                    raise ValueError
            except ValueError:
                self.err(n, where, f"tag must be a non-negative integer, got '{a['tag']}'")
        if 'flexible' in a:
            if a['flexible'] != 'none':
                self.err(n, where, "the only field-level flexible value is 'none'")
            fld.flexible_none = True
        if 'default' in a:
            fld.default = a['default']
        return fld


def load(paths):
    """Parses and validates every schema file; returns (files, errors)."""
    files, errors = [], []
    for p in sorted(paths):
        parser = Parser(p)
        f = parser.parse()
        errors += parser.errors
        files.append(f)
    if not errors:
        errors += validate(files)
    return files, errors


def validate(files):
    errors = []
    keys, global_structs = {}, {}
    for f in files:
        base = os.path.basename(f.path)

        def err(line, where, msg):
            errors.append(f'{base}:{line}: {where}: {msg}')
        if f.api:
            a = f.api
            if a.key < 0 or a.key > 32767:
                err(a.line, a.name, 'key must be 0..32767')
            if a.key in keys:
                err(a.line, a.name, f'api key {a.key} is also used by {keys[a.key]}')
            keys[a.key] = a.name
            if not a.flexible.empty and not a.flexible.open:
                err(a.line, a.name, 'flexible versions must be open-ended (N+) or none')
        for m in f.messages:
            if not m.flexible.empty and not m.flexible.open:
                err(m.line, m.name, 'flexible versions must be open-ended (N+) or none')
        for name, s in f.structs.items():
            if name in global_structs:
                err(s.line, name, f'file-level struct name also declared in {global_structs[name]}')
            global_structs[name] = base
        for m in f.messages:
            for s in m.structs.values():
                if s.name in f.structs:
                    err(s.line, s.name, 'nested struct shadows a file-level struct')
            used = set()
            check_fields(m, m.fields, m.versions, m.name, f, err, used)
            for s in m.structs.values():
                if s.declared:
                    check_fields(m, s.fields, m.versions, f'{m.name}.{s.name}', f, err, used)
            for s in m.structs.values():
                if s.name not in used:
                    err(s.line, f'{m.name}.{s.name}', 'struct is declared but never used')
        for s in f.structs.values():
            owners = [m for m in f.messages if uses(m, s)]
            if not owners:
                err(s.line, s.name, 'struct is declared but never used')
                continue
            vr = owners[0].versions
            check_fields(owners[0], s.fields, vr, s.name, f, err, set())
    return errors


def uses(msg, s):
    return any(fl.elem == s.name and fl.struct is None or fl.struct is s for fl in all_fields(msg))


def check_fields(msg, fields, parent_versions, path, f, err, used):
    names, tags = set(), {}
    for fld in fields:
        where = f'{path}.{fld.name}'
        if fld.name in names:
            err(fld.line, where, 'duplicate field name')
        names.add(fld.name)
        v = fld.versions
        if v.empty:
            err(fld.line, where, "a field needs versions (it is never present with 'none')")
            continue
        if not v.within(msg.versions) and v.intersect(msg.versions).empty:
            err(fld.line, where, f'versions {v.text} lie outside the message versions '
                f'{msg.versions.text}')
        if v.hi is not None and msg.versions.hi is not None and v.hi > msg.versions.hi:
            err(fld.line, where, f'versions {v.text} go past the last message version '
                f'{msg.versions.hi}')
        # Resolve struct types.
        if fld.is_struct and fld.struct is None:
            s = msg.structs.get(fld.elem) or f.structs.get(fld.elem)
            if s is None:
                err(fld.line, where, f"unknown struct type '{fld.elem}'")
            fld.struct = s
        if fld.struct is not None:
            used.add(fld.struct.name)
        if fld.children:
            check_fields(msg, fld.children, v, f'{path}.{fld.name}', f, err, used)
        # Nullability.
        if fld.is_nullable:
            if not (fld.is_array or fld.is_struct or fld.elem in ('string', 'bytes', 'records')):
                err(fld.line, where, f"type '{fld.type_text}' cannot be nullable")
            if not fld.nullable.within(v):
                err(fld.line, where, f'nullable versions {fld.nullable.text} are not within the '
                    f'field versions {v.text}')
        # Field-level flexible override.
        if fld.flexible_none and not (fld.is_array or fld.elem in ('string', 'bytes')):
            err(fld.line, where, 'flexible=none applies to strings, bytes and arrays only')
        # Tagged fields.
        if fld.tag is not None:
            if msg.flexible.empty:
                err(fld.line, where, 'tagged fields need flexible versions')
            elif not v.open:
                err(fld.line, where, f'tagged versions must be open-ended (N+), got {v.text}')
            elif not v.within(msg.flexible):
                err(fld.line, where, f'tagged versions {v.text} are not within the flexible '
                    f'versions {msg.flexible.text}')
            if fld.tag in tags:
                err(fld.line, where, f'tag {fld.tag} is also used by {tags[fld.tag]}')
            tags[fld.tag] = fld.name
            if fld.elem == 'records':
                err(fld.line, where, 'records cannot be tagged')
        # Defaults.
        if fld.default is not None:
            msg_ = check_default(fld)
            if msg_:
                err(fld.line, where, msg_)
    if tags and sorted(tags) != list(range(len(tags))):
        first = min(fl.line for fl in fields if fl.tag is not None)
        err(first, path, f'tags must be contiguous from 0, got {sorted(tags)}')


def all_fields(msg):
    """Every field of a message, inline children and declared structs' fields included."""
    out = []

    def walk(fields):
        for fl in fields:
            out.append(fl)
            walk(fl.children)
    walk(msg.fields)
    for s in msg.structs.values():
        if s.declared:
            walk(s.fields)
    return out


def check_default(fld):
    d = fld.default
    if d == 'null':
        return None if fld.is_nullable else 'default=null needs a nullable field'
    if fld.is_array or fld.is_struct or fld.elem in ('bytes', 'records', 'uuid'):
        return f"type '{fld.type_text}' only takes default=null"
    if fld.elem == 'bool':
        return None if d in ('true', 'false') else f"bool default must be true or false, got '{d}'"
    if fld.elem == 'string':
        if len(d) >= 2 and d[0] == '"' and d[-1] == '"' and '"' not in d[1:-1] and '\\' not in d:
            return None
        return f"string default must be a double-quoted literal or null, got '{d}'"
    if fld.elem == 'float64':
        try:
            float(d)
            return None
        except ValueError:
            return f"float64 default must be a number, got '{d}'"
    try:
        value = int(d, 0)
    except ValueError:
        return f"{fld.elem} default must be an integer, got '{d}'"
    lo, hi = INT_RANGES[fld.elem]
    if not lo <= value <= hi:
        return f'default {d} is out of range for {fld.elem}'
    return None
