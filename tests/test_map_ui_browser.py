"""The map's furniture in headless Chromium, offline, at 1440×900, 1366×768 and a 390×844 phone (issue 21):
the fitted view clear of every control for every type filter, place names clear of the symbols, cells' symbols
that never overlap at national zooms, the phone's popup, filter button and tap targets, and print.

Expectations come from the shipped CSV rows and the division list, read with the csv module.
"""
from __future__ import annotations

import io
import unicodedata
from itertools import combinations
from urllib.parse import quote

import numpy as np
import pytest

from conftest import chromium_context, serving
from test_basemap import names_of_projects_areas
from test_browser import PageWatch, symbols_under_controls

pytestmark = pytest.mark.browser
SIZES = {"1440x900": (1440, 900), "1366x768": (1366, 768), "390x844": (390, 844)}
LAND = (0xf6, 0xf4, 0xee)  # the basemap's land fill (static/basemap.js LAND)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium_context(viewport={"width": 1440, "height": 900},
                          locale="zh-CN") as context:
        yield context


@pytest.fixture(scope="module")
def contexts(browser):
    """Pages at each screen size (one Chromium: Playwright's sync API runs one at a time)."""
    return {name: (browser, size) for name, size in SIZES.items()}


def open_map(context, base, path="/"):
    browser, (width, height) = context
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": height})
    watch = PageWatch(page, base)
    page.goto(base + path, wait_until="load")
    page.wait_for_function("() => ['ready', 'error'].includes(document.body.dataset.mapState)", timeout=20_000)
    assert page.get_attribute("body", "data-map-state") == "ready"
    page.evaluate("window.registryBasemap.ready().then(() => true)")
    return page, watch


def wait_for_follow_ups(page) -> None:
    """Until the requests a drawn map makes after "ready" are answered: the table of the projects in view and the
    county outlines. A test that navigates on before then makes Chromium abort them (net::ERR_ABORTED), which its
    PageWatch reports as failed requests, the more often the slower the server answers (a loaded machine)."""
    page.wait_for_selector("#in-view[data-state=ready]", state="attached", timeout=20_000)
    page.wait_for_function("""() => performance.getEntriesByType('resource')
        .some(entry => new URL(entry.name).pathname.endsWith('/api/boundaries.geojson'))""", timeout=20_000)


def located_types(rows) -> list[str]:
    return sorted({r["type"] for r in rows if r["lon"] and r["lat"]})


