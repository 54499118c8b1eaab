"""The export formats, each opened by an independent reader and checked against the CSV rows
the filter keeps (`select_rows`, plain Python): openpyxl for XLSX, pyogrio (GDAL) for the
GeoPackage, the csv module for CSV with and without BOM, the `geojson` package's validator."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import subprocess
from datetime import datetime, timezone
from urllib.parse import unquote, urlencode

import geojson
import openpyxl
import pyogrio
import pytest
import shapely.wkt
from openpyxl.utils import get_column_letter
from werkzeug.http import parse_options_header

from conftest import ROOT, read_rows, write_rows

FILTERS = {
    "everything": {},
    "county and type": {"county": ["大悟县"], "type": ["solar_pv"]},
    "lines only": {"type": ["transmission", "gas_pipeline"]},
    "two-character search and capacity": {"q": "大悟", "min_mw": 50.0},
    "nothing matches": {"q": "不存在的项目名称"},
}
NUMBER_COLUMNS = {"capacity_mw": float, "voltage_kv": float, "target_year": int, "lon": float, "lat": float,
                  "source_start": int, "source_end": int}


def query(params: dict) -> str:
    pairs = [(k, f"{v:g}" if isinstance(v, float) else v) for k, vs in params.items()
             for v in (vs if isinstance(vs, list) else [vs])]
    return urlencode(pairs)


def cli_args(params: dict) -> list[str]:
    args = []
    for name, values in params.items():
        for v in values if isinstance(values, list) else [values]:
            args += [f"--{name.replace('_', '-')}", f"{v:g}" if isinstance(v, float) else v]
    return args


def run_cli(*args) -> subprocess.CompletedProcess:
    """`registry ARGS…` in this process (click's runner: the real command line, without a new
    interpreter's start-up); stdout and stderr as bytes, the exit status as returncode."""
    from click.testing import CliRunner

    from registry.cli import cli

    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout_bytes, result.stderr_bytes)


@pytest.fixture(params=list(FILTERS), ids=list(FILTERS))
def case(request, registry_rows, select):
    params = FILTERS[request.param]
    return params, select(registry_rows, **params)


def build_facts(db) -> tuple[str, str]:
    """(built_at, CSV SHA-256) as the database stores them, read with plain sqlite3."""
    with sqlite3.connect(db) as conn:
        meta = dict(conn.execute("select key, value from registry_meta"))
    return meta["built_at"], meta["source_csv_sha256"]


# --- Excel -----------------------------------------------------------------------------------

def test_xlsx_has_the_filtered_rows_with_numbers_as_numbers(client, case, registry_db, registry_csv):
    params, expected = case
    response = client.get(f"/export.xlsx?{query(params)}")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Projects 项目", "About 说明"]
    sheet = book["Projects 项目"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    # filter buttons over the header, the table's every column and row
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}{len(expected) + 1}"
    assert header[:2] == ["编号 ID", "名称 Name"]  # bilingual: Chinese then English
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) and any(ch.isascii() and ch.isalpha() for ch in h)
               for h in header)
    if expected:  # names are long: their column is widened to show them
        assert sheet.column_dimensions["B"].width > 20
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in body] == sorted(r["id"] for r in expected)
    csv_columns = list(read_rows(registry_csv)[0])  # the CSV's own column order, and the derived province
    columns = csv_columns[:csv_columns.index("city")] + ["province"] + csv_columns[csv_columns.index("city"):]
    assert len(header) == len(columns) and header[columns.index("province")] == "省 Province"
    plan_province = {d["doc_id"]: d["province"] for d in read_rows(registry_csv.parent / "plans" / "documents.csv")}
    by_id = {r["id"]: r for r in expected}
    for cells in body:
        row, got = by_id[cells[0]], dict(zip(columns, cells))
        assert got["name"] == row["name"] and got["county"] == (row["county"] or None)
        assert (got["province"] or "") == plan_province[row["source_doc"]]  # a national row: no province
        for column, kind in NUMBER_COLUMNS.items():
            if row[column]:
                assert isinstance(got[column], (int, float)) and not isinstance(got[column], bool), column
                assert got[column] == pytest.approx(kind(row[column])), (row["id"], column)
            else:
                assert got[column] is None
        # Labels, not codes: the type's English label from the schema's vocabulary, with its Chinese.
        from registry.rows.schema import PROJECT_TYPES

        english, chinese = PROJECT_TYPES[row["type"]]
        assert got["type"] == f"{chinese} {english}"
    about = {r[0]: r[1] for r in book["About 说明"].iter_rows(values_only=True) if r[0]}
    built_at, sha = build_facts(registry_db)
    # a date-time cell in UTC (Excel has no time zones) and counts as number cells
    assert about["Built at (UTC) 生成时间"] == datetime.fromisoformat(built_at).astimezone(timezone.utc).replace(tzinfo=None)
    assert about["Source CSV SHA-256"] == sha == hashlib.sha256(registry_csv.read_bytes()).hexdigest()
    assert about["Projects in this file 项目数"] == len(expected)
    assert about["Not on the map 未上图"] == sum(1 for r in expected if not (r["lon"] or r["geometry_wkt"]))
    assert sha[:12] in about["Registry version 版本"] and sha in about["How to cite 引用"]
    for name, values in params.items():
        for v in values if isinstance(values, list) else [values]:
            assert (f"{v:g}" if isinstance(v, float) else v) in about["Filter 筛选条件"]
    assert "GeoNames" in " ".join(str(v) for v in about.values())  # CC-BY 4.0 attribution travels with the data


