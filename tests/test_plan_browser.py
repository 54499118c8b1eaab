"""A plan page in headless Chromium against a real server, all outside requests blocked: no JS error,
no outside request, the chart and the marked text visible; screenshots for the manual."""
from __future__ import annotations

import pytest

from conftest import chromium_context, docs_screenshot, serving
from test_browser import PageWatch

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport, name", [((1440, 900), "plan-page.png"), ((390, 844), "plan-page-phone.png")])
def test_plan_page_in_chromium(tmp_path, app, viewport, name):
    width, height = viewport
    with serving(app) as base_url, chromium_context(viewport={"width": width, "height": height},
                                                    locale="zh-CN") as context:
        page = context.new_page()
        watch = PageWatch(page, base_url)
        page.goto(base_url + "/plans/xiaogan_420900", wait_until="load")
        assert page.locator("svg.capacity-chart").count() >= 1  # the target of additions (the total has none)
        assert page.locator(".total-target").count() >= 1
        assert page.locator("svg.capacity-chart rect.bar-listed").first.bounding_box()["width"] > 0
        link = page.locator('#plan-text a[href="/projects/xiaogan-010"]')
        assert link.count() >= 1 and link.first.is_visible()
        # the chart fits the page: nothing wider than the viewport
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        docs_screenshot(page, name)
        link.first.click()
        page.wait_for_url("**/projects/xiaogan-010")
        # The project's map fetches its basemap cells; leaving before they arrive would abort them (ERR_ABORTED).
        page.wait_for_load_state("networkidle")
        page.click("#plan-text-link")
        page.wait_for_url("**/plans/xiaogan_420900#p-xiaogan-010")
        watch.assert_clean()
