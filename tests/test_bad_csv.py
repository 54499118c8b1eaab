"""Planners' own CSVs: a property test that mutates real rows of projects.csv and builds them.

Each example takes the real rows, applies a few mutations (wrong types, empty fields, huge
strings, hostile text, NUL characters, duplicate ids, NaN and infinite numbers, swapped or
foreign coordinates), writes the file as UTF-8, UTF-8 with a BOM or GBK, with LF or CRLF line ends,
and builds it over an existing registry. The build must either succeed with exactly the
rows written, or raise RowError naming the first bad line and its column, leaving the old
database byte-for-byte as it was and no temporary file behind.

The oracle does not call the validator: every mutation carries the columns it breaks (or
none), and the expected line of each row is counted from the text written.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from conftest import SHIPPED_CSV
from registry.rows.schema import PROJECT_COLUMNS, RowError
from registry.store.store import build



SOURCE = SHIPPED_CSV
# At most this many consecutive real rows per example, so a large projects.csv stays fast.
WINDOW = 60

with open(SOURCE, newline="", encoding="utf-8-sig") as _handle:
    _reader = csv.DictReader(_handle)
    HEADER = tuple(_reader.fieldnames)
    BASE_ROWS = [dict(r) for r in _reader]

INT_COLUMNS = ("target_year", "source_start", "source_end")
FLOAT_COLUMNS = ("capacity_mw", "voltage_kv", "lon", "lat")
REQUIRED = ("id", "name", "type", "city", "source_doc", "source_start", "source_end")
OPTIONAL = ("subtype", "capacity_mw", "capacity_text", "voltage_kv", "stage", "phase", "target_year", "county",
            "town", "site", "source_section", "location_method", "division_code", "geometry_wkt")
FREE_TEXT = ("name", "subtype", "capacity_text", "phase", "town", "site", "source_section")
TEXT_COLUMNS = tuple(c for c in PROJECT_COLUMNS if c not in INT_COLUMNS + FLOAT_COLUMNS)
HOSTILE = ('<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
           "O'Brien\"; DROP TABLE projects; --", 'NEAR("a" "b") * -x', "=HYPERLINK(\"http://x\")",
           "+1", "@SUM(A1)", "a,b,\"c\"", "第一行\n第二行", "emoji 🌞⚡", "\u200b零宽\u3000空格", "\\N", "NULL")
# Characters for generated text: no NUL (a file-level error), no bare CR (a line break to csv
# but not to the line count below), no surrogates.
TEXT_ALPHABET = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r")


# A mutation: (slot, function(rows, i, data) -> columns it breaks, or empty for a valid change).
# Mutations of one row have distinct slots, so they never undo or mask each other.
def _valid(column, values):
    def mutate(rows, i, data):
        rows[i][column] = data.draw(values, label=f"valid {column}")
        return set()
    return mutate


def _bad(column, values):
    def mutate(rows, i, data):
        rows[i][column] = data.draw(st.sampled_from(values), label=f"bad {column}")
        return {column}
    return mutate


def _pad(column):
    def mutate(rows, i, data):
        if not rows[i][column].strip():
            return set()
        left = data.draw(st.sampled_from(["", " ", "\t", "\u3000", "  "]))
        right = data.draw(st.sampled_from([" ", "\t", "\u3000", "  "]))
        rows[i][column] = left + rows[i][column] + right
        return set()
    return mutate


def _long_text(column, valid: bool):
    def mutate(rows, i, data):
        chunk = data.draw(st.text(TEXT_ALPHABET, min_size=1, max_size=30), label="chunk")
        if not chunk.strip():
            chunk = "x" + chunk
        length = data.draw(st.integers(1, 10_000) if valid else st.integers(10_001, 40_000), label="length")
        text = (chunk * (length // len(chunk) + 1))[:length]
        if valid and not text.strip():
            text = "x" + text[1:]
        rows[i][column] = text
        return set() if valid else {column}
    return mutate


def _hostile(column):
    def mutate(rows, i, data):
        rows[i][column] = data.draw(st.sampled_from(HOSTILE))
        return set()
    return mutate


def _empty(column, required: bool):
    def mutate(rows, i, data):
        rows[i][column] = data.draw(st.sampled_from(["", " ", "\t\u3000"]))
        return {column} if required else set()
    return mutate


def _duplicate_id(rows, i, data):
    j = data.draw(st.integers(0, len(rows) - 1).filter(lambda j: j != i), label="duplicate of")
    rows[i]["id"] = data.draw(st.sampled_from(["", " "])) + rows[j]["__id"]  # j's id as read, valid
    return set()  # the oracle finds the duplicate from the final ids


def _coords(kind):
    def mutate(rows, i, data):
        row = rows[i]
        if not row["lon"].strip():
            return set()  # a row without coordinates: nothing to swap or move
        if kind == "swap":
            row["lon"], row["lat"] = row["lat"], row["lon"]
            return {"lon"}
        if kind == "outside":
            row["lon"], row["lat"] = data.draw(st.sampled_from(
                [("2.35", "48.85"), ("-114.3", "30.6"), ("114.3", "-30.6"), ("0", "0"), ("180.5", "30"),
                 ("114.3", "90.1"), ("72.9", "30"), ("114.3", "54.1")]))
            return {"lon"}
        if kind == "nonfinite":
            column = data.draw(st.sampled_from(["lon", "lat"]))
            row[column] = data.draw(st.sampled_from(["nan", "NaN", "inf", "-Infinity", "1e999"]))
            return {column}
        if kind == "half":
            column = data.draw(st.sampled_from(["lon", "lat"]))
            row[column] = ""
            return {column}
        if kind == "blank":
            row["lon"] = row["lat"] = ""
            return set()
        if kind == "pad":
            row["lon"], row["lat"] = f" {row['lon']} ", f"\t{row['lat']}"
            return set()
        raise AssertionError(kind)
    return mutate


def _nul(column):
    def mutate(rows, i, data):
        value = rows[i][column]
        at = data.draw(st.integers(0, len(value)), label="NUL position")
        rows[i][column] = value[:at] + "\x00" + value[at:]
        return set()  # a file-level error: the oracle finds the first NUL in the text
    return mutate


NOT_NUMBERS = ["abc", "三十", "12MW", "1,000", "0x10", "1e", "--1", "１２MW", "½"]
MUTATIONS = {}
for _c in ("capacity_mw", "voltage_kv", "target_year", "source_start", "source_end"):
    MUTATIONS[f"not a number:{_c}"] = (_c, _bad(_c, NOT_NUMBERS))
for _c in ("capacity_mw", "voltage_kv", "target_year"):
    MUTATIONS[f"non-finite:{_c}"] = (_c, _bad(_c, ["nan", "NaN", "inf", "-inf", "Infinity", "1e999", "-1e999"]))
MUTATIONS["out of range:capacity_mw"] = ("capacity_mw", _bad("capacity_mw", ["-1", "10000001", "1e308", "-0.001"]))
MUTATIONS["out of range:voltage_kv"] = ("voltage_kv", _bad("voltage_kv", ["-5", "2001"]))
MUTATIONS["out of range:target_year"] = ("target_year", _bad("target_year", ["1989", "2101", "2030.0", "2030.5", "-2030"]))
MUTATIONS["valid:capacity_mw"] = ("capacity_mw", _valid("capacity_mw", st.one_of(
    st.sampled_from(["0", "1e7", "12.5", " 300 ", "0.001", "1E3"]), st.floats(0, 1e7).map(repr))))
MUTATIONS["valid:target_year"] = ("target_year", _valid("target_year", st.integers(1990, 2100).map(str)))
for _c in REQUIRED:
    MUTATIONS[f"empty required:{_c}"] = (_c, _empty(_c, True))
for _c in OPTIONAL:
    MUTATIONS[f"empty optional:{_c}"] = (_c, _empty(_c, False))
for _c in PROJECT_COLUMNS:
    if _c not in ("lon", "lat", "precision"):
        MUTATIONS[f"pad:{_c}"] = (_c, _pad(_c))
for _c in FREE_TEXT:
    MUTATIONS[f"long text:{_c}"] = (_c, _long_text(_c, True))
    MUTATIONS[f"hostile:{_c}"] = (_c, _hostile(_c))
for _c in TEXT_COLUMNS:
    MUTATIONS[f"huge:{_c}"] = (_c, _long_text(_c, False))
MUTATIONS["bad type"] = ("type", _bad("type", ["coal_mine", "Solar_PV", "光伏", "solar pv"]))
MUTATIONS["bad stage"] = ("stage", _bad("stage", ["planned", "Construction", "在建"]))
MUTATIONS["bad id"] = ("id", _bad("id", ["a b", "-lead", "x" * 65, "中文id", "id/1", "<script>", "a\nb"]))
MUTATIONS["duplicate id"] = ("id", _duplicate_id)
for _c in ("name", "city", "capacity_mw", "site", "source_doc"):
    MUTATIONS[f"NUL:{_c}"] = (_c, _nul(_c))
for _k in ("swap", "outside", "nonfinite", "half", "blank", "pad"):
    MUTATIONS[f"coordinates:{_k}"] = ("coords", _coords(_k))
if "precision" in HEADER:
    MUTATIONS["bad precision"] = ("coords", _bad("precision", ["exact", "approximate", "镇"]))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render(rows: list[dict], line_end: str) -> tuple[str, list[int]]:
    """CSV text and the physical line on which each row starts."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=line_end)
    writer.writerow(HEADER)
    lines = []
    for row in rows:
        lines.append(out.getvalue().count("\n") + 1)
        writer.writerow([row[c] for c in HEADER])
    return out.getvalue(), lines


