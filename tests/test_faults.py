"""Operator faults (issue 15, parts 2 and 4): killed builds, full disks, read-only folders, bad paths,
corrupt or foreign databases. Each gets one `error:` line and exit status 1 (143 for SIGTERM),
never a traceback; the old registry stays byte-for-byte as it was and no temp file remains.

Disk-full and read-only cases mount a small tmpfs (the test runs as root here). Where mounting is
not permitted, the disk-full build falls back to SQLite's own SQLITE_FULL (a page limit set on the
build's connection, in-process) and the read-only cases are skipped, saying so.
"""
from __future__ import annotations

import contextlib
import hashlib
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SHIPPED_CSV, read_rows, write_rows
from registry.store.query import Registry
from registry.store.store import build

CLI = [sys.executable, "-m", "registry.cli"]
# Copies of the shipped rows under new ids: a build long enough (about 2 s) to kill half-way.
COPIES = 160


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".building", ".partial", "-journal")))


def run(*args, timeout=120) -> subprocess.CompletedProcess:
    """The CLI in a process of its own: what an operator runs."""
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def invoke(*args) -> subprocess.CompletedProcess:
    """The same CLI in this process (click's runner), which saves the interpreter start per call."""
    from click.testing import CliRunner

    from registry.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def assert_one_error_line(result: subprocess.CompletedProcess, *fragments: str, status: int = 1) -> str:
    assert result.returncode == status, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    rows = read_rows(SHIPPED_CSV)
    big = [dict(r, id=f"{r['id']}-{k}") for k in range(COPIES) for r in rows]
    return write_rows(tmp_path_factory.mktemp("big") / "projects.csv", big)


@pytest.fixture(scope="module")
def big_db(tmp_path_factory, big_csv) -> Path:
    db = tmp_path_factory.mktemp("bigdb") / "registry.db"
    build(big_csv, db, targets_csv=ROOT / "targets.csv")
    return db


@pytest.fixture(scope="module")
def shipped_db(registry_db) -> Path:
    """The session's registry of the shipped CSV (built once per worker); tests only copy it."""
    return registry_db


@pytest.fixture()
def old_db(tmp_path, shipped_db) -> Path:
    """A registry in a folder of its own, which a test may try to replace."""
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "registry.db"
    db.write_bytes(shipped_db.read_bytes())
    return db


def wait_for(folder: Path, suffix: str, process: subprocess.Popen, seconds: float = 60) -> Path:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if found:
            return found[0]
        if process.poll() is not None:
            raise AssertionError(f"finished before a {suffix} file appeared: {process.stderr.read()}")
        time.sleep(0.002)
    raise AssertionError(f"no {suffix} file within {seconds} s")


def start_build(csv: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "build", "--csv", str(csv), "--db", str(db), "--targets", str(ROOT / "targets.csv")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)


# ---------------------------------------------------------------- part 2: nothing left behind

def test_a_build_killed_with_sigkill_leaves_a_temp_file_that_the_next_build_removes(old_db, big_csv):
    before = sha256(old_db)
    process = start_build(big_csv, old_db)
    temp = wait_for(old_db.parent, ".building", process)
    time.sleep(0.3)  # well into the write
    process.kill()
    process.wait(timeout=30)
    assert temp.exists(), "SIGKILL cannot be caught: the temp file is still there (the case to clean up)"
    assert f".{process.pid}." in temp.name  # the builder's PID is in the name
    assert sha256(old_db) == before
    # Another builder that is still running keeps its temp file: only dead processes' files go.
    sleeper = subprocess.Popen(["sleep", "60"])
    alive = old_db.parent / f".registry.db.{sleeper.pid}.abcdefgh.building"
    alive.write_bytes(b"in progress")
    try:
        result = invoke("build", "--csv", SHIPPED_CSV, "--db", old_db)
        assert result.returncode == 0, result.stderr
        assert leftovers(old_db.parent) == [alive.name]
    finally:
        sleeper.kill()
        sleeper.wait()
    with Registry(old_db) as registry:
        assert registry.count() == len(read_rows(SHIPPED_CSV))


def test_a_build_stopped_with_sigterm_removes_its_temp_file_and_says_so(old_db, big_csv):
    before = sha256(old_db)
    process = start_build(big_csv, old_db)
    wait_for(old_db.parent, ".building", process)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143, stderr
    assert stderr.strip() == f"error: interrupted (SIGTERM); nothing was written; {old_db} is unchanged"
    assert leftovers(old_db.parent) == []
    assert sha256(old_db) == before


