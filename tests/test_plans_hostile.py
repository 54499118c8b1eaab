"""Hostile project names and places on the plan pages and the map's plan links: text, never markup."""
from __future__ import annotations

from test_hostile import HOSTILE, ROWS, Page, hostile_app, hostile_db, web  # noqa: F401  (fixtures)


def assert_only_our_markup(html: str) -> Page:
    page = Page(html)
    for tag, attrs in page.elements:
        assert not (tag == "img" and attrs.get("src") == "x"), f"injected <img>: {attrs}"
        assert tag != "svg" or attrs.get("class") == "capacity-chart", f"injected <svg>: {attrs}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler <{tag} {name}={value!r}>"
            if name in ("href", "src", "action"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:text/html")), (tag, value)
    assert all(kind == "application/json" or "HX" not in script for kind, script in page.scripts)
    return page


def test_plan_pages_carry_hostile_names_as_text(web):
    for doc in sorted({r["source_doc"] for r in HOSTILE}):
        response = web.get(f"/plans/{doc}")
        assert response.status_code == 200
        page = assert_only_our_markup(response.get_data(as_text=True))
        titles = {attrs.get("title") for tag, attrs in page.elements if tag == "a"}
        linked = {p for tag, attrs in page.elements if tag == "a" for p in (attrs.get("data-project") or "").split()}
        for row in (r for r in HOSTILE if r["source_doc"] == doc):
            assert row["id"] in linked
            # A span several rows share is one link, titled by its first id: a hostile row's own
            # name where it is first (hostile ids sort before the real ones, "hostile-" < "xiaogan-").
            sharing = [r for r in ROWS if (r["source_doc"], r["source_start"], r["source_end"])
                       == (doc, row["source_start"], row["source_end"])]
            first = min(sharing, key=lambda r: r["id"])
            assert f"{first['id']} {first['name']}" in titles, row["id"]


def test_plan_list_and_map_links_with_hostile_filters(web):
    assert_only_our_markup(web.get("/plans").get_data(as_text=True))
    for county in {r["county"] for r in HOSTILE}:
        response = web.get("/", query_string={"county": county})
        assert response.status_code == 200
        assert_only_our_markup(response.get_data(as_text=True).split('id="plan-links"')[-1].split("</nav>")[0])
