"""One indicator across plans: plan areas at build, /api/targets/compare(.geojson), /targets, on real data.

Expectations come from targets.csv, plans/documents.csv and geodata/ read here with the csv and
json modules and plain Python, never from registry.store.target_compare or registry.geo.plan_areas. Two
registries: the shipped one (five city and county plans) and tests/compare_registry.py's, which
adds real provincial, city, county and national plan texts so that every level is exercised.
"""
from __future__ import annotations

import csv
import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from shapely.geometry import Point, shape

from compare_registry import make_registry
from conftest import ROOT, read_rows

GEODATA = ROOT / "geodata"
NOT_COMPARABLE = {"other"}  # README: `other` gathers targets outside the vocabulary


# ---------------------------------------------------------------- the oracle, in plain Python

def division_levels() -> dict[str, int]:
    with open(GEODATA / "divisions.csv", newline="", encoding="utf-8") as handle:
        return {r["code"]: int(r["level"]) for r in csv.DictReader(handle)}


def shipped_counties() -> list[dict]:
    """code, city_code and interior point of every county polygon in geodata/counties.geojson."""
    counties = []
    with open(GEODATA / "counties.geojson", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith('{"type":"Feature"'):
                properties = json.loads(line.rstrip().rstrip(","))["properties"]
                counties.append(properties)
    return counties


def members(code: str, level: int, counties: list[dict]) -> list[dict]:
    """The counties an area is made of: a province's by code prefix, a city's by their city, a county itself."""
    if level == 1:
        return [c for c in counties if c["code"][:2] == code[:2]]
    if level == 2:
        return [c for c in counties if c["city_code"] == code]
    return [c for c in counties if c["code"] == code]


@pytest.fixture(scope="module")
def levels():
    return division_levels()


@pytest.fixture(scope="module")
def counties():
    return shipped_counties()


def drawable(code: str, levels: dict, counties: list[dict]) -> bool:
    return code in levels and bool(members(code, levels[code], counties))


def registry_files(folder: Path) -> tuple[list[dict], dict[str, dict]]:
    """(targets rows, documents by doc_id with their text) of a registry folder."""
    documents = {d["doc_id"]: {**d, "text": (folder / "plans" / d["file"]).read_text(encoding="utf-8")}
                 for d in read_rows(folder / "plans" / "documents.csv")}
    return read_rows(folder / "targets.csv"), documents


def expected(targets: list[dict], documents: dict, indicator: str, year: int) -> dict:
    """Plans setting the indicator for the year (with their first target in the text), for other years, none."""
    rows = [r for r in targets if r["indicator"] == indicator]
    first = {}
    for row in sorted(rows, key=lambda r: (int(r["source_start"]), int(r["source_end"]))):
        if row["year"] == str(year):
            first.setdefault(row["source_doc"], row)
    setting = {r["source_doc"] for r in rows}
    return {"plans": first, "other_years": setting - set(first), "without": set(documents) - setting}


def anchor(row: dict) -> str:
    return f"/plans/{row['source_doc']}#t-{row['source_start']}-{row['source_end']}"


@pytest.fixture(scope="module")
def shipped():
    return registry_files(ROOT)


@pytest.fixture(scope="module")
def levelled_folder(tmp_path_factory) -> Path:
    """Every level, with 江西's title and words hostile (test_hostile_titles_and_words_stay_text)."""
    folder = tmp_path_factory.mktemp("levelled")
    make_registry(folder, hostile=True)
    return folder


@pytest.fixture(scope="module")
def levelled_client(levelled_folder):
    from webmap import create_app

    app = create_app({"REGISTRY_DB": str(levelled_folder / "registry.db"), "REGISTRY_TILES": "none", "TESTING": True})
    return app.test_client()


# ---------------------------------------------------------------- plan areas, built once at `registry build`

def test_plan_areas_are_each_plans_area_dissolved_at_its_level(levelled_folder, levels, counties):
    import sqlite3

    _targets, documents = registry_files(levelled_folder)
    conn = sqlite3.connect(levelled_folder / "registry.db")
    areas = {code: (level, geojson) for code, level, geojson in conn.execute("SELECT code, level, geojson FROM plan_areas")}
    codes = {d["city_code"] for d in documents.values()}
    assert set(areas) == codes
    names = {1: "province", 2: "city", 3: "county"}
    seen_levels = set()
    for code, (level, geojson) in areas.items():
        if code not in levels:  # the national plan's 100000: listed, never drawn
            assert (level, geojson) == ("national", None)
            continue
        assert level == names[levels[code]]
        seen_levels.add(level)
        assert (geojson is not None) == drawable(code, levels, counties)
        geometry = shape(json.loads(geojson))
        assert geometry.is_valid and geometry.geom_type in ("Polygon", "MultiPolygon")
        for polygon in getattr(geometry, "geoms", [geometry]):
            assert polygon.exterior.is_ccw and not any(ring.is_ccw for ring in polygon.interiors)  # RFC 7946
        inside = members(code, levels[code], counties)
        # Every county of the area lies in it (its interior point), and no county outside it does.
        assert all(geometry.covers(Point(c["point"])) for c in inside), code
        west, south, east, north = geometry.bounds
        near = [c for c in counties if c not in inside and west <= c["point"][0] <= east and south <= c["point"][1] <= north]
        assert not [c["code"] for c in near if geometry.contains(Point(c["point"]))], code
        # Dissolved, not a bundle of counties: no county's slivers left as holes, one outline per island.
        assert sum(len(p.interiors) for p in getattr(geometry, "geoms", [geometry])) <= 2
    assert seen_levels == {"province", "city", "county"}


# ---------------------------------------------------------------- the API against targets.csv

def comparable_pairs(targets: list[dict]) -> list[tuple[str, int]]:
    return sorted({(r["indicator"], int(r["year"])) for r in targets if r["year"] and r["indicator"] not in NOT_COMPARABLE})


def check_comparison(body: dict, want: dict, documents: dict, levels, counties) -> None:
    assert body["total"] == len(body["plans"]) == len(want["plans"])
    got = {p["doc_id"]: p for p in body["plans"]}
    assert set(got) == set(want["plans"])
    for doc, row in want["plans"].items():
        plan = got[doc]
        assert plan["value"] == float(row["value_normalised"]) and plan["unit"] == row["unit_normalised"]
        assert plan["metric"] == row["metric"] and plan["year"] == int(row["year"])
        assert plan["span_url"] == anchor(row)
        text = documents[doc]["text"]
        assert plan["quote"] == " ".join(text[int(row["source_start"]):int(row["source_end"])].split())
        assert plan["on_map"] == drawable(documents[doc]["city_code"], levels, counties)
    assert {p["doc_id"] for p in body["other_years"]} == want["other_years"]
    assert {p["doc_id"] for p in body["without"]} == want["without"]
    values = [p["value"] for p in body["plans"]]
    assert values == sorted(values, reverse=True)  # by value, highest first, unless asked otherwise
    # Classes: every plan in the one whose range holds its value, coloured as it.
    for plan in body["plans"]:
        cls = body["classes"][plan["class"]]
        assert cls["min"] <= plan["value"] <= cls["max"] and cls["colour"] == plan["colour"]
    assert sum(c["plans"] for c in body["classes"]) == body["total"]


def test_every_indicator_and_year_of_the_shipped_targets(client, shipped, levels, counties):
    targets, documents = shipped
    pairs = comparable_pairs(targets)
    assert len(pairs) > 20
    for indicator, year in pairs:
        body = client.get(f"/api/targets/compare?indicator={indicator}&year={year}").get_json()
        assert body["indicator"]["key"] == indicator and body["year"] == year, (indicator, year)
        check_comparison(body, expected(targets, documents, indicator, year), documents, levels, counties)


def test_every_indicator_and_year_at_every_level(levelled_client, levelled_folder, levels, counties):
    targets, documents = registry_files(levelled_folder)
    for indicator, year in comparable_pairs(targets):
        body = levelled_client.get(f"/api/targets/compare?indicator={indicator}&year={year}").get_json()
        check_comparison(body, expected(targets, documents, indicator, year), documents, levels, counties)
    body = levelled_client.get("/api/targets/compare?indicator=non_fossil_share&year=2025").get_json()
    assert {p["level"] for p in body["plans"]} == {"national", "province", "city", "county"}
    # Every plan that sets the share sets it for 2025; for 2030 some set another year and some none.
    body = levelled_client.get("/api/targets/compare?indicator=non_fossil_share&year=2030").get_json()
    assert body["other_years"] and body["without"]


def test_default_is_the_indicator_most_plans_set_and_its_commonest_year(client, shipped):
    targets, _documents = shipped
    plans = Counter()
    for indicator, doc in {(r["indicator"], r["source_doc"]) for r in targets if r["indicator"] not in NOT_COMPARABLE}:
        plans[indicator] += 1
    top = max(plans.values())
    body = client.get("/api/targets/compare").get_json()
    assert plans[body["indicator"]["key"]] == top
    years = Counter(y for y, _d in {(r["year"], r["source_doc"]) for r in targets
                                    if r["indicator"] == body["indicator"]["key"] and r["year"]})
    assert years[str(body["year"])] == max(years.values())
    assert body["links"]["page"] == f"/targets?indicator={body['indicator']['key']}&year={body['year']}"


@pytest.mark.parametrize("query, parameter", [
    ("indicator=solar", "indicator"), ("indicator=other", "indicator"), ("year=20x5", "year"), ("year=1066", "year"),
    ("year=２０２５", "year"), ("indicator=non_fossil_share&indicator=wind_capacity", "indicator"),
    ("year=2025&year=2030", "year"), ("sort=capacity", "sort"), ("order=up", "order"),
])
def test_bad_parameters_are_json_400_naming_them(client, query, parameter):
    for path in ("/api/targets/compare", "/api/targets/compare.geojson"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400 and response.is_json, (path, query)
        assert response.get_json()["error"]["parameter"] == parameter
    page = client.get(f"/targets?{query}")
    assert page.status_code == 400
    assert f'data-parameter="{parameter}"' in page.get_data(as_text=True)


def test_a_year_without_targets_lists_the_years_there_are(client, shipped):
    targets, _documents = shipped
    years = {int(r["year"]) for r in targets if r["indicator"] == "non_fossil_share" and r["year"]}
    body = client.get("/api/targets/compare?indicator=non_fossil_share&year=2099").get_json()
    assert body["total"] == 0 and {y["year"] for y in body["years"]} == years
    html = client.get("/targets?indicator=non_fossil_share&year=2099").get_data(as_text=True)
    assert all(f"/targets?indicator=non_fossil_share&amp;year={y}" in html for y in years)


def test_geojson_and_csv_exports_are_the_tables_rows(levelled_client, levelled_folder):
    targets, documents = registry_files(levelled_folder)
    body = levelled_client.get("/api/targets/compare?indicator=non_fossil_share&year=2025").get_json()
    response = levelled_client.get(body["links"]["geojson"])
    assert response.mimetype == "application/geo+json"
    collection = response.get_json()
    features = collection["features"]
    assert [f["id"] for f in features] == [f["properties"]["doc_id"] for f in features]
    on_map = {p["doc_id"]: p for p in body["plans"] if p["on_map"]}
    assert sorted(f["id"] for f in features) == sorted(on_map)
    for feature in features:
        plan = on_map[feature["id"]]
        for key in ("value", "unit", "year", "metric", "quote", "colour", "span_url", "level", "title"):
            assert feature["properties"][key] == plan[key]
        geometry = shape(feature["geometry"])
        assert geometry.covers(Point(feature["properties"]["point"]))
    ranks = [["province", "city", "county"].index(f["properties"]["level"]) for f in features]
    assert ranks == sorted(ranks)  # drawn in this order, counties end on top
    csv_text = levelled_client.get(body["links"]["csv"]).get_data(as_text=True)
    exported = list(csv.DictReader(csv_text.splitlines()))
    assert sorted((r["source_doc"], r["source_start"]) for r in exported) == sorted(
        (r["source_doc"], r["source_start"]) for r in targets if r["indicator"] == "non_fossil_share" and r["year"] == "2025")


# ---------------------------------------------------------------- the page

class ComparePage(HTMLParser):
    """Rows of #compare-table, bars of #compare-chart, the absent plans' lists, and every link."""

    def __init__(self, html: str):
        super().__init__()
        self.rows, self.bars, self.lists, self.links = [], [], {}, []
        self._list = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-doc" in attrs:
            self.rows.append({**attrs, "links": []})
        elif tag == "a" and "bar" in (attrs.get("class") or "").split():
            self.bars.append(attrs)
        elif tag == "ul" and attrs.get("id") in ("other-years", "without", "other-scales"):
            self._list = self.lists.setdefault(attrs["id"], [])
        elif tag == "li" and self._list is not None:
            self._list.append(attrs.get("data-doc"))
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
            if self.rows and "span-link" in (attrs.get("class") or ""):
                self.rows[-1]["links"].append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "ul":
            self._list = None


def test_page_table_chart_and_absent_plans(levelled_client, levelled_folder, levels, counties):
    targets, documents = registry_files(levelled_folder)
    want = expected(targets, documents, "non_fossil_share", 2025)
    html = levelled_client.get("/targets?indicator=non_fossil_share&year=2025").get_data(as_text=True)
    page = ComparePage(html)
    assert {r["data-doc"] for r in page.rows} == set(want["plans"])
    for row in page.rows:
        assert row["links"] == [anchor(want["plans"][row["data-doc"]])]
        assert row["data-on-map"] == str(int(drawable(documents[row["data-doc"]]["city_code"], levels, counties)))
    values = [float(r["data-value"]) for r in page.rows]
    assert values == sorted(values, reverse=True)
    assert [b["data-doc"] for b in page.bars] == [r["data-doc"] for r in page.rows]  # highest first, too
    assert all(b["href"] == anchor(want["plans"][b["data-doc"]]) for b in page.bars)
    assert set(page.lists.get("other-years", [])) == want["other_years"]
    assert set(page.lists.get("without", [])) == want["without"]
    # For 2030 both lists are there: the plans that set the share for another year only, and those that never do.
    later = expected(targets, documents, "non_fossil_share", 2030)
    lists = ComparePage(levelled_client.get("/targets?indicator=non_fossil_share&year=2030").get_data(as_text=True)).lists
    assert later["other_years"] and later["without"]
    assert set(lists["other-years"]) == later["other_years"] and set(lists["without"]) == later["without"]
    summary = re.search(r'<p class="compare-summary"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert f"目标年份 2025：{len(want['plans'])} 份规划" in summary and "非化石能源消费比重" in summary
    not_drawn = [d for d in want["plans"] if not drawable(documents[d]["city_code"], levels, counties)]
    assert not_drawn and 'id="not-on-map"' in html
    # The national plan is listed with its own reason: it covers every area, so it is not shaded over them.
    not_on_map = re.search(r'<p class="not-on-map".*?</p>', html, re.S).group(0)
    assert "china_100000" in not_on_map and "全国性规划覆盖全部地区" in not_on_map
    # Sorted by value ascending on request; the export links carry the same query.
    ascending = ComparePage(levelled_client.get("/targets?indicator=non_fossil_share&year=2025&sort=value&order=asc")
                            .get_data(as_text=True))
    assert [float(r["data-value"]) for r in ascending.rows] == sorted(values)
    for link in ("/api/targets.csv?", "/api/targets/compare.geojson?"):
        href = next(h for h in page.links if h.startswith(link))
        assert parse_qs(urlsplit(href).query) == {"indicator": ["non_fossil_share"], "year": ["2025"]}


def test_done_when_non_fossil_share_2025_every_plan_at_its_span(client, shipped, levels, counties):
    """The issue's check on the shipped data: every plan with the target is a row, linked to its span."""
    targets, documents = shipped
    want = expected(targets, documents, "non_fossil_share", 2025)
    page = ComparePage(client.get("/targets?indicator=non_fossil_share&year=2025").get_data(as_text=True))
    assert len(page.rows) == len(want["plans"]) >= 3
    on_map = [r for r in page.rows if r["data-on-map"] == "1"]
    assert len(on_map) == sum(drawable(documents[d]["city_code"], levels, counties) for d in want["plans"])
    for row in page.rows:
        target = want["plans"][row["data-doc"]]
        start, end = int(target["source_start"]), int(target["source_end"])
        assert f"{float(target['value']):g}" in re.sub(r"\s", "", documents[row["data-doc"]]["text"][start:end])
        html = client.get(row["links"][0].split("#")[0]).get_data(as_text=True)
        assert f'id="t-{start}-{end}"' in html


def test_nav_and_plan_pages_link_to_the_comparison(client, shipped):
    targets, _documents = shipped
    assert 'href="/targets"' in client.get("/plans").get_data(as_text=True)
    for doc in sorted({r["source_doc"] for r in targets}):
        html = client.get(f"/plans/{doc}").get_data(as_text=True)
        mine = [r for r in targets if r["source_doc"] == doc and r["indicator"] not in NOT_COMPARABLE]
        for row in mine:
            assert f'href="/targets?indicator={row["indicator"]}"' in html
            if row["year"]:
                assert f'href="/targets?indicator={row["indicator"]}&amp;year={row["year"]}"' in html


def test_hostile_titles_and_words_stay_text(levelled_client):
    from compare_registry import HOSTILE_METRIC, HOSTILE_TITLE

    client = levelled_client
    html = client.get("/targets?indicator=non_fossil_share&year=2025").get_data(as_text=True)
    assert "<img src=x" not in html and "<script>alert" not in html and "<b onmouseover" not in html
    assert "&lt;img src=x" in html and "&lt;b onmouseover=alert(2)&gt;" in html
    geojson = client.get("/api/targets/compare.geojson?indicator=non_fossil_share&year=2025").get_json()
    jiangxi = next(f for f in geojson["features"] if f["properties"]["title"] == HOSTILE_TITLE)
    assert jiangxi["properties"]["metric"] == HOSTILE_METRIC


def test_cli_compare_is_the_pages_table(levelled_folder, levels, counties):
    import subprocess
    import sys

    targets, documents = registry_files(levelled_folder)
    want = expected(targets, documents, "non_fossil_share", 2025)
    done = subprocess.run([sys.executable, "-m", "registry.cli", "compare", "--db", str(levelled_folder / "registry.db"),
                           "--indicator", "non_fossil_share", "--year", "2025", "--format", "csv"],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert {r["doc_id"]: (r["value"], r["source_start"]) for r in rows} == {
        d: (f"{float(t['value_normalised']):g}", t["source_start"]) for d, t in want["plans"].items()}
    assert [float(r["value"]) for r in rows] == sorted((float(r["value"]) for r in rows), reverse=True)
    bad = subprocess.run([sys.executable, "-m", "registry.cli", "compare", "--db", str(levelled_folder / "registry.db"),
                          "--indicator", "non_fossil"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert bad.returncode == 1 and bad.stderr.startswith("error: --indicator:") and "Traceback" not in bad.stderr


def test_reductions_from_different_base_years_share_no_scale(levelled_client, levelled_folder):
    from compare_registry import NATIONAL_TEXT
    from registry.store.target_compare import base_year, choose_scale, on_scale

    hainan = (ROOT / "plans" / "hainan_460000.txt").read_text(encoding="utf-8")
    # Read from the sentence up to the span's end, the last base year named before the number.
    cut = NATIONAL_TEXT.index("下降18%")
    assert base_year(NATIONAL_TEXT[:cut], "下降18%") == 2020
    cut = hainan.index("下降65%")
    assert base_year(hainan[:cut], "下降65%") == 2005
    cut = NATIONAL_TEXT.index("下降13.5%")
    assert base_year(NATIONAL_TEXT[:cut], "下降13.5%") == 2020
    assert base_year("到2025年，碳排放强度", "下降19.5%") is None  # 2025 is the target year, not a base
    assert base_year("比2005年提高。能耗强度", "下降14.5%") is None  # another sentence's base year
    # A plan whose reduction is from another base year is listed apart, never put on the scale.
    firsts = [{"unit_normalised": "%", "base_year": 2020}, {"unit_normalised": "%", "base_year": 2020},
              {"unit_normalised": "%", "base_year": None}, {"unit_normalised": "%", "base_year": 2005}]
    unit, base = choose_scale(firsts)
    assert (unit, base) == ("%", 2020) and [on_scale(f, unit, base) for f in firsts] == [True, True, True, False]
    # In the registry: both 2030 reductions are from 2005, and the page says so.
    body = levelled_client.get("/api/targets/compare?indicator=carbon_intensity_reduction&year=2030").get_json()
    assert body["base_year"] == 2005 and "比2005年" in body["description"]
    assert {p["doc_id"] for p in body["plans"]} >= {"china_100000", "hainan_460000"}
    assert all(p["base_year"] in (None, 2005) for p in body["plans"]) and body["other_scales"] == []
