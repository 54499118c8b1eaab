"""A misnamed or missing header column stops the build and names the column (issue 15, part 3).

Before, `capacity_MW` in the header built "fine" and every capacity was silently gone.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHIPPED_CSV, read_rows, write_rows
from registry.rows.schema import RowError
from registry.store.store import build

TARGETS_CSV = ROOT / "targets.csv"


def renamed(rows: list[dict], old: str, new: str | None) -> tuple[list[dict], list[str]]:
    """The rows with column `old` renamed to `new` (or dropped when new is None), and the new header."""
    header = [new if c == old else c for c in rows[0] if not (c == old and new is None)]
    out = []
    for row in rows:
        row = dict(row)
        value = row.pop(old)
        if new is not None:
            row[new] = value
        out.append(row)
    return out, header


@pytest.fixture(scope="module")
def old_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("header") / "registry.db"
    build(SHIPPED_CSV, db)
    return db


@pytest.mark.parametrize("old, new, message", [
    ("capacity_mw", "capacity_MW", "unknown column 'capacity_MW' (did you mean 'capacity_mw'?)"),
    ("stage", "Stage", "unknown column 'Stage' (did you mean 'stage'?)"),
    ("target_year", "target year", "unknown column 'target year' (did you mean 'target_year'?)"),
    ("source_end", "source_ned", "unknown column 'source_ned' (did you mean 'source_end'?)"),
    ("name", None, "missing required column 'name'"),
])
def test_a_misnamed_or_missing_project_column_stops_the_build_and_names_it(tmp_path, old_db, old, new, message):
    rows, header = renamed(read_rows(SHIPPED_CSV), old, new)
    bad = write_rows(tmp_path / "projects.csv", rows, header)
    db = tmp_path / "registry.db"
    db.write_bytes(old_db.read_bytes())
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    with pytest.raises(RowError) as caught:
        build(bad, db, targets_csv=TARGETS_CSV)
    assert caught.value.line == 1
    assert caught.value.column == (new or old)
    assert message in str(caught.value)
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["projects.csv", "registry.db"]


def test_the_cli_prints_one_error_line_naming_the_column(tmp_path):
    rows, header = renamed(read_rows(SHIPPED_CSV), "capacity_mw", "capacity_MW")
    bad = write_rows(tmp_path / "projects.csv", rows, header)
    result = subprocess.run([sys.executable, "-m", "registry.cli", "build", "--csv", str(bad), "--db",
                             str(tmp_path / "registry.db"), "--targets", str(TARGETS_CSV)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"error: {bad}:1: column 'capacity_MW': unknown column 'capacity_MW' (did you mean 'capacity_mw'?)")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "registry.db").exists()


@pytest.mark.parametrize("old, new, message", [
    ("value", "Value", "unknown column 'Value' (did you mean 'value'?)"),
    ("metric", "metirc", "unknown column 'metirc' (did you mean 'metric'?)"),
    ("city", None, "missing required column 'city'"),
])
def test_a_misnamed_or_missing_target_column_stops_the_build_and_names_it(tmp_path, old, new, message):
    rows, header = renamed(read_rows(TARGETS_CSV), old, new)
    bad_targets = write_rows(tmp_path / "targets.csv", rows, header)
    with pytest.raises(RowError) as caught:
        build(SHIPPED_CSV, tmp_path / "registry.db", targets_csv=bad_targets)
    assert (caught.value.path, caught.value.line, caught.value.column) == (str(bad_targets), 1, new or old)
    assert message in str(caught.value)
    assert not (tmp_path / "registry.db").exists()


def test_a_column_with_no_near_name_gets_no_guess(tmp_path):
    rows = read_rows(SHIPPED_CSV)
    for row in rows:
        row["developer"] = "华能"
    bad = write_rows(tmp_path / "projects.csv", rows)
    with pytest.raises(RowError) as caught:
        build(bad, tmp_path / "registry.db")
    assert "unknown column 'developer'; the columns are id, name," in str(caught.value)
    assert "did you mean" not in str(caught.value)
