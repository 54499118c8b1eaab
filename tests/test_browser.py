"""The map page in a real headless Chromium against a real server, with the internet blocked.

Every request that is not to the test server is aborted and recorded as a failure:
the page must load and draw from the app's own assets and endpoints alone.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import chromium_context, docs_screenshot, read_rows, serving, write_rows

pytestmark = pytest.mark.browser


class PageWatch:
    """Collects what must not happen: outside requests, failed requests, HTTP errors, JS errors."""

    def __init__(self, page, base_url: str):
        self.base = urlsplit(base_url)
        self.blocked, self.failed, self.http_errors, self.js_errors = [], [], [], []
        # Only requests to elsewhere are routed through this process (matched in the browser's driver by a regular
        # expression): a page's own requests are not held up on their way, and every other one is still caught.
        own = re.escape(f"{self.base.scheme}://{self.base.netloc}/")
        page.route(re.compile(rf"^(?!(?:data|blob):|{own})"), self._route)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.http_errors.append(f"{r.status} {r.url}"))
        page.on("pageerror", lambda e: self.js_errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and self.js_errors.append(m.text))

    def _route(self, route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or (url.hostname, url.port) == (self.base.hostname, self.base.port):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def assert_clean(self):
        assert self.blocked == [], f"requests outside the app: {self.blocked}"
        failed = [f for f in self.failed if "blockedbyclient" not in f.lower()]
        assert failed == [], f"failed requests: {failed}"
        assert self.http_errors == [], f"HTTP errors: {self.http_errors}"
        assert self.js_errors == [], f"JavaScript errors: {self.js_errors}"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium_context(viewport={"width": 1400, "height": 900}, locale="zh-CN") as context:
        yield context


def wait_for_map(page) -> None:
    """Until the current view's projects are painted ("ready"), or the map gave up ("error")."""
    page.wait_for_function("() => ['ready', 'error'].includes(document.body.dataset.mapState)", timeout=20_000)
    assert page.get_attribute("body", "data-map-state") == "ready"


def drawn_count(page) -> tuple[int, int]:
    """(the number the page shows, the projects painted in the view by the canvases' own tally)."""
    shown = int(page.get_attribute("#drawn-count", "data-drawn"))
    return shown, page.evaluate("window.registryMap.countDrawn()")


def symbols_under_controls(page) -> list:
    """Painted symbols (circle of radius r around x, y in map pixels) that touch a control's box."""
    return page.evaluate("""() => {
        const box = window.registryMap.map.getContainer().getBoundingClientRect();
        const controls = [...document.querySelectorAll('.leaflet-control, #map-legend')]
            .map(n => n.getBoundingClientRect()).filter(b => b.width && b.height)
            .map(b => [b.left - box.left, b.top - box.top, b.right - box.left, b.bottom - box.top]);
        return window.registryMap.drawn().filter(s => controls.some(c =>
            s.x + s.r > c[0] && s.x - s.r < c[2] && s.y + s.r > c[1] && s.y - s.r < c[3]));
    }""")


def click_symbol(page, symbol) -> None:
    box = page.locator(".map-pane .folium-map").bounding_box()
    page.mouse.click(box["x"] + symbol["x"], box["y"] + symbol["y"])


def wait_for_view(page, action: str) -> None:
    """Run a pan or zoom in the page and wait until that view (not the previous one) is ready."""
    before = page.evaluate("window.registryMap.lastView().sequence")
    page.evaluate(action)
    page.wait_for_function(f"() => window.registryMap.lastView() && window.registryMap.lastView().sequence > {before} "
                           "&& document.body.dataset.mapState === 'ready'", timeout=10_000)


