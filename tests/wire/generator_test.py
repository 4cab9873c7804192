#!/usr/bin/env python3
"""Tests that the schema generator refuses broken schemas with `file:line: path: message`."""
import os
import sys
import tempfile
import textwrap
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'wire', 'gen'))
from schema import load  # noqa: E402

GOOD = """\
api Sample key=900 versions=0-3 flexible=2+

request SampleRequest
  name string 0+
  ids [int32] 1+ nullable=1+
  extra Extra 2+ tag=0
    value int64 2+ default=-1

response SampleResponse
  error_code int16 0+
  message string 0+ nullable=0+ default=null
"""


def errors_for(text, name='sample.wire', extra=None):
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for fname, body in [(name, text)] + list((extra or {}).items()):
            p = os.path.join(d, fname)
            with open(p, 'w') as f:
                f.write(textwrap.dedent(body))
            paths.append(p)
        _, errors = load(paths)
        return errors


class GeneratorValidation(unittest.TestCase):
    def assertRefused(self, text, fragment, where=None):
        errs = errors_for(text)
        self.assertTrue(errs, 'schema was accepted')
        self.assertTrue(any(fragment in e for e in errs), f'{fragment!r} not in {errs}')
        if where:
            self.assertTrue(any(where in e for e in errs), f'{where!r} not in {errs}')
        for e in errs:
            self.assertRegex(e, r'^sample\.wire:\d+: \S+: .+')

    def test_good_schema_is_accepted(self):
        self.assertEqual(errors_for(GOOD), [])

    def test_unknown_field_key(self):
        self.assertRefused(GOOD.replace('name string 0+', 'name string 0+ colour=red'),
                           "unknown key 'colour'", 'SampleRequest.name')

    def test_unknown_directive(self):
        self.assertRefused(GOOD + 'enum Foo\n', 'unknown directive')

    def test_field_versions_past_the_api(self):
        self.assertRefused(GOOD.replace('error_code int16 0+', 'error_code int16 0-7'),
                           'go past the last message version', 'SampleResponse.error_code')

    def test_bad_version_range(self):
        self.assertRefused(GOOD.replace('name string 0+', 'name string 3-1'), 'empty version range')

    def test_nullable_outside_field_versions(self):
        self.assertRefused(GOOD.replace('ids [int32] 1+ nullable=1+', 'ids [int32] 1+ nullable=0+'),
                           'are not within the field versions')

    def test_nullable_int_refused(self):
        self.assertRefused(GOOD.replace('error_code int16 0+', 'error_code int16 0+ nullable=0+'),
                           'cannot be nullable')

    def test_tag_outside_flexible_versions(self):
        self.assertRefused(GOOD.replace('extra Extra 2+ tag=0', 'extra Extra 1+ tag=0'),
                           'not within the flexible versions')

    def test_tagged_closed_range(self):
        self.assertRefused(GOOD.replace('extra Extra 2+ tag=0', 'extra Extra 2-3 tag=0'),
                           'must be open-ended')

    def test_tags_must_be_contiguous(self):
        self.assertRefused(GOOD.replace('extra Extra 2+ tag=0', 'extra Extra 2+ tag=1'),
                           'contiguous from 0')

    def test_default_of_wrong_type(self):
        self.assertRefused(GOOD.replace('value int64 2+ default=-1', 'value int64 2+ default=yes'),
                           'must be an integer')

    def test_default_out_of_range(self):
        self.assertRefused(GOOD.replace('error_code int16 0+', 'error_code int16 0+ default=40000'),
                           'out of range')

    def test_null_default_needs_nullable(self):
        self.assertRefused(GOOD.replace('name string 0+', 'name string 0+ default=null'),
                           'needs a nullable field')

    def test_arrays_of_arrays(self):
        self.assertRefused(GOOD.replace('ids [int32]', 'ids [[int32]]'), 'arrays of arrays')

    def test_unknown_struct(self):
        self.assertRefused(GOOD.replace('error_code int16 0+', 'error_code Missing 0+'),
                           "unknown struct type 'Missing'")

    def test_duplicate_field(self):
        self.assertRefused(GOOD.replace('  error_code int16 0+\n',
                                        '  error_code int16 0+\n  error_code int16 0+\n'),
                           'duplicate field name')

    def test_request_name_must_match_api(self):
        self.assertRefused(GOOD.replace('request SampleRequest', 'request OtherRequest'),
                           'must be named SampleRequest')

    def test_tabs_refused(self):
        self.assertRefused(GOOD.replace('  name string', '\tname string'), 'tabs are not allowed')

    def test_duplicate_api_key_across_files(self):
        errs = errors_for(GOOD, extra={'other.wire': GOOD.replace('Sample', 'Other')})
        self.assertTrue(any('api key 900 is also used by' in e for e in errs), errs)


if __name__ == '__main__':
    unittest.main()
