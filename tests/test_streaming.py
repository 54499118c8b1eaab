"""Streaming: the build validates rows as it writes them, the exports read rows off the cursor
(issue 15, parts 5 and 7). Memory itself is measured by benchmarks/memory.py, not here; these tests
hold the guarantees that streaming must not weaken."""
from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path

import pytest

from conftest import SHIPPED_CSV, read_rows, write_rows
from registry.store.query import ProjectFilter, Registry
from registry.rows.schema import RowError
from registry.store.store import build

# More rows than one insert batch (5,000), so errors after the first batch was written are covered.
COPIES = 50


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def many_rows() -> list[dict]:
    rows = read_rows(SHIPPED_CSV)
    return [dict(r, id=f"{r['id']}-{k}") for k in range(COPIES) for r in rows]


@pytest.fixture()
def old_db(tmp_path) -> Path:
    db = tmp_path / "registry.db"
    build(SHIPPED_CSV, db)
    return db


def test_a_bad_row_after_the_first_batch_was_written_keeps_the_old_registry(tmp_path, old_db, many_rows):
    # First the whole file builds: every row stored, the count and the file hash in registry_meta.
    good = write_rows(tmp_path / "good.csv", many_rows)
    good_db = tmp_path / "good" / "registry.db"
    assert build(good, good_db).projects == len(many_rows)
    with Registry(good_db) as registry:
        assert registry.count() == len(many_rows)
        meta = dict(registry.conn.execute("SELECT key, value FROM registry_meta"))
    assert int(meta["projects"]) == len(many_rows) and meta["source_csv_sha256"] == sha256(good)
    (tmp_path / "good.csv").unlink()
    # Then one bad row near the end, long after the first batches were written into the temp file.
    rows = [dict(r) for r in many_rows]
    rows[-3]["capacity_mw"] = "三十"
    bad = write_rows(tmp_path / "bad.csv", rows)
    before = sha256(old_db)
    with pytest.raises(RowError) as caught:
        build(bad, old_db)
    assert (caught.value.line, caught.value.column) == (len(rows) - 3 + 2, "capacity_mw")
    assert sha256(old_db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "good", "registry.db"]


def test_a_duplicate_id_far_from_its_first_names_the_first_line(tmp_path):
    rows = read_rows(SHIPPED_CSV)
    rows[-1]["id"] = rows[0]["id"]
    bad = write_rows(tmp_path / "dup.csv", rows)
    with pytest.raises(RowError) as caught:
        build(bad, tmp_path / "registry.db")
    assert (caught.value.line, caught.value.column) == (len(rows) + 1, "id")
    assert "(first on line 2)" in str(caught.value)
    assert not (tmp_path / "registry.db").exists()


def test_a_malformed_last_line_is_reported_before_a_bad_value_earlier(tmp_path):
    """As when the whole file was read first: structure (anywhere) before values."""
    rows = read_rows(SHIPPED_CSV)
    rows[10]["type"] = "coal_mine"
    bad = write_rows(tmp_path / "bad.csv", rows)
    with open(bad, "a", encoding="utf-8") as handle:
        handle.write("only,three,fields\n")
    with pytest.raises(RowError) as caught:
        build(bad, tmp_path / "registry.db")
    assert caught.value.line == len(rows) + 2 and "fields" in caught.value.message


def test_iter_methods_stream_the_same_rows_as_the_list_methods(registry_db, registry_rows):
    with Registry(registry_db) as registry:
        streamed = registry.iter_projects(ProjectFilter(types=("solar_pv",)))
        assert inspect.isgenerator(streamed)
        assert list(streamed) == registry.projects(ProjectFilter(types=("solar_pv",)))
        features = registry.iter_features()
        assert not isinstance(features, list)
        ids = [json.loads(f)["id"] for f in features]
    assert ids == sorted(r["id"] for r in registry_rows)


@pytest.mark.parametrize("path", ["/export.geojson", "/export.csv", "/api/map.json"])
def test_web_exports_stream_and_match_the_filter(client, registry_rows, select, path):
    response = client.get(f"{path}?type=solar_pv")
    assert response.status_code == 200 and response.is_streamed
    body = response.get_data(as_text=True)
    expected = sorted(r["id"] for r in select(registry_rows, type=("solar_pv",)))
    if path == "/export.csv":
        ids = [line.split(",", 1)[0] for line in body.splitlines()[1:]]
    elif path == "/export.geojson":
        ids = [f["id"] for f in json.loads(body)["features"]]
    else:
        feed = json.loads(body)
        assert feed["total"] == len(expected)
        ids = [row[0] for row in feed["rows"]]
    assert sorted(ids) == expected
