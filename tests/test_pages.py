"""HTML pages with Flask's test client: offline assets, filters, list, project page, escaping."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from markupsafe import escape

from conftest import read_rows, write_rows
from webmap import create_app

PLANS = Path(__file__).resolve().parent.parent / "plans"
ASSET_URL = re.compile(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"')
HOSTILE_NAMES = [
    "<script>alert('name')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    "</script><script>alert(2)</script>",
    "O'Brien & \"Sons\" 光伏",
]


def test_map_page_uses_only_local_assets(client):
    page = client.get("/").get_data(as_text=True)
    assets = ASSET_URL.findall(page)
    assert assets, "the page links its scripts and styles"
    for url in assets:
        assert url.startswith(("/", "data:")), f"asset not served by the app: {url}"
        if url.startswith("/"):
            assert client.get(url).status_code == 200, url
    # With tiles off there is nothing on the page that a browser would fetch from elsewhere.
    assert "https://" not in page and "http://" not in page
    assert "bootstrap" not in page.lower()


def test_tiles_are_configurable(registry_db, monkeypatch):
    osm = create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_TILES": "osm"}).test_client().get("/")
    assert "https://tile.openstreetmap.org/{z}/{x}/{y}.png" in osm.get_data(as_text=True)
    template = "https://tiles.example.org/{z}/{x}/{y}.png"
    monkeypatch.setenv("REGISTRY_TILES", template)
    from_env = create_app({"REGISTRY_DB": str(registry_db)}).test_client().get("/")
    assert template in from_env.get_data(as_text=True)
    with pytest.raises(ValueError):
        create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_TILES": "javascript:alert(1)"})


def test_map_page_counts_the_filtered_set(client, registry_rows, select):
    chosen = registry_rows[0]["type"]
    page = client.get(f"/?type={chosen}").get_data(as_text=True)
    expected = select(registry_rows, type=[chosen])
    assert f'data-count="{len(expected)}"' in page
    # The map's data URL, the exports and the list carry the same filter.
    assert f'"filterQuery": "type={chosen}"' in page
    assert f'href="/export.csv?type={chosen}"' in page and f'href="/export.geojson?type={chosen}"' in page
    assert f'value="{chosen}" checked' in page


@pytest.mark.parametrize("path", ["/", "/projects"])
def test_bad_filter_renders_the_page_with_the_message(client, path):
    response = client.get(f"{path}?min_mw=abc&q=大悟")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="filter-error"' in page and "min_mw" in page and "&#39;abc&#39;</span> 不是数字（兆瓦）" in page
    assert 'value="abc"' in page  # the form keeps what was typed


def test_list_shows_the_filtered_set_sorted_with_totals(client, registry_rows, select):
    q = next(r["county"] for r in registry_rows if r["county"])[:2]
    expected = select(registry_rows, q=q)
    page = client.get(f"/projects?q={q}&sort=capacity_mw&order=desc&per_page=1000").get_data(as_text=True)
    ids = re.findall(r'<tr data-id="([^"]+)"', page)
    assert sorted(ids) == sorted(r["id"] for r in expected)
    with_capacity = sorted((r for r in expected if r["capacity_mw"]), key=lambda r: -float(r["capacity_mw"]))
    assert [float(r["capacity_mw"]) for r in with_capacity] == \
        [float(next(x for x in expected if x["id"] == i)["capacity_mw"]) for i in ids[:len(with_capacity)]]
    totals = page[page.index('id="totals"'):]
    assert f'<th class="num">{len(expected)}</th>' in totals


def test_list_pages_and_sort_links_keep_the_filter(client, registry_rows):
    chosen = registry_rows[0]["type"]
    page = client.get(f"/projects?type={chosen}").get_data(as_text=True)
    assert f'href="/projects?type={chosen}&amp;sort=name&amp;order=asc"' in page
    assert client.get("/projects?sort=nonsense").status_code == 400


def test_project_page_shows_fields_and_the_highlighted_source(client, registry_rows):
    row = registry_rows[0]
    with open(PLANS / "documents.csv", newline="", encoding="utf-8") as handle:
        document = next(d for d in csv.DictReader(handle) if d["doc_id"] == row["source_doc"])
    text = (PLANS / document["file"]).read_text(encoding="utf-8")
    span = text[int(row["source_start"]):int(row["source_end"])]
    page = client.get(f"/projects/{row['id']}").get_data(as_text=True)
    assert f"<mark>{escape(span)}</mark>" in page
    assert escape(document["title"]) in page and document["published"] in page
    if row["source_section"]:
        assert escape(row["source_section"]) in page
    for column in ("name", "city", "county"):
        assert escape(row[column]) in page
    assert "装机容量（兆瓦）" in page and "Capacity (MW)" not in page  # field labels in the page's one language


def test_a_project_page_shows_its_passage_without_the_plans_markdown_markers(client, registry_rows):
    """Plans converted from markdown carry `**368**`; the passage shows 368, as the plan page does."""
    with open(PLANS / "documents.csv", newline="", encoding="utf-8") as handle:
        plans = {d["doc_id"]: (PLANS / d["file"]).read_text(encoding="utf-8") for d in csv.DictReader(handle)}
    # The rows whose passage (their paragraph) holds a marker in the plan's raw text: xiaogan's among them.
    rows = [row for row in registry_rows if "**" in plans[row["source_doc"]][
        max(0, int(row["source_start"]) - 200):int(row["source_end"]) + 200]]
    assert rows
    for row in rows:
        page = client.get(f"/projects/{row['id']}").get_data(as_text=True)
        passage = re.search(r'<blockquote id="source-passage".*?</blockquote>', page, re.S).group(0)
        assert "**" not in passage, row["id"]


def test_unknown_project_page_is_a_404_page(client):
    response = client.get("/projects/no-such-project")
    assert response.status_code == 404 and "no-such-project" in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    """A registry whose names and places are attacks; the pages must show them as text."""
    from registry.store.store import build

    rows = read_rows(Path(__file__).parent / "fixtures" / "sample_projects.csv")
    for row, name in zip(rows, HOSTILE_NAMES):
        row["name"], row["town"] = name, name[:20]
    folder = tmp_path_factory.mktemp("hostile")
    build(write_rows(folder / "projects.csv", rows), folder / "registry.db")
    app = create_app({"REGISTRY_DB": str(folder / "registry.db"), "REGISTRY_TILES": "none"})
    return app.test_client(), rows


def test_hostile_names_are_escaped_everywhere(hostile_client):
    client, rows = hostile_client
    pages = [client.get("/").get_data(as_text=True), client.get("/projects").get_data(as_text=True)]
    pages += [client.get(f"/projects/{r['id']}").get_data(as_text=True) for r in rows[:len(HOSTILE_NAMES)]]
    for page in pages:
        for name in HOSTILE_NAMES:
            if any(c in name for c in "<>\"'&"):
                assert name not in page, f"unescaped: {name}"
        assert "<script>alert" not in page and "<img" not in page
    listing = pages[1]
    assert escape(HOSTILE_NAMES[0]) in listing
    # No data in the map page at all: map.js fetches it as JSON and writes it with textContent.
    assert "alert" not in pages[0]


def test_hostile_names_survive_json_and_search(hostile_client):
    client, rows = hostile_client
    body = client.get("/api/projects", query_string={"q": "<script>"}).get_json()
    assert sorted(p["name"] for p in body["projects"]) == sorted(n for n in HOSTILE_NAMES if "<script>" in n)
    assert client.get(f"/api/projects/{rows[0]['id']}").get_json()["name"] == HOSTILE_NAMES[0]
