"""The located projects as compact numpy columns (`Points`), and the grid's Web-Mercator geometry.

Everything the map knows of a project is here, a few bytes a project: the columns' layout (also the
layout of the blobs the build stores in `map_points`), reading them from the projects table, and the
projection that places a point in the grid's cells. Clustering (registry/store/map_clustering.py), the
build's tables (registry/store/map_tables.py) and the served views (registry/store/mapgrid.py) all
read the one `Points`; it sits in a module of its own so that none of them imports another for it.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np

from registry.store.mapcells import CELL_PX, TILE_PX
from registry.rows.schema import FAMILY_OF, PROJECT_TYPES, STAGES, TYPE_FAMILIES

TYPES = tuple(PROJECT_TYPES)
FAMILIES = tuple(TYPE_FAMILIES)
# How exactly a point locates its project: 0 the site, 1 the town, 2 an area (county, city).
PRECISION_CLASS = {"site": 0, "town": 1, "county": 2, "city": 2}
PRECISION_CLASSES = ("site", "town", "area")
SMALL_INTS = ("type", "family", "precision", "stage")
# The blobs of `map_points`, one per column, little-endian. Compact: 4-byte row ids; a point's longitude and
# latitude in millionths of a degree as int32 (the registry writes coordinates to 6 decimals, and n / 1e6 is
# the very float64 that "n/1e6" written out parses to, so every cell and mean is the one float64 columns gave;
# float32 would move a point ~2 m, 4 px at zoom 18), Web-Mercator computed for the points a view needs; one
# byte per code; MW; a line's bounds only for line projects: 27 bytes a project, read with np.frombuffer (no
# copy), where float64 columns and a list of id strings took ~160. The ids are not among them: a served view
# names only its lone projects (a few hundred), read by rowid from the projects table.
POINT_DTYPES = {"rowid": "<i4", "lon_e6": "<i4", "lat_e6": "<i4", **{name: "u1" for name in SMALL_INTS},
                "mw": "<f8", "line": "?"}
LINE_DTYPES = {"line_rows": "<i4", "lw": "<f8", "ls": "<f8", "le": "<f8", "ln": "<f8", "span": "<f8"}
ID_ENDS_DTYPE = "<u4"
BLOB_FORMAT = b"3"  # map_points' `format` row; a registry without it is read from its projects table


def mercator(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Web-Mercator coordinates in [0, 1) of the world (x east, y south), as Leaflet's pixel space."""
    return mercator_x(lon), mercator_y(lat)


def mercator_x(lon: np.ndarray) -> np.ndarray:
    return (lon + 180.0) / 360.0


def mercator_y(lat: np.ndarray) -> np.ndarray:
    lat = np.clip(lat, -85.0511, 85.0511)
    return 0.5 - np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) / (2 * np.pi)


def cells_per_world(zoom: int) -> float:
    return TILE_PX * 2 ** zoom / CELL_PX


VIEW_CHUNK = 1 << 18  # rows tested against a view at a time: the temporary arrays stay a few MB at any size