def test_an_export_stopped_with_sigterm_leaves_no_partial_file(tmp_path, big_db):
    out = tmp_path / "out" / "projects.geojson"
    out.parent.mkdir()
    process = subprocess.Popen([*CLI, "export", "--format", "geojson", "--db", str(big_db), "-o", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    wait_for(out.parent, ".partial", process)
    # Stopped first, so it cannot finish between our look and the signal.
    process.send_signal(signal.SIGSTOP)
    process.send_signal(signal.SIGTERM)
    process.send_signal(signal.SIGCONT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 143, stderr
    assert stderr.strip() == f"error: interrupted (SIGTERM); {out} was not written"
    assert list(out.parent.iterdir()) == []


def test_an_export_removes_partial_files_of_dead_exports_of_the_same_file(tmp_path, old_db):
    out = tmp_path / "projects.csv"
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".projects.csv.{dead.pid}.zz.partial"
    stale.write_text("half")
    result = invoke("export", "--format", "csv", "--db", old_db, "-o", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "projects.csv"]
    assert len(read_rows(out)) == len(read_rows(SHIPPED_CSV))


def test_a_kml_export_removes_the_staging_file_of_a_dead_kml_export(tmp_path, old_db):
    """write_kml stages a GeoPackage beside its temp file (registry/exports/gpkg.py): SIGKILL leaves both."""
    out = tmp_path / "projects.kml"
    dead = subprocess.Popen(["true"])
    dead.wait()
    for suffix in (".partial.kml", ".partial.kml.staging.gpkg"):
        (tmp_path / f".projects.kml.{dead.pid}.zz{suffix}").write_text("half")
    result = invoke("export", "--format", "kml", "--db", old_db, "-o", out)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db", "projects.kml"]


# ---------------------------------------------------------------- part 4: one line, nothing lost

@contextlib.contextmanager
def tmpfs(folder: Path, size: int):
    folder.mkdir(exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                             capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def test_disk_full_during_a_build_is_one_line_and_keeps_the_old_registry(tmp_path, old_db, monkeypatch):
    size = old_db.stat().st_size
    disk = tmp_path / "disk"
    with tmpfs(disk, size + size // 3) as mounted:
        if mounted:
            db = disk / "registry.db"
            db.write_bytes(old_db.read_bytes())
            before = sha256(db)
            result = invoke("build", "--csv", SHIPPED_CSV, "--db", db)
            assert_one_error_line(result, str(db), "no space left on the device", f"{db} is unchanged")
            assert sha256(db) == before and leftovers(disk) == []
            return
    # No mount permitted: SQLite's own SQLITE_FULL, by a page limit on the build's connection.
    import sqlite_utils

    from click.testing import CliRunner
    from registry import cli
    from registry.store import store

    class SmallDisk(sqlite_utils.Database):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.execute("PRAGMA max_page_count = 64")

    monkeypatch.setattr(store.sqlite_utils, "Database", SmallDisk)
    before = sha256(old_db)
    result = CliRunner().invoke(cli.cli, ["build", "--csv", str(SHIPPED_CSV), "--db", str(old_db)])
    assert result.exit_code == 1
    assert "no space left on the device" in result.output and "Traceback" not in result.output
    assert sha256(old_db) == before and leftovers(old_db.parent) == []


def test_disk_full_during_an_export_is_one_line_and_leaves_no_file(tmp_path, old_db):
    disk = tmp_path / "disk"
    with tmpfs(disk, 64 * 1024) as mounted:
        if not mounted:
            pytest.skip("mounting a tmpfs is not permitted here")
        out = disk / "projects.geojson"
        result = invoke("export", "--format", "geojson", "--db", old_db, "-o", out)
        assert_one_error_line(result, f"{out}: no space left on the device", f"{out} was not written")
        assert list(disk.iterdir()) == []


def _export_formats() -> list[str]:
    """Every format `registry export` offers, read off the command: a format added later is tested too."""
    from registry.cli import cli

    return list(next(p for p in cli.commands["export"].params if p.name == "fmt").type.choices)


@pytest.mark.parametrize("fmt", _export_formats())
def test_every_export_format_on_a_full_disk_is_one_line_and_keeps_the_old_file(tmp_path, old_db, fmt):
    """A 16 KiB tmpfs holds the old file and part of a new one: GDAL's KML writer used to stop there silently
    (exit 0, a cut file), its GeoPackage writer with a traceback (registry.files.verify_export)."""
    disk = tmp_path / "disk"
    with tmpfs(disk, 16 * 1024) as mounted:
        if not mounted:
            pytest.skip("mounting a tmpfs is not permitted here")
        out = disk / f"projects.{fmt}"
        out.write_bytes(b"the old export\n")
        result = run("export", "--format", fmt, "--db", old_db, "-o", out)  # a process of its own: GDAL's stderr too
        assert_one_error_line(result, f"{out}: no space left on the device", f"{out} was not written")
        assert out.read_bytes() == b"the old export\n"
        assert [p.name for p in disk.iterdir()] == [out.name]
        # To standard output, redirected to a file on the full disk: Python's buffered stdout dropped what did
        # not fit and exited 0. The shell made the file, so it stays, cut; the command says so.
        out.unlink()
        with open(out, "wb") as stdout:
            result = subprocess.run([*CLI, "export", "--format", fmt, "--db", str(old_db)], stdout=stdout,
                                    stderr=subprocess.PIPE, text=True, timeout=120, cwd=ROOT)
        assert_one_error_line(result, "no space left on the device")


def test_a_read_only_folder_is_one_line_and_keeps_the_old_registry(tmp_path, old_db):
    disk = tmp_path / "ro"
    with tmpfs(disk, 8 * 1024 * 1024) as mounted:
        if not mounted:
            pytest.skip("mounting a tmpfs is not permitted here")
        db = disk / "registry.db"
        db.write_bytes(old_db.read_bytes())
        before = sha256(db)
        assert subprocess.run(["mount", "-o", "remount,ro", str(disk)]).returncode == 0
        result = invoke("build", "--csv", SHIPPED_CSV, "--db", db)
        assert_one_error_line(result, "read-only", f"{db} is unchanged")
        result = invoke("export", "--format", "csv", "--db", db, "-o", disk / "out.csv")
        assert_one_error_line(result, "read-only", "was not written")
        assert sha256(db) == before and sorted(p.name for p in disk.iterdir()) == ["registry.db"]


def test_a_db_path_inside_a_file_is_one_line(tmp_path):
    a_file = tmp_path / "projects.csv"
    a_file.write_text("not a folder")
    result = invoke("build", "--csv", SHIPPED_CSV, "--db", a_file / "registry.db")
    assert_one_error_line(result, f"{a_file} is a file, not a folder")
    result = invoke("export", "--format", "csv", "--db", a_file / "registry.db")
    assert_one_error_line(result, "no registry database at")
    assert a_file.read_text() == "not a folder"


def corrupt_copy(db: Path, target: Path) -> Path:
    """The registry with its second half overwritten: the header reads, the pages do not."""
    data = bytearray(db.read_bytes())
    half = len(data) // 2
    pattern = bytes((i * 131 + 7) % 256 for i in range(4096))
    data[half:] = (pattern * (len(data) // 4096 + 1))[: len(data) - half]
    target.write_bytes(bytes(data))
    return target


def foreign_db(target: Path) -> Path:
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    conn.commit()
    conn.close()
    return target


@pytest.mark.parametrize("kind", ["not sqlite", "foreign sqlite", "corrupt pages"])
def test_export_of_a_corrupt_or_foreign_database_is_one_line(tmp_path, big_db, kind):
    db = tmp_path / "registry.db"
    if kind == "not sqlite":
        db.write_text("id,name\nthis is a CSV, not a database\n")
        expected = "is not a readable SQLite database"
    elif kind == "foreign sqlite":
        foreign_db(db)
        expected = "is a SQLite database but not a registry"
    else:
        corrupt_copy(big_db, db)
        # Met when the registry is opened or on the first page read, whichever reaches a bad page.
        expected = "database disk image is malformed"
    before = sha256(db)
    out = tmp_path / "out.geojson"
    result = invoke("export", "--format", "geojson", "--db", db, "-o", out)
    assert_one_error_line(result, str(db), expected, "registry build")
    assert not out.exists() and leftovers(tmp_path) == []
    assert sha256(db) == before
    result = invoke("serve", "--db", db, "--port", "9")  # refused before any server starts
    assert_one_error_line(result, str(db))


def test_geocode_rewrites_the_csv_atomically_and_clears_dead_partials(tmp_path):
    rows = read_rows(SHIPPED_CSV)
    located = next(i for i, r in enumerate(rows) if r["lon"] and not r["geometry_wkt"])
    rows[located].update(lon="", lat="", precision="", location_method="", division_code="")
    csv_path = write_rows(tmp_path / "projects.csv", rows)
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / f".projects.csv.{dead.pid}.k1.partial").write_text("half a file")
    result = invoke("geocode", "--csv", csv_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projects.csv"]
    assert read_rows(csv_path)[located]["lon"] != ""  # the row was located again and written whole
