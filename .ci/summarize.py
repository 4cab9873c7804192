#!/usr/bin/env python3
"""Prints one line per JUnit report and a closing 'total: N passed, N failed, N skipped'."""
import sys
import xml.etree.ElementTree as ET


def count(path):
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == 'testsuite' else root.iter('testsuite')
    passed = failed = skipped = 0
    failures = []
    for suite in suites:
        for case in suite.iter('testcase'):
            name = f"{case.get('classname', '')}.{case.get('name', '')}".strip('.')
            if case.find('failure') is not None or case.find('error') is not None:
                failed += 1
                failures.append(name)
            elif case.find('skipped') is not None or case.get('status') in ('notrun', 'disabled'):
                skipped += 1
            else:
                passed += 1
    return passed, failed, skipped, failures


def main(paths):
    total = [0, 0, 0]
    for p in paths:
        try:
            passed, failed, skipped, failures = count(p)
        except (OSError, ET.ParseError) as e:
            print(f'{p}: unreadable report ({e})')
            total[1] += 1
            continue
        name = p.rsplit('/', 1)[-1].removesuffix('.xml')
        print(f'{name:>12}: {passed} passed, {failed} failed, {skipped} skipped')
        for f in failures[:20]:
            print(f'              FAILED {f}')
        total[0] += passed
        total[1] += failed
        total[2] += skipped
    print(f'total: {total[0]} passed, {total[1]} failed, {total[2]} skipped')
    return 1 if total[1] or total[0] == 0 else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
