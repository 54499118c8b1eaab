"""Shared fixtures: a registry built from the shipped CSV, the web app on it, and a live server.

The registry is the real projects.csv once it exists with coordinates, otherwise
the six geocoded rows of tests/fixtures/sample_projects.csv. Tests compute what
they expect from the CSV rows (`registry_rows`) with plain Python, never from
the app's query code and never as hard-coded counts.
"""
from __future__ import annotations

import csv
import os
import shutil
import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The shipped, reviewed registry: the tests run on the real data, and fail if it breaks.
SHIPPED_CSV = ROOT / "projects.csv"


def docs_screenshot(page, name: str) -> bytes:
    """A screenshot of the page (that it can be taken is part of the test). The manual's pictures of the same
    pages, `name` among them, are made by `python docs/screenshots.py`, never by the tests."""
    return page.screenshot()


def read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict], header: list[str] | None = None) -> Path:
    """Rows as a UTF-8 CSV with a header (the first row's keys unless given)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header or list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def registry_csv() -> Path:
    return SHIPPED_CSV


@pytest.fixture(scope="session")
def registry_rows(registry_csv) -> list[dict]:
    return read_rows(registry_csv)


@pytest.fixture(scope="session")
def registry_db(tmp_path_factory, registry_csv) -> Path:
    from registry.store.store import build

    db = tmp_path_factory.mktemp("registry") / "registry.db"
    build(registry_csv, db)
    return db


@pytest.fixture(scope="session")
def app(registry_db):
    from webmap import create_app

    # No tiles: the tests must not depend on (or contact) anything outside the machine.
    return create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_TILES": "none", "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now, for a server started in another process."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(app):
    """The app on a real HTTP server (127.0.0.1, a free port) in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app):
    with serving(app) as base_url:
        yield base_url


CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling hosts this network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium_context(profile: Path, **options):
    """A Playwright context on Debian's headless Chromium with a fresh profile.

    A machine without Chromium skips the browser tests; CI (CI=true), whose .ci/run installs
    it, fails them instead, so a broken install can never pass as skipped tests.
    """
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        # A persistent context is how Playwright passes a fresh --user-data-dir.
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, **options)
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


# The columns the registry's text search looks in (registry.store.store.SEARCH_COLUMNS), restated
# here so the expectation does not come from the code under test.
SEARCH_COLUMNS = ("name", "subtype", "city", "county", "town", "site")


def select_rows(rows: list[dict], type=(), city=(), county=(), stage=(), min_mw=None, max_mw=None, q="") -> list[dict]:
    """The CSV rows a filter keeps, by plain Python: the independent oracle for the app's SQL."""
    def capacity(row):
        return float(row["capacity_mw"]) if row.get("capacity_mw") else None

    kept = []
    for row in rows:
        mw = capacity(row)
        if type and row["type"] not in type or city and row["city"] not in city:
            continue
        if county and row["county"] not in county or stage and row["stage"] not in stage:
            continue
        if min_mw is not None and (mw is None or mw < min_mw) or max_mw is not None and (mw is None or mw > max_mw):
            continue
        if q and not any(q.lower() in (row.get(c) or "").lower() for c in SEARCH_COLUMNS):
            continue
        kept.append(row)
    return kept


@pytest.fixture(scope="session")
def select():
    return select_rows


def has_location(row: dict) -> bool:
    return bool(row.get("lon") and row.get("lat")) or bool(row.get("geometry_wkt"))


@pytest.fixture(scope="session")
def drawable():
    """Whether the map can draw a CSV row (it has coordinates or a geometry)."""
    return has_location
