"""registry build / export on a real CSV, a real SQLite file and the real plan texts."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import geopandas
import pytest

from conftest import ROOT, read_rows, write_rows
from registry.store.query import FilterError, ProjectFilter, Registry
from registry.rows.schema import RowError
from registry.store.store import build

FIXTURE = Path(__file__).parent / "fixtures" / "sample_projects.csv"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("store") / "registry.db"
    build(FIXTURE, db)
    return db


def test_build_stores_projects_documents_sections_and_boundaries(sample_db):
    rows = read_rows(FIXTURE)
    conn = sqlite3.connect(sample_db)
    assert conn.execute("select count(*) from projects").fetchone()[0] == len(rows)
    assert conn.execute("select count(*) from documents").fetchone()[0] == len(read_rows(ROOT / "plans" / "documents.csv"))
    headings = {r[0] for r in conn.execute("select heading from sections where doc_id = 'xiaogan_420900'")}
    assert "专栏 1 清洁能源降碳工程" in headings
    # Every county boundary belongs to one of the city and county plans' cities (a province plan's are the basemap's).
    city_codes = {r[0] for r in conn.execute("select distinct city_code from county_boundaries")}
    assert city_codes and city_codes <= {"420600", "420300", "420900", "430700", "430600", "430781", "430682"}
    stored = dict(conn.execute("select id, capacity_mw from projects"))
    assert stored["xiaogan-002"] == 300.0 and isinstance(stored["xiaogan-002"], float)


def test_source_span_in_database_is_the_plan_text(sample_db):
    with Registry(sample_db) as registry:
        project = registry.project("xiaogan-001")
        text = registry.document(project["source_doc"])["text"]
    assert "大新镇" in text[project["source_start"]:project["source_end"]]


@pytest.mark.parametrize("q, expected", [
    ("大悟", {"xiaogan-001", "xiaogan-002"}),  # two characters: below the trigram index, scanned
    ("大悟大新", {"xiaogan-001"}),  # four characters: answered by FTS5 trigram
    ("中广核大悟大新镇", {"xiaogan-001"}),
    ("抽水蓄能", {"xiaogan-002", "shiyan-001"}),
    ('"NEAR(', set()),  # FTS5 syntax is searched as text, never parsed
])
def test_text_search_finds_chinese_substrings_of_any_length(sample_db, q, expected):
    with Registry(sample_db) as registry:
        found = {row["id"] for row in registry.projects(ProjectFilter(q=q))}
    assert found == expected


def test_filters_combine(sample_db):
    with Registry(sample_db) as registry:
        pumped = registry.projects(ProjectFilter(types=("pumped_storage",), min_mw=100))
        assert [r["id"] for r in pumped] == ["shiyan-001", "xiaogan-002"]
        assert registry.count(ProjectFilter(cities=("孝感市",), max_mw=150)) == 1
        facets = registry.facets(ProjectFilter(cities=("孝感市",)))
    assert facets["total"]["count"] == 3
    assert {f["value"]: f["capacity_mw"] for f in facets["type"]}["pumped_storage"] == 300


@pytest.mark.parametrize("params, parameter", [
    ({"min_mw": ["abc"]}, "min_mw"),
    ({"max_mw": ["inf"]}, "max_mw"),
    ({"type": ["coal_mine"]}, "type"),
    ({"stage": ["dreaming"]}, "stage"),
])
def test_bad_filter_values_name_the_parameter(params, parameter):
    with pytest.raises(FilterError) as caught:
        ProjectFilter.from_params(params)
    assert caught.value.parameter == parameter


def test_a_valid_filter_that_matches_nothing_says_why():
    # Each value is valid on its own (as the OpenAPI document can state): the filter matches nothing.
    empty = ProjectFilter.from_params({"min_mw": ["10"], "max_mw": ["5"], "bbox": ["10,0,5,1"]})
    assert [w.split(" ")[0] for w in empty.warnings()] == ["min_mw", "bbox"]
    assert ProjectFilter.from_params({"min_mw": ["5"], "max_mw": ["10"]}).warnings() == []


# Each mutation breaks one row; the error must name the file, line and column.
BAD_ROWS = [
    ("unknown type", lambda r: r.update(type="coal_mine"), "type"),
    ("capacity not a number", lambda r: r.update(capacity_mw="三十"), "capacity_mw"),
    ("lon/lat outside China", lambda r: r.update(lon="2.35", lat="48.85"), "lon"),
    ("lon/lat swapped", lambda r: r.update(lon=r["lat"], lat=r["lon"]), "lon"),
    ("missing name", lambda r: r.update(name=""), "name"),
    ("duplicate id", lambda r: r.update(id="xiaogan-001"), "id"),
    ("infinite capacity", lambda r: r.update(capacity_mw="inf"), "capacity_mw"),
    ("span past the end of the plan", lambda r: r.update(source_end="9999999"), "source_end"),
    ("a line with a NaN", lambda r: r.update(geometry_wkt="LINESTRING (112.1 31.2, NaN 31.4)"), "geometry_wkt"),
    ("a line with a 400-digit number", lambda r: r.update(geometry_wkt=f"LINESTRING (1{'0' * 400} 31.2, 112 31.4)"),
     "geometry_wkt"),
    ("a 5,000-digit span", lambda r: r.update(source_start="1" * 5000), "source_start"),
]


@pytest.mark.parametrize("label, mutate, column", BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_bad_row_stops_the_build_naming_line_and_column_and_keeps_the_old_db(tmp_path, sample_db, label, mutate, column):
    db = tmp_path / "registry.db"
    db.write_bytes(sample_db.read_bytes())
    before = sha256(db)
    rows = read_rows(FIXTURE)
    mutate(rows[3])  # data line 4 of the file = physical line 5 (after the header)
    bad_csv = write_rows(tmp_path / "bad.csv", rows)
    with pytest.raises(RowError) as caught:
        build(bad_csv, db)
    assert (caught.value.line, caught.value.column) == (5, column)
    assert caught.value.path == str(bad_csv)
    assert sha256(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "registry.db"]  # no temp file left


def test_cli_build_error_goes_to_stderr_with_nonzero_status(tmp_path):
    rows = read_rows(FIXTURE)
    rows[1]["type"] = "unicorn"
    bad_csv = write_rows(tmp_path / "bad.csv", rows)
    db = tmp_path / "registry.db"
    result = subprocess.run([sys.executable, "-m", "registry.cli", "build", "--csv", str(bad_csv), "--db", str(db)],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{bad_csv}:3: column 'type': unknown type 'unicorn'" in result.stderr
    assert result.stdout == "" and not db.exists()


def test_geojson_export_round_trips_through_geopandas(tmp_path, sample_db):
    out = tmp_path / "export.geojson"
    subprocess.run([sys.executable, "-m", "registry.cli", "export", "--format", "geojson", "--db", str(sample_db),
                    "-o", str(out)], check=True, capture_output=True)
    frame = geopandas.read_file(out)
    assert frame.crs.to_epsg() == 4326
    rows = {r["id"]: r for r in read_rows(FIXTURE)}
    assert sorted(frame["id"]) == sorted(rows)
    for _, feature in frame.iterrows():
        row = rows[feature["id"]]
        if row["geometry_wkt"]:
            assert feature.geometry.geom_type == "LineString"
            assert feature.geometry.wkt.replace("LINESTRING (", "") [:6] == row["geometry_wkt"].replace("LINESTRING (", "")[:6]
        else:
            assert (round(feature.geometry.x, 6), round(feature.geometry.y, 6)) == (float(row["lon"]), float(row["lat"]))
        assert feature["name"] == row["name"]
    raw = json.loads(out.read_text(encoding="utf-8"))
    assert raw["type"] == "FeatureCollection" and "crs" not in raw  # RFC 7946: WGS-84 is implied


def test_filtered_csv_export_rebuilds_the_same_rows(tmp_path, sample_db):
    out = tmp_path / "pumped.csv"
    subprocess.run([sys.executable, "-m", "registry.cli", "export", "--format", "csv", "--type", "pumped_storage",
                    "--min-mw", "100", "--db", str(sample_db), "-o", str(out)], check=True, capture_output=True)
    exported = read_rows(out)
    expected = [r for r in read_rows(FIXTURE) if r["type"] == "pumped_storage" and float(r["capacity_mw"]) >= 100]
    assert sorted(exported, key=lambda r: r["id"]) == sorted(expected, key=lambda r: r["id"])
    rebuilt = tmp_path / "rebuilt.db"
    build(out, rebuilt)
    with Registry(rebuilt) as registry:
        assert registry.count() == len(expected)


def test_cli_export_rejects_a_bad_filter(sample_db):
    result = subprocess.run([sys.executable, "-m", "registry.cli", "export", "--format", "csv", "--min-mw", "abc",
                             "--db", str(sample_db)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "--min-mw: 'abc' is not a number" in result.stderr and result.stdout == ""


def test_rows_off_the_builds_fast_path_are_stored_as_validate_project_types_them(tmp_path):
    """The build types plain rows itself (registry/store/project_rows.py) and hands the rest to validate_project:
    both must store what the reference reader (`load_projects`) makes, the GeoJSON Feature text included."""
    from registry.rows.documents import read_documents
    from registry.store.project_rows import INSERT_COLUMNS
    from registry.store.store import load_projects

    rows = read_rows(FIXTURE)
    rows[0].update(capacity_mw=" +100 ", source_start="+2993", name=f" {rows[0]['name']} ")  # signs, padding
    rows[1].update(capacity_mw="3e2", voltage_kv="0")
    rows[2].update(lon="", lat="", precision="")
    # Texts json escapes, white space str.strip removes (U+3000), a coordinate with six decimals, bounds, a trailing dot.
    rows[3].update(name='他说"光伏\\储能"\t一期', county="\u3000" + rows[3]["county"], lon="118.367286", lat="30.5",
                   precision="site", capacity_mw="12.50", voltage_kv="5.")
    rows[4].update(capacity_mw="0", target_year="2030", subtype="a\x1fb", lon="73", lat="54", precision="town")
    # Lines: plain ones (registry/store/line_wkt.py: whole numbers, odd spacing, lower case, several parts), and ones
    # only shapely reads (an exponent, a third coordinate); a name outside the BMP.
    rows[0].update(geometry_wkt="linestring(112 31,112.5  31.25 , 113.000001 31.5)")
    rows[1].update(geometry_wkt="MULTILINESTRING ((112.1 31.2, 112.3 31.4), (112.5 31.6, 112.7 31.8, 112.9 32.0))")
    rows[3].update(geometry_wkt="LINESTRING (1.181e2 30.5, 118.2 30.6)")
    rows[4].update(geometry_wkt="LINESTRING (73 54 1, 74 54.5 2)", name=rows[4]["name"] + "\U0001F50B")
    header = [c for c in reversed(list(rows[0])) if c != "phase"]  # another column order, an optional column left out
    for row in rows:
        row.pop("phase")
    csv_path = write_rows(tmp_path / "odd.csv", [*rows[:3], dict.fromkeys(header, " "), *rows[3:]], header)
    db = tmp_path / "registry.db"
    build(csv_path, db)
    expected = [tuple(r[c] for c in INSERT_COLUMNS) for r in load_projects(csv_path, read_documents(ROOT / "plans"))]
    stored = sqlite3.connect(db).execute(f"SELECT {', '.join(INSERT_COLUMNS)} FROM projects ORDER BY rowid").fetchall()
    assert stored == expected and len(stored) == len(rows)


def test_the_map_points_collected_at_build_are_those_read_from_the_table(registry_db):
    from registry.store.map_points import read_points_from_projects
    from registry.store.point_columns import PointColumns

    conn = sqlite3.connect(registry_db)
    collected, read = PointColumns.of_table(conn).points(), read_points_from_projects(conn)
    assert len(read) > 100 and read.line.any() and collected.blobs() == read.blobs()
    assert collected.ids == read.ids and collected.id_ends.tobytes() == read.id_ends.tobytes()


@pytest.mark.parametrize("later", [{"type": "coal_mine"}, {"source_doc": "no_such_plan"}])
def test_a_duplicate_id_is_reported_before_a_later_rows_error(tmp_path, later):
    rows = read_rows(FIXTURE)
    rows[3]["id"] = rows[0]["id"]
    rows[5].update(later)
    with pytest.raises(RowError) as caught:
        build(write_rows(tmp_path / "bad.csv", rows), tmp_path / "registry.db")
    assert (caught.value.line, caught.value.column) == (5, "id")
    assert caught.value.message == f"duplicate id {rows[0]['id']!r} (first on line 2)"


def test_the_build_imports_sqlite_utils_without_pandas_and_pandas_still_imports_after():
    """sqlite-utils imports pandas when it is installed (~40 MB and 0.3 s of every build); the build hides it for
    that one import (registry/rows/optional_imports.py), and a later `import pandas` (the GeoPackage export) works."""
    import subprocess
    import sys

    probe = ("import sys, registry.store.store, sqlite_utils.db; "
             "assert 'pandas' not in sys.modules and sqlite_utils.db.pd is None, sorted(sys.modules); "
             "import pandas; print(pandas.DataFrame({'a': [1]}).shape)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "(1, 1)"


def test_plan_geometry_is_kept_between_builds_by_content_and_recomputed_when_unreadable(tmp_path, monkeypatch):
    from registry.store import geo_cache

    monkeypatch.setenv("REGISTRY_CACHE_DIR", str(tmp_path / "cache"))
    calls = []

    def compute():
        calls.append(1)
        return [{"code": "420900", "lon": 113.9163, "lat": None, "geojson": '{"type":"Polygon"}'}]

    first = geo_cache.cached_rows("plan_areas", [["420900", "孝感市"]], compute)
    assert geo_cache.cached_rows("plan_areas", [["420900", "孝感市"]], compute) == first and len(calls) == 1
    geo_cache.cached_rows("plan_areas", [["420900", "孝感"]], compute)  # other inputs: another entry
    assert len(calls) == 2 and len(list((tmp_path / "cache").glob("plan_areas-*.json"))) == 2
    for entry in (tmp_path / "cache").glob("*.json"):
        entry.write_text('[{"code": ', encoding="utf-8")  # a torn or corrupt entry is recomputed
    assert geo_cache.cached_rows("plan_areas", [["420900", "孝感市"]], compute) == first and len(calls) == 3
