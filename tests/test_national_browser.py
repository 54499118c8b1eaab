"""The map at national scope in headless Chromium, offline: it opens on every located project, counts what is
not on the map, and the province filter narrows the map, the list and the CSV export alike.

The registry is the shipped one plus a province plan written in tmp (tests/national_fixture.py), whose rows
include two that name no city or county. Expectations come from its CSV rows.
"""
from __future__ import annotations

import csv
import io
import re

import pytest

from conftest import chromium_context, serving
from national_fixture import PLAN_ID, make_national_registry
from test_browser import PageWatch, drawn_count, symbols_under_controls, wait_for_map

pytestmark = pytest.mark.browser
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def national_server(tmp_path_factory):
    from webmap import create_app

    root, rows = make_national_registry(tmp_path_factory.mktemp("national-browser"))
    with serving(create_app({"REGISTRY_DB": str(root / "registry.db"), "REGISTRY_TILES": "none"})) as base_url:
        yield base_url, rows


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    with chromium_context(viewport=SIZES["desktop"], locale="zh-CN") as ctx:
        yield ctx


def view_bounds(page) -> list[float]:
    return page.evaluate("(() => { const b = window.registryMap.map.getBounds(); "
                         "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; })()")


def inside(bounds, row) -> bool:
    return bounds[0] <= float(row["lon"]) <= bounds[2] and bounds[1] <= float(row["lat"]) <= bounds[3]


@pytest.mark.parametrize("size", SIZES)
def test_default_view_holds_every_located_project_clear_of_controls(context, national_server, size):
    base, rows = national_server
    page = context.new_page()
    page.set_viewport_size(SIZES[size])
    watch = PageWatch(page, base)
    page.goto(base + "/", wait_until="load")
    wait_for_map(page)
    located = [r for r in rows if r["lon"]]
    bounds = view_bounds(page)
    assert all(inside(bounds, r) for r in located), [r["id"] for r in located if not inside(bounds, r)]
    assert drawn_count(page) == (len(located),) * 2
    assert symbols_under_controls(page) == []
    # Beside the totals: how many of the filter are not on the map, as the CSV says.
    assert int(page.get_attribute("#not-located", "data-count")) == sum(1 for r in rows if not r["lon"]) == \
        int(page.text_content("#not-located-count"))
    assert page.is_visible("#not-located-link")
    watch.assert_clean()
    page.close()


def test_province_filter_narrows_the_map_the_list_and_the_csv_alike(context, national_server):
    base, rows = national_server
    page = context.new_page()
    watch = PageWatch(page, base)
    page.goto(base + "/", wait_until="load")
    wait_for_map(page)
    page.wait_for_selector("#in-view[data-state=ready]")
    national_bounds = view_bounds(page)
    # The province picker: type its pinyin initials, choose it; choosing submits the form.
    page.fill("#filter-province", "gs")
    page.wait_for_selector("#picker-province[data-state=ready][data-query=gs]")
    with page.expect_navigation():
        page.click("#filter-province-list .picker-option[data-value=甘肃省]")
    wait_for_map(page)
    assert "province=%E7%94%98%E8%82%83%E7%9C%81" in page.url
    gansu = [r for r in rows if r["source_doc"] == PLAN_ID]  # the only plan, and the only rows, of 甘肃
    located = [r for r in gansu if r["lon"]]
    assert int(page.get_attribute("#match-count", "data-count")) == len(gansu)
    assert drawn_count(page) == (len(located),) * 2
    assert int(page.get_attribute("#not-located", "data-count")) == len(gansu) - len(located)
    bounds = view_bounds(page)  # fitted to the province's located projects now
    assert all(inside(bounds, r) for r in located) and bounds[2] - bounds[0] < national_bounds[2] - national_bounds[0]
    # The city picker now offers 甘肃's cities only (the province chosen narrows it).
    page.focus("#filter-city")
    page.wait_for_selector("#picker-city[data-state=ready]")
    cities = page.eval_on_selector_all("#filter-city-list .picker-option", "els => els.map(e => e.dataset.value)")
    page.keyboard.press("Escape")
    assert sorted(cities) == sorted({r["city"] for r in gansu})
    # The CSV of this selection, as the page offers it.
    csv_text = page.request.get(base + page.get_attribute("#download-csv", "href")).text()
    # The download the page offers names its columns in the page's language (Chinese: 编号 is `id`).
    assert sorted(r["编号"] for r in csv.DictReader(io.StringIO(csv_text))) == sorted(r["id"] for r in gansu)
    page.wait_for_selector("#in-view[data-state=ready]")
    # The list, by the header's link that keeps the filter; then the rows not on the map, by the count's link.
    with page.expect_navigation():
        page.click("header.site-header nav a:nth-child(2)")
    assert sorted(page.eval_on_selector_all("#projects-table tbody tr", "els => els.map(e => e.dataset.id)")) == \
        sorted(r["id"] for r in gansu)
    with page.expect_navigation():
        page.click("#not-located-link")
    assert re.search(r"located=no", page.url)
    assert sorted(page.eval_on_selector_all("#projects-table tbody tr", "els => els.map(e => e.dataset.id)")) == \
        sorted(r["id"] for r in gansu if not r["lon"])
    watch.assert_clean()
    page.close()