@pytest.fixture(scope="module")
def plain_server(registry_db):
    """The app without its basemap: the fit and the controls do not depend on it, and 66 pages load faster."""
    from webmap import create_app

    with serving(create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_TILES": "none", "REGISTRY_BASEMAP": "off"})) as url:
        yield url


@pytest.mark.parametrize("size", SIZES)
def test_no_symbol_under_any_control_at_the_fitted_view_for_every_type(contexts, plain_server, registry_rows, size):
    page, watch = open_map(contexts[size], plain_server)
    for chosen in located_types(registry_rows):
        wait_for_follow_ups(page)  # the page before is done, so leaving it aborts none of its requests
        page.goto(f"{plain_server}/?type={chosen}", wait_until="load")  # a fresh page load: its own fit
        page.wait_for_function("() => ['ready', 'error'].includes(document.body.dataset.mapState)", timeout=20_000)
        assert page.get_attribute("body", "data-map-state") == "ready", chosen
        assert page.evaluate("window.registryMap.drawn()"), chosen
        assert symbols_under_controls(page) == [], chosen
        # Every control, the legend and the filter button included, is inside the map's container.
        assert page.evaluate("""() => {
            const map = window.registryMap.map.getContainer();
            return ['#map-legend', '#map-filter-button', '.leaflet-control-zoom', '.leaflet-control-scale',
                    '.leaflet-control-attribution', '.leaflet-control-layers'].every(s => map.contains(document.querySelector(s)));
        }"""), chosen
    watch.assert_clean()
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_legend_folds_on_phones_and_shows_the_location_key_unscrolled_on_desktops(contexts, live_server, size):
    page, watch = open_map(contexts[size], live_server)
    legend = page.evaluate("""() => {
        const legend = document.getElementById('map-legend'), key = legend.querySelector('.legend-precision');
        const l = legend.getBoundingClientRect(), k = key.getBoundingClientRect();
        return {open: legend.open, scrolled: legend.scrollTop, keyInside: k.top >= l.top && k.bottom <= l.bottom};
    }""")
    if SIZES[size][0] < 800:
        assert legend["open"] is False
        page.click("#map-legend > summary")
    else:
        assert legend == {"open": True, "scrolled": 0, "keyInside": True}
    assert page.evaluate("document.getElementById('map-legend').open") is True
    watch.assert_clean()
    page.close()


def label_collisions(page, names: set[str]) -> tuple[list, list]:
    """(labels shown whose text is one of `names`, those of them that a painted symbol's circle touches)."""
    return page.evaluate("""(names) => {
        const box = window.registryMap.map.getContainer().getBoundingClientRect();
        const symbols = window.registryMap.drawn();
        const shown = [...document.querySelectorAll('.basemap-label')].filter(el => names.includes(el.textContent))
            .map(el => { const r = el.querySelector('.basemap-label-text').getBoundingClientRect();
                         return {text: el.textContent, l: r.left - box.left, t: r.top - box.top,
                                 r: r.right - box.left, b: r.bottom - box.top}; })
            .filter(b => b.l >= 0 && b.t >= 0 && b.r <= box.width && b.b <= box.height);
        const covered = shown.filter(b => symbols.some(s => {
            const x = Math.max(b.l, Math.min(s.x, b.r)), y = Math.max(b.t, Math.min(s.y, b.b));
            return Math.hypot(s.x - x, s.y - y) < s.r;
        }));
        return [shown, covered];
    }""", sorted(names))


@pytest.mark.parametrize("size", SIZES)
def test_names_of_the_areas_with_projects_are_not_covered_by_symbols(contexts, live_server, registry_rows, size):
    provinces, prefectures = names_of_projects_areas(registry_rows)
    hubei = [r for r in registry_rows if r["division_code"].startswith("42")]
    # The default view (all of China: prefectures are named from zoom 6) and 湖北's, where they are.
    for path, names in (("/", prefectures), ("/?province=" + quote("湖北省"), names_of_projects_areas(hubei)[1])):
        page, watch = open_map(contexts[size], live_server, path)
        shown, covered = label_collisions(page, names)
        if SIZES[size][0] >= 800:
            assert covered == [], (path, covered)
        else:
            # A phone's 湖北 view (zoom 6, 390 px) has no spot near 孝感's point clear of its symbols: a name is not
            # moved onto a neighbouring prefecture (that would misname it); it stays on its point above the symbols.
            assert len(covered) <= 1, (path, covered)
        if path != "/":
            assert len(shown) >= 2, f"{path}: the prefectures with projects are not named: {shown}"
        # Province names go to a spot clear of the symbols where there is one; where the symbols are densest (the
        # national view on a phone), a name stays on its area, drawn above them with its halo (test_basemap checks
        # the panes' order).
        assert label_collisions(page, provinces)[0], f"{path}: no province is named"
        watch.assert_clean()
        page.close()
    # Provinces are named at zoom 7 too.
    page, watch = open_map(contexts[size], live_server, "/#map=7/30.9/112.3")
    assert {"湖北省"} <= {t for t in page.locator(".basemap-label-province").all_text_contents()}
    page.close()


def overlapping(symbols: list[dict]) -> list:
    return [(a, b) for a, b in combinations(symbols, 2) if (a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2
            < (a["r"] + b["r"]) ** 2]


def test_symbols_never_overlap_at_zoom_4_to_7(contexts, plain_server):
    page, watch = open_map(contexts["1440x900"], plain_server)
    for zoom in (4, 5, 6, 7):
        before = page.evaluate("window.registryMap.lastView().sequence")
        page.evaluate(f"window.registryMap.map.setView([32, 112], {zoom}, {{animate: false}})")
        page.wait_for_function(f"() => window.registryMap.lastView().sequence > {before} "
                               "&& document.body.dataset.mapState === 'ready'")
        drawn = page.evaluate("window.registryMap.drawn()")
        assert len(drawn) > 3 and overlapping(drawn) == [], zoom
        # A cell holding several families is one symbol, which names its mix.
        assert all(s["count"] == 1 or s["mix"] for s in drawn)
    watch.assert_clean()
    page.close()


def test_phone_popup_stays_on_screen_off_the_controls_and_targets_are_44_px(contexts, live_server):
    page, watch = open_map(contexts["390x844"], live_server, "/?province=" + quote("湖北省"))
    small = page.evaluate("""() => [...window.registryMap.map.getContainer().querySelectorAll(
            '.leaflet-control a, .leaflet-control button, .leaflet-control summary, .leaflet-control-layers-toggle')]
        .map(el => [el.className || el.tagName, el.getBoundingClientRect()])
        .filter(([, r]) => r.width && (r.width < 44 || r.height < 44)).map(([name, r]) => [name, r.width, r.height])""")
    assert small == []
    # A group small enough to be listed in its popup (a larger one zooms in), the largest such.
    drawn = page.evaluate("window.registryMap.drawn()")
    chosen = max((s for s in drawn if s["count"] <= 25), key=lambda s: s["count"])
    box = page.locator(".map-pane .folium-map").bounding_box()
    page.mouse.click(box["x"] + chosen["x"], box["y"] + chosen["y"])
    page.wait_for_selector(".leaflet-popup", state="visible")
    # The map pans (animated) to keep the popup on screen: wait until it stands still.
    page.wait_for_function("""() => new Promise(done => { const at = () => document.querySelector('.leaflet-popup')
        .getBoundingClientRect().left; const first = at(); setTimeout(() => done(Math.abs(at() - first) < 0.01), 300); })""")
    popup = page.locator(".leaflet-popup").bounding_box()
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    assert popup["x"] >= 0 and popup["x"] + popup["width"] <= 390 and popup["y"] >= 0
    assert (popup["x"] >= zoom["x"] + zoom["width"] or popup["y"] >= zoom["y"] + zoom["height"]
            or popup["y"] + popup["height"] <= zoom["y"])
    # The filter button takes the planner to the filters, open.
    page.keyboard.press("Escape")
    page.click("#map-filter-button")
    page.wait_for_timeout(200)
    form = page.locator("#filter-box").bounding_box()
    assert page.evaluate("document.getElementById('filter-box').open") is True
    assert -1 < form["y"] < 844  # scrolled to (to a fraction of a pixel)
    watch.assert_clean()
    page.close()


def test_print_shows_the_basemap_the_legend_below_the_map_and_the_projects_in_view(contexts, live_server, tmp_path):
    import pdfplumber

    page, watch = open_map(contexts["1440x900"], live_server)
    page.wait_for_selector("#in-view[data-state=ready]")
    pdf = page.pdf(format="A4", landscape=True, print_background=True)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        first = document.pages[0]
        assert first.width > first.height  # A4 landscape
        text = first.extract_text()
        image = first.to_image(resolution=60).original.convert("RGB")
    # The basemap's land is drawn on the first page: a good share of its pixels are the land's colour.
    pixels = np.asarray(image, dtype=int).reshape(-1, 3)
    land = int((np.abs(pixels - np.array(LAND)) <= 4).all(axis=1).sum())
    assert land > 0.05 * len(pixels), land / len(pixels)
    # The legend (its location key) is on the first page, with the title (the PDF's text may use CJK radicals'
    # compatibility forms, 项⽬ for 项目: compare after NFKC).
    text = unicodedata.normalize("NFKC", text)
    assert "定位" in text and "碳达峰重点项目库" in text
    # Laid out as printed: title, filter, date, map and legend one below the other, none over another.
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    boxes = page.evaluate("""() => Object.fromEntries(['#print-header', '.map-pane', '#map-legend', '#in-view']
        .map(s => { const r = document.querySelector(s).getBoundingClientRect();
                    return [s, [r.left, r.top, r.right, r.bottom]]; }))""")
    order = ["#print-header", ".map-pane", "#map-legend", "#in-view"]
    for upper, lower in zip(order, order[1:]):
        assert boxes[upper][3] <= boxes[lower][1] + 0.5, (upper, lower, boxes)
    rows = page.locator("#in-view-table tbody tr")
    assert rows.count() > 0 and rows.first.is_visible()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.evaluate("window.registryMap.map.getContainer().contains(document.getElementById('map-legend'))")
    watch.assert_clean()
    page.close()
