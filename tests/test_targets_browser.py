"""/targets in headless Chromium against a real server, every non-local host blocked.

The map shades exactly the areas of the table's plans that can be drawn, counties above the
provinces that contain them; hovering an area shows its plan's own words; a click (a tap and
the popup's link on a phone) opens the target's span in the plan. Screenshots for the manual
are taken of the registry with plans at every level (tests/compare_registry.py).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from compare_registry import HOSTILE_METRIC, HOSTILE_TITLE, make_registry
from conftest import chromium_context, docs_screenshot, serving
from test_browser import PageWatch

QUERY = "/targets?indicator=non_fossil_share&year=2025"
pytestmark = pytest.mark.browser


def levelled(folder: Path, hostile: bool = False):
    from webmap import create_app

    db = make_registry(folder, hostile=hostile)
    return create_app({"REGISTRY_DB": str(db), "REGISTRY_TILES": "none", "TESTING": True})


@pytest.fixture(scope="module")
def levelled_app(tmp_path_factory):
    return levelled(tmp_path_factory.mktemp("levelled"))


@contextmanager
def desktop():
    with chromium_context(viewport={"width": 1440, "height": 900}, locale="zh-CN") as context:
        yield context


def wait_for_map(page) -> None:
    page.wait_for_function("() => ['ready', 'error'].includes(document.body.dataset.mapState)", timeout=20_000)
    assert page.get_attribute("body", "data-map-state") == "ready"


def table_rows(page) -> list[dict]:
    return page.eval_on_selector_all("#compare-table tbody tr", """rows => rows.map(r => ({
        doc: r.dataset.doc, onMap: r.dataset.onMap === '1',
        words: r.querySelector('a.span-link').textContent, span: r.querySelector('a.span-link').getAttribute('href')}))""")


def shaded(page) -> list[dict]:
    """The areas drawn: one SVG path per plan, with its pane's stacking order."""
    return page.eval_on_selector_all("path.compare-area", """paths => paths.map(p => ({
        doc: p.dataset.doc, level: p.dataset.level, fill: p.getAttribute('fill'),
        z: Number(getComputedStyle(p.closest('.leaflet-pane')).zIndex)}))""")


def area_point(page, doc: str) -> tuple[float, float]:
    """A point of the page inside the plan's area (its area's interior point, from the GeoJSON)."""
    return tuple(page.evaluate("""doc => {
        const map = window.registryCompare.map, layer = window.registryCompare.areas.find(l => l.feature.properties.doc_id === doc);
        const [lon, lat] = layer.feature.properties.point, box = map.getContainer().getBoundingClientRect();
        const p = map.latLngToContainerPoint([lat, lon]);
        return [box.left + p.x, box.top + p.y];
    }""", doc))


def test_map_shades_the_tables_plans_levels_stacked_hover_and_click(tmp_path, levelled_app):
    with serving(levelled_app) as base_url, desktop() as context:
        page = context.new_page()
        watch = PageWatch(page, base_url)
        page.goto(base_url + QUERY, wait_until="load")
        wait_for_map(page)
        rows = table_rows(page)
        areas = shaded(page)
        assert len(areas) == sum(r["onMap"] for r in rows) < len(rows)  # the national plan is listed, not drawn
        assert sorted(a["doc"] for a in areas) == sorted(r["doc"] for r in rows if r["onMap"])
        assert {a["level"] for a in areas} == {"province", "city", "county"}
        # Counties above cities above provinces, so a county inside a shaded province shows.
        z = {level: {a["z"] for a in areas if a["level"] == level} for level in ("province", "city", "county")}
        assert max(z["province"]) < min(z["city"]) and max(z["city"]) < min(z["county"])
        legend = page.locator("#compare-legend li").count()
        assert 1 <= len({a["fill"] for a in areas}) <= legend
        county = next(r for r in rows if r["doc"] == "jinshi_430781")  # 津市市, inside 湖南省 (shaded too)
        x, y = area_point(page, county["doc"])
        assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).dataset.doc", [x, y]) == county["doc"]
        page.mouse.move(x, y)
        tooltip = page.locator(".leaflet-tooltip .area-card")
        tooltip.wait_for(state="visible")
        assert county["words"] in tooltip.text_content()
        docs_screenshot(page, "targets-page.png")
        page.mouse.click(x, y)
        page.wait_for_url("**" + county["span"])
        start, end = county["span"].split("#t-")[1].split("-")
        assert page.locator(f"#t-{start}-{end}").count() == 1
        assert page.evaluate("document.querySelector(':target').id") == f"t-{start}-{end}"
        watch.assert_clean()


