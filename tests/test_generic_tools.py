"""Generic tools open the registry's files as they are: Datasette with datasette-geojson serves
the built SQLite file's projects as GeoJSON, and Frictionless validates projects.csv against the
published Table Schema (datapackage.json)."""
from __future__ import annotations

import asyncio
import csv
import json

import pytest

from conftest import ROOT, write_rows


def datasette_get(db, path: str):
    from datasette.app import Datasette

    async def get():
        return await Datasette([str(db)]).client.get(path)

    return asyncio.run(get())


def test_datasette_geojson_serves_the_projects_of_the_built_file(registry_db, registry_rows):
    response = datasette_get(registry_db, f"/{registry_db.stem}/projects.geojson?_size=max")
    assert response.status_code == 200, response.text[:500]
    collection = json.loads(response.text)
    assert collection["type"] == "FeatureCollection"
    features = {f["properties"]["id"]: f for f in collection["features"]}
    assert sorted(features) == sorted(r["id"] for r in registry_rows)
    for row in registry_rows:
        geometry = features[row["id"]]["geometry"]
        if row["geometry_wkt"]:
            assert geometry["type"] == "LineString"
        elif row["lon"]:
            assert geometry == {"type": "Point", "coordinates": pytest.approx([float(row["lon"]), float(row["lat"])])}
        else:
            assert geometry is None


def test_datasette_geojson_serves_the_county_boundaries(registry_db):
    """datasette-geojson renders a table whose `geometry` column holds GeoJSON: the boundaries' polygons."""
    import sqlite3

    import shapely.geometry

    with sqlite3.connect(registry_db) as conn:
        stored = dict(conn.execute("SELECT code, geometry FROM county_boundaries"))
    assert stored
    response = datasette_get(registry_db, f"/{registry_db.stem}/county_boundaries.geojson?_size=max")
    assert response.status_code == 200, response.text[:500]
    collection = json.loads(response.text)
    features = {f["properties"]["code"]: f for f in collection["features"]}
    assert sorted(features) == sorted(stored)
    for code, feature in features.items():
        shape = shapely.geometry.shape(feature["geometry"])
        assert shape.geom_type in ("Polygon", "MultiPolygon") and shape.is_valid
        assert feature["geometry"] == json.loads(stored[code])
        assert set(feature["properties"]) == {"code", "name", "city_code"}


def test_datapackage_json_is_generated_from_the_schema():
    from registry.exports.datapackage import datapackage_json
    from registry.rows.documents import DOCUMENT_COLUMNS
    from registry.rows.schema import PROJECT_COLUMNS, TARGET_COLUMNS

    shipped = (ROOT / "datapackage.json").read_text(encoding="utf-8")
    assert shipped == datapackage_json(), "regenerate: python -m registry.exports.datapackage > datapackage.json"
    resources = {r["path"]: r["schema"]["fields"] for r in json.loads(shipped)["resources"]}
    assert list(resources) == ["projects.csv", "targets.csv", "plans/documents.csv"]
    for path, columns in zip(resources, (PROJECT_COLUMNS, TARGET_COLUMNS, DOCUMENT_COLUMNS)):
        with open(ROOT / path, encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert [f["name"] for f in resources[path]] == header == list(columns)


def test_frictionless_validates_all_three_tables_and_catches_bad_rows(tmp_path, registry_rows):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    assert sorted((t.name, t.stats["rows"] > 0) for t in report.tasks) == [
        ("documents", True), ("projects", True), ("targets", True)]
    # targets.csv and documents.csv against their schemas: an unknown indicator, a plan no row of
    # documents.csv has (the foreign key), a bad area code
    (tmp_path / "plans").mkdir()
    documents = list(csv.DictReader(open(ROOT / "plans" / "documents.csv", encoding="utf-8")))
    documents[2]["city_code"] = "4209"
    write_rows(tmp_path / "plans" / "documents.csv", documents)
    targets = list(csv.DictReader(open(ROOT / "targets.csv", encoding="utf-8")))[:6]
    targets[1]["indicator"], targets[4]["source_doc"] = "happiness", "nowhere_000000"
    write_rows(tmp_path / "targets.csv", targets)
    write_rows(tmp_path / "projects.csv", registry_rows[:3])
    (tmp_path / "datapackage.json").write_bytes((ROOT / "datapackage.json").read_bytes())
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    errors = {(task.name, e.type, e.row_number, getattr(e, "field_name", None)) for task in report.tasks for e in task.errors}
    assert errors == {("documents", "constraint-error", 4, "city_code"), ("targets", "constraint-error", 3, "indicator"),
                      ("targets", "foreign-key", 6, None)}


def test_frictionless_catches_a_bad_project_row(tmp_path, registry_rows):
    frictionless = pytest.importorskip("frictionless")
    # The same schema on a copy with a wrong type and a swapped coordinate: both reported.
    rows = [dict(r) for r in registry_rows[:5]]
    rows[1]["type"], rows[3]["lat"] = "coal_mine", "113.5"
    rows[4]["source_doc"] = "nowhere_000000"
    write_rows(tmp_path / "projects.csv", rows)
    (tmp_path / "plans").mkdir()
    for path in ("datapackage.json", "targets.csv", "plans/documents.csv"):  # the other two tables as shipped
        (tmp_path / path).write_bytes((ROOT / path).read_bytes())
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    errors = {(e[0], e[1], e[2]) for e in report.flatten(["rowNumber", "fieldName", "type"])}
    assert errors == {(3, "type", "constraint-error"), (5, "lat", "constraint-error"), (6, None, "foreign-key")}
