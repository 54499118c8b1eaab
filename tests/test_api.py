"""The JSON API and the exports, checked against the CSV filtered by plain Python in the test."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter, defaultdict
from urllib.parse import urlencode

import pytest
import shapely.geometry
import shapely.wkt

ROOT_FILTERS = [
    # (name, a function of the CSV rows that gives filter keyword arguments)
    ("everything", lambda rows: {}),
    ("one type", lambda rows: {"type": [rows[0]["type"]]}),
    ("two types", lambda rows: {"type": sorted({r["type"] for r in rows})[:2]}),
    ("city", lambda rows: {"city": [rows[-1]["city"]]}),
    ("county", lambda rows: {"county": [next(r["county"] for r in rows if r["county"])]}),
    ("min_mw", lambda rows: {"min_mw": 100.0}),
    ("max_mw", lambda rows: {"max_mw": 100.0}),
    ("range", lambda rows: {"min_mw": 50.0, "max_mw": 1000.0}),
    ("stage", lambda rows: {"stage": [next((r["stage"] for r in rows if r["stage"]), "construction")]}),
    # Two characters: below the FTS trigram's reach, so the app must fall back to a scan.
    ("q two characters", lambda rows: {"q": next(r["county"] for r in rows if r["county"])[:2]}),
    ("q three characters", lambda rows: {"q": rows[0]["name"][2:5]}),
    ("q and type", lambda rows: {"q": rows[0]["city"][:2], "type": [rows[0]["type"]]}),
    ("nothing matches", lambda rows: {"q": "不存在的项目名称"}),
]


def query_string(params: dict) -> str:
    pairs = []
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        pairs.extend((name, f"{v:g}" if isinstance(v, float) else v) for v in values)
    return urlencode(pairs)


@pytest.fixture(params=ROOT_FILTERS, ids=[name for name, _ in ROOT_FILTERS])
def case(request, registry_rows, select):
    params = request.param[1](registry_rows)
    return params, select(registry_rows, **params)


def test_projects_list_matches_the_csv(client, case):
    params, expected = case
    response = client.get(f"/api/projects?{query_string(params)}&per_page=1000")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(expected)
    assert [p["id"] for p in body["projects"]] == sorted(r["id"] for r in expected)


def test_facets_match_the_csv(client, case):
    params, expected = case
    body = client.get(f"/api/facets?{query_string(params)}").get_json()
    assert body["total"]["count"] == len(expected)
    assert body["total"]["capacity_mw"] == pytest.approx(sum(float(r["capacity_mw"] or 0) for r in expected))
    for column in ("type", "city", "county"):
        counts, megawatts = Counter(), defaultdict(float)
        for row in expected:
            counts[row[column]] += 1
            megawatts[row[column]] += float(row["capacity_mw"] or 0)
        assert {f["value"]: f["count"] for f in body[column]} == dict(counts)
        assert {f["value"]: pytest.approx(f["capacity_mw"]) for f in body[column]} == dict(megawatts)


def expected_map_geometry(row: dict):
    """The feed's geometry of a CSV row, by shapely and plain Python: [lon, lat], a GeoJSON object, or None."""
    if row["geometry_wkt"]:
        return json.loads(json.dumps(shapely.geometry.mapping(shapely.wkt.loads(row["geometry_wkt"]))))
    if row["lon"]:
        return [float(row["lon"]), float(row["lat"])]
    return None