def test_xlsx_keeps_formula_like_text_as_text(tmp_path, registry_rows):
    from registry.store.store import build
    from webmap import create_app

    rows = [dict(r) for r in registry_rows[:3]]
    rows[0]["name"], rows[1]["subtype"] = "=HYPERLINK(\"http://example.invalid\",\"x\")", "@SUM(A1:A2)"
    db = tmp_path / "registry.db"
    build(write_rows(tmp_path / "projects.csv", rows), db)
    client = create_app({"REGISTRY_DB": str(db), "REGISTRY_TILES": "none", "TESTING": True}).test_client()
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/export.xlsx").data))["Projects 项目"]
    cells = {c.value: c.data_type for row in sheet.iter_rows(min_row=2) for c in row if c.value}
    assert cells[rows[0]["name"]] == "s" and cells["@SUM(A1:A2)"] == "s"


def test_xlsx_keeps_text_that_looks_like_xml_or_holds_what_xml_cannot():
    """xlsxwriter's constant_memory mode passes a text that starts with <r> and ends with </r> through as XML (a
    rich string), and cannot write a lone surrogate: the export writes the first as text, drops the second."""
    from registry.exports.xlsx import write_xlsx
    from registry.rows.schema import RECORD_COLUMNS

    row = dict.fromkeys(RECORD_COLUMNS)
    row.update(id="p1", name="<r><b>x</r>", site="a\x01\ufffe\ud800b", county="=1+1", capacity_mw=100.0, target_year=2030)
    about = {"title": "t", "filter": {"q": ["<r>\uffff</r>"]}, "projects_in_file": 1, "projects_not_located": 1,
             "not_located_note": "n", "built_at": "2026-01-01T08:00:00+08:00", "version": "v",
             "source_csv_sha256": "s", "citation": "c", "sources": []}
    out = io.BytesIO()
    write_xlsx([row], about, out)
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    got = dict(zip(RECORD_COLUMNS, next(book["Projects 项目"].iter_rows(min_row=2, values_only=True))))
    assert (got["name"], got["site"], got["county"]) == ("<r><b>x</r>", "ab", "=1+1")
    assert (got["capacity_mw"], got["target_year"]) == (100, 2030)
    about_rows = {r[0]: r[1] for r in book["About 说明"].iter_rows(values_only=True) if r[0]}
    assert about_rows["Filter 筛选条件"] == "q = <r></r>"
    assert about_rows["Built at (UTC) 生成时间"] == datetime(2026, 1, 1, 0, 0)


def test_cli_writes_the_same_xlsx_rows(tmp_path, client, registry_db):
    params = FILTERS["county and type"]
    out = tmp_path / "out.xlsx"
    result = run_cli("export", "--format", "xlsx", "--db", str(registry_db), "-o", str(out), *cli_args(params))
    assert result.returncode == 0, result.stderr
    web = openpyxl.load_workbook(io.BytesIO(client.get(f"/export.xlsx?{query(params)}").data))
    cli = openpyxl.load_workbook(out)
    for name in web.sheetnames:
        assert list(web[name].iter_rows(values_only=True)) == list(cli[name].iter_rows(values_only=True))


