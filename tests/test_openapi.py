"""The generated OpenAPI document (webmap/openapi.py) and the HTTP conventions around it: every route listed,
Link headers and absolute `next` URLs, unknown parameters reported, alternates of the HTML pages, brotli.
(The server's answers are checked against the document by schemathesis in tests/test_fuzz_requests.py.)"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import brotli
import pytest

from webmap.openapi import build_spec


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def test_the_document_lists_every_route_of_the_app_without_a_server(app):
    document = build_spec(app)  # no request, no server: what the manual renders
    assert document["openapi"].startswith("3.0") and document["servers"]
    rules = {openapi_path(rule.rule) for rule in app.url_map.iter_rules()}
    assert rules == set(document["paths"]), rules ^ set(document["paths"])
    for path in ("/export.xlsx", "/export.gpkg", "/export.kml", "/healthz", "/api/projects"):
        assert document["paths"][path]["get"]["responses"]["200"]["content"], path
    operation_ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_filtered_operations_document_their_parameters_and_json_errors(app):
    document = build_spec(app)
    listing = document["paths"]["/api/projects"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert {"type", "province", "city", "county", "doc", "stage", "located", "min_mw", "max_mw", "q", "bbox", "sort",
            "order", "page", "per_page", "after"} <= names
    for path in ("/api/projects", "/api/facets", "/export.csv", "/export.gpkg", "/api/targets", "/api/map/clusters"):
        responses = document["paths"][path]["get"]["responses"]
        for status in ("400", "414"):
            assert responses[status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    targets = {p["name"]: p["schema"] for p in document["paths"]["/api/targets"]["get"]["parameters"]}
    assert targets["city"]["maxItems"] == 50 and targets["year"]["type"] == "array"
    # Examples a reader can try, and the server that served the document.
    assert any("example" in p["schema"] for p in listing["parameters"])


def test_the_served_document_names_its_server(client):
    document = client.get("/api/openapi.json", base_url="http://registry.example:8080").get_json()
    assert [s["url"] for s in document["servers"]] == ["http://registry.example:8080"]


def test_paged_answers_link_the_next_page_with_an_absolute_url(client, registry_rows):
    url = "/api/projects?per_page=5&type=solar_pv"
    seen = []
    while url:
        response = client.get(url)
        body = response.get_json()
        seen += [p["id"] for p in body["projects"]]
        if body["next"] is None:
            assert "Link" not in response.headers
            break
        assert body["next"].startswith("http://localhost/api/projects?")
        assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
        assert parse_qs(urlsplit(body["next"]).query)["type"] == ["solar_pv"]
        url = body["next"]
    assert seen == sorted(r["id"] for r in registry_rows if r["type"] == "solar_pv")


def test_unknown_parameters_are_reported_and_otherwise_ignored(client):
    plain = client.get("/api/facets?type=wind").get_json()
    odd = client.get("/api/facets?type=wind&tpye=solar_pv&_shape=array").get_json()
    assert "unknown_parameters" not in plain
    assert odd.pop("unknown_parameters") == ["_shape", "tpye"] and odd == plain
    assert client.get("/api/targets?citty=x").get_json()["unknown_parameters"] == ["citty"]
    assert client.get("/api/map/summary?zoom=3").get_json()["unknown_parameters"] == ["zoom"]


def test_a_filter_that_can_match_nothing_says_why(client):
    body = client.get("/api/projects?min_mw=500&max_mw=10").get_json()
    assert body["total"] == 0 and "min_mw 500 is above max_mw 10" in body["warnings"][0]
    body = client.get("/api/facets?bbox=116,33,110,29").get_json()
    assert body["total"]["count"] == 0 and "west > east" in body["warnings"][0]


@pytest.mark.parametrize("page, alternates", [
    ("/?type=wind&page=3", {"application/json": "/api/projects?type=wind", "text/csv": "/export.csv?type=wind",
                            "application/geo+json": "/export.geojson?type=wind"}),
    ("/projects?type=wind&sort=name&page=2", {"application/json": "/api/projects?type=wind&sort=name",
                                              "text/csv": "/export.csv?type=wind",
                                              "application/geo+json": "/export.geojson?type=wind"}),
    ("/plans", {"application/json": "/api/plans"}),
])
def test_html_pages_link_their_json_csv_and_geojson(client, page, alternates):
    html = client.get(page).get_data(as_text=True)
    found = dict(re.findall(r'<link rel="alternate" type="([^"]+)" href="([^"]+)">', html))
    assert {k: v.replace("&amp;", "&") for k, v in found.items()} == alternates
    for href in found.values():
        assert client.get(href.replace("&amp;", "&")).status_code == 200


def test_a_project_page_links_its_json(client, registry_rows):
    project_id = registry_rows[0]["id"]
    html = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert f'<link rel="alternate" type="application/json" href="/api/projects/{project_id}">' in html


@pytest.mark.parametrize("url", ["/api/projects?per_page=100", "/export.geojson", "/export.csv"])
def test_brotli_when_asked_and_gzip_for_the_others(client, url):
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    assert packed.headers["Content-Encoding"] == "br" and brotli.decompress(packed.data) == plain.data
    assert len(packed.data) * 3 < len(plain.data)
    assert client.get(url, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
