"""The area each plan covers, at its own level: a province, a city (prefecture) or a county.

    plan_level("430000") -> "province";  plan_level("420900") -> "city";  plan_level("430781") -> "county"
    area_rows(documents) -> rows of the `plan_areas` table (one per plan area that can be drawn)

A plan's area is its `city_code` in plans/documents.csv. Its level comes from the official
division list (a municipality such as 北京市 is a province; 仙桃市, a county-level city directly
under its province, is a county); a code that is in no list and names the whole country
(100000, 000000, or an area called 全国) is the national level, which is listed but not drawn.

Province and city polygons are dissolved at `registry build` from geodata/counties.geojson:
the union of their counties. The shipped counties are simplified one by one (0.005°), so
neighbours may leave slivers up to ~500 m wide between them, which a plain union keeps as
hundreds of holes; the union is therefore taken of the counties grown by CLOSE_GAP and shrunk
back by the same (mitred corners keep the outline), and any hole still smaller than
SLIVER_AREA is dropped, while a real enclave (嘉峪关 inside 酒泉, a city that has no county
polygon) stays a hole. Each area is simplified for its level, rounded, and written with
counterclockwise outer rings like the rest of the app's GeoJSON (RFC 7946).
"""
from __future__ import annotations

import json
from functools import lru_cache

from registry.geo.provinces import plan_level

# Degrees. Gaps between simplified neighbours close within CLOSE_GAP; holes under SLIVER_AREA
# (about 20 km²) are left-over gaps, not enclaves.
CLOSE_GAP = 0.005
SLIVER_AREA = 0.002
# Simplification per level (degrees): ~1 km for a province at national scale, finer below.
TOLERANCE = {"province": 0.01, "city": 0.005, "county": 0.002}
GRID = 1e-4  # coordinates rounded to ~10 m


def area_rows(documents: dict[str, dict]) -> list[dict]:
    """Rows of the `plan_areas` table, one per plan area code; `geojson` is None where it cannot be drawn."""
    names = {}
    for doc in documents.values():
        names.setdefault((doc.get("city_code") or "").strip(), (doc.get("city") or "").strip())
    names.pop("", None)
    return [dissolved_area(code) or {"code": code, "level": plan_level(code, name), "name": name, "counties": 0,
                                     "lon": None, "lat": None, "geojson": None}
            for code, name in sorted(names.items())]


@lru_cache(maxsize=None)
def dissolved_area(code: str) -> dict | None:
    """{code, level, name, counties, lon, lat, geojson} of one area, or None if it cannot be drawn.

    Cached per process: the shipped polygons do not change while it runs, and a test session
    builds the same registry many times.
    """
    import shapely
    from shapely.geometry import mapping
    from shapely.ops import polylabel

    from registry.geo.geocode import default_gazetteer

    gazetteer = default_gazetteer()
    division = gazetteer.division(code)
    level = plan_level(code)
    if division is None or level not in TOLERANCE:
        return None
    counties = [d for d in gazetteer.counties_of(code) if d.code in gazetteer.counties]
    parts = _parsed([gazetteer.counties[d.code] for d in counties])
    if not parts:
        return None  # 东莞, 中山, 嘉峪关, 儋州: cities without counties have no polygon in geodata/
    if len(parts) == 1:
        geometry = parts[0]
    else:
        grown = shapely.buffer(parts, CLOSE_GAP, join_style="mitre")
        inside = {d.code for d in counties}
        others = [c.point for c in gazetteer.counties.values() if c.code not in inside]
        geometry = _without_gaps(shapely.union_all(grown).buffer(-CLOSE_GAP, join_style="mitre"), level, others)
    geometry = shapely.simplify(geometry, TOLERANCE[level], preserve_topology=True)
    geometry = shapely.orient_polygons(shapely.set_precision(geometry, GRID))
    largest = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
    point = polylabel(largest, tolerance=0.01)
    return {"code": code, "level": level, "name": division.name, "counties": len(parts),
            "lon": round(point.x, 4), "lat": round(point.y, 4),
            "geojson": json.dumps(mapping(geometry), separators=(",", ":"))}


def _parsed(counties) -> list:
    """The counties' polygons, parsed by GEOS in one call (a province's hundred-odd counties in ~10 ms,
    four times faster than shapely.geometry.shape); the gazetteer's own cache is left as it is."""
    import shapely

    texts = [c.source for c in counties if isinstance(c.source, str)]
    parsed = iter(shapely.from_geojson(texts)) if texts else iter(())
    return [next(parsed) if isinstance(c.source, str) else c.source for c in counties]


def _without_gaps(geometry, level: str, other_points):
    """The union without the holes that are not another area's land.

    A hole under SLIVER_AREA is a gap the simplification left. A larger hole is kept if a county
    outside the area lies in it (its interior point does: an enclave); in a province, a hole with
    no other county in it is the province's own land that has no county polygon (东莞 and 中山 in
    广东, 嘉峪关 in 甘肃), and is filled. In a city such a hole is kept: it may be a city of its own
    without a polygon (嘉峪关 inside 酒泉).
    """
    import shapely
    from shapely.geometry import MultiPolygon, Polygon

    import numpy

    xy = numpy.asarray(other_points, dtype=float).reshape(-1, 2)
    polygons = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        holes = []
        for ring in polygon.interiors:
            hole = Polygon(ring)
            if hole.area < SLIVER_AREA:
                continue
            enclave = bool(shapely.contains_xy(hole, xy[:, 0], xy[:, 1]).any())
            if enclave or level != "province":
                holes.append(ring)
        polygons.append(Polygon(polygon.exterior, holes))
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