# --- GeoPackage --------------------------------------------------------------------------------

def test_gpkg_has_points_and_lines_layers_in_wgs84(client, case, tmp_path):
    params, expected = case
    response = client.get(f"/export.gpkg?{query(params)}")
    assert response.status_code == 200 and response.mimetype == "application/geopackage+sqlite3"
    path = tmp_path / "export.gpkg"
    path.write_bytes(response.data)
    layers = {name: kind for name, kind in pyogrio.list_layers(path)}
    assert layers == {"projects_points": "Point", "projects_lines": "MultiLineString"}
    lines_expected = {r["id"]: r for r in expected if r["geometry_wkt"]}
    points_expected = {r["id"]: r for r in expected if r["lon"] and not r["geometry_wkt"]}
    for layer, wanted in (("projects_points", points_expected), ("projects_lines", lines_expected)):
        info = pyogrio.read_info(path, layer=layer)
        assert info["crs"] == "EPSG:4326" and info["encoding"] == "UTF-8"
        frame = pyogrio.read_dataframe(path, layer=layer)
        assert sorted(frame["id"]) == sorted(wanted)
        for feature in frame.itertuples():
            row = wanted[feature.id]
            assert feature.name == row["name"] and feature.type == row["type"]
            if layer == "projects_points":
                assert (feature.geometry.x, feature.geometry.y) == pytest.approx((float(row["lon"]), float(row["lat"])))
            else:
                assert feature.geometry.geoms[0].equals_exact(shapely.wkt.loads(row["geometry_wkt"]), 1e-9)
            if row["capacity_mw"]:
                assert feature.capacity_mw == pytest.approx(float(row["capacity_mw"]))


def test_cli_gpkg_opens_with_gdal(tmp_path, registry_db, registry_rows):
    out = tmp_path / "all.gpkg"
    result = run_cli("export", "--format", "gpkg", "--db", str(registry_db), "-o", str(out))
    assert result.returncode == 0, result.stderr
    located = [r for r in registry_rows if r["lon"] or r["geometry_wkt"]]
    counts = {name: pyogrio.read_info(out, layer=name)["features"] for name, _ in pyogrio.list_layers(out)}
    assert sum(counts.values()) == len(located)
    assert "碳达峰" in pyogrio.read_info(out, layer="projects_points")["layer_metadata"]["title"]


# --- CSV, with and without BOM -----------------------------------------------------------------

def test_csv_for_excel_starts_with_a_bom_and_the_default_does_not(client, case, registry_db):
    params, expected = case
    plain = client.get(f"/export.csv?{query(params)}").data
    excel = client.get(f"/export.csv?{query({**params, 'bom': '1'})}").data
    # The download's header is in the page's language (Chinese by default): 编号 is `id`.
    assert plain.startswith("编号,名称,".encode()) and excel.startswith("\ufeff编号,".encode())
    assert excel[3:] == plain
    for data, encoding in ((plain, "utf-8"), (excel, "utf-8-sig")):
        rows = list(csv.DictReader(io.StringIO(data.decode(encoding), newline="")))
        assert [r["编号"] for r in rows] == sorted(r["id"] for r in expected)
        assert {r["编号"]: r["名称"] for r in rows} == {r["id"]: r["name"] for r in expected}
    if params == FILTERS["county and type"]:
        cli = run_cli("export", "--format", "csv", "--bom", "--lang", "zh", "--db", str(registry_db), *cli_args(params))
        assert cli.returncode == 0 and cli.stdout == excel


