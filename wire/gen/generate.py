#!/usr/bin/env python3
"""gregor's protocol code generator: wire/schemas/*.wire -> C++ (see wire/README.md).

  generate.py --schemas DIR --out DIR [--only STEM]... [--index] [--check]

Every run parses and validates all schema files, since names are checked across files.
--only STEM writes the header, source and round-trip test of that schema; --index writes
the API table (apis.h / apis.cc); --check validates only. Files are rewritten only when
their content changes, so an edit to one schema rebuilds only what depends on it.
"""

import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from schema import load  # noqa: E402
from emit_cpp import Emitter, HEADER_NOTE  # noqa: E402
from emit_tests import TestEmitter  # noqa: E402


def write_if_changed(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.replace(tmp, path)


def emit_index(files):
    apis = sorted((f.api for f in files if f.api), key=lambda a: a.key)
    stems = {f.api.name: f.stem for f in files if f.api}
    h = [HEADER_NOTE.format(src='*'), '#pragma once', '',
         '#include "gregor/wire/api_descriptor.h"', '']
    for a in apis:
        h.append(f'#include "gregor/wire/gen/{stems[a.name]}.h"')
    h += ['', '// X(Name, key) for every API in the schemas, in key order.',
          '#define GREGOR_WIRE_FOR_EACH_API(X) \\']
    h += [f'  X({a.name}, {a.key}){" " if i == len(apis) - 1 else " "}\\'
          for i, a in enumerate(apis)]
    h[-1] = h[-1].rstrip(' \\')
    h += ['', 'namespace gregor::wire {', '',
          f'inline constexpr int kApiCount = {len(apis)};',
          '// Every API described by the schemas, sorted by key.',
          'extern const ApiDescriptor kApis[kApiCount];', '',
          '}  // namespace gregor::wire', '']
    cc = [HEADER_NOTE.format(src='*'), '#include "gregor/wire/gen/apis.h"', '',
          'namespace gregor::wire {', '', 'const ApiDescriptor kApis[kApiCount] = {']
    for a in apis:
        def rng(r):
            if r.empty:
                return '-1, -1'
            return f'{r.lo}, {32767 if r.hi is None else r.hi}'
        cc.append(f'    {{{a.key}, "{a.name}", {a.versions.lo}, {a.versions.hi}, '
                  f'{-1 if a.flexible.empty else a.flexible.lo}, '
                  f'{{{rng(a.request_header_v0)}}}, {{{rng(a.response_header_v0)}}}}},')
    cc += ['};', '', '}  // namespace gregor::wire', '']
    return '\n'.join(h), '\n'.join(cc)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--schemas', required=True)
    ap.add_argument('--out')
    ap.add_argument('--only', action='append', default=[])
    ap.add_argument('--index', action='store_true')
    ap.add_argument('--check', action='store_true')
    args = ap.parse_args()

    paths = glob.glob(os.path.join(args.schemas, '*.wire'))
    files, errors = load(paths)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f'{len(errors)} schema error(s); nothing generated', file=sys.stderr)
        return 1
    if args.check:
        return 0
    if not args.out:
        ap.error('--out is required unless --check')
    by_stem = {f.stem: f for f in files}
    for stem in args.only:
        if stem not in by_stem:
            print(f'{stem}.wire: no such schema', file=sys.stderr)
            return 1
        sf = by_stem[stem]
        gen = Emitter(sf)
        h, cc = gen.emit()
        write_if_changed(os.path.join(args.out, 'include/gregor/wire/gen', stem + '.h'), h)
        write_if_changed(os.path.join(args.out, 'src', stem + '.cc'), cc)
        test = TestEmitter(sf, gen).emit()
        write_if_changed(os.path.join(args.out, 'tests', stem + '_round_trip_test.cc'), test)
    if args.index:
        h, cc = emit_index(files)
        write_if_changed(os.path.join(args.out, 'include/gregor/wire/gen/apis.h'), h)
        write_if_changed(os.path.join(args.out, 'src/apis.cc'), cc)
    return 0


if __name__ == '__main__':
    sys.exit(main())
