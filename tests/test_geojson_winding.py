"""RFC 7946 §3.1.6 on every GeoJSON the app serves: outer rings counter-clockwise, holes clockwise.

The `geojson` package's validator does not look at winding, so this walks every polygon of every
answer with shapely (`LinearRing.is_ccw`): each basemap cell of each band, the county boundaries,
the GeoJSON export, the map's feeds (/api/map.json, /api/map/lines) and the targets map.
"""
from __future__ import annotations

import json

from shapely.geometry import LinearRing

from webmap.basemap import BANDS, band_cells


def polygons(node):
    """Every Polygon's rings in a parsed JSON answer, wherever they sit (features, rows, nested lists)."""
    if isinstance(node, dict):
        if node.get("type") == "Polygon":
            yield node["coordinates"]
        elif node.get("type") == "MultiPolygon":
            yield from node["coordinates"]
        else:
            for value in node.values():
                yield from polygons(value)
    elif isinstance(node, list):
        for value in node:
            yield from polygons(value)


def wrong_rings(answer) -> tuple[int, list]:
    """(rings checked, [(polygon index, ring index)] of rings wound the wrong way)."""
    checked, wrong = 0, []
    for p, rings in enumerate(polygons(answer)):
        for r, ring in enumerate(rings):
            if len(ring) < 4:
                continue
            checked += 1
            if LinearRing(ring).is_ccw != (r == 0):  # exterior CCW, holes CW
                wrong.append((p, r))
    return checked, wrong


def served_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return json.loads(response.get_data())


def test_every_basemap_cell_is_wound_as_rfc7946_says(client):
    checked = 0
    for band in BANDS:
        client.get(f"/basemap/{band.name}/0/0.geojson")  # decodes the band once
        for cell in sorted(band_cells(band.name)):
            n, wrong = wrong_rings(served_json(client, f"/basemap/{band.name}/{cell}.geojson"))
            assert wrong == [], f"{band.name} cell {cell}: rings wound clockwise/counter-clockwise wrongly: {wrong[:5]}"
            checked += n
    assert checked > 400  # the land of every band, in every cell: the check has rings to check


def test_boundaries_exports_and_map_feeds_are_wound_as_rfc7946_says(client):
    urls = ["/api/boundaries.geojson", "/export.geojson", "/api/map.json",
            "/api/map/lines?bbox=-180,-85,180,85&zoom=18",
            "/api/targets/compare.geojson?indicator=non_fossil_share"]
    checked = {}
    for url in urls:
        checked[url], wrong = wrong_rings(served_json(client, url))
        assert wrong == [], f"{url}: wrongly wound rings {wrong[:5]}"
    assert checked["/api/boundaries.geojson"] > 0 and checked["/api/targets/compare.geojson?indicator=non_fossil_share"] > 0