def test_csv_numbers_are_written_as_projects_csv_writes_them_on_both_paths(tmp_path, registry_db):
    """The CSV export selects numbers so that the csv module writes them itself (CSV_SELECT) unless one needs
    rounding (a batch at a time): both must give the checked path's text (format_cell's), whole floats too."""
    from registry.exports.export import PROJECT_COLUMNS, csv_chunks
    from registry.rows.schema import format_cell
    from registry.store.query import ProjectFilter, Registry

    changes = {"ready": [("capacity_mw = 1200.0, voltage_kv = 0.5", "1200", "0.5", None)],
               "needs rounding": [("capacity_mw = 1200.0, voltage_kv = 0.5", "1200", "0.5", None),
                                  ("capacity_mw = 1234.56789012, lon = 113.12345678", "1234.56789", None, "113.123457"),
                                  ("capacity_mw = 2e16", format_cell(2e16), None, None)]}
    for case, updates in changes.items():
        db = tmp_path / f"{case}.db"
        db.write_bytes(registry_db.read_bytes())
        with sqlite3.connect(db) as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM projects WHERE lon IS NOT NULL ORDER BY id LIMIT 3")]
            for project_id, (assignment, *_) in zip(ids, updates):
                conn.execute(f"UPDATE projects SET {assignment} WHERE id = ?", (project_id,))
        with Registry(db) as registry:  # the checked path, cell by cell: the reference
            reference = "".join(csv_chunks(registry.iter_projects(ProjectFilter(), columns=PROJECT_COLUMNS, tuples=True)))
        rows = {r["id"]: r for r in csv.DictReader(io.StringIO(reference))}
        for project_id, (_, capacity, voltage, lon) in zip(ids, updates):
            assert rows[project_id]["capacity_mw"] == capacity
            assert voltage is None or rows[project_id]["voltage_kv"] == voltage
            assert lon is None or rows[project_id]["lon"] == lon
        out = run_cli("export", "--format", "csv", "--db", str(db))
        assert out.returncode == 0, out.stderr
        assert out.stdout.decode() == reference, case


def test_bom_takes_0_or_1(client):
    response = client.get("/export.csv?bom=yes")
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "bom"
    assert run_cli("export", "--format", "geojson", "--bom").stderr.decode().startswith("error: --bom")


# --- GeoJSON ------------------------------------------------------------------------------------

def test_geojson_export_is_valid_and_carries_metadata(client, case, registry_db):
    params, expected = case
    text = client.get(f"/export.geojson?{query(params)}").get_data(as_text=True)
    collection = geojson.loads(text)
    assert collection.is_valid, collection.errors()
    assert sorted(f["id"] for f in collection["features"]) == sorted(r["id"] for r in expected)
    metadata = json.loads(text)["metadata"]
    built_at, sha = build_facts(registry_db)
    assert metadata["built_at"] == built_at and metadata["source_csv_sha256"] == sha
    assert metadata["projects_in_file"] == len(expected)
    assert {k: v for k, v in metadata["filter"].items()} == {
        k: [f"{x:g}" if isinstance(x, float) else x for x in (v if isinstance(v, list) else [v])]
        for k, v in params.items()}


