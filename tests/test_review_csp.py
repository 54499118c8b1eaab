"""The review page in Chromium reports no Content-Security-Policy violation, its icon included (issue 22, part 8).

The page's icon is a file of its own (static/icon.svg, allowed by img-src 'self'). Violations are
collected three ways: the page's `securitypolicyviolation` events, the console, and Chromium's own
issue list (DevTools Audits), which also sees what the browser fetches for the page, such as its
icon. A control at the end breaks the policy on purpose, to show the listeners hear a violation.
"""
from __future__ import annotations

import time

import pytest

from conftest import chromium_context, serving
from test_browser import PageWatch
from test_review_additions import DOC, added_plan

pytestmark = pytest.mark.browser

LISTEN = """window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"""


def test_the_review_page_and_its_icon_keep_to_its_csp(tmp_path):
    from registry.intake.webreview import create_review_app
    from registry.rows.root import init_registry

    root = init_registry(tmp_path / "registry")
    added_plan(tmp_path, root)
    with chromium_context(viewport={"width": 1440, "height": 900}, locale="zh-CN") as context:
        with serving(create_review_app(root, DOC)) as url:
            page = context.new_page()
            watch = PageWatch(page, url)
            devtools = context.new_cdp_session(page)
            issues = []
            devtools.on("Audits.issueAdded", lambda event: issues.append(event["issue"]))
            devtools.send("Audits.enable")
            page.add_init_script(LISTEN)
            page.goto(url + "/", wait_until="load")
            icon = page.get_attribute('link[rel="icon"]', "href")
            assert icon == "/static/icon.svg"
            answer = page.request.get(url + icon)
            assert answer.status == 200 and answer.headers["content-type"].startswith("image/svg+xml")
            time.sleep(0.5)  # the icon is fetched after load
            assert page.evaluate("window.__violations") == []
            assert [i for i in issues if i["code"] == "ContentSecurityPolicyIssue"] == []
            watch.assert_clean()

            # The control: an image from elsewhere breaks img-src, and both listeners hear it.
            page.evaluate("() => { const img = new Image(); img.src = 'http://192.0.2.1/x.png'; document.body.append(img); }")
            page.wait_for_function("() => window.__violations.length > 0")
            assert page.evaluate("window.__violations") == ["img-src http://192.0.2.1/x.png"]
            deadline = time.monotonic() + 5
            while not issues and time.monotonic() < deadline:
                page.wait_for_timeout(100)
            assert any(i["code"] == "ContentSecurityPolicyIssue" for i in issues)
