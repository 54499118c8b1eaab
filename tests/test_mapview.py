"""The map's viewport endpoints, the bbox and stage=unknown filters, and the facets, on the real registry.

Expectations come from the CSV rows with plain Python (conftest.select_rows plus the box test
below), never from the app's query or clustering code.
"""
from __future__ import annotations

import json

import pytest

WORLD = "bbox=-180,-85,180,85"


def in_box(row: dict, box: tuple) -> bool:
    if not (row["lon"] and row["lat"]):
        return False
    lon, lat = float(row["lon"]), float(row["lat"])
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def is_line(row: dict) -> bool:
    return bool(row["geometry_wkt"]) and not row["geometry_wkt"].lstrip().upper().startswith("POINT")


def test_clusters_and_lines_hold_every_located_project_once_at_every_zoom(client, registry_rows, select):
    located = [r for r in select(registry_rows) if r["lon"] and r["lat"]]
    for zoom in (3, 7, 12, 18):
        answer = client.get(f"/api/map/clusters?{WORLD}&zoom={zoom}").get_json()
        lines = client.get(f"/api/map/lines?{WORLD}&zoom={zoom}").get_json()["lines"]
        column = {name: i for i, name in enumerate(answer["columns"])}
        assert sum(c[column["count"]] for c in answer["clusters"]) + len(lines) == len(located)
        singles = {c[column["id"]] for c in answer["clusters"] if c[column["count"]] == 1}
        assert singles.isdisjoint(line[0] for line in lines)
        assert singles <= {r["id"] for r in located}
        assert {line[0] for line in lines} <= {r["id"] for r in located if is_line(r)}
        for cluster in answer["clusters"]:
            assert cluster[column["precision"]] in ("site", "town", "area")
    # At the closest zoom every line is drawn as a line.
    assert len(client.get(f"/api/map/lines?{WORLD}&zoom=18").get_json()["lines"]) == sum(map(is_line, located))


def test_clusters_of_a_filtered_view_follow_the_filter_and_the_view(client, registry_rows, select):
    chosen = next(r for r in registry_rows if r["lon"] and not is_line(r))
    box = (float(chosen["lon"]) - 0.5, float(chosen["lat"]) - 0.5, float(chosen["lon"]) + 0.5, float(chosen["lat"]) + 0.5)
    expected = [r for r in select(registry_rows, type=[chosen["type"]]) if in_box(r, box) and not is_line(r)]
    answer = client.get(f"/api/map/clusters?bbox={','.join(map(str, box))}&zoom=18&type={chosen['type']}").get_json()
    column = {name: i for i, name in enumerate(answer["columns"])}
    assert sum(c[column["count"]] for c in answer["clusters"]) == len(expected) > 0
    assert all(c[column["type"]] in (chosen["type"], None) for c in answer["clusters"])


def test_lines_are_served_by_view(client, registry_rows, select):
    lines = [r for r in select(registry_rows) if is_line(r)]
    answer = client.get(f"/api/map/lines?{WORLD}").get_json()
    assert sorted(line[0] for line in answer["lines"]) == sorted(r["id"] for r in lines)
    far = client.get("/api/map/lines?bbox=-10,-10,-5,-5").get_json()
    assert far["lines"] == []