def expected_record(row: dict) -> dict:
    record = {}
    for column in PROJECT_COLUMNS:
        value = (row.get(column) or "").strip()
        if column in INT_COLUMNS:
            record[column] = int(value) if value else None
        elif column in FLOAT_COLUMNS:
            record[column] = float(value) if value else None
        else:
            record[column] = value
    return record


def decode_error(raw: bytes, encoding: str) -> tuple[int, str] | None:
    """(line, column) of the first byte that is not UTF-8, or None if the file is UTF-8."""
    try:
        raw.decode("utf-8-sig")
        return None
    except UnicodeDecodeError as exc:
        start = exc.start
    prefix = raw[:start].decode(encoding, errors="replace")
    line = prefix.count("\n") + 1
    field_index = len(list(csv.reader(io.StringIO(prefix + "x", newline="")))[-1]) - 1
    return line, HEADER[field_index]


@pytest.fixture(scope="module")
def old_registry(tmp_path_factory) -> bytes:
    """The bytes of a registry built from the unmutated rows: what every failed build must keep."""
    db = tmp_path_factory.mktemp("old") / "registry.db"
    build(SOURCE, db)
    return db.read_bytes()


def test_source_rows_build_as_they_are(old_registry):
    conn = sqlite3.connect(":memory:")
    conn.deserialize(old_registry)
    assert conn.execute("select count(*) from projects").fetchone()[0] == len(BASE_ROWS)


