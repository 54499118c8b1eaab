"""Hostile strings in the data are shown as text everywhere, never run.

Rows whose names, places and quotes carry <script>, "><img onerror=…>, javascript: links,
SQL quotes, template syntax and spreadsheet formulas go through `registry build`, then the
list, the project pages, the API, both exports and (in headless Chromium) the map's popups
and tooltips, which fetch the project when they open. The `q` search takes FTS5 query
syntax as plain text and never raises.
"""
from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import SHIPPED_CSV, chromium_context, serving
from registry.store.store import build

# Each name carries a unique tag (HX01 …) so a search can pick its row alone.
HOSTILE_NAMES = [
    '<script>alert("HX01")</script>大悟光伏',
    '"><img src=x onerror=alert("HX02")>抽水蓄能',
    "javascript:alert('HX03')",
    "O'Brien \"HX04\"; DROP TABLE projects; --",
    'NEAR("光伏" "储能") * -HX05 OR name:x^',
    '=HYPERLINK("http://evil.example/HX06","点我")',
    "+HX07 cmd|' /C calc'!A0",
    "@HX08 SUM(1+1)",
    "-HX09 2+3",
    "</script><script>alert('HX10')</script>",
    "{{7*7}} ${alert('HX11')} `HX11` \\u003cb\\u003e",
    "';alert(String.fromCharCode(72,88,49,50))//HX12\\';</title><svg onload=alert(12)>",
]
HOSTILE_PLACES = ['"><svg onload=alert("county")>县', "<b onmouseover=alert(1)>镇</b>", "javascript:void(0)//",
                  "=cmd|' /C calc'!A0", "'; DROP TABLE projects; --"]