@dataclass
class Points:
    """The located projects as compact columns, in rowid order (see POINT_DTYPES). The columns of line
    projects (LINE_DTYPES) hold one entry per line, at the positions `line_rows` (ascending). Read from the
    projects table (at build), `ids` is every project id in UTF-8 end to end and `id_ends[i]` where row i's
    ends; read from the build's blobs (serving) both are None and ids are looked up by rowid."""
    rowid: np.ndarray
    lon_e6: np.ndarray
    lat_e6: np.ndarray
    type: np.ndarray
    family: np.ndarray
    precision: np.ndarray
    stage: np.ndarray
    mw: np.ndarray
    line: np.ndarray
    line_rows: np.ndarray
    lw: np.ndarray
    ls: np.ndarray
    le: np.ndarray
    ln: np.ndarray
    span: np.ndarray  # a line's larger side in Web-Mercator world units
    ids: bytes | None = None
    id_ends: np.ndarray | None = None
    # The whole registry's summary and drawn types, computed once per file: every unfiltered page asks for them,
    # and at a million projects they take ~100 ms.
    unfiltered: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.rowid)

    def project_ids(self, rows: list[int], conn=None) -> list[str]:
        """The project ids of rows (positions), from the ids in memory or else by rowid from `conn`."""
        if self.ids is not None:
            ends = self.id_ends
            return [bytes(self.ids[int(ends[r - 1]) if r else 0:int(ends[r])]).decode("utf-8") for r in rows]
        found = {}
        rowids = [int(self.rowid[r]) for r in rows]
        for start in range(0, len(rowids), 500):
            chunk = rowids[start:start + 500]
            found.update(conn.execute(f"SELECT rowid, id FROM projects WHERE rowid IN ({', '.join('?' * len(chunk))})",
                                      chunk).fetchall())
        return [found[r] for r in rowids]

    def lon(self, selected: np.ndarray) -> np.ndarray:
        return self.lon_e6[selected] / 1e6

    def lat(self, selected: np.ndarray) -> np.ndarray:
        return self.lat_e6[selected] / 1e6

    def mx(self, selected: np.ndarray) -> np.ndarray:
        return mercator_x(self.lon(selected))

    def my(self, selected: np.ndarray) -> np.ndarray:
        return mercator_y(self.lat(selected))

    def line_positions(self, selected: np.ndarray) -> np.ndarray:
        """Where the line projects among `selected` (all of them lines) are in the line columns."""
        return np.searchsorted(self.line_rows, selected)

    def lines_drawn(self, zoom: int) -> np.ndarray:
        """Which of the line columns' projects are drawn as lines at `zoom`: lines spanning a cell or more."""
        return self.span * cells_per_world(zoom) >= 1.0

    def drawn_as_line(self, selected: np.ndarray, zoom: int) -> np.ndarray:
        """Which of `selected` are drawn as lines at `zoom` (see lines_drawn)."""
        if len(selected) == len(self):  # every project (selections are sorted and unique): no gathers
            drawn = np.zeros(len(self), dtype=bool)
            drawn[self.line_rows] = self.lines_drawn(zoom)
            return drawn
        lines = self.line[selected]
        drawn = np.zeros(len(selected), dtype=bool)
        if lines.any():
            drawn[lines] = self.span[self.line_positions(selected[lines])] * cells_per_world(zoom) >= 1.0
        return drawn

    def extent(self, selected: np.ndarray | None) -> list[float]:
        """(w, s, e, n) of every point and line among `selected` (not empty; None: every project), a chunk at a time."""
        boxes = []
        size = len(self) if selected is None else len(selected)
        for start in range(0, size, VIEW_CHUNK):
            chunk = np.arange(start, min(start + VIEW_CHUNK, size)) if selected is None else selected[start:start + VIEW_CHUNK]
            lines = self.line[chunk]
            if not lines.all():
                points = chunk[~lines]
                lon, lat = self.lon_e6[points], self.lat_e6[points]
                boxes.append((lon.min() / 1e6, lat.min() / 1e6, lon.max() / 1e6, lat.max() / 1e6))
            if lines.any():
                at = self.line_positions(chunk[lines])
                boxes.append((self.lw[at].min(), self.ls[at].min(), self.le[at].max(), self.ln[at].max()))
        return [float(min(b[0] for b in boxes)), float(min(b[1] for b in boxes)),
                float(max(b[2] for b in boxes)), float(max(b[3] for b in boxes))]

    def blobs(self) -> list[tuple[str, bytes]]:
        """The rows of `map_points`, as `load_points` reads them back."""
        columns = {**POINT_DTYPES, **LINE_DTYPES}
        return [("format", BLOB_FORMAT), *((name, np.ascontiguousarray(getattr(self, name), dtype=dtype).tobytes()) for name, dtype in columns.items())]

    @classmethod
    def from_blobs(cls, blobs: dict) -> "Points":
        columns = {**POINT_DTYPES, **LINE_DTYPES}
        return cls(**{name: np.frombuffer(blobs[name], dtype=dtype) for name, dtype in columns.items()})


_TYPE_CODE = {t: i for i, t in enumerate(TYPES)}
_FAMILY_CODE = {f: i for i, f in enumerate(FAMILIES)}
_STAGE_CODE = {st: i for i, st in enumerate(STAGES)}

