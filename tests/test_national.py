"""The registry at national scope: province plans' rows that name no city or county, the province filter,
/plans by level, on a registry of the shipped plans plus a province plan written here (tests/national_fixture.py).

Expectations come from the CSV rows and geodata/divisions.csv read with the csv module, never from the app.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT, read_rows
from national_fixture import PLAN_ID, make_national_registry

DIVISIONS = ROOT / "geodata" / "divisions.csv"


@pytest.fixture(scope="module")
def divisions() -> dict[str, tuple[str, str]]:
    """code -> (name, level) of the MCA list."""
    with open(DIVISIONS, newline="", encoding="utf-8") as handle:
        return {r["code"]: (r["name"], r["level"]) for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    return make_national_registry(tmp_path_factory.mktemp("national"))


@pytest.fixture(scope="module")
def rows(national):
    return national[1]


@pytest.fixture(scope="module")
def nclient(national):
    from webmap import create_app

    app = create_app({"REGISTRY_DB": str(national[0] / "registry.db"), "REGISTRY_TILES": "none", "TESTING": True})
    return app.test_client()


def expected_province(row: dict, divisions, plan_provinces) -> str:
    code = row["division_code"]
    return divisions[code[:2] + "0000"][0] if code else plan_provinces[row["source_doc"]]


@pytest.fixture(scope="module")
def plan_provinces(national):
    return {d["doc_id"]: d["province"] for d in read_rows(national[0] / "plans" / "documents.csv")}


# --- geocoding ---------------------------------------------------------------------------------

def geocode(**row):
    from registry.geo.geocode import geocode_row

    return geocode_row({"id": "t-1", "type": "wind", "county": "", "town": "", "site": "", **row})


def test_a_province_row_that_names_no_city_or_county_is_listed_not_placed(rows, divisions):
    unlocated = [r for r in rows if r["source_doc"] == PLAN_ID and r["city"] == "甘肃省"]
    assert len(unlocated) == 2  # 陇东能源基地 and the line to 山东: their clause names no city or county
    for row in unlocated:
        assert (row["lon"], row["lat"], row["precision"], row["geometry_wkt"]) == ("", "", "", "")
        assert row["location_method"] == "unlocated:names-no-city-or-county"
        assert divisions[row["division_code"]] == ("甘肃省", "1")
    # The plan's rows that name a place are placed in it, as precisely as they say: 瓜州县 is the county, not its
    # seat town 瓜州镇 whose name it contains.
    guazhou = next(r for r in rows if r["county"] == "瓜州县")
    assert guazhou["precision"] == "county" and divisions[guazhou["division_code"]][0] == "瓜州县"
    lanzhou = next(r for r in rows if r["city"] == "兰州市")
    assert lanzhou["precision"] == "city" and divisions[lanzhou["division_code"]][0] == "兰州市"


def test_a_province_named_like_its_city_is_not_sent_to_the_city(divisions):
    # 吉林省's plan: a row naming only the province was placed at 吉林市's seat before; now it is not placed.
    jilin = geocode(name="吉林西部清洁能源基地", city="吉林省", source_doc="jilin_220000")
    assert jilin["lon"] == "" and jilin["location_method"] == "unlocated:names-no-city-or-county"
    assert divisions[jilin["division_code"]][0] == "吉林省"
    city = geocode(name="吉林市风电", city="吉林市", source_doc="jilin_220000")
    assert city["precision"] == "city" and divisions[city["division_code"]][0] == "吉林市"
    # A county the row names, found among the province's counties, places it even with the province as its city.
    county = geocode(name="大悟风电", city="湖北省", county="大悟县", source_doc="hubei_420000")
    assert county["precision"] == "county" and divisions[county["division_code"]][0] == "大悟县"
    # A national plan's row: a province named is kept as its scope; nothing named is said so.
    assert geocode(name="某基地", city="青海省", source_doc="china_100000")["division_code"] == "630000"
    nothing = geocode(name="沙戈荒大型风光基地", city="全国", source_doc="china_100000")
    assert nothing["location_method"] == "unlocated:names-no-province-city-or-county" and nothing["division_code"] == ""
    # Another province named in a province's plan: not placed, and not claimed for the plan's province.
    other = geocode(name="湖南段", city="湖南省", source_doc="gansu_620000")
    assert other["location_method"] == "unlocated:city-not-in-plan-province(湖南省)" and other["division_code"] == ""


# --- the build's province column ------------------------------------------------------------

def test_every_row_gets_its_province_at_build_and_it_is_filterable(national, rows, divisions, plan_provinces, nclient):
    import sqlite3

    with sqlite3.connect(national[0] / "registry.db") as conn:
        stored = dict(conn.execute("SELECT id, province FROM projects"))
    assert stored == {r["id"]: expected_province(r, divisions, plan_provinces) for r in rows}
    assert "province" not in read_rows(national[0] / "projects.csv")[0]  # a database column, not a CSV one
    for province in set(stored.values()) - {""}:  # "": the national plan's rows, which name no province
        body = nclient.get("/api/projects", query_string={"province": province, "per_page": 1000}).get_json()
        assert sorted(p["id"] for p in body["projects"]) == sorted(i for i, p in stored.items() if p == province)
        assert {p["province"] for p in body["projects"]} == {province}
    both = nclient.get("/api/projects?province=甘肃省&province=湖南省&per_page=1000").get_json()
    assert both["total"] == sum(p in ("甘肃省", "湖南省") for p in stored.values())


# --- filters, facets, exports ------------------------------------------------------------------

CASES = {
    "gansu": ({"province": "甘肃省"}, lambda r, p: p == "甘肃省"),
    "unlocated": ({"located": "no"}, lambda r, p: not r["lon"]),
    "located-gansu": ({"province": "甘肃省", "located": "yes"}, lambda r, p: p == "甘肃省" and r["lon"]),
    "plan-unlocated": ({"doc": PLAN_ID, "located": "no"}, lambda r, p: r["source_doc"] == PLAN_ID and not r["lon"]),
    "hubei-wind": ({"province": "湖北省", "type": "wind"}, lambda r, p: p == "湖北省" and r["type"] == "wind"),
}


@pytest.mark.parametrize("case", CASES)
def test_list_api_facets_map_and_exports_agree_on_province_and_located(case, nclient, rows, divisions, plan_provinces):
    params, keep = CASES[case]
    expected = sorted(r["id"] for r in rows if keep(r, expected_province(r, divisions, plan_provinces)))
    located = sorted(r["id"] for r in rows if r["id"] in expected and r["lon"])
    assert expected, case
    api = nclient.get("/api/projects", query_string={**params, "per_page": 1000}).get_json()
    assert sorted(p["id"] for p in api["projects"]) == expected
    exported = list(csv.DictReader(io.StringIO(nclient.get("/export.csv", query_string={**params, "header": "code"}).get_data(as_text=True))))
    assert sorted(r["id"] for r in exported) == expected and "province" not in exported[0]  # projects.csv's columns
    collection = nclient.get("/export.geojson", query_string=params).get_json()
    assert sorted(f["id"] for f in collection["features"]) == expected
    for feature in collection["features"]:  # RFC 7946: a feature without a location has a null geometry
        assert (feature["geometry"] is None) == (feature["id"] not in located)
        national = feature["properties"]["source_doc"].endswith("_100000")  # the national plan names no province
        assert bool(feature["properties"]["province"]) != national
    assert collection["metadata"]["projects_not_located"] == len(expected) - len(located)
    facets = nclient.get("/api/facets", query_string=params).get_json()
    assert facets["total"]["count"] == len(expected) and facets["total"]["not_located"] == len(expected) - len(located)
    summary = nclient.get("/api/map/summary", query_string=params).get_json()
    assert (summary["points"] + summary["lines"], summary["not_located"]) == (len(located), len(expected) - len(located))
    clusters = nclient.get("/api/map/clusters", query_string={**params, "bbox": "70,15,140,55", "zoom": 3}).get_json()
    lines = nclient.get("/api/map/lines", query_string={**params, "bbox": "70,15,140,55", "zoom": 3}).get_json()
    assert sum(c[2] for c in clusters["clusters"]) + len(lines["lines"]) == len(located)
    # The list page shows them, and its totals count those not on the map, linking to exactly them.
    html = nclient.get("/projects", query_string={**params, "per_page": 1000}).get_data(as_text=True)
    assert sorted(re.findall(r'<tr data-id="([^"]+)">', html)) == expected
    count = int(re.search(r'id="not-located" data-count="(\d+)"', html).group(1))
    assert count == len(expected) - len(located)
    assert (f'id="not-located" data-count="{count}" hidden' in html) == (count == 0)
    if count:
        link = re.search(r'id="not-located-link" href="([^"]+)"', html).group(1).replace("&amp;", "&")
        listed = nclient.get(link + "&per_page=1000").get_data(as_text=True)
        assert sorted(re.findall(r'<tr data-id="([^"]+)">', listed)) == sorted(set(expected) - set(located))


def test_geopackage_and_kml_hold_only_located_rows_and_say_so(nclient, rows, divisions, plan_provinces, tmp_path):
    import pyogrio

    located = {r["id"] for r in rows if r["lon"]}
    path = tmp_path / "all.gpkg"
    path.write_bytes(nclient.get("/export.gpkg").data)
    layers = {name: pyogrio.read_dataframe(path, layer=name) for name, _ in pyogrio.list_layers(path)}
    assert set().union(*(set(frame["id"]) for frame in layers.values())) == located
    points = layers["projects_points"]
    assert set(points["province"]) == {expected_province(r, divisions, plan_provinces) for r in rows if r["lon"]
                                       and not r["geometry_wkt"]}
    metadata = pyogrio.read_info(path, layer="projects_points")["layer_metadata"]
    assert metadata["not_located"].startswith(f"{len(rows) - len(located)} of the {len(rows)} projects")
    kml = nclient.get("/export.kml").get_data(as_text=True)
    assert len(re.findall(r"<Placemark[ >]", kml)) == len(located)
    about = nclient.get("/about").get_data(as_text=True)
    assert "GeoPackage" in about and f'{len(rows) - len(located)} {"项未上图"}' in about


def test_xlsx_lists_unlocated_rows_with_their_province_and_counts_them(nclient, rows):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(nclient.get("/export.xlsx?province=甘肃省").data))
    sheet = book["Projects 项目"]
    header = [c.value for c in sheet[1]]
    body = [dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    gansu = [r for r in rows if r["source_doc"] == PLAN_ID]
    assert sorted(r["编号 ID"] for r in body) == sorted(r["id"] for r in gansu)
    assert {r["省 Province"] for r in body} == {"甘肃省"}
    about = {r[0]: r[1] for r in book["About 说明"].iter_rows(values_only=True) if r[0]}
    assert about["Not on the map 未上图"] == sum(1 for r in gansu if not r["lon"])  # a number cell


def test_download_names_and_bad_values(nclient):
    disposition = nclient.get("/export.csv?province=甘肃省&located=no").headers["Content-Disposition"]
    assert "projects_%E7%94%98%E8%82%83%E7%9C%81_unlocated.csv" in disposition  # projects_甘肃省_unlocated.csv
    for query in ("located=maybe", "located=yes&located=no"):
        response = nclient.get(f"/api/projects?{query}")
        assert response.status_code == 400 and response.get_json()["error"]["parameter"] == "located"
    assert nclient.get("/api/projects?province=火星省").get_json()["total"] == 0
    spec = nclient.get("/api/openapi.json").get_json()
    names = {p["name"] for p in spec["paths"]["/api/projects"]["get"]["parameters"]}
    assert {"province", "located", "doc"} <= names
    assert {"province", "located"} <= {p["name"] for p in spec["paths"]["/api/map/clusters"]["get"]["parameters"]}
    assert "province" in spec["components"]["schemas"]["Project"]["properties"]


def test_cli_export_filters_by_province_and_location(national, rows):
    done = subprocess.run([sys.executable, "-m", "registry.cli", "export", "--db", str(national[0] / "registry.db"),
                           "--format", "csv", "--province", "甘肃省", "--located", "no"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert done.returncode == 0, done.stderr
    assert sorted(r["id"] for r in csv.DictReader(io.StringIO(done.stdout))) == sorted(
        r["id"] for r in rows if r["source_doc"] == PLAN_ID and not r["lon"])
    bad = subprocess.run([sys.executable, "-m", "registry.cli", "export", "--db", str(national[0] / "registry.db"),
                          "--format", "csv", "--located", "maybe"],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert bad.returncode == 1 and bad.stderr.startswith("error: --located: ") and bad.stderr.count("\n") == 1


# --- pages -------------------------------------------------------------------------------------

def test_filter_form_carries_no_place_lists_and_the_places_api_finds_them_by_name_and_pinyin(nclient, rows, divisions,
                                                                                              plan_provinces):
    from registry.store.placesearch import pinyin_keys

    html = nclient.get("/").get_data(as_text=True)
    # The pickers come province, city, county, and the form lists none of their places (they load as typed):
    # its only <option>s are the located select's three.
    assert html.index('id="filter-province"') < html.index('id="filter-city"') < html.index('id="filter-county"')
    form = html.split('id="filter-form"')[1].split("</form>")[0]
    assert form.count("<option") == 3

    def places(level, **params):
        body = nclient.get("/api/places", query_string={"level": level, "limit": 500, **params}).get_json()
        return body, [p["name"] for p in body["places"]]

    _, provinces = places("province")
    assert set(provinces) == {expected_province(r, divisions, plan_provinces) for r in rows} - {""}
    _, cities = places("city")
    assert set(cities) == {r["city"] for r in rows if r["city"]}
    _, gansu_counties = places("county", province="甘肃省")
    assert set(gansu_counties) == {r["county"] for r in rows if r["source_doc"] == PLAN_ID and r["county"]}
    # By pinyin, full or initials, or part of the name, as the planner types it: every county so read, only those.
    everywhere = {r["county"] for r in rows if r["county"]}
    some = sorted(everywhere)[len(rows) % len(everywhere)]
    full, initials = pinyin_keys(some)
    for typed in (full[0][:5], initials[0], some[:1]):
        body, found = places("county", q=typed)
        assert some in found and body["total"] == len(found)
        assert set(found) == {c for c in everywhere if typed in c or typed.isascii() and
                              any(k.startswith(typed) for k in pinyin_keys(c)[0] + pinyin_keys(c)[1])}
        # Grouped: a city's counties together (the usual readings first, then rarer readings and inner matches).
        body, _ = places("county", q=typed)
        first = [(p["province"], p["city"]) for p in body["places"]
                 if p["name"].startswith(typed) or pinyin_keys(p["name"])[0][0].startswith(typed)
                 or pinyin_keys(p["name"])[1][0].startswith(typed)]
        assert all(first.index(group) == i or first[i - 1] == group for i, group in enumerate(first))
    assert nclient.get("/api/places?level=town").status_code == 400


def test_plans_are_grouped_by_level_and_province_with_their_counts(nclient, national, rows):
    documents = read_rows(national[0] / "plans" / "documents.csv")
    html = nclient.get("/plans").get_data(as_text=True)
    levels = re.findall(r'<table class="plans" data-level="([a-z]+)">(.*?)</table>', html, re.S)
    assert [level for level, _ in levels] == [lv for lv in ("national", "province", "city", "county")
                                              if any(level_of(d["city_code"]) == lv for d in documents)]
    for level, table in levels:
        docs = re.findall(r'<tr data-doc="([^"]+)">', table)
        assert sorted(docs) == sorted(d["doc_id"] for d in documents if level_of(d["city_code"]) == level)
        for province, body in re.findall(r'<tbody data-province="([^"]*)">(.*?)</tbody>', table, re.S):
            assert {d["province"] for d in documents if d["doc_id"] in re.findall(r'data-doc="([^"]+)"', body)} == {province}
    plans = {p["doc_id"]: p for p in nclient.get("/api/plans").get_json()["plans"]}
    mine = [r for r in rows if r["source_doc"] == PLAN_ID]
    assert (plans[PLAN_ID]["level"], plans[PLAN_ID]["projects_located"], plans[PLAN_ID]["projects_not_located"]) == (
        "province", sum(1 for r in mine if r["lon"]), sum(1 for r in mine if not r["lon"]))


def level_of(code: str) -> str:
    return "national" if code in ("", "100000") else "province" if code.endswith("0000") else \
        "city" if code.endswith("00") else "county"


def test_plan_page_lists_its_rows_not_on_the_map_and_their_spans(nclient, rows):
    html = nclient.get(f"/plans/{PLAN_ID}").get_data(as_text=True)
    section = re.search(r'<ol class="not-located-list" id="not-located-list">(.*?)</ol>', html, re.S).group(1)
    unlocated = [r for r in rows if r["source_doc"] == PLAN_ID and not r["lon"]]
    assert re.findall(r'<li data-id="([^"]+)">', section) == [r["id"] for r in unlocated]  # in text order
    for row in unlocated:
        assert f'href="#p-{row["id"]}"' in section and f'id="p-{row["id"]}"' in html  # its span in the text
    page = nclient.get(f"/projects/{unlocated[0]['id']}").get_data(as_text=True)
    assert 'id="not-located-box"' in page and 'id="map-config"' not in page  # no map, no invented point
    shipped = nclient.get("/plans/xiaogan_420900").get_data(as_text=True)
    assert 'id="not-located-list"' not in shipped


def test_map_sidebar_links_the_plans_of_a_province(nclient):
    html = nclient.get("/?province=甘肃省").get_data(as_text=True)
    block = html[html.index('id="plan-links"'):html.index("</nav>", html.index('id="plan-links"'))]
    assert re.findall(r'href="/plans/([^"]+)"', block) == [PLAN_ID]
    assert json.loads(re.search(r'<script type="application/json" id="map-config"[^>]*>(.*?)</script>', html, re.S)
                      .group(1))["summary"]["not_located"] == 2


def test_build_stores_county_boundaries_of_city_and_county_plans_only(national):
    import sqlite3

    documents = read_rows(national[0] / "plans" / "documents.csv")
    with sqlite3.connect(national[0] / "registry.db") as conn:
        codes = {r[0] for r in conn.execute("SELECT code FROM county_boundaries")}
    local = [d["city_code"] for d in documents if level_of(d["city_code"]) in ("city", "county")]
    assert codes and all(any(c.startswith(code.rstrip("0")[:4]) for code in local) for c in codes)
    assert not any(c.startswith("62") for c in codes)  # the province plan's 86 counties are the basemap's
