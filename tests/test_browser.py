"""The map page in a real headless Chromium against a real server, with the internet blocked.

Every request that is not to the test server is aborted and recorded as a failure:
the page must load and draw from the app's own assets and endpoints alone.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from conftest import chromium_context, read_rows, serving, write_rows

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshot.png"
pytestmark = pytest.mark.browser


class PageWatch:
    """Collects what must not happen: outside requests, failed requests, HTTP errors, JS errors."""

    def __init__(self, page, base_url: str):
        self.base = urlsplit(base_url)
        self.blocked, self.failed, self.http_errors, self.js_errors = [], [], [], []
        page.route("**/*", self._route)
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
    with chromium_context(tmp_path_factory.mktemp("chromium-profile"),
                          viewport={"width": 1400, "height": 900}, locale="zh-CN") as context:
        yield context


def wait_for_map(page) -> None:
    page.wait_for_selector("body[data-map-state]", timeout=20_000)
    assert page.get_attribute("body", "data-map-state") == "ready"


def drawn_count(page) -> tuple[int, int]:
    """(the number map.js shows, the number of layers Leaflet actually holds)."""
    shown = int(page.get_attribute("#drawn-count", "data-drawn"))
    return shown, page.evaluate("window.registryMap.countDrawnLayers()")


def test_map_draws_every_project_offline_and_filters_through_the_form(browser, live_server, registry_rows,
                                                                       select, drawable):
    page = browser.new_page()
    watch = PageWatch(page, live_server)
    page.goto(live_server + "/", wait_until="load")
    wait_for_map(page)

    expected_all = select(registry_rows)
    assert int(page.get_attribute("#match-count", "data-count")) == len(expected_all)
    assert drawn_count(page) == (sum(map(drawable, expected_all)),) * 2
    assert page.locator(".leaflet-overlay-pane path, .leaflet-overlay-pane canvas").count() > 0
    assert page.locator("#map-legend li").count() == len({r["type"] for r in expected_all})
    assert "GeoNames" in page.text_content(".leaflet-control-attribution")  # CC-BY 4.0 asks for the credit
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    # A type that is some but not all of the projects, so the count must change.
    counts = Counter(r["type"] for r in expected_all)
    chosen = min(counts, key=lambda t: (counts[t], t))
    expected = select(registry_rows, type=[chosen])
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


def test_popup_shows_loading_then_name_and_link_fetching_each_project_once(browser, live_server, registry_rows,
                                                                             drawable):
    page = browser.new_page()
    watch = PageWatch(page, live_server)
    project_requests = []
    page.on("request", lambda r: "/api/projects/" in r.url and project_requests.append(r.url))
    page.goto(live_server + "/", wait_until="load")
    wait_for_map(page)
    assert project_requests == []  # the map itself loads no project details
    # Markers on a canvas have no DOM node to click: zoom the cluster to the first point and open its popup.
    has_point = page.evaluate("""() => {
        const config = JSON.parse(document.getElementById('map-config').textContent);
        const type = Object.keys(config.layers).find(t => window[config.layers[t].cluster].getLayers().length);
        if (!type) return false;
        const marker = window[config.layers[type].cluster].getLayers()[0];
        window.registryMap.map.setView(marker.getLatLng(), 18, { animate: false });
        window.__popupMarker = marker;
        return true;
    }""")
    # At the highest zoom the marker is out of its cluster (or spiderfied); then it can open its popup.
    page.wait_for_function("""() => !window.__popupMarker || Boolean(window.__popupMarker._map)""", timeout=10_000)
    # Read in the same task as the opening: the fetch cannot have answered yet, so this is the placeholder.
    opened = page.evaluate("""() => {
        if (!window.__popupMarker) return null;
        window.__popupMarker.openPopup();
        const box = document.querySelector('.project-popup');
        return [box.dataset.state, box.querySelector('.popup-name').textContent];
    }""")
    if has_point:
        assert opened == ["loading", "…"]
        page.wait_for_selector(".project-popup[data-state=ready]", timeout=5_000)
        href = page.get_attribute(".project-popup a.popup-link", "href")
        assert href.startswith("/projects/")
        row = next(r for r in registry_rows if f"/projects/{quote(r['id'])}" == href)
        assert drawable(row)
        assert page.text_content(".project-popup .popup-name") == row["name"]
        assert row["county"] in page.text_content(".project-popup dl")
        # Closed and opened again, tooltip too: shown from the cache, without a second request.
        page.evaluate("""() => { const m = window.__popupMarker; m.closePopup(); m.openPopup(); m.openTooltip(); }""")
        assert page.get_attribute(".project-popup", "data-state") == "ready"
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
    from registry.store import build
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
        assert page.evaluate("window.__pwned === undefined"), f"injected script ran on {path}"
    page.goto(base + "/", wait_until="load")
    wait_for_map(page)
    # The tooltip and popup builders get the raw name (fetched from the API) and must render it as text.
    page.evaluate("""() => {
        const config = JSON.parse(document.getElementById('map-config').textContent);
        const type = Object.keys(config.layers).find(t => window[config.layers[t].cluster].getLayers().length);
        window.__marker = window[config.layers[type].cluster].getLayers()[0];
        window.__marker.getPopup()._content(window.__marker);  // starts the fetch, returns the placeholder
    }""")
    page.wait_for_function("() => window.__marker.getPopup()._content(window.__marker).dataset.state === 'ready'",
                           timeout=5_000)
    text = page.evaluate("""() => {
        const marker = window.__marker;
        const popup = marker.getPopup()._content(marker), tooltip = marker.getTooltip()._content(marker);
        return [popup.querySelector('.popup-name').textContent, tooltip.textContent,
                popup.querySelectorAll('img, script').length + tooltip.querySelectorAll('img, script').length];
    }""")
    assert text == [rows[0]["name"], rows[0]["name"], 0]
    assert page.evaluate("window.__pwned === undefined")
    watch.assert_clean()
    page.close()