def test_map_draws_every_project_offline_and_filters_through_the_form(browser, live_server, registry_rows,
                                                                       select, drawable):
    page = browser.new_page()
    watch = PageWatch(page, live_server)
    page.goto(live_server + "/", wait_until="load")
    wait_for_map(page)

    expected_all = select(registry_rows)
    assert int(page.get_attribute("#match-count", "data-count")) == len(expected_all)
    assert drawn_count(page) == (sum(map(drawable, expected_all)),) * 2
    # Beside the totals, the rows listed but not on the map (none in the five plans).
    assert int(page.get_attribute("#not-located", "data-count")) == sum(1 for r in expected_all if not r["lon"])
    assert page.locator(".map-pane canvas.project-canvas").count() == 2
    # No DOM element per project (the basemap's place names are text in a pane of their own).
    assert page.locator(".leaflet-marker-pane > *, .leaflet-overlay-pane path.leaflet-interactive").count() == 0
    assert page.locator("#map-legend li[data-type]").count() == len({r["type"] for r in expected_all})
    assert "GeoNames" in page.text_content(".leaflet-control-attribution")  # CC-BY 4.0 asks for the credit
    assert symbols_under_controls(page) == []
    # The table of the projects in view follows the map: all of them at the fitted view.
    page.wait_for_function("() => document.getElementById('in-view-count').textContent !== '…'")
    assert int(page.text_content("#in-view-count")) == sum(1 for r in expected_all if r["lon"] and r["lat"])
    docs_screenshot(page, "screenshot.png")

    # Zoom in and pan: "ready" again for the new view, which holds fewer projects, and the hash follows.
    wait_for_view(page, "window.registryMap.map.zoomIn(2, {animate: false})")
    inside = drawn_count(page)
    assert inside[0] == inside[1] <= len(expected_all)
    assert page.evaluate("window.registryMap.lastView().zoom") == page.evaluate("window.registryMap.map.getZoom()")
    assert f"map={page.evaluate('window.registryMap.map.getZoom()')}/" in page.url
    wait_for_view(page, "window.registryMap.map.panBy([200, 100], {animate: false})")
    page.wait_for_selector("#in-view[data-state=ready]")  # the table follows (debounced) before we leave

    # A type that is some but not all of the projects, so the count must change.
    counts = Counter(r["type"] for r in expected_all)
    chosen = min(counts, key=lambda t: (counts[t], t))
    expected = select(registry_rows, type=[chosen])
    page.goto(live_server + "/", wait_until="load")
    wait_for_map(page)
    page.wait_for_selector("#in-view[data-state=ready]")
    page.check(f"#filter-form input[name=type][value={chosen}]")
    with page.expect_navigation():
        page.click("#apply-filters")
    wait_for_map(page)
    assert f"type={chosen}" in page.url
    assert int(page.get_attribute("#match-count", "data-count")) == len(expected)
    assert drawn_count(page) == (sum(map(drawable, expected)),) * 2
    if len(counts) > 1:
        assert len(expected) < len(expected_all)
    watch.assert_clean()
    page.close()


def lonely(rows: list[dict], precision: str) -> dict | None:
    """A row of that precision whose point no row of another precision shares."""
    others = {(r["lon"], r["lat"]) for r in rows if r["precision"] != precision}
    return next((r for r in rows if r["precision"] == precision and r["lon"] and not r["geometry_wkt"]
                 and (r["lon"], r["lat"]) not in others), None)


def test_approximate_locations_are_drawn_differently_and_clusters_list_their_projects(
        browser, live_server, registry_rows):
    town, county = lonely(registry_rows, "town"), lonely(registry_rows, "county")
    if town is None or county is None:
        pytest.skip("the registry has no town- and county-precision rows on their own points")
    page = browser.new_page()
    watch = PageWatch(page, live_server)
    page.goto(live_server + "/", wait_until="load")
    wait_for_map(page)
    styles = {}
    for row in (town, county):
        wait_for_view(page, f"window.registryMap.map.setView([{row['lat']}, {row['lon']}], 14, {{animate: false}})")
        point = page.evaluate(f"window.registryMap.map.latLngToContainerPoint([{row['lat']}, {row['lon']}])")
        hit = page.evaluate(f"window.registryMap.hitTest({point['x']}, {point['y']})")
        assert hit is not None, f"nothing drawn at {row['id']}"
        styles[row["precision"]] = (hit["precision"], hit["style"])
    assert styles["town"] == ("town", "ringed")
    assert styles["county"] == ("area", "hollow")

    # The county badge lists the projects that share its seat, whatever their type.
    sharing = [r for r in registry_rows if (r["lon"], r["lat"]) == (county["lon"], county["lat"])
               and r["precision"] in ("county", "city") and not r["geometry_wkt"]]
    point = page.evaluate(f"window.registryMap.map.latLngToContainerPoint([{county['lat']}, {county['lon']}])")
    click_symbol(page, point)
    if len(sharing) == 1:
        page.wait_for_selector(".project-popup[data-state=ready]", timeout=5_000)
        assert page.text_content(".project-popup .popup-name") == county["name"]
    else:
        page.wait_for_selector(".cluster-popup[data-state=ready]", timeout=5_000)
        names = page.locator(".cluster-popup .cluster-members a").all_text_contents()
        assert sorted(names) == sorted(r["name"] for r in sharing)[:50]
    watch.assert_clean()
    page.close()