@pytest.mark.parametrize("query, parameter", [
    ("bbox=1,2,3&zoom=7", "bbox"), ("bbox=a,b,c,d&zoom=7", "bbox"), ("bbox=10,0,500,1&zoom=7", "bbox"),
    ("bbox=0,0,1,1&zoom=40", "zoom"), ("bbox=0,0,1,1", "zoom"), ("zoom=7", "bbox"),
    ("bbox=0,0,1,1&zoom=7&group=colour", "group"), ("bbox=0,0,1,nan&zoom=7", "bbox"),
])
def test_bad_view_parameters_are_one_clear_error(client, query, parameter):
    response = client.get(f"/api/map/clusters?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == parameter


def test_bbox_filters_the_list_the_api_and_the_exports(client, registry_rows, select):
    located = [r for r in registry_rows if r["lon"]]
    lons = sorted(float(r["lon"]) for r in located)
    lats = sorted(float(r["lat"]) for r in located)
    box = (lons[0], lats[0], lons[len(lons) // 2], lats[-1])  # the western half, edges included
    expected = sorted(r["id"] for r in select(registry_rows) if in_box(r, box))
    query = "bbox=" + ",".join(repr(v) for v in box)
    api = client.get(f"/api/projects?{query}&per_page=1000").get_json()
    assert sorted(p["id"] for p in api["projects"]) == expected and 0 < len(expected) < len(registry_rows)
    exported = client.get(f"/export.geojson?{query}").get_data(as_text=True)
    assert sorted(f["properties"]["id"] for f in json.loads(exported)["features"]) == expected
    page = client.get(f"/projects?{query}").get_data(as_text=True)
    assert f'data-count="{len(expected)}"' in page
    assert client.get("/api/projects?bbox=0,0,1").status_code == 400


def test_stage_unknown_selects_rows_without_a_stage(client, registry_rows):
    expected = sorted(r["id"] for r in registry_rows if not r["stage"])
    api = client.get("/api/projects?stage=unknown&per_page=1000").get_json()
    assert sorted(p["id"] for p in api["projects"]) == expected and expected
    both = client.get("/api/projects?stage=unknown&stage=construction&per_page=1000").get_json()
    assert both["total"] == len(expected) + sum(r["stage"] == "construction" for r in registry_rows)
    csv_text = client.get("/export.csv?stage=unknown").get_data(as_text=True)
    assert len(csv_text.strip().splitlines()) == len(expected) + 1
    assert 'value="unknown"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("q", ["大悟", "临湘", "抽水蓄能"])
def test_facets_of_short_and_long_searches_match_the_rows(client, registry_rows, select, q):
    rows = select(registry_rows, q=q)
    facets = client.get("/api/facets", query_string={"q": q}).get_json()
    assert facets["total"]["count"] == len(rows)
    assert facets["total"]["capacity_known"] == sum(1 for r in rows if r["capacity_mw"])
    assert {f["value"]: f["count"] for f in facets["type"]} == {
        t: sum(r["type"] == t for r in rows) for t in {r["type"] for r in rows}}


def test_unfiltered_facets_and_totals_say_how_much_capacity_is_known(client, registry_rows):
    facets = client.get("/api/facets").get_json()
    known = [r for r in registry_rows if r["capacity_mw"]]
    located = sum(1 for r in registry_rows if r["lon"])
    assert facets["total"] == {"count": len(registry_rows), "capacity_known": len(known),
                               "capacity_mw": pytest.approx(sum(float(r["capacity_mw"]) for r in known)),
                               "located": located, "not_located": len(registry_rows) - located}
    page = client.get("/").get_data(as_text=True)
    assert f'data-known="{len(known)}"' in page and "万千瓦" in page


def test_point_arrays_are_the_builds_blobs_and_agree_with_the_projects_table(registry_db, registry_rows, tmp_path):
    """A worker reads the map's arrays as views of the build's blobs (no copy); they hold what the projects table
    says, row for row; a registry built before this blob format is read from its projects table instead."""
    import shutil
    import sqlite3

    import numpy as np

    from registry.store import map_points, mapgrid

    conn = sqlite3.connect(registry_db)
    points = mapgrid.load_points(conn, registry_db)
    assert not points.lon_e6.flags.owndata and not points.rowid.flags.owndata  # np.frombuffer on the blobs
    located = {r["id"]: r for r in registry_rows if r["lon"] and r["lat"]}
    assert len(points) == len(located)
    assert points.ids is None  # a view's lone projects are named by rowid from the table
    for i, project_id in enumerate(points.project_ids(list(range(len(points))), conn)):
        row = located[project_id]
        # The float64 the CSV's text parses to, from millionths of a degree.
        assert (points.lon([i])[0], points.lat([i])[0]) == (float(row["lon"]), float(row["lat"]))
        assert bool(points.line[i]) == is_line(row)
    older = tmp_path / "older.db"
    shutil.copy(registry_db, older)
    with sqlite3.connect(older) as old:
        old.execute("DELETE FROM map_points WHERE name = 'format'")
    from_rows = mapgrid.load_points(sqlite3.connect(older), older)
    for name in (*map_points.POINT_DTYPES, *map_points.LINE_DTYPES):
        assert np.array_equal(getattr(from_rows, name), getattr(points, name), equal_nan=name == "mw"), name
    assert from_rows.project_ids(list(range(len(points)))) == points.project_ids(list(range(len(points))), conn)


def test_a_server_worker_imports_neither_the_builds_libraries_nor_pypinyin(registry_db):
    """The map, the list and the facets are served without pandas, shapely, sqlite-utils, pypinyin, openpyxl,
    xlsxwriter or requests' code (urllib3, charset_normalizer, idna) in memory (~110 MB of each worker); pypinyin
    comes with the first place search, and requests, deferred under folium, works when something calls it."""
    import subprocess
    import sys

    code = ("import sys; from webmap import create_app; "
            "client = create_app({'REGISTRY_DB': sys.argv[1], 'REGISTRY_TILES': 'none'}).test_client(); "
            "[client.get(u).status_code for u in ('/', '/projects', '/api/facets', '/api/projects', '/api/map/summary', "
            "'/api/map/clusters?bbox=70,15,140,55&zoom=5', '/api/map/lines?bbox=70,15,140,55&zoom=9')]; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'shapely', 'sqlite_utils', 'pypinyin', "
            "'openpyxl', 'xlsxwriter', 'urllib3', 'charset_normalizer', 'idna'})); "
            "client.get('/api/places?level=county&q=xy'); print('pypinyin' in sys.modules); "
            "import requests, folium.features; "
            "print(requests.Session.__name__, folium.features.requests.get is requests.get, 'urllib3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(registry_db)], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:3] == ["[]", "True", "Session True True"], out.stdout + out.stderr
