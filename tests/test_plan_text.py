"""The plan page's text as a reader sees it, the project page's fields, and the county outline's endpoint.

Expectations come from the shipped plan files and projects.csv, read here with plain Python.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from test_plans import PlanTextLinks, documents  # noqa: F401  (the fixture)

EMPHASIS = re.compile(r"\*\*|__")


class SpanTexts(HTMLParser):
    """The text each project's span links cover (a link's data-project names every span it lies in)."""

    def __init__(self):
        super().__init__()
        self.projects, self.texts = [], {}

    def handle_starttag(self, tag, attrs):
        if tag == "a" and "data-project" in dict(attrs):
            self.projects = dict(attrs)["data-project"].split()

    def handle_endtag(self, tag):
        if tag == "a":
            self.projects = []

    def handle_data(self, data):
        for project in self.projects:
            self.texts[project] = self.texts.get(project, "") + data


class Blocks(HTMLParser):
    """The (tag, text) of each paragraph and heading of #plan-text."""

    def __init__(self):
        super().__init__()
        self.inside, self.blocks = False, []

    def handle_starttag(self, tag, attrs):
        if dict(attrs).get("id") == "plan-text":
            self.inside = True
        elif self.inside and tag in ("p", "h3", "h4", "h5"):
            self.blocks.append([tag, ""])

    def handle_endtag(self, tag):
        if tag == "div" and self.inside:
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.blocks:
            self.blocks[-1][1] += data


def plan_html(client, doc_id: str) -> str:
    response = client.get(f"/plans/{doc_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_plan_text_is_paragraphs_and_headings_without_markdown_and_every_span_link_covers_its_span(
        client, documents, registry_rows):  # noqa: F811
    plans_with_markdown = [d for d, doc in documents.items() if "**" in doc["text"]]
    assert plans_with_markdown, "the shipped plans include one converted from markdown"
    for doc_id in sorted({*plans_with_markdown, "xiaogan_420900", "xiangyang_420600"} & set(documents)):
        html = plan_html(client, doc_id)
        parser = Blocks()
        parser.feed(html)
        text = "".join(t for _, t in parser.blocks)
        assert "**" not in text and parser.blocks
        # Every paragraph break of the file that ends a sentence or a heading is kept: as many blocks at least
        # as the file has lines ending in 。
        raw = documents[doc_id]["text"]
        assert len(parser.blocks) >= sum(1 for line in raw.splitlines() if line.rstrip().endswith("。")) // 2
        links, spans = PlanTextLinks(), SpanTexts()
        links.feed(html)
        spans.feed(html)
        for row in (r for r in registry_rows if r["source_doc"] == doc_id):
            span = raw[int(row["source_start"]):int(row["source_end"])]
            shown = spans.texts.get(row["id"], "")
            assert re.sub(r"\s", "", shown) == re.sub(r"\s", "", EMPHASIS.sub("", span)), row["id"]
            assert f"p-{row['id']}" in links.ids
    # The heading of 孝感's section two stands on its own, before its paragraph.
    parser = Blocks()
    parser.feed(plan_html(client, "xiaogan_420900"))
    index = next(i for i, (_, t) in enumerate(parser.blocks) if t.strip() == "二、主要目标")
    assert parser.blocks[index][0] == "h3" and parser.blocks[index + 1][0] == "p"
    assert parser.blocks[index + 1][1].startswith("总体目标是")
    assert any(tag == "h4" and t.startswith("（一）") for tag, t in parser.blocks)


def test_project_page_shows_no_offsets_or_empty_fields_and_links_its_passage(client, registry_rows):
    row = next(r for r in registry_rows if r["precision"] == "county" and r["lon"] and not r["capacity_mw"])
    html = client.get(f"/projects/{row['id']}").get_data(as_text=True)
    fields = re.search(r'<table class="fields">(.*?)</table>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>|\s", "", c) for c in re.findall(r"<td>(.*?)</td>", fields, re.S)]
    assert cells and all(cells), "no empty field is shown"
    assert "原文起点" not in fields and row["source_start"] not in re.sub(r"<[^>]+>", " ", fields).split()
    assert f'href="/plans/{row["source_doc"]}#p-{row["id"]}"' in fields
    # A county-level project outlines its county: the page names the boundary of its own code.
    assert f'data-url="/api/boundaries.geojson?code={row["division_code"][:6]}"' in html


def test_boundaries_of_one_county_inside_or_outside_the_plans_cities(client, registry_rows):
    in_table = {f["id"] for f in client.get("/api/boundaries.geojson").get_json()["features"]}
    county_rows = [r for r in registry_rows if r["precision"] == "county" and r["division_code"]]
    inside = next(r for r in county_rows if r["division_code"][:6] in in_table)
    outside = next(r for r in county_rows if r["division_code"][:6] not in in_table)
    for row in (inside, outside):
        features = client.get(f"/api/boundaries.geojson?code={row['division_code'][:6]}").get_json()["features"]
        assert [f["properties"]["code"] for f in features] == [row["division_code"][:6]]
        assert features[0]["properties"]["name"] == row["county"]
        assert features[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    bad = client.get("/api/boundaries.geojson?code=abc")
    assert bad.status_code == 400 and bad.get_json()["error"]["parameter"] == "code"


def test_kml_is_offered_with_the_filter_and_opens(client, registry_rows):
    html = client.get("/?type=pumped_storage").get_data(as_text=True)
    href = re.search(r'id="download-kml" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert href == "/export.kml?type=pumped_storage"
    kml = client.get(href)
    assert kml.status_code == 200 and b"<kml" in kml.data[:400]
    located = [r for r in registry_rows if r["type"] == "pumped_storage" and r["lon"]]
    assert kml.data.count(b"<Placemark") == len(located)
