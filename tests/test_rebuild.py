"""Rebuilds while serving: readers see the old registry or the new one, never an error,
and a process that serves the registry never writes it."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from benchmarks.servers import running
from conftest import SHIPPED_CSV, free_port, write_rows
from registry.store.query import ProjectFilter, Registry
from registry.store.store import build

ROOT = Path(__file__).resolve().parent.parent
REBUILDS = 12
READERS = 4


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames), list(reader)


@pytest.fixture(scope="module")
def two_versions(tmp_path_factory):
    """Two CSVs of different sizes: the registry before and after an edit."""
    header, rows = read_rows(SHIPPED_CSV)
    assert len(rows) >= 2
    folder = tmp_path_factory.mktemp("versions")
    old = write_rows(folder / "old.csv", rows, header)
    new = write_rows(folder / "new.csv", rows[: len(rows) // 2], header)
    return (old, len(rows)), (new, len(rows) // 2)


def fingerprint(path: Path) -> tuple:
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns, stat.st_ino, stat.st_size


def test_queries_during_repeated_rebuilds_see_the_old_or_the_new_registry(tmp_path, two_versions):
    (old_csv, old_count), (new_csv, new_count) = two_versions
    db = tmp_path / "registry.db"
    build(old_csv, db)
    stop = threading.Event()
    seen: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def reader():
        while not stop.is_set():
            try:
                with Registry(db) as registry:
                    # One connection holds one file: its answers agree with each other.
                    count = registry.count()
                    listed = registry.projects(limit=10_000)
                    facets = registry.facets()
                    searched = registry.projects(ProjectFilter(q="项目"))
                    features = registry.features(limit=10_000)
                assert count == len(listed) == facets["total"]["count"] == len(features)
                assert len(searched) <= count
                with lock:
                    seen.append(count)
            except BaseException as exc:  # noqa: BLE001 - every failure is the finding
                with lock:
                    errors.append(exc)
                return

    threads = [threading.Thread(target=reader, daemon=True) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    try:
        for i in range(REBUILDS):
            build(new_csv if i % 2 == 0 else old_csv, db)
            time.sleep(0.01)
        build(new_csv, db)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors[:3]
    assert seen and set(seen) <= {old_count, new_count}
    with Registry(db) as registry:
        assert registry.count() == new_count
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry.db"]  # no temp or journal files


def test_an_open_registry_keeps_answering_from_its_file_after_a_swap(tmp_path, two_versions):
    (old_csv, old_count), (new_csv, new_count) = two_versions
    db = tmp_path / "registry.db"
    build(old_csv, db)
    with Registry(db) as registry:
        assert registry.count() == old_count
        build(new_csv, db)
        assert registry.count() == old_count  # the old inode, still open
        with Registry(db) as fresh:
            assert fresh.count() == new_count


def test_registry_refuses_to_write(tmp_path, two_versions):
    (old_csv, _), _ = two_versions
    db = tmp_path / "registry.db"
    build(old_csv, db)
    before = fingerprint(db)
    with Registry(db) as registry:
        with pytest.raises(Exception, match="readonly"):
            registry.conn.execute("DELETE FROM projects")
    assert fingerprint(db) == before


# A process that only reads: the library's query path in a loop, as a server uses it.
READER_PROCESS = r"""
import sys, time
from registry.store.query import ProjectFilter, Registry
db, seconds = sys.argv[1], float(sys.argv[2])
deadline = time.monotonic() + seconds
n = 0
registry = Registry(db)  # held open for the whole run, like a long-lived worker
while time.monotonic() < deadline:
    registry.count(); registry.facets(); registry.projects(ProjectFilter(q="抽水蓄能"))
    with Registry(db) as fresh:
        fresh.features(limit=500)
    n += 1
registry.close()
print(n)
"""


def test_a_reading_process_never_changes_the_file(tmp_path, two_versions):
    (old_csv, _), _ = two_versions
    db = tmp_path / "registry.db"
    build(old_csv, db)
    os.chmod(db, 0o644)
    before = fingerprint(db)
    time.sleep(0.05)  # so a write would show in the mtime even on coarse clocks
    result = subprocess.run([sys.executable, "-c", READER_PROCESS, str(db), "1.5"], capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 0
    assert fingerprint(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["registry.db"]


# ---------------------------------------------------------------- the web app under gunicorn

def get_json(url: str, timeout: float = 10):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def gunicorn_server(tmp_path, two_versions):
    """The README's production command on a free loopback port, serving a fresh registry."""
    (old_csv, _), _ = two_versions
    (tmp_path / "db").mkdir()
    db = tmp_path / "db" / "registry.db"
    build(old_csv, db)
    port = free_port()
    env = dict(os.environ, REGISTRY_DB=str(db), REGISTRY_TILES="none")
    with running([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "webmap:create_app()"], port,
                 path="/api/facets", env=env, cwd=ROOT, log_path=tmp_path / "gunicorn.log", timeout=30, stop_timeout=15):
        yield f"http://127.0.0.1:{port}", db


def _total(payload) -> int:
    """Total count from /api/facets: {"total": {"count": n}} at the top or under a key."""
    if "total" in payload:
        return payload["total"]["count"]
    for value in payload.values():
        if isinstance(value, dict) and "total" in value:
            return value["total"]["count"]
    raise AssertionError(f"no total in {str(payload)[:200]}")


def test_server_answers_from_the_old_or_new_registry_during_rebuilds_and_never_writes_it(gunicorn_server, two_versions):
    base, db = gunicorn_server
    (old_csv, old_count), (new_csv, new_count) = two_versions
    stop = threading.Event()
    seen, errors = [], []
    lock = threading.Lock()

    def client():
        while not stop.is_set():
            try:
                status, payload = get_json(base + "/api/facets")
                assert status == 200
                with urllib.request.urlopen(base + "/export.geojson", timeout=10) as response:
                    assert response.status == 200
                    features = json.loads(response.read())["features"]
                with lock:
                    seen.append(_total(payload))
                    seen.append(len(features))
            except BaseException as exc:  # noqa: BLE001
                with lock:
                    errors.append(exc)
                return

    threads = [threading.Thread(target=client, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for i in range(4):
            csv_path = new_csv if i % 2 == 0 else old_csv
            subprocess.run([sys.executable, "-m", "registry.cli", "build", "--csv", str(csv_path), "--db", str(db)],
                           check=True, capture_output=True, timeout=120, cwd=ROOT)
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors[:3]
    assert seen and set(seen) <= {old_count, new_count}
    # The last build (i = 3: old.csv) is what the next request sees: the server does not hold a stale file.
    assert _total(get_json(base + "/api/facets")[1]) == old_count

    # Serving alone never writes the registry: same bytes, same mtime, no journal beside it.
    before = fingerprint(db)
    time.sleep(0.05)
    for path in ("/api/projects", "/api/facets", "/export.geojson", "/export.csv", "/projects", "/"):
        with urllib.request.urlopen(base + path, timeout=10) as response:
            assert response.status == 200
            response.read()
    assert fingerprint(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["registry.db"]