_BATCH = 5_000  # rows turned into arrays at a time: a Python list per column never holds more (20,000: +30 MB)
_ROW_DTYPES = {**POINT_DTYPES, **LINE_DTYPES, "lon": "<f8", "lat": "<f8", "id_lengths": "<i8"}


def _points_from_rows(cursor) -> Points:
    """The located rows of a cursor as compact numpy columns, read a batch at a time: Python lists of every row's
    values would take ~40 bytes a value (600 MB at a million projects), the arrays 1-8."""
    names = ("rowid", "lon", "lat", *SMALL_INTS, "mw", "line")
    parts = {name: [] for name in (*names, "line_rows", "lw", "ls", "le", "ln", "ids", "id_lengths")}
    located = 0
    while batch := cursor.fetchmany(_BATCH):
        cols = {name: [] for name in parts}
        for rowid, pid, ptype, precision, stage, mw, lon, lat, geometry in batch:
            if lon is None or lat is None:
                continue
            encoded = pid.encode("utf-8")
            cols["ids"].append(encoded)
            cols["id_lengths"].append(len(encoded))
            cols["rowid"].append(rowid)
            cols["lon"].append(lon)
            cols["lat"].append(lat)
            cols["type"].append(_TYPE_CODE.get(ptype, 255))
            cols["family"].append(_FAMILY_CODE[FAMILY_OF.get(ptype, "other")])
            cols["precision"].append(PRECISION_CLASS.get(precision or "", 2))
            cols["stage"].append(_STAGE_CODE.get(stage, len(STAGES)))
            cols["mw"].append(math.nan if mw is None else mw)
            bounds = _line_bounds(geometry)
            cols["line"].append(bounds is not None)
            if bounds is not None:
                cols["line_rows"].append(located)
                for name, value in zip(("lw", "ls", "le", "ln"), bounds):
                    cols[name].append(value)
            located += 1
        parts["ids"].append(b"".join(cols.pop("ids")))
        for name, values in cols.items():
            parts[name].append(np.asarray(values, dtype=_ROW_DTYPES[name]))
    arrays = {name: np.concatenate(chunks) if chunks else np.asarray([], dtype=_ROW_DTYPES[name])
              for name, chunks in parts.items() if name != "ids"}
    for name in ("lon", "lat"):  # millionths of a degree (POINT_DTYPES)
        arrays[f"{name}_e6"] = np.rint(arrays.pop(name) * 1e6).astype(POINT_DTYPES[f"{name}_e6"])
    id_ends = np.cumsum(arrays.pop("id_lengths"))
    if id_ends.size and id_ends[-1] >= 2 ** 32:
        raise ValueError("the project ids take more than 4 GiB")
    (west, south), (east, north) = (mercator(arrays["lw"], arrays["ls"]), mercator(arrays["le"], arrays["ln"]))
    return Points(span=np.maximum(east - west, south - north),
                  ids=b"".join(parts["ids"]), id_ends=id_ends.astype(ID_ENDS_DTYPE), **arrays)


def _line_bounds(geometry: str | None):
    """(w, s, e, n) of a line or area geometry; None for none or a point (drawn as a symbol)."""
    if not geometry:
        return None
    geometry = json.loads(geometry)
    if geometry.get("type") == "Point":
        return None
    coordinates = list(_flatten(geometry.get("coordinates", [])))
    if not coordinates:
        return None
    # Python's min and max over a line's few points: a numpy array per line cost the build more than its rows'
    # insert (the build refuses a coordinate that is not a finite number: store._geometry_geojson).
    xs, ys = [c[0] for c in coordinates], [c[1] for c in coordinates]
    return float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))


def _flatten(coordinates):
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield coordinates[:2]
        return
    for item in coordinates:
        yield from _flatten(item)


def read_points_from_projects(conn) -> Points:
    """The located projects of the projects table (a registry built before `map_points` is served from it)."""
    return _points_from_rows(conn.execute(
        "SELECT rowid, id, type, precision, stage, capacity_mw, lon, lat, "
        "CASE WHEN geometry_wkt != '' THEN geometry END FROM projects ORDER BY rowid"))
