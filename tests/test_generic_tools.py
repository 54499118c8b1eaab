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


def test_datapackage_json_is_generated_from_the_schema():
    from registry.datapackage import datapackage_json
    from registry.schema import PROJECT_COLUMNS

    shipped = (ROOT / "datapackage.json").read_text(encoding="utf-8")
    assert shipped == datapackage_json(), "regenerate: python -m registry.datapackage > datapackage.json"
    fields = json.loads(shipped)["resources"][0]["schema"]["fields"]
    with open(ROOT / "projects.csv", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert [f["name"] for f in fields] == header == list(PROJECT_COLUMNS)


def test_frictionless_validates_projects_csv_and_catches_a_bad_row(tmp_path, registry_rows):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    # The same schema on a copy with a wrong type and a swapped coordinate: both reported.
    rows = [dict(r) for r in registry_rows[:5]]
    rows[1]["type"], rows[3]["lat"] = "coal_mine", "113.5"
    write_rows(tmp_path / "projects.csv", rows)
    package = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    (tmp_path / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    errors = {(e[0], e[1]) for e in report.flatten(["rowNumber", "fieldName"])}
    assert errors == {(3, "type"), (5, "lat")}
