"""HTTP behaviour tools rely on: validators and 304s, gzip, CORS, and long URLs, on the app and
under gunicorn with the shipped webmap/gunicorn_conf.py."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT, free_port

CACHED_URLS = ["/export.geojson?type=solar_pv", "/export.csv?county=%E5%A4%A7%E6%82%9F%E5%8E%BF",
               "/api/projects?per_page=5", "/api/map.json", "/api/facets", "/export.xlsx?type=wind"]


@pytest.mark.parametrize("url", CACHED_URLS)
def test_conditional_requests_get_304(client, url):
    first = client.get(url)
    assert first.status_code == 200
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    # An older copy, or a copy of another answer, is not fresh.
    assert client.get(url, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}).status_code == 200
    assert client.get(url, headers={"If-None-Match": '"0123456789abcdef"'}).status_code == 200


def test_validators_come_from_the_build_and_the_query(client, registry_db):
    import sqlite3
    from email.utils import parsedate_to_datetime
    from datetime import datetime

    with sqlite3.connect(registry_db) as conn:
        built_at = datetime.fromisoformat(conn.execute("select value from registry_meta where key = 'built_at'").fetchone()[0])
    one, other = client.get("/export.csv?type=wind"), client.get("/export.csv?type=hydro")
    assert parsedate_to_datetime(one.headers["Last-Modified"]) == built_at
    assert one.headers["ETag"] != other.headers["ETag"]
    assert client.get("/export.csv?type=wind").headers["ETag"] == one.headers["ETag"]


def test_a_rebuild_changes_the_etag(tmp_path, registry_csv):
    from registry.store.store import build
    from webmap import create_app

    db = tmp_path / "registry.db"
    build(registry_csv, db)
    client = create_app({"REGISTRY_DB": str(db), "REGISTRY_TILES": "none", "TESTING": True}).test_client()
    before = client.get("/api/facets").headers["ETag"]
    time.sleep(1.05)  # built_at has one-second resolution
    build(registry_csv, db)
    response = client.get("/api/facets", headers={"If-None-Match": before})
    assert response.status_code == 200 and response.headers["ETag"] != before


@pytest.mark.parametrize("url", ["/export.geojson", "/export.csv", "/api/projects?per_page=100", "/api/map.json"])
def test_gzip_when_asked(client, url):
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) * 3 < len(plain.data)
    # The gzipped copy revalidates with the ETag it was sent.
    assert client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]}).status_code == 304


@pytest.mark.parametrize("url", ["/api/projects", "/api/facets", "/api/map.json", "/export.geojson", "/export.csv"])
def test_cors_allows_reading_the_api_and_exports(client, url):
    response = client.get(url, headers={"Origin": "http://planner.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Disposition" in response.headers.get("Access-Control-Expose-Headers", "")
    preflight = client.options(url, headers={"Origin": "http://planner.example", "Access-Control-Request-Method": "GET"})
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert "POST" not in preflight.headers["Access-Control-Allow-Methods"]


def test_pages_are_not_opened_to_other_origins(client):
    assert "Access-Control-Allow-Origin" not in client.get("/", headers={"Origin": "http://planner.example"}).headers


@pytest.mark.parametrize("path", ["/api/projects", "/export.csv"])
def test_a_too_long_url_is_a_json_414(client, path):
    response = client.get(path + "?q=" + "x" * 9000)
    assert response.status_code == 414 and response.is_json
    assert "longer than" in response.get_json()["error"]["message"]


def test_gunicorn_with_the_project_config_lets_the_app_answer_long_urls(registry_db):
    port = free_port()
    env = {**os.environ, "REGISTRY_DB": str(registry_db), "REGISTRY_TILES": "none"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:webmap.gunicorn_conf", "-w", "1",
                               "-b", f"127.0.0.1:{port}", "webmap:create_app()"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # until the worker has booted
            try:
                urllib.request.urlopen(base + "/api/facets", timeout=10).read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read().decode()[-2000:]
                time.sleep(0.2)
        # 6,000 bytes: over gunicorn's default limit (4,094), under the app's own (8,192): answered.
        # (Parameters the API does not know are ignored, so the padding changes nothing.)
        ok = urllib.request.urlopen(base + "/api/facets?padding=" + "x" * 6000, timeout=10)
        assert ok.status == 200 and json.load(ok)["total"]["count"] > 0
        # 20,000 bytes: the app's own 414, in JSON.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/api/facets?padding=" + "x" * 20000, timeout=10)
        assert refused.value.code == 414
        assert json.loads(refused.value.read())["error"]["message"]
    finally:
        server.terminate()
        server.wait(timeout=10)
    # The worker answered the map page once before taking connections (webmap/warmup.py), without an error.
    log = server.stderr.read().decode()
    assert "worker warmed in" in log and "warming" not in log.replace("worker warmed in", ""), log[-2000:]


def test_the_pages_files_are_named_by_their_content_and_cached_for_good(client, tmp_path):
    """Every script and style sheet of the map page has a content-digest URL, answered as immutable; the same file
    asked for without it, or with another digest (an old page's), is answered as before and revalidated."""
    import re

    from webmap import assets

    page = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/(?:static|vendor)/[^"]+)"', page)
    assert {"/static/map.js", "/vendor/leaflet/leaflet.js"} <= {u.split("?")[0] for u in urls}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        answer = client.get(url)
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain, stale = client.get("/static/map.js"), client.get("/static/map.js?v=000000000000")
    assert plain.data == stale.data == client.get(next(u for u in urls if u.startswith("/static/map.js?"))).data
    for answer in (plain, stale):
        assert answer.status_code == 200 and "immutable" not in answer.headers.get("Cache-Control", "")
    (tmp_path / "a.js").write_text("one", encoding="utf-8")
    before = assets.digest(str(tmp_path), "a.js")
    (tmp_path / "a.js").write_text("two!", encoding="utf-8")
    assert before != assets.digest(str(tmp_path), "a.js") and assets.digest(str(tmp_path), "missing.js") is None
