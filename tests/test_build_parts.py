"""The build on several cores (registry/store/project_insert.py) makes the registry a serial build makes.

The shipped projects.csv is cut into up to five byte ranges, inserted by forked processes, and
copied in order: every table the readers use must come out row for row (the map's blobs and the
full-text index's shadow tables byte for byte, the schema's statements word for word) as `jobs=1`
builds it, whatever falls on a cut — a quoted field over two lines, a `"`
inside an unquoted field (which misplaces a cut: the build redoes the insert serially) — and a bad
row, a duplicate id or a bad byte in a later range must be reported exactly as the serial build
reports it, with no part's file left behind.
"""
from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from conftest import SHIPPED_CSV
from registry.rows.schema import RowError
from registry.store import project_insert
from registry.store.search_index import SHADOW_TABLES
from registry.store.store import build

TABLES = {
    "projects": "SELECT rowid, * FROM projects ORDER BY rowid",
    "map_points": "SELECT name, data FROM map_points ORDER BY name",
    "map_clusters": "SELECT * FROM map_clusters ORDER BY rowid",
    "map_meta": "SELECT * FROM map_meta ORDER BY key",
    "registry_facets": "SELECT * FROM registry_facets",
    "project_places": "SELECT * FROM project_places",
    "search": "SELECT rowid FROM projects_fts WHERE projects_fts MATCH '\"电站\"' ORDER BY rowid",
    "meta": "SELECT * FROM registry_meta WHERE key != 'built_at' ORDER BY key",
    **{table: f"SELECT * FROM {table}" for table in SHADOW_TABLES},  # the full-text index, byte for byte
    "schema": "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
    "statistics": "SELECT * FROM sqlite_stat1 ORDER BY tbl, idx",
}


def contents(db: Path) -> dict[str, list]:
    conn = sqlite3.connect(db)
    try:
        conn.execute("INSERT INTO projects_fts (projects_fts) VALUES ('integrity-check')")  # raises if it is not
        return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}
    finally:
        conn.close()


def built(csv_path: Path, jobs: int) -> dict[str, list]:
    db = csv_path.with_name(f"registry-{jobs}.db")
    report = build(csv_path, db, jobs=jobs)
    assert report.projects > 400
    assert not [p.name for p in db.parent.iterdir() if p.name.endswith(".building")]
    return contents(db)


def variant(tmp_path: Path, name: str, edit) -> Path:
    lines = SHIPPED_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    edit(lines)
    path = tmp_path / name / "projects.csv"
    path.parent.mkdir()
    path.write_text("".join(lines), encoding="utf-8")
    return path


def with_quoted_line_breaks(lines: list[str]) -> None:
    """Every tenth row's name quoted, over two lines: some of them fall across a cut's line end."""
    for i in range(1, len(lines), 10):
        row_id, rest = lines[i].split(",", 1)
        name, rest = rest.split(",", 1)
        lines[i] = f'{row_id},"{name.strip(chr(34))}\n（续）",{rest}'


def with_a_stray_quote(lines: list[str]) -> None:
    """A `"` inside an unquoted field of the second row: every quote count after it is odd."""
    row_id, rest = lines[2].split(",", 1)
    lines[2] = f'{row_id},5"{rest}' if not rest.startswith('"') else f'{row_id},{rest}'


def test_the_parts_make_what_one_process_makes(tmp_path):
    path = variant(tmp_path, "plain", lambda lines: None)
    assert len(project_insert.cut_points(path, 5)) == 6  # five ranges: the build really runs in parts
    assert built(path, 5) == built(path, 1)


def with_crlf_a_bom_and_no_last_line_end(lines: list[str]) -> None:
    lines[:] = [line.replace("\n", "\r\n") for line in lines]
    lines[0] = "\ufeff" + lines[0]
    lines[-1] = lines[-1].rstrip("\r\n")


@pytest.mark.parametrize("edit", [with_quoted_line_breaks, with_a_stray_quote, with_crlf_a_bom_and_no_last_line_end])
def test_whatever_falls_on_a_cut_the_rows_are_the_serial_builds(tmp_path, edit):
    path = variant(tmp_path, edit.__name__, edit)
    serial = built(path, 1)
    assert built(path, 4) == serial


def record_ends(data: bytes) -> set[int]:
    """The byte offsets where the csv module ends a record (the file read from its start)."""
    consumed = 0

    def lines():
        nonlocal consumed
        for line in io.BytesIO(data):
            consumed += len(line)
            yield line.decode("utf-8")

    ends = set()
    for _ in csv.reader(lines(), strict=True):
        ends.add(consumed)
    return ends


def test_a_cut_misplaced_by_a_stray_quote_is_noticed_and_the_build_is_still_the_serial_one(tmp_path):
    path = variant(tmp_path, "stray", lambda lines: (with_a_stray_quote(lines), with_quoted_line_breaks(lines)))
    cuts = project_insert.cut_points(path, 4)
    assert set(cuts[1:-1]) - record_ends(path.read_bytes())  # a cut inside a record (a quoted line break)
    assert built(path, 4) == built(path, 1)


def error_of(path: Path, jobs: int) -> str:
    with pytest.raises(RowError) as raised:
        build(path, path.with_name(f"registry-{jobs}.db"), jobs=jobs)
    assert not [p.name for p in path.parent.iterdir() if p.name.endswith(".building")]
    return str(raised.value)


def first_row_with(lines: list[str], column: int, value: str) -> None:
    """Line 2's value in `column` set to `value` (the CSV's first row)."""
    fields = lines[1].rstrip("\n").split(",")
    fields[column] = value
    lines[1] = ",".join(fields) + "\n"


def last_row_with(lines: list[str], column: int, value: str) -> None:
    fields = lines[-3].rstrip("\n").split(",")
    fields[column] = value
    lines[-3] = ",".join(fields) + "\n"


@pytest.mark.parametrize("case, edit, lines_from_end", [
    ("a bad type in the last range", lambda lines: last_row_with(lines, 2, "not_a_type"), 2),
    ("the first id again in the last range", lambda lines: last_row_with(lines, 0, lines[1].split(",", 1)[0]), 2),
    ("a duplicate id within the last range", lambda lines: last_row_with(lines, 0, lines[-2].split(",", 1)[0]), 1),
    ("a duplicate id within the first range", lambda lines: first_row_with(lines, 0, lines[3].split(",", 1)[0]), None),
])
def test_a_bad_row_in_a_later_range_is_reported_as_the_serial_build_reports_it(tmp_path, case, edit, lines_from_end):
    path = variant(tmp_path, "bad", edit)
    message = error_of(path, 1)
    assert error_of(path, 4) == message
    bad_line = 4 if lines_from_end is None else len(path.read_text(encoding="utf-8").splitlines()) - lines_from_end
    assert f"projects.csv:{bad_line}: column " in message


@pytest.mark.parametrize("bad_bytes", [b"\x00", b"\xff\xfe"])
def test_a_bad_byte_in_a_later_range_is_reported_as_the_serial_build_reports_it(tmp_path, bad_bytes):
    path = variant(tmp_path, "bytes", lambda lines: None)
    data = path.read_bytes()
    at = data.rindex(b"\n", 0, len(data) - 200)
    path.write_bytes(data[:at - 5] + bad_bytes + data[at - 5:])
    assert error_of(path, 4) == error_of(path, 1)
