"""The map's first view, written into the page (webmap/mapview.py: first_view) and drawn without asking for it.

The page carries the clusters and lines of its filter's whole extent at the zooms a fitted first view can take.
These tests hold it to what the endpoints answer: in headless Chromium the page's own first view (its box and
zoom, as it would have asked for them) is asked of /api/map/clusters and /api/map/lines over HTTP, and the
answers must equal what the page drew from, so the inlined answers can never go stale. A first view the
inlined answers do not cover (a view from the URL hash) is fetched as before.
"""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from conftest import chromium_context
from test_browser import PageWatch

pytestmark = pytest.mark.browser


def inlined(html: str) -> dict | None:
    found = re.search(r'<script type="application/json" id="map-first-view"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(found.group(1)) if found else None


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def browser():
    with chromium_context(viewport={"width": 1440, "height": 900}, locale="zh-CN") as context:
        yield context


def first_view_of(browser, base: str, path: str, size: tuple[int, int]):
    """(the page's last view, the map requests it made, its inlined answers) after its first view is ready."""
    page = browser.new_page()
    try:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        watch = PageWatch(page, base)
        response = page.goto(base + path, wait_until="load")
        page.wait_for_function("() => ['ready', 'error'].includes(document.body.dataset.mapState)", timeout=20_000)
        assert page.get_attribute("body", "data-map-state") == "ready"
        view = page.evaluate("window.registryMap.lastView()")
        asked = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)"
                              ".filter(u => u.includes('/api/map/'))")
        drawn = page.evaluate("window.registryMap.countDrawn()")
        watch.assert_clean()
        return view, asked, inlined(response.text()), drawn
    finally:
        page.close()


@pytest.mark.parametrize("path", ["/", "/?type=solar_pv&lang=en"])
@pytest.mark.parametrize("size", [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_first_view_is_drawn_from_the_page_and_equals_the_endpoints_answers(browser, live_server, path, size):
    view, asked, first, drawn = first_view_of(browser, live_server, path, size)
    assert view["inlined"] is True and asked == [], f"the first view was fetched: {asked}"
    assert drawn > 0
    answer = first["zooms"][str(view["zoom"])]
    # What the page would have asked for its own first view (its filter, its box, its zoom).
    query = path.partition("?")[2]
    query = "&".join(p for p in query.split("&") if p and not p.startswith("lang="))
    ask = f"{view['box']}&zoom={view['zoom']}" + (f"&{query}" if query else "")
    clusters = get_json(f"{live_server}/api/map/clusters?{ask}")
    lines = get_json(f"{live_server}/api/map/lines?{ask}")
    assert clusters["clusters"] == answer["clusters"]["clusters"] and clusters["columns"] == answer["clusters"]["columns"]
    assert (clusters["matches"], clusters["lines"]) == (answer["clusters"]["matches"], answer["clusters"]["lines"])
    assert lines["lines"] == answer["lines"]["lines"]


def test_a_first_view_the_page_does_not_hold_is_fetched(browser, live_server):
    view, asked, first, drawn = first_view_of(browser, live_server, "/#map=9/30.9/113.9", (1440, 900))
    assert view["inlined"] is False and view["zoom"] == 9
    assert str(view["zoom"]) not in first["zooms"]
    assert {u.split("/api/map/")[1].split("?")[0] for u in asked} == {"clusters", "lines"}


def test_a_page_without_drawn_projects_carries_no_first_view(client):
    assert inlined(client.get("/?q=no-such-project-anywhere").get_data(as_text=True)) is None
    assert inlined(client.get("/?min_mw=abc").get_data(as_text=True)) is None  # a bad filter draws nothing