def test_phone_shows_the_map_on_the_first_screen_clear_of_its_controls(browser, live_server, registry_rows, drawable):
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    watch = PageWatch(page, live_server)
    page.goto(live_server + "/", wait_until="load")
    wait_for_map(page)
    box = page.locator(".map-pane").bounding_box()
    assert box["y"] < 120 and box["y"] + box["height"] <= 844 and box["height"] >= 500
    assert page.evaluate("document.getElementById('map-legend').open") is False  # folded where space is short
    assert drawn_count(page) == (sum(map(drawable, registry_rows)),) * 2
    assert symbols_under_controls(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    docs_screenshot(page, "screenshot-phone.png")
    watch.assert_clean()
    page.close()


def test_popup_shows_loading_then_name_and_link_fetching_each_project_once(browser, live_server, registry_rows):
    page = browser.new_page()
    watch = PageWatch(page, live_server)
    project_requests = []
    page.on("request", lambda r: "/api/projects/" in r.url and project_requests.append(r.url))
    page.goto(live_server + "/", wait_until="load")
    wait_for_map(page)
    assert project_requests == []  # the map itself loads no project details
    single = page.evaluate("window.registryMap.drawn().find(s => s.count === 1 && s.id)")
    if single is None:
        pytest.skip("no lone project at the default view")
    click_symbol(page, single)
    page.wait_for_selector(".project-popup")
    page.wait_for_selector(".project-popup[data-state=ready]", timeout=5_000)
    href = page.get_attribute(".project-popup a.popup-link", "href")
    row = next(r for r in registry_rows if f"/projects/{quote(r['id'])}" == href)
    assert row["id"] == single["id"]
    assert page.text_content(".project-popup .popup-name") == row["name"]
    assert row["county"] in page.text_content(".project-popup dl")
    # Opened again, and hovered: shown from the cache, without a second request.
    page.evaluate("window.registryMap.map.closePopup()")
    wait_for_map(page)  # the popup may have panned the map to fit: find the symbol where it is now
    single = page.evaluate(f"window.registryMap.drawn().find(s => s.id === {json.dumps(single['id'])})")
    click_symbol(page, single)
    assert page.get_attribute(".project-popup", "data-state") == "ready"
    box = page.locator(".map-pane .folium-map").bounding_box()
    page.mouse.move(box["x"] + single["x"] + 1, box["y"] + single["y"])
    page.wait_for_selector(".leaflet-tooltip .project-tooltip[data-state=ready]", timeout=5_000)
    assert page.text_content(".leaflet-tooltip .project-tooltip") == row["name"]
    assert project_requests == [f"{live_server}/api/projects/{quote(row['id'])}"]
    watch.assert_clean()
    page.close()


def test_project_page_draws_its_small_map(browser, live_server, registry_rows, drawable):
    located = next(r for r in registry_rows if drawable(r))
    page = browser.new_page()
    watch = PageWatch(page, live_server)
    page.goto(f"{live_server}/projects/{located['id']}", wait_until="load")
    wait_for_map(page)
    assert page.text_content("#project-name") == located["name"]
    assert page.locator("#source-passage mark").count() == 1
    watch.assert_clean()
    page.close()


HOSTILE_NAME = '"><img src=x onerror="window.__pwned=1">'


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """A live server on a registry whose every name is an attack."""
    from registry.store.store import build
    from webmap import create_app

    rows = read_rows(Path(__file__).parent / "fixtures" / "sample_projects.csv")
    for row in rows:
        row["name"] = HOSTILE_NAME + "</script><script>window.__pwned=2</script>"
    folder = tmp_path_factory.mktemp("hostile-browser")
    build(write_rows(folder / "projects.csv", rows), folder / "registry.db")
    with serving(create_app({"REGISTRY_DB": str(folder / "registry.db"), "REGISTRY_TILES": "none"})) as base_url:
        yield base_url, rows


def test_hostile_names_are_shown_not_run(browser, hostile_server):
    base, rows = hostile_server
    page = browser.new_page()
    watch = PageWatch(page, base)
    page.on("dialog", lambda d: watch.js_errors.append(f"dialog opened: {d.message}"))
    for path in ("/", "/projects", f"/projects/{rows[0]['id']}"):
        page.goto(base + path, wait_until="load")
        if path != "/projects":
            wait_for_map(page)
        if path == "/":
            page.wait_for_selector("#in-view[data-state=ready]")  # its table's request ends before we leave
        assert page.evaluate("window.__pwned === undefined"), f"injected script ran on {path}"
    page.goto(base + "/", wait_until="load")
    wait_for_map(page)
    # The popup and the tooltip get the raw name (fetched from the API) and must render it as text.
    single = page.evaluate("window.registryMap.drawn().find(s => s.count === 1 && s.id)")
    if single is None:  # every project shares a seat: zoom to one until it stands alone
        single = page.evaluate("window.registryMap.drawn()[0]")
    click_symbol(page, single)
    page.wait_for_selector(".project-popup[data-state=ready], .cluster-popup[data-state=ready]", timeout=5_000)
    if page.locator(".project-popup").count():
        assert page.text_content(".project-popup .popup-name") == rows[0]["name"]
    else:
        assert set(page.locator(".cluster-popup .cluster-members a").all_text_contents()) == {rows[0]["name"]}
    assert page.locator(".leaflet-popup img, .leaflet-popup script").count() == 0
    assert page.evaluate("window.__pwned === undefined")
    watch.assert_clean()
    page.close()
