"""The pages in a real browser: the place pickers as a planner types, and every page on a phone.

Expectations come from the shipped CSV (registry_rows) and from pypinyin read here directly,
never from the app's own search code.
"""
from __future__ import annotations

from itertools import product
from urllib.parse import parse_qs, urlsplit

import pytest
from pypinyin import Style, lazy_pinyin, pinyin

from conftest import chromium_context
from test_browser import PageWatch, wait_for_map

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}

# Every element's box against the viewport; an element past it counts only if no ancestor that
# lies inside the viewport clips or scrolls it (a table in its overflow-x:auto box is fine).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth, out = [];
  const inside = r => r.left >= -0.5 && r.right <= width + 0.5;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if ((r.width === 0 && r.height === 0) || inside(r)) continue;
    let box = el.parentElement, held = false;
    for (; box && box !== document.body; box = box.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(box).overflowX)
          && inside(box.getBoundingClientRect())) { held = true; break; }
    }
    if (!held) out.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 10)};
}"""


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    with chromium_context(viewport=PHONE, is_mobile=True, has_touch=True,
                          locale="zh-CN") as context:
        yield context


def county_reads(name: str, typed: str, usual_only: bool = False) -> bool:
    """The name holds the typed text, or one of its readings starts with it (洋县 may be read xiangxian)."""
    if typed in name or "".join(lazy_pinyin(name)).startswith(typed):
        return True
    return not usual_only and any("".join(r).startswith(typed)
                                  for r in product(*pinyin(name, style=Style.NORMAL, heteronym=True)))


@pytest.mark.parametrize("typed", ["襄", "xiang"])
def test_county_picker_filters_as_you_type_and_choosing_filters_the_map_and_list(tmp_path, live_server,
                                                                                  registry_rows, typed):
    counties = {r["county"] for r in registry_rows if r["county"]}
    expected = {c for c in counties if county_reads(c, typed)}
    assert {"襄州区", "襄城区"} <= expected  # the shipped registry's counties of 襄阳
    with chromium_context(viewport={"width": 1440, "height": 900}, locale="zh-CN") as context:
        page = context.new_page()
        watch = PageWatch(page, live_server)
        page.goto(live_server + "/", wait_until="load")
        wait_for_map(page)
        page.type("#filter-county", typed, delay=40)
        page.wait_for_function(f"() => document.querySelector('#picker-county').dataset.state === 'ready' && "
                               f"document.querySelector('#picker-county').dataset.query === {typed!r}")
        shown = page.eval_on_selector_all("#filter-county-list .picker-option", "els => els.map(e => e.dataset.value)")
        assert {"襄州区", "襄城区"} <= set(shown) and set(shown) <= expected
        # Names read so as usual come first; a rarer reading of a polyphone after them.
        usual = [county_reads(name, typed, usual_only=True) for name in shown]
        assert usual == sorted(usual, reverse=True)
        # Grouped under their province and city.
        groups = page.eval_on_selector_all("#filter-county-list .picker-group", "els => els.map(e => e.textContent)")
        assert "湖北省 · 襄阳市" in groups
        with page.expect_navigation():
            page.click("#filter-county-list .picker-option[data-value=襄州区]")
        assert parse_qs(urlsplit(page.url).query)["county"] == ["襄州区"]
        wait_for_map(page)
        mine = [r for r in registry_rows if r["county"] == "襄州区"]
        assert int(page.get_attribute("#match-count", "data-count")) == len(mine)
        page.wait_for_selector("#in-view[data-state=ready]")
        in_view = page.eval_on_selector_all("#in-view-table tbody tr td:nth-child(4)", "els => els.map(e => e.textContent)")
        assert in_view and set(in_view) == {"襄州区"}
        # The chosen county is a ticked box: unticking it and applying drops the filter.
        assert page.is_checked("#picker-county input[type=checkbox][value=襄州区]")
        page.uncheck("#picker-county input[type=checkbox][value=襄州区]")
        with page.expect_navigation():
            page.click("#apply-filters")
        assert "county" not in parse_qs(urlsplit(page.url).query)
        watch.assert_clean()


def test_without_script_a_typed_place_is_a_plain_parameter_and_an_unknown_one_is_offered_its_places(
        tmp_path, live_server, registry_rows):
    with chromium_context(viewport={"width": 1440, "height": 900}, java_script_enabled=False,
                          locale="zh-CN") as context:
        page = context.new_page()
        page.goto(live_server + "/projects", wait_until="load")
        page.fill("#filter-county", "xiangzhou")
        with page.expect_navigation():
            page.click("#apply-filters")
        assert parse_qs(urlsplit(page.url).query)["county"] == ["xiangzhou"]
        with page.expect_navigation():
            page.click(".picker-unknown a:text-is('襄州区')")
        ids = page.eval_on_selector_all("#projects-table tbody tr", "els => els.map(e => e.dataset.id)")
        assert sorted(ids) == sorted(r["id"] for r in registry_rows if r["county"] == "襄州区")
        # The totals by type link to this selection with that type alone.
        first = page.eval_on_selector("#totals tbody a.type-total", "a => a.getAttribute('href')")
        query = parse_qs(urlsplit(first).query)
        assert query["county"] == ["襄州区"] and len(query["type"]) == 1


def test_no_element_is_wider_than_a_phone_outside_a_scroll_box(phone, live_server, registry_rows):
    project = next(r for r in registry_rows if r["precision"] == "county" and r["lon"] and "seat-" in r["location_method"])
    # 孝感's plan page holds both kinds of capacity target (a chart, and a total's figures).
    plan_pages = sorted({f"/plans/{project['source_doc']}", "/plans/xiaogan_420900"})
    pages = ["/", "/projects", "/plans", *plan_pages, f"/projects/{project['id']}", "/targets", "/about"]
    page = phone.new_page()
    watch = PageWatch(page, live_server)
    for path in pages:
        page.goto(live_server + path, wait_until="load")
        if path == "/":
            wait_for_map(page)
            page.wait_for_selector("#in-view[data-state=ready]")
        if path.startswith("/projects/"):
            # A county-level project: its county outlined on its map, its seat marked, the key shown.
            page.wait_for_function("() => document.body.dataset.areaState === 'ready'", timeout=60_000)
            assert page.get_attribute("#project-area", "data-outline") == "yes"
            assert page.is_visible("#project-area") and page.locator(".seat-icon").count() == 1
            outlined = page.evaluate("""code => { let n = 0; window.registryMap.map.eachLayer(l => {
                if (l.feature && l.feature.properties.code === code && l.options.color === '#c0392b') n++; }); return n; }""",
                                     project["division_code"][:6])
            assert outlined == 1
        found = page.evaluate(OVERFLOWING)
        assert found["out"] == [] and found["scrollWidth"] <= PHONE["width"], (path, found)
        # Nav links are tap targets of 44 px at least.
        heights = page.eval_on_selector_all("header.site-header nav a", "els => els.map(e => e.getBoundingClientRect().height)")
        assert heights and min(heights) >= 44, (path, heights)
    # The wide tables scroll in their own box with the name column held at its left edge.
    for path, box, name_cell in (("/", ".in-view-scroll", "#in-view-table tbody tr:first-child td:first-child"),
                                 ("/projects", ".list-pane .table-scroll", "#projects-table tbody tr:first-child td:nth-child(2)")):
        page.goto(live_server + path, wait_until="load")
        if path == "/":
            page.wait_for_selector("#in-view[data-state=ready]")
        held = page.evaluate("""([box, cell]) => {
            const scroller = document.querySelector(box), name = document.querySelector(cell);
            scroller.scrollLeft = scroller.scrollWidth;
            const left = name.getBoundingClientRect().left - scroller.getBoundingClientRect().left;
            return {wider: scroller.scrollWidth > scroller.clientWidth, left, scrolled: scroller.scrollLeft};
        }""", [box, name_cell])
        if path == "/" and not held["wider"]:
            continue  # the in-view table's one-language headers fit the phone: nothing to scroll, nothing cut
        assert held["wider"] and held["scrolled"] > 0 and 0 <= held["left"] < 20, (path, held)
    watch.assert_clean()
    page.close()