def test_phone_layout_a_tap_shows_hostile_words_as_text_and_opens_the_span(tmp_path):
    """On a phone (touch): the layout fits, and a tap on 江西, whose title and words are hostile in this
    registry, shows them as text in the popup, runs nothing, and its link opens the span."""
    app = levelled(tmp_path / "hostile", hostile=True)
    with serving(app) as base_url, chromium_context(viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True,
            is_mobile=True, device_scale_factor=1) as context:
        page = context.new_page()
        watch = PageWatch(page, base_url)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(base_url + QUERY, wait_until="load")
        wait_for_map(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the table scrolls in its own box
        chart = page.locator("#compare-chart").bounding_box()
        assert chart["width"] <= 390 and chart["width"] >= 300
        docs_screenshot(page, "targets-page-phone.png")
        doc = next(r for r in table_rows(page) if r["words"] == HOSTILE_METRIC)
        # The basemap draws after the areas are painted; tapped before it has, the popup's link was once tapped
        # as the page settled and opened nothing (CI). A planner taps a settled map, as here.
        page.evaluate("window.registryBasemap.ready().then(() => true)")
        page.touchscreen.tap(*area_point(page, doc["doc"]))
        link = page.locator(".leaflet-popup .area-link")
        link.wait_for(state="visible")
        assert HOSTILE_METRIC in page.locator(".leaflet-popup .area-metric").text_content()
        assert HOSTILE_TITLE in page.locator(".leaflet-popup .area-title").text_content()
        assert page.locator("img[src=x], .leaflet-popup b, #compare-table b").count() == 0
        assert dialogs == [] and page.title() != "1"
        # The popup pans the map to fit it (Leaflet's autoPan, animated) and the basemap redraws after that move:
        # a planner taps the link where it comes to rest. ready() resolves on the pan's moveend and that redraw.
        page.evaluate("window.registryBasemap.ready().then(() => true)")
        # Nothing lies over the link (a canvas, a name, the map): a tap at its centre reaches it.
        assert page.evaluate("""() => {
            const link = document.querySelector('.leaflet-popup .area-link'), box = link.getBoundingClientRect();
            return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === link; }""")
        link.tap()  # a finger, as on the area: touch events and the click the browser makes of them
        page.wait_for_url("**" + doc["span"])
        watch.assert_clean()


def test_done_when_on_the_shipped_data(tmp_path, app):
    """The issue's check: the table has every plan with the target, the map every one whose area can be drawn."""
    from test_targets_compare import division_levels, drawable, expected, registry_files, shipped_counties
    from conftest import ROOT

    targets, documents = registry_files(ROOT)
    want = expected(targets, documents, "non_fossil_share", 2025)
    levels, counties = division_levels(), shipped_counties()
    with serving(app) as base_url, desktop() as context:
        page = context.new_page()
        watch = PageWatch(page, base_url)
        page.goto(base_url + QUERY, wait_until="load")
        wait_for_map(page)
        rows = table_rows(page)
        assert sorted(r["doc"] for r in rows) == sorted(want["plans"])
        drawn = sorted(a["doc"] for a in shaded(page))
        assert drawn == sorted(d for d in want["plans"] if drawable(documents[d]["city_code"], levels, counties))
        watch.assert_clean()