@settings(max_examples=int(os.environ.get("BAD_CSV_EXAMPLES", "80")), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_build_takes_exactly_the_valid_rows_or_names_the_first_bad_line_and_column(tmp_path_factory, old_registry, data):
    workdir = tmp_path_factory.mktemp("bad")
    start = data.draw(st.integers(0, max(0, len(BASE_ROWS) - WINDOW)), label="window start")
    rows = [dict(r, __id=r["id"]) for r in BASE_ROWS[start:start + WINDOW]]
    broken: dict[int, set[str]] = {}
    plan = data.draw(st.lists(st.tuples(st.integers(0, len(rows) - 1), st.sampled_from(sorted(MUTATIONS))),
                              max_size=5, unique_by=lambda m: (m[0], MUTATIONS[m[1]][0])), label="mutations")
    for i, name in plan:
        broken.setdefault(i, set()).update(MUTATIONS[name][1](rows, i, data))
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"]), label="encoding")
    line_end = data.draw(st.sampled_from(["\n", "\r\n"]), label="line end")
    text, lines = render(rows, line_end)
    raw = text.encode(encoding, errors="replace" if encoding == "gbk" else "strict")
    csv_path = workdir / "planner.csv"
    csv_path.write_bytes(raw)
    db = workdir / "registry.db"
    db.write_bytes(old_registry)

    # The oracle: a file that is not UTF-8 fails where the first such byte is; otherwise the
    # first row (in file order) broken by a mutation or repeating an earlier id fails.
    expected_error = None
    if encoding == "gbk":
        where = decode_error(raw, "gbk")
        assume(where is not None)  # all-ASCII (or by chance valid UTF-8): not the case under test
        expected_error = (where[0], {where[1]})
    elif "\x00" in text:
        before = text[: text.index("\x00")]
        field_index = len(list(csv.reader(io.StringIO(before + "x", newline="")))[-1]) - 1
        expected_error = (before.count("\n") + 1, {HEADER[field_index]})
    else:
        seen = set()
        for i, row in enumerate(rows):
            if broken.get(i):
                expected_error = (lines[i], broken[i])
                break
            if row["id"].strip() in seen:
                expected_error = (lines[i], {"id"})
                break
            seen.add(row["id"].strip())

    event(f"{encoding} {line_end!r}: " + ("builds" if expected_error is None else "fails"))
    if expected_error is None:
        report = build(csv_path, db)
        assert report.projects == len(rows)
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        stored = {r["id"]: {c: r[c] for c in PROJECT_COLUMNS} for r in conn.execute("select * from projects")}
        conn.close()
        expected = {r["id"].strip(): expected_record(r) for r in rows}
        assert stored.keys() == expected.keys()
        for project_id, record in expected.items():
            assert stored[project_id] == record, project_id
    else:
        with pytest.raises(RowError) as caught:
            build(csv_path, db)
        line, columns = expected_error
        error = caught.value
        assert (error.line, error.path) == (line, str(csv_path)), str(error)
        assert error.column in columns, str(error)
        assert str(error).startswith(f"{csv_path}:{line}: column {error.column!r}: ")
        assert db.read_bytes() == old_registry
    assert sorted(p.name for p in workdir.iterdir()) == ["planner.csv", "registry.db"]  # no temp file left


def test_failed_first_build_creates_no_database(tmp_path):
    rows = [dict(r) for r in BASE_ROWS]
    rows[-1]["capacity_mw"] = "NaN"
    text, lines = render(rows, "\r\n")
    csv_path = tmp_path / "planner.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    with pytest.raises(RowError) as caught:
        build(csv_path, tmp_path / "registry.db")
    assert (caught.value.line, caught.value.column) == (lines[-1], "capacity_mw")
    assert [p.name for p in tmp_path.iterdir()] == ["planner.csv"]


def test_gbk_file_is_refused_naming_the_line_and_column_of_the_first_chinese_text(tmp_path):
    text, lines = render([dict(r) for r in BASE_ROWS], "\n")
    csv_path = tmp_path / "planner.csv"
    csv_path.write_bytes(text.encode("gbk", errors="replace"))
    with pytest.raises(RowError) as caught:
        build(csv_path, tmp_path / "registry.db")
    # Where the first byte that is not UTF-8 lies: in the first row with Chinese text.
    line, column = decode_error(csv_path.read_bytes(), "gbk")
    assert line == lines[0] and column in HEADER
    assert (caught.value.line, caught.value.column) == (line, column)
    assert "UTF-8" in caught.value.message


def test_nul_character_is_refused_naming_line_and_column(tmp_path):
    rows = [dict(r) for r in BASE_ROWS]
    rows[-1]["name"] = "电站\x00" + rows[-1]["name"]
    text, lines = render(rows, "\n")
    csv_path = tmp_path / "planner.csv"
    csv_path.write_text(text, encoding="utf-8")
    with pytest.raises(RowError) as caught:
        build(csv_path, tmp_path / "registry.db")
    assert (caught.value.line, caught.value.column) == (lines[-1], "name")