def test_map_feed_has_the_filtered_projects_as_rows_without_names(client, case):
    params, expected = case
    response = client.get(f"/api/map.json?{query_string(params)}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    feed = json.loads(response.data)
    assert feed["columns"] == ["id", "type", "capacity_mw", "precision", "geometry"]
    assert feed["total"] == len(feed["rows"]) == len(expected)
    rows = {r[0]: dict(zip(feed["columns"], r)) for r in feed["rows"]}
    assert sorted(rows) == sorted(r["id"] for r in expected)
    for row in expected:
        got = rows[row["id"]]
        assert got["type"] == row["type"] and got["precision"] == row["precision"]
        assert got["capacity_mw"] == (pytest.approx(float(row["capacity_mw"])) if row["capacity_mw"] else None)
        assert got["geometry"] == expected_map_geometry(row)
    text = response.get_data(as_text=True)
    assert not [r["name"] for r in expected if r["name"] in text], "names belong in /api/projects/<id>, not the feed"


def test_map_feed_streams_in_chunks_of_rows():
    from webmap.mapfeed import map_chunks

    rows = [{"id": f"p{i}", "type": "wind", "capacity_mw": 1.5 * i, "precision": "site", "lon": 110.0 + i / 1e4,
             "lat": 30.0, "geometry_wkt": "", "geometry": None} for i in range(2500)]
    chunks = list(map_chunks(rows, batch=1000))
    assert len(chunks) == 1 + 3 + 1  # head, three batches of rows, tail: not one write per row
    feed = json.loads("".join(chunks))
    assert feed["total"] == 2500 and [r[0] for r in feed["rows"]] == [r["id"] for r in rows]
    assert feed["rows"][2] == ["p2", "wind", 3, "site", [110.0002, 30.0]]
    assert json.loads("".join(map_chunks([]))) == {"total": 0, "columns": feed["columns"], "rows": []}


def registry_export(db, fmt: str, params: dict, as_program: bool = False) -> bytes:
    """What `registry export` prints for the same filter: the CLI's own command run in this process (click's
    test runner, stdout as bytes), or with as_program run as a program as a planner runs it. Each program costs
    a Python start-up and the CLI's imports (about a second), so one case per format is run both ways (the
    unfiltered one: every row) and the other filters through the same command in this process."""
    args = ["export", "--format", fmt, "--db", str(db)]
    for name, value in params.items():
        for v in value if isinstance(value, list) else [value]:
            args += [f"--{name.replace('_', '-')}", f"{v:g}" if isinstance(v, float) else v]
    if as_program:
        return subprocess.run([sys.executable, "-m", "registry.cli", *args], capture_output=True, check=True,
                              timeout=60).stdout
    from click.testing import CliRunner

    from registry.cli import cli

    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def matches_the_cli(db, fmt: str, params: dict, answer: bytes) -> None:
    assert answer == registry_export(db, fmt, params)
    if not params:
        assert answer == registry_export(db, fmt, params, as_program=True)


def test_csv_export_matches_the_csv_and_the_cli(client, case, registry_db):
    params, expected = case
    # header=code: projects.csv's column codes, as the CLI writes without --lang.
    response = client.get(f"/export.csv?header=code&{query_string(params)}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in expected)
    assert {r["id"]: r["name"] for r in rows} == {r["id"]: r["name"] for r in expected}
    matches_the_cli(registry_db, "csv", params, response.data)


def test_geojson_export_matches_the_csv_and_the_cli(client, case, registry_db):
    params, expected = case
    response = client.get(f"/export.geojson?{query_string(params)}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    collection = json.loads(response.data)
    assert collection["type"] == "FeatureCollection"
    assert sorted(f["id"] for f in collection["features"]) == sorted(r["id"] for r in expected)
    for feature in collection["features"]:
        if feature["geometry"] and feature["geometry"]["type"] == "Point":
            row = next(r for r in expected if r["id"] == feature["id"])
            assert feature["geometry"]["coordinates"] == pytest.approx([float(row["lon"]), float(row["lat"])])
    matches_the_cli(registry_db, "geojson", params, response.data)


def test_paging_covers_every_project_once(client, registry_rows):
    seen, per_page = [], -(-len(registry_rows) // 8)  # eight or nine pages: the API pages by number to page 10
    for page in range(1, 11):
        body = client.get(f"/api/projects?per_page={per_page}&page={page}&sort=capacity_mw&order=desc").get_json()
        assert body["total"] == len(registry_rows) and body["per_page"] == per_page
        if not body["projects"]:
            break
        seen.extend(body["projects"])
    assert sorted(p["id"] for p in seen) == sorted(r["id"] for r in registry_rows)
    capacities = [p["capacity_mw"] for p in seen if p["capacity_mw"] is not None]
    assert capacities == sorted(capacities, reverse=True)
    # NULLS LAST: projects without a capacity come after every one with.
    assert all(p["capacity_mw"] is None for p in seen[len(capacities):])


def test_one_project(client, registry_rows):
    row = registry_rows[0]
    body = client.get(f"/api/projects/{row['id']}").get_json()
    assert body["id"] == row["id"] and body["name"] == row["name"] and body["type"] == row["type"]
    assert body["url"] == f"/projects/{row['id']}"
    if row["lon"] and not row["geometry_wkt"]:
        assert body["geojson"] == {"type": "Point", "coordinates": pytest.approx([float(row["lon"]), float(row["lat"])])}


@pytest.mark.parametrize("url, parameter", [
    ("/api/projects?min_mw=abc", "min_mw"),
    ("/api/projects?max_mw=-5", "max_mw"),
    ("/api/projects?min_mw=nan", "min_mw"),
    ("/api/projects?type=coal_mine", "type"),
    ("/api/projects?stage=dreaming", "stage"),
    ("/api/projects?sort=password", "sort"),
    ("/api/projects?order=sideways", "order"),
    ("/api/projects?page=0", "page"),
    ("/api/projects?page=two", "page"),
    ("/api/projects?per_page=1001", "per_page"),
    ("/api/projects?q=" + "长" * 201, "q"),
    ("/api/facets?min_mw=abc", "min_mw"),
    ("/api/map.json?type=%3Cscript%3E", "type"),
    ("/export.csv?max_mw=1e999", "max_mw"),
    ("/export.geojson?min_mw=abc", "min_mw"),
])
def test_bad_parameters_are_json_400s_that_name_the_parameter(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    assert response.is_json
    error = response.get_json()["error"]
    assert error["parameter"] == parameter and error["message"]


def test_min_mw_abc_says_why(client):
    error = client.get("/api/projects?min_mw=abc").get_json()["error"]
    assert "abc" in error["message"] and "number" in error["message"]


@pytest.mark.parametrize("url", ["/api/projects/no-such-project", "/api/projects/%3Cscript%3E", "/api/nothing-here"])
def test_unknown_things_are_json_404s(client, url):
    response = client.get(url)
    assert response.status_code == 404 and response.is_json
    assert response.get_json()["error"]["message"]


def test_wrong_method_is_a_json_405(client):
    response = client.post("/api/projects")
    assert response.status_code == 405 and response.is_json


def test_openapi_document_lists_routes_and_filter_parameters(client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/projects", "/api/projects/{project_id}", "/api/facets", "/api/map.json", "/export.geojson",
                 "/export.csv"):
        assert path in document["paths"]
    names = {p["name"] for p in document["paths"]["/api/projects"]["get"]["parameters"]}
    assert {"type", "city", "county", "min_mw", "max_mw", "stage", "q", "sort", "order", "page", "per_page"} <= names


def test_boundaries_are_a_feature_collection(client):
    collection = json.loads(client.get("/api/boundaries.geojson").data)
    assert collection["type"] == "FeatureCollection" and collection["features"]
    assert all(f["properties"]["name"] for f in collection["features"])