def ring_area(ring) -> float:
    """Signed area by the shoelace formula: positive for a counterclockwise ring."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def test_boundaries_are_valid_wound_counterclockwise_and_have_ids(client):
    text = client.get("/api/boundaries.geojson").get_data(as_text=True)
    collection = geojson.loads(text)
    assert collection.is_valid, collection.errors()
    rings = 0
    for feature in collection["features"]:
        assert feature["id"] == feature["properties"]["code"]
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for outer, *holes in polygons:
            rings += 1
            assert ring_area(outer) > 0, feature["properties"]["name"]
            assert all(ring_area(hole) < 0 for hole in holes)
    assert rings >= len(collection["features"])


# --- the registry's version: registry info and /about -------------------------------------------

def test_registry_info_names_the_build_and_its_sources(registry_db, registry_rows, registry_csv, client):
    built_at, sha = build_facts(registry_db)
    result = run_cli("info", "--db", str(registry_db), "--format", "json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["built_at"] == built_at and info["source_csv_sha256"] == sha
    assert sha == hashlib.sha256(registry_csv.read_bytes()).hexdigest()
    assert info["counts"]["projects"] == len(registry_rows)
    with open(ROOT / "plans" / "documents.csv", encoding="utf-8") as handle:
        assert info["counts"]["documents"] == len(list(csv.DictReader(handle)))
    licences = {s["licence"] for s in info["sources"]}
    assert "CC-BY 4.0" in licences and "MIT" in licences
    assert sha in info["citation"]
    text = run_cli("info", "--db", str(registry_db)).stdout.decode()
    assert built_at in text and sha in text and info["citation"] in text
    page = client.get("/about")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert built_at in html and sha in html and "GeoNames" in html
    assert 'href="/about"' in client.get("/projects").get_data(as_text=True)  # linked from the nav


def test_registry_info_without_a_database_is_one_error_line(tmp_path):
    result = run_cli("info", "--db", str(tmp_path / "missing.db"))
    assert result.returncode == 1 and result.stderr.decode().count("\n") == 1
    assert result.stderr.decode().startswith("error: ")


def test_download_menu_offers_excel_first(client):
    html = client.get("/projects?county=%E5%A4%A7%E6%82%9F%E5%8E%BF").get_data(as_text=True)
    start = html.index('class="downloads"')
    ids = [i for i in ("download-xlsx", "download-csv-excel", "download-csv\"", "download-geojson", "download-gpkg")]
    positions = [html.index(i, start) for i in ids]
    assert positions == sorted(positions)
    assert "/export.csv?county=%E5%A4%A7%E6%82%9F%E5%8E%BF&amp;bom=1" in html
    assert "/export.xlsx?county=%E5%A4%A7%E6%82%9F%E5%8E%BF" in html


def test_download_names_say_what_the_file_holds(client):
    response = client.get("/export.geojson?county=%E5%A4%A7%E6%82%9F%E5%8E%BF&type=solar_pv")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "projects_大悟县_solar_pv.geojson"
    # Werkzeug's send_file naming: an ASCII name for old clients (the Chinese dropped), the real one beside it.
    assert "filename=projects__solar_pv.geojson;" in disposition and disposition.isascii()
    assert parse_options_header(disposition)[1]["filename"] == "projects_大悟县_solar_pv.geojson"
    assert client.get("/export.csv").headers["Content-Disposition"] == "attachment; filename=projects.csv"
    hostile = client.get("/export.csv?q=" + "..%2F..%2Fetc%22%0A").headers["Content-Disposition"]
    assert "/" not in parse_options_header(hostile)[1]["filename"] and "\n" not in hostile


@pytest.mark.parametrize("url, parameter", [("/export.xlsx?min_mw=abc", "min_mw"), ("/export.gpkg?type=coal_mine", "type")])
def test_file_exports_refuse_bad_filters_in_json(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400 and response.get_json()["error"]["parameter"] == parameter


def test_file_exports_leave_no_temporary_files(client):
    import tempfile
    from pathlib import Path

    def leftovers():
        return sorted(Path(tempfile.gettempdir()).glob("registry-export-*"))

    before = leftovers()
    for url in ("/export.xlsx", "/export.gpkg"):
        response = client.get(url)
        assert response.status_code == 200 and len(response.data) > 1000
        response.close()
    unread = client.get("/export.gpkg")  # a client that hangs up before reading anything
    unread.close()
    assert leftovers() == before


def test_kml_has_the_located_projects_named_by_name(client, registry_rows, select):
    import xml.etree.ElementTree as ElementTree

    params = FILTERS["county and type"]
    response = client.get(f"/export.kml?{query(params)}")
    assert response.status_code == 200 and response.mimetype == "application/vnd.google-earth.kml+xml"
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemarks = ElementTree.fromstring(response.data).findall(".//k:Placemark", ns)
    got = {p.find(".//k:SimpleData[@name='id']", ns).text: p for p in placemarks}
    expected = {r["id"]: r for r in select(registry_rows, **params) if r["lon"] or r["geometry_wkt"]}
    assert sorted(got) == sorted(expected) and expected
    for project_id, placemark in got.items():
        row = expected[project_id]
        assert placemark.find("k:name", ns).text == row["name"]
        if not row["geometry_wkt"]:
            lon, lat = map(float, placemark.find(".//k:Point/k:coordinates", ns).text.split(",")[:2])
            assert (lon, lat) == pytest.approx((float(row["lon"]), float(row["lat"])))
        data = {d.get("name"): d.text for d in placemark.findall(".//k:SimpleData", ns)}
        assert int(data["source_start"]) == int(row["source_start"]) and data.get("target_year") == (row["target_year"] or None)
    # the Schema declares numbers as numbers (Google Earth and QGIS sort and filter them so)
    declared = {f.get("name"): f.get("type") for f in ElementTree.fromstring(response.data).findall(".//k:SimpleField", ns)}
    assert {c: declared[c] for c in ("target_year", "source_start", "source_end", "capacity_mw", "voltage_kv")} == {
        "target_year": "int", "source_start": "int", "source_end": "int", "capacity_mw": "float", "voltage_kv": "float"}
    assert declared["id"] == declared["city"] == "string"
