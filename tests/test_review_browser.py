"""The issue's done-when in a real browser: in a temporary registry, a passage the extractor did not
propose is selected in the review page, added as a project, accepted and added to the registry;
`registry build` runs, and the row is on the map and in /export.csv with its offsets.

The passage holds a character outside the BMP (𠮷): the page's script must count code points, as
Python does, where JavaScript strings count UTF-16 units. Outside requests are blocked and any
JavaScript error fails the test. The manual's pictures of this page are made by `python docs/screenshots.py`.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import chromium_context, read_rows, serving
from test_add_plan import cli
from test_browser import PageWatch, wait_for_map
from test_review_additions import DOC, END, MISSED, PLAN, START, added_plan

pytestmark = pytest.mark.browser


@pytest.fixture()
def root_folder(tmp_path) -> Path:
    """An empty registry folder (registry init)."""
    from registry.rows.root import init_registry

    return init_registry(tmp_path / "registry")

# Select words of the plan's text as a reader's drag would: a Range over the text node that holds them.
SELECT = """(words) => {
    const walker = document.createTreeWalker(document.getElementById('plan-text'), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const at = node.data.indexOf(words);
        if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            node.parentNode.scrollIntoView({block: 'center'});
            getSelection().removeAllRanges();
            getSelection().addRange(range);
            return at;
        }
    }
    throw new Error('words not in the text');
}"""


def test_select_a_passage_add_accept_build_and_find_it_on_the_map_and_in_the_export(tmp_path, root_folder):
    from registry.intake.webreview import create_review_app
    from webmap import create_app

    added_plan(tmp_path, root_folder)
    assert not any("觅儿寺" in c["name"] for c in read_rows(root_folder / "plans" / f"{DOC}.candidates.csv"))
    with chromium_context(viewport={"width": 1440, "height": 900}, locale="zh-CN") as context:
        with serving(create_review_app(root_folder, DOC)) as review_url:
            page = context.new_page()
            watch = PageWatch(page, review_url)
            page.goto(review_url + "/", wait_until="load")
            assert len(MISSED.encode("utf-16-le")) // 2 == len(MISSED) + 1  # one astral character in the words
            page.evaluate(SELECT, MISSED)
            page.wait_for_selector("#add.ready")
            # The offsets are Python's (code points), read from the segments, not JavaScript's string positions.
            assert page.input_value('[name="add|passage"]') == f"{START}:{END}"
            assert page.input_value('[name="add|name"]') == MISSED
            assert page.input_value('[name="add|type"]') == "solar_pv"
            assert page.input_value('[name="add|capacity_mw"]') == "20"
            assert page.input_value('[name="add|town"]') == "觅儿寺镇"
            # A selection that ends past the astral character inside one text node, read by the page's own helper.
            offset = page.evaluate("""(words) => {
                const range = getSelection().getRangeAt(0);
                return window.registryReview.rawOffset(range.endContainer, range.endOffset);
            }""", MISSED)
            assert offset == END

            page.fill('[name="add|subtype"]', "光储示范")  # a reviewer's edit before adding
            page.check('[name="add|decision"][value=""]')  # keep it undecided, then accept it in its card
            with page.expect_navigation():
                page.click("#add-button")
            card = page.locator(f'[id="card-added:{START}:{END}"]')
            assert card.is_visible() and MISSED in card.locator("blockquote mark").inner_text()
            card.locator('input[type=radio][value="accept"]').check()
            with page.expect_navigation():
                page.click('.actions button[value="apply"]')
            assert page.locator(".message").inner_text().startswith("已入库 1 个项目")
            assert page.locator(f'[id="card-added:{START}:{END}"] .added').inner_text().startswith("已入库，编号 ")
            # The phone: one column, nothing wider than the screen, the text and the add form reachable.
            page.set_viewport_size({"width": 390, "height": 844})
            page.reload(wait_until="load")
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            assert page.locator("#plan-text").is_visible()
            watch.assert_clean()

        row = next(r for r in read_rows(root_folder / "projects.csv") if r["name"] == MISSED)
        assert (row["source_start"], row["source_end"], row["subtype"]) == (str(START), str(END), "光储示范")
        built = cli("--root", str(root_folder), "build")
        assert built.exit_code == 0, built.output
        app = create_app({"REGISTRY_DB": str(root_folder / "registry.db"), "REGISTRY_TILES": "none", "TESTING": True})
        with serving(app) as map_url:
            page = context.new_page()
            watch = PageWatch(page, map_url)
            page.goto(f"{map_url}/?q={quote(MISSED)}", wait_until="load")
            wait_for_map(page)
            drawn = page.evaluate("window.registryMap.drawn()")
            assert [s["id"] for s in drawn] == [row["id"]] and drawn[0]["precision"] == "town"
            exported = page.request.get(f"{map_url}/export.csv?header=code&q={quote(MISSED)}").text()
            header, line = exported.lstrip("\ufeff").splitlines()[:2]
            cells = dict(zip(header.split(","), line.split(",")))
            assert (cells["id"], cells["source_start"], cells["source_end"]) == (row["id"], str(START), str(END))
            assert PLAN[int(cells["source_start"]):int(cells["source_end"])] == MISSED
            watch.assert_clean()
