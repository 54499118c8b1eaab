"""Bounded OFFSET and keyset pagination on /api/projects (issue 15, part 5)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

SORTS = [("id", "asc"), ("id", "desc"), ("name", "asc"), ("capacity_mw", "asc"), ("capacity_mw", "desc"),
         ("target_year", "desc"), ("county", "asc"), ("voltage_kv", "asc")]
NUMERIC = {"capacity_mw", "voltage_kv", "target_year"}


def expected_order(rows: list[dict], sort: str, order: str) -> list[str]:
    """The ids in the documented order (sort column, missing numbers last, then id), by plain Python."""
    if sort == "id":
        return sorted((r["id"] for r in rows), reverse=order == "desc")
    present = [r for r in rows if r[sort] != ""] if sort in NUMERIC else rows
    missing = [r for r in rows if r[sort] == ""] if sort in NUMERIC else []
    value = (lambda r: float(r[sort])) if sort in NUMERIC else (lambda r: r[sort])
    # Descending by value, ascending by id within equal values: two stable sorts.
    ordered = sorted(present, key=lambda r: r["id"])
    ordered = sorted(ordered, key=value, reverse=order == "desc")
    return [r["id"] for r in ordered] + sorted(r["id"] for r in missing)


@pytest.mark.parametrize("sort, order", SORTS)
def test_following_next_links_visits_every_project_once_in_order(client, registry_rows, sort, order):
    url, seen, pages = f"/api/projects?sort={sort}&order={order}&per_page=7&type=", [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json
        seen += [p["id"] for p in response.json["projects"]]
        url = response.json["next"]
        pages += 1
        assert pages <= len(registry_rows) // 7 + 2  # bounded: the walk ends
    assert seen == expected_order(registry_rows, sort, order)


def test_next_keeps_the_filter_and_the_last_page_has_none(client, registry_rows, select):
    expected = [r["id"] for r in select(registry_rows, type=("solar_pv",))]
    first = client.get("/api/projects?type=solar_pv&per_page=3").json
    query = parse_qs(urlsplit(first["next"]).query)
    assert query["type"] == ["solar_pv"] and query["after"] == [f"{first['projects'][-1]['id']},{first['projects'][-1]['id']}"]
    last = client.get(f"/api/projects?type=solar_pv&per_page={len(expected) + 1}").json
    assert last["next"] is None and len(last["projects"]) == len(expected)


@pytest.mark.parametrize("query, parameter, words", [
    ("page=101&per_page=100", "page", "after="),
    ("page=10001&per_page=1", "page", "next"),
    ("after=nocomma", "after", "<sort value>,<id>"),
    ("after=a%00b,x", "after", "NUL"),
])
def test_deep_offsets_and_bad_cursors_are_a_400_naming_the_parameter(client, query, parameter, words):
    response = client.get(f"/api/projects?{query}")
    assert response.status_code == 400
    assert response.json["error"]["parameter"] == parameter
    assert words in response.json["error"]["message"]


def test_the_last_allowed_offset_page_still_answers(client):
    # The API pages by number to page 10 (row 10,000 at per_page=1000), the HTML list to row 10,000.
    assert client.get("/api/projects?page=10&per_page=1000").status_code == 200
    assert client.get("/api/projects?page=11&per_page=1").status_code == 400
    assert client.get("/projects?page=100&per_page=100").status_code == 200
    assert client.get("/projects?page=101&per_page=100").status_code == 400


def test_any_cursor_is_a_place_in_the_order_and_page_counts_on_from_it(client):
    ids = [p["id"] for p in client.get("/api/projects?per_page=1000").json["projects"]]
    after = client.get(f"/api/projects?per_page=3&page=2&after={ids[4]},{ids[4]}").json["projects"]
    assert [p["id"] for p in after] == ids[8:11]
    # Text sorts after every number in SQLite: past the numbers, only the rows without a capacity remain.
    by_text = client.get("/api/projects?sort=capacity_mw&per_page=1000&after=abc,0").json["projects"]
    assert by_text and all(p["capacity_mw"] is None for p in by_text)
