"""Emits a round-trip test for every message x version of a schema file.

For each version a message is filled with values for exactly the fields that version has,
encoded, decoded and re-encoded: the decoded message must equal the original and the two
encodings must match byte for byte. Every strict prefix of the encoding must then fail to
decode cleanly, which exercises the hostile-input checks.
"""

from emit_cpp import HEADER_NOTE, cpp_elem
from schema import all_fields


class TestEmitter:
    def __init__(self, sf, gen):
        self.sf, self.gen = sf, gen
        self.out = []

    def fill_value(self, fld, target, pad, out):
        e = fld.elem
        if e in ('bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64',
                 'uuid', 'string', 'bytes', 'records'):
            out.append(f'{pad}{target} = c.next_{e}();')
        else:
            out.append(f'{pad}fill({target}, v, c);')

    def fill_field(self, fld, pad, out):
        x = f'm.{fld.name}'
        nullable_now = fld.nullable.cond('v') if fld.is_nullable else 'false'
        if fld.is_nullable and fld.elem != 'records':
            out.append(f'{pad}if (({nullable_now}) && c.one_in(4)) {{')
            out.append(f'{pad}  {x}.reset();')
            out.append(f'{pad}}} else {{')
            out.append(f'{pad}  auto& val = {x}.emplace();')
            target, inner = 'val', pad + '  '
        else:
            target, inner = x, pad
        if fld.is_array:
            out.append(f'{inner}{target}.clear();')
            out.append(f'{inner}for (int i = 0, n = c.next_count(); i < n; ++i) {{')
            out.append(f'{inner}  {target}.emplace_back();')
            self.fill_value(fld, f'{target}.back()', inner + '  ', out)
            out.append(f'{inner}}}')
        elif fld.elem == 'records':
            out.append(f'{inner}{target} = ({nullable_now}) && c.one_in(4) ? Records() : '
                       f'c.next_records();')
        else:
            self.fill_value(fld, target, inner, out)
        if fld.is_nullable and fld.elem != 'records':
            out.append(f'{pad}}}')

    def fill_fn(self, s, qual, owner):
        out = self.out
        out.append(f'[[maybe_unused]] void fill({qual}& m, int16_t v, FillContext& c) {{')
        bounds = (owner.versions.lo, owner.versions.hi)
        for fld in s.fields:
            cond = fld.versions.cond('v', bounds)
            out.append(f'  if ({cond}) {{')
            self.fill_field(fld, '    ', out)
            out.append('  }')
        out.append('  (void)m;')
        out.append('  (void)v;')
        out.append('  (void)c;')
        out.append('}')
        out.append('')

    def declare_fill(self, qual):
        self.out.append(f'void fill({qual}& m, int16_t v, FillContext& c);')

    def emit(self):
        sf = self.sf
        out = self.out
        out.append(HEADER_NOTE.format(src=sf.stem + '.wire'))
        out.append(f'#include "gregor/wire/gen/{sf.stem}.h"')
        out.append('')
        out.append('#include <gtest/gtest.h>')
        out.append('')
        out.append('#include "wire/round_trip.h"')
        out.append('')
        out.append('namespace gregor::wire {')
        out.append('namespace {')
        out.append('')
        owners = {}
        quals = []
        for s in self.gen.file_struct_order():
            owner = next(m for m in sf.messages if any(fl.struct is s for fl in all_fields(m)))
            quals.append((s, s.name, owner))
        for m in sf.messages:
            for s in self.gen.nested_order(m):
                quals.append((s, f'{m.name}::{s.name}', m))
            quals.append((m, m.name, m))
        for _, q, _ in quals:
            self.declare_fill(q)
        out.append('')
        for s, q, owner in quals:
            self.fill_fn(s, q, owner)
        out.append('}  // namespace')
        out.append('')
        for m in sf.messages:
            suite = m.name + 'RoundTrip'
            for v in range(m.versions.lo, m.versions.hi + 1):
                out.append(f'TEST({suite}, V{v}) {{ check_round_trip<{m.name}>({v}, fill); }}')
            out.append('')
        out.append('}  // namespace gregor::wire')
        return '\n'.join(out) + '\n'
