"""Shared fixtures: a registry built from the shipped CSV, the web app on it, and a live server.

The registry is the real projects.csv once it exists with coordinates, otherwise
the six geocoded rows of tests/fixtures/sample_projects.csv. Tests compute what
they expect from the CSV rows (`registry_rows`) with plain Python, never from
the app's query code and never as hard-coded counts.
"""
from __future__ import annotations

import csv
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

# The live server in a thread and the free port, shared with docs/screenshots.py and the benchmarks; the test
# modules import them from here.
from benchmarks.servers import free_port, serving  # noqa: F401

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


@pytest.fixture(scope="session")
def live_server(app):
    with serving(app) as base_url:
        yield base_url


CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling hosts this network refuses.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium_context(**options):
    """A Playwright context on Debian's headless Chromium with a fresh profile (a temporary folder, removed after).

    A machine without Chromium skips the browser tests; CI (CI=true), whose .ci/run installs
    it, fails them instead, so a broken install can never pass as skipped tests.
    """
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    from playwright import sync_api

    # One Playwright and one Chromium per use, ended inside it: Playwright's sync API marks its asyncio loop as
    # running in this thread while it is started, and other tests (Datasette's) call asyncio.run().
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_api.sync_playwright() as playwright:
        # A persistent context is how Playwright passes a fresh --user-data-dir.
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, **options)
        try:
            yield context
        finally:
            context.close()


# The columns the registry's text search looks in (registry.store.layout.SEARCH_COLUMNS), restated
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


# ---------------------------------------------------------------- how the two xdist workers share the suite
#
# `--dist=loadgroup`: each group runs whole on one worker, so a module's fixtures (a built registry, a browser
# context, a server) are made once. A group is its test file, except the few tests that take a worker's minute
# on their own and share nothing expensive with their file: those are groups of their own, so that the two
# workers can finish together. Groups start longest first (from `pytest --durations=60`; a group not named
# here starts after these, in file order), so no long group is left to start when the other worker is idle.
SOLO_TESTS = (
    "test_fuzz_requests.py::test_api_answers_every_generated_request_as_its_document_says",
    "test_geocode.py::test_geodata_rebuilds_identically_from_the_packages",
    "test_rebuild.py::test_server_answers_from_the_old_or_new_registry_during_rebuilds_and_never_writes_it",
)
LONGEST_FIRST = (
    *SOLO_TESTS, "test_api.py", "test_map_ui_browser.py", "test_faults.py", "test_browser.py", "test_docs.py",
    "test_cli_conventions.py", "test_hostile.py", "test_concurrent_writers.py", "test_production.py",
    "test_geocode.py", "test_targets_browser.py", "test_rebuild.py", "test_store.py", "test_pages_browser.py",
    "test_extract_inputs.py", "test_national_browser.py", "test_extract.py", "test_mapcells.py",
)


def xdist_group_of(item) -> str:
    """The xdist group of a test: its file, or itself if it is one of SOLO_TESTS."""
    name = f"{item.path.name}::{getattr(item, 'originalname', item.name)}"
    return name if name in SOLO_TESTS else item.path.name


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups into the node ids
def pytest_collection_modifyitems(config, items):
    order = {group: rank for rank, group in enumerate(LONGEST_FIRST)}
    for item in items:
        item.add_marker(pytest.mark.xdist_group(xdist_group_of(item)))
        if xdist_group_of(item) in SOLO_TESTS:
            item.add_marker(pytest.mark.slow)
    # A stable sort: a file's tests stay together and in their order.
    items.sort(key=lambda item: order.get(xdist_group_of(item), len(order)))
