"""Exports as files that GDAL reads over HTTP (/vsicurl/, QGIS's way to open a URL): HEAD gives the length,
Range gives 206 parts, on a real server; the export cache (webmap/exportcache.py) behind it."""
from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

import pytest

from conftest import has_location, serving

GDAL_READ = """
import json, sys, pyogrio
layers = pyogrio.list_layers(sys.argv[1])
print(json.dumps({name: pyogrio.read_info(sys.argv[1], layer=name)["features"] for name, _ in layers}))
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("export-cache")


@pytest.fixture(scope="module")
def web(registry_db, cache):
    from webmap import create_app

    app = create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_TILES": "none", "TESTING": True,
                      "REGISTRY_EXPORT_CACHE": str(cache)})
    with serving(app) as base_url:
        yield base_url


def gdal_layers(url: str) -> dict[str, int]:
    """Feature counts per layer as GDAL (pyogrio's, in its own process) reads `url` through /vsicurl/."""
    done = subprocess.run([sys.executable, "-c", GDAL_READ, "/vsicurl/" + url], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def fetch(url: str, method: str = "GET", **headers):
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("query", ["", "?type=solar_pv"])
def test_gdal_opens_the_geojson_export_over_vsicurl(web, registry_rows, select, query):
    expected = len(select(registry_rows, type=("solar_pv",))) if query else len(registry_rows)
    assert gdal_layers(f"{web}/export.geojson{query}") == {"export": expected}


def test_gdal_opens_the_geopackage_export_over_vsicurl(web, registry_rows):
    located = [r for r in registry_rows if has_location(r)]
    layers = gdal_layers(f"{web}/export.gpkg")
    assert sum(layers.values()) == len(located) and layers


def test_head_gives_the_length_and_range_gives_the_bytes(web, cache):
    url = f"{web}/export.csv?type=wind"
    status, head, body = fetch(url, "HEAD")
    assert status == 200 and body == b"" and head["Accept-Ranges"] == "bytes"
    status, headers, whole = fetch(url)
    assert status == 200 and int(head["Content-Length"]) == len(whole) and headers["ETag"] == head["ETag"]
    status, headers, part = fetch(url, Range="bytes=10-109")
    assert status == 206 and part == whole[10:110]
    assert headers["Content-Range"] == f"bytes 10-109/{len(whole)}"
    # A range is of the file's own bytes, even for a client that accepts gzip.
    status, headers, part = fetch(url, Range="bytes=-50", **{"Accept-Encoding": "gzip, br"})
    assert status == 206 and part == whole[-50:] and "Content-Encoding" not in headers
    # If-Range with another version's tag: the whole (current) file, not a part of it.
    status, _, body = fetch(url, Range="bytes=0-9", **{"If-Range": '"0123456789abcdef"'})
    assert status == 200 and body == whole
    assert fetch(url, Range=f"bytes={len(whole) + 10}-")[0] == 416


def test_the_first_download_streams_and_keeps_the_file(web, cache):
    url = f"{web}/export.geojson?type=wind"
    before = set(cache.iterdir())
    status, headers, first = fetch(url)
    assert status == 200 and "Content-Length" not in headers  # streamed off the cursor
    made = set(cache.iterdir()) - before
    assert [p.suffix for p in made] == [".geojson"] and made.pop().read_bytes() == first
    status, headers, again = fetch(url + "&unknown=1")  # the same filter: the same file
    assert status == 200 and again == first and int(headers["Content-Length"]) == len(first)
    assert not [p for p in cache.iterdir() if p.name.startswith(".partial-")]