# FTS5 query syntax and SQL quoting, searched as text.
HOSTILE_QUERIES = ['"', '""', "'", "*", "-", "NEAR(", 'NEAR("a" "b")', "a OR b", "NOT x", "name:x", "^光伏",
                   "光伏*", '"光伏', "' OR '1'='1", "1; DROP TABLE projects", "(", ")", "{}", "%", "_", "\\",
                   "HX0", "<script>", "onerror", "DROP TABLE", "a AND", "+", ":", "AND", "OR", "NOT", "\u3000", "🌞"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMERIC = {"capacity_mw", "voltage_kv", "target_year", "lon", "lat", "source_start", "source_end"}


def hostile_rows() -> tuple[list[str], list[dict]]:
    with open(SHIPPED_CSV, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header, rows = list(reader.fieldnames), list(reader)
    located = [r for r in rows if (r.get("lon") or "").strip()]
    lines = [r for r in located if (r.get("geometry_wkt") or "").strip()]
    points = [r for r in located if not (r.get("geometry_wkt") or "").strip()]
    extra = []
    for n, name in enumerate(HOSTILE_NAMES):
        # Mostly points; every fourth a line (if the data has lines), so both popup paths are tried.
        base = lines[n % len(lines)] if lines and n % 4 == 3 else points[n % len(points)]
        row = dict(base, id=f"hostile-{n + 1:02d}", name=name)
        if n % 3 == 0:
            row["county"] = HOSTILE_PLACES[n % len(HOSTILE_PLACES)]
        row["town"] = HOSTILE_PLACES[(n + 1) % len(HOSTILE_PLACES)]
        row["site"] = HOSTILE_NAMES[(n + 5) % len(HOSTILE_NAMES)].replace("HX", "SX")  # tags stay unique to names
        row["capacity_text"] = "=1+1" if n % 2 else "-2+3"
        row["source_section"] = "@SUM(A1:A9) " + HOSTILE_PLACES[n % len(HOSTILE_PLACES)]
        extra.append(row)
    return header, rows + extra


HEADER, ROWS = hostile_rows()
HOSTILE = [r for r in ROWS if r["id"].startswith("hostile-")]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    csv_path = folder / "hostile.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(ROWS)
    db = folder / "registry.db"
    build(csv_path, db)
    return db


@pytest.fixture(scope="module")
def hostile_app(hostile_db):
    from webmap import create_app

    return create_app({"REGISTRY_DB": str(hostile_db), "REGISTRY_TILES": "none", "TESTING": True})


@pytest.fixture
def web(hostile_app):
    return hostile_app.test_client()


class Page(HTMLParser):
    """Text, elements and attributes of an HTML page, as a browser's parser would see them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text_parts, self.elements, self.scripts, self._in_script = [], [], [], False
        self.feed(html)
        self.close()
        self.text = "".join(self.text_parts)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append([dict(attrs).get("type") or "text/javascript", ""])

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1][1] += data
        else:
            self.text_parts.append(data)


def assert_nothing_injected(html: str) -> Page:
    page = Page(html)
    for tag, attrs in page.elements:
        assert not (tag == "img" and attrs.get("src") == "x"), f"injected <img>: {attrs}"
        assert tag != "svg", f"injected <svg>: {attrs}"
        for name, value in attrs.items():
            assert not (name.startswith("on") and value and "alert" in value), f"injected handler <{tag} {name}={value!r}>"
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:text/html")), (tag, name, value)
    for kind, script in page.scripts:
        if kind == "application/json":
            json.loads(script)  # data stayed data: the JSON block was not broken out of
        else:
            assert "alert(" not in script and "HX" not in script, f"data inside a <script>: {script[:200]!r}"
    return page


def test_list_shows_every_hostile_name_as_text(web):
    response = web.get("/projects?per_page=1000")
    assert response.status_code == 200
    page = assert_nothing_injected(response.get_data(as_text=True))
    for row in HOSTILE:
        assert row["name"] in page.text, row["id"]


@pytest.mark.parametrize("row", HOSTILE, ids=[r["id"] for r in HOSTILE])
def test_project_page_shows_the_hostile_row_as_text(web, row):
    response = web.get(f"/projects/{row['id']}")
    assert response.status_code == 200
    page = assert_nothing_injected(response.get_data(as_text=True))
    for column in ("name", "county", "town", "site", "capacity_text"):
        assert row[column].strip() in page.text, column


def test_map_page_and_filter_form_escape_hostile_places(web):
    response = web.get("/")
    assert response.status_code == 200
    page = assert_nothing_injected(response.get_data(as_text=True))
    # The pickers list no places in the page: they come as JSON from /api/places, and a chosen one is a ticked box.
    for place in {r["county"] for r in HOSTILE}:
        found = web.get("/api/places", query_string={"level": "county", "q": place}).get_json()["places"]
        assert place in [p["name"] for p in found]  # the value round-trips exactly, quotes and all
        chosen = web.get("/", query_string={"county": place})
        assert chosen.status_code == 200
        boxes = [attrs.get("value") for tag, attrs in assert_nothing_injected(chosen.get_data(as_text=True)).elements
                 if tag == "input" and attrs.get("name") == "county" and attrs.get("type") == "checkbox"]
        assert boxes == [place]


def test_api_and_geojson_give_the_strings_back_exactly(web):
    api = web.get("/api/projects?per_page=1000").get_json()
    by_id = {p["id"]: p for p in api["projects"]}
    geojson = json.loads(web.get("/export.geojson").get_data(as_text=True))
    features = {f["id"]: f["properties"] for f in geojson["features"]}
    feed = json.loads(web.get("/api/map.json").get_data(as_text=True))
    map_types = {r[0]: r[1] for r in feed["rows"]}  # the feed has no names: popups fetch /api/projects/<id>
    for row in HOSTILE:
        for column in ("name", "county", "town", "site", "capacity_text", "source_section"):
            assert by_id[row["id"]][column] == row[column].strip()
            assert features[row["id"]][column] == row[column].strip()
        assert map_types[row["id"]] == row["type"]
        single = web.get(f"/api/projects/{quote(row['id'])}").get_json()
        assert single["name"] == row["name"] and single["url"] == f"/projects/{row['id']}"


def test_csv_export_neutralises_formulas_and_keeps_everything_else(web):
    response = web.get("/export.csv?header=code")
    assert response.status_code == 200
    exported = list(csv.DictReader(io.StringIO(response.get_data(as_text=True), newline="")))
    assert len(exported) == len(ROWS)
    by_id = {r["id"]: r for r in exported}
    for row in ROWS:
        out = by_id[row["id"].strip()]
        for column in HEADER:
            if column in NUMERIC:
                continue
            value = row[column].strip()
            cell = out[column]
            assert not cell.startswith(FORMULA_STARTS), (row["id"], column, cell)
            assert cell == ("'" + value if value.startswith(FORMULA_STARTS) else value), (row["id"], column)
    assert any(c.startswith("'=") for c in (by_id[r["id"]]["name"] for r in HOSTILE))


@pytest.mark.parametrize("fmt", ["xlsx", "gpkg", "kml"])
def test_a_filter_of_characters_xml_cannot_hold_still_exports_whole(web, tmp_path, fmt):
    # q=\ufffe (a Unicode non-character) once made the workbook's About sheet, which writes the filter, a 500.
    response = web.get(f"/export.{fmt}", query_string={"q": "\ufffe\x01\uffff"})
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    path = tmp_path / f"out.{fmt}"
    path.write_bytes(response.get_data())
    if fmt == "xlsx":
        from openpyxl import load_workbook

        about = load_workbook(path, read_only=True)["About 说明"]
        assert any("\ufffe" not in str(cell) for row in about.iter_rows(values_only=True) for cell in row)
    else:
        import pyogrio

        layers = [name for name, _ in pyogrio.list_layers(path)]
        assert layers and all(pyogrio.read_info(path, layer=name)["features"] == 0 for name in layers)


@pytest.mark.parametrize("q", HOSTILE_QUERIES)
def test_search_takes_query_syntax_as_text(web, select, q):
    response = web.get("/api/projects?per_page=1000&q=" + quote(q))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    found = {p["id"] for p in response.get_json()["projects"]}
    assert found == {r["id"] for r in select(ROWS, q=q.strip())}
    for path in ("/projects", "/", "/export.csv", "/export.geojson", "/api/facets", "/api/map.json"):
        response = web.get(f"{path}?q=" + quote(q))
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        if path in ("/projects", "/"):
            page = assert_nothing_injected(response.get_data(as_text=True))
            search_box = [a for t, a in page.elements if t == "input" and a.get("name") == "q"]
            assert search_box and search_box[0].get("value") == q  # the form shows what was typed, as typed


def test_hostile_query_in_every_parameter_is_text_in_the_error_page(web):
    payload = '"><script>alert("HXq")</script>'
    for parameter in ("type", "stage", "min_mw", "sort", "order", "page"):
        response = web.get(f"/projects?{parameter}=" + quote(payload))
        assert response.status_code == 400
        assert_nothing_injected(response.get_data(as_text=True))
        api = web.get(f"/api/projects?{parameter}=" + quote(payload))
        assert api.status_code == 400 and api.get_json()["error"]["parameter"] == parameter


# ---------------------------------------------------------------- the map in a real browser

@pytest.fixture(scope="module")
def hostile_server(hostile_app):
    with serving(hostile_app) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    with chromium_context(viewport={"width": 1200, "height": 800}) as context:
        yield context


FIND_MARKER = """() => {
  // Projects are painted on canvases: aim at the painted symbol, or at a vertex of the line.
  const map = window.registryMap.map, box = map.getContainer().getBoundingClientRect();
  const symbol = window.registryMap.drawn()[0], line = window.registryMap.lines()[0];
  const point = symbol || (line && line.point);
  return point ? [box.left + point.x, box.top + point.y] : null;
}"""

INJECTED = """() => ({
  imgs: document.querySelectorAll('img[src="x"], img[onerror], svg[onload], [onmouseover]').length,
  js_links: Array.from(document.querySelectorAll('a[href]')).filter(a => a.href.trim().toLowerCase().startsWith('javascript:')).length,
  hx_scripts: Array.from(document.scripts).filter(s => s.type !== 'application/json' && s.textContent.includes('HX')).length,
})"""


@pytest.mark.browser
@pytest.mark.parametrize("row", [r for r in HOSTILE if any(t in r["name"] for t in ("<", "javascript:", "'"))][:5],
                         ids=lambda r: r["id"])
def test_map_popup_and_tooltip_show_hostile_text_and_run_nothing(chromium, hostile_server, row):
    page = chromium.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    # The internet is blocked: only the test server answers.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith((hostile_server, "data:"))
               else route.abort("blockedbyclient"))
    try:
        tag = row["name"][row["name"].index("HX"):][:4]
        page.goto(f"{hostile_server}/?q={quote(tag)}")
        page.wait_for_function("() => ['ready', 'error'].includes(document.body.dataset.mapState)", timeout=20_000)
        assert page.get_attribute("body", "data-map-state") == "ready"
        assert page.get_attribute("#drawn-count", "data-drawn") == "1"
        position = page.evaluate(FIND_MARKER)
        assert position, "the hostile project is not on the map"
        # Hover for the tooltip, click for the popup, as a planner would. Each shows "…" until
        # map.js has fetched the project (/api/projects/<id>), then the name: wait for that.
        page.mouse.move(position[0] + 1, position[1] + 1)
        page.mouse.move(position[0], position[1])
        page.wait_for_selector(".leaflet-tooltip .project-tooltip[data-state=ready]", timeout=5000)
        tooltip = page.text_content(".leaflet-tooltip")
        page.mouse.click(position[0], position[1])
        page.wait_for_selector(".leaflet-popup-content .project-popup[data-state=ready]", timeout=5000)
        popup_name = page.text_content(".leaflet-popup-content .popup-name")
        popup_text = page.text_content(".leaflet-popup-content")
        link = page.get_attribute(".leaflet-popup-content a.popup-link", "href")
        page.wait_for_timeout(300)  # give an injected onerror/onload the time to fire
        injected = page.evaluate(INJECTED)
    finally:
        page.close()
    assert dialogs == [], f"a dialog fired: {dialogs}"
    assert errors == [], errors
    assert tooltip == row["name"]
    assert popup_name == row["name"]
    place = " ".join(v for v in (row["city"], row["county"], row["town"]) if v.strip())
    assert place in popup_text
    assert link.endswith(f"/projects/{quote(row['id'])}") and not link.lower().startswith("javascript:")
    assert injected == {"imgs": 0, "js_links": 0, "hx_scripts": 0}


@pytest.mark.browser
def test_project_page_map_and_whole_map_run_nothing(chromium, hostile_server):
    page = chromium.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith((hostile_server, "data:"))
               else route.abort("blockedbyclient"))
    try:
        page.goto(f"{hostile_server}/")
        page.wait_for_function("() => ['ready', 'error'].includes(document.body.dataset.mapState)", timeout=20_000)
        assert page.get_attribute("body", "data-map-state") == "ready"
        for row in HOSTILE[:3]:
            page.goto(f"{hostile_server}/projects/{row['id']}")
            page.wait_for_function("() => ['ready', 'error'].includes(document.body.dataset.mapState)", timeout=20_000)
            assert page.text_content("#project-name") == row["name"]
            assert row["name"] in page.title()
        page.goto(f"{hostile_server}/projects?per_page=1000")
        page.wait_for_timeout(300)
        injected = page.evaluate(INJECTED)
    finally:
        page.close()
    assert dialogs == []
    assert injected == {"imgs": 0, "js_links": 0, "hx_scripts": 0}
