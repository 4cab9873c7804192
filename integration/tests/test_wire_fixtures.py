"""The golden wire fixtures (tests/wire/fixtures) are complete and labelled correctly.

No broker needed: this checks the files against manifest.json, the request headers against
the labels, and the size budget, so a broken recapture is caught before the C++ codec tests
read the fixtures.
"""

import json
import struct

import pytest

from harness import paths

MANIFEST = paths.FIXTURES_DIR / "manifest.json"
pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason=f"{MANIFEST} not captured yet")


@pytest.fixture(scope="module")
def manifest():
    return json.loads(MANIFEST.read_text())


def test_manifest_and_files_agree(manifest):
    listed = {e["file"] for e in manifest["frames"]}
    on_disk = {str(p.relative_to(paths.FIXTURES_DIR)) for p in paths.FIXTURES_DIR.glob("*/*.bin")}
    assert listed == on_disk
    assert {e["client"] for e in manifest["frames"]} == set(manifest["clients"])


def test_headers_match_labels(manifest):
    for e in manifest["frames"]:
        data = (paths.FIXTURES_DIR / e["file"]).read_bytes()
        assert len(data) == e["size"], e["file"]
        if e["direction"] == "request":
            assert struct.unpack_from(">hhi", data) == (e["api_key"], e["api_version"], e["correlation_id"]), e["file"]
        else:
            assert e["direction"] == "response"
            assert struct.unpack_from(">i", data)[0] == e["correlation_id"], e["file"]


def test_every_response_has_its_request(manifest):
    files = {e["file"] for e in manifest["frames"]}
    for name in files:
        if name.endswith("_resp.bin"):
            assert name.replace("_resp.bin", "_req.bin") in files


def test_fixtures_stay_small(manifest):
    assert all(e["size"] <= 64 * 1024 for e in manifest["frames"] if e["direction"] == "response")
    assert sum(e["size"] for e in manifest["frames"]) < 2 * 1024 * 1024
