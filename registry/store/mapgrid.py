"""The map's clusters: a grid of ~60 px cells per zoom level, per type family and location precision.

At build (`write`), every located project becomes one row of compact arrays (stored as blobs
in `map_points`), and the clusters of the whole registry are precomputed for the zoom levels
where clustering pays (`map_clusters`). A request for a view (`clusters`) then reads only the
clusters whose cells meet the view: the answer grows with the screen, not with the registry.
A filtered view selects its projects once (SQL, cached per filter) and clusters them with
numpy on each move.

Cells are fixed in Web-Mercator pixel space, so a cluster is the same wherever the view is
and a pan never reshuffles what is on screen. Projects known only to their county or city
(precision county/city) never merge with exactly located ones: they form their own clusters,
which the map draws as hollow "area" symbols at the seat they were geocoded to.

A line project (a non-point geometry) is drawn as a line where it spans a cell or more at the
zoom (`lines` serves those by view) and clustered like a point at its first vertex where it is
shorter: a national view of 100,000 projects then carries a few long lines, not thousands of
county-sized ones, and every project is in exactly one of the two answers.
"""
from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from registry.store import mapcells
from registry.store.mapcells import CELL_PX, MERGE_MAX_ZOOM, TILE_PX
from registry.rows.schema import FAMILY_OF, PROJECT_TYPES, STAGES, TYPE_FAMILIES

MIN_ZOOM, MAX_ZOOM = 3, 18
# Precompute zooms while a cluster holds on average this many projects or more; above that a
# view holds few projects and per-request clustering of the view is cheap.
PRECOMPUTE_MIN_MEAN = 4
TYPES = tuple(PROJECT_TYPES)
FAMILIES = tuple(TYPE_FAMILIES)
# How exactly a point locates its project: 0 the site, 1 the town, 2 an area (county, city).
PRECISION_CLASS = {"site": 0, "town": 1, "county": 2, "city": 2}
PRECISION_CLASSES = ("site", "town", "area")
# `r` (px) and `mix` are set at merged zooms (registry/store/mapcells.py), null closer in.
CLUSTER_COLUMNS = ("lon", "lat", "count", "mw", "known", "family", "precision", "type", "id", "w", "s", "e", "n", "stage",
                   "r", "mix")
# Clusters group a cell's projects by family (the map coloured by type) or by stage.
GROUPS = ("family", "stage")
MIXED = 255  # the group code of a seat's badge, which holds every type and stage
STAGE_NAMES = (*STAGES, "unknown")
MAX_LINES = 5000
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
        for start in range(0, size, _CHUNK):
            chunk = np.arange(start, min(start + _CHUNK, size)) if selected is None else selected[start:start + _CHUNK]
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
    coordinates = np.asarray(list(_flatten(geometry.get("coordinates", []))), dtype=float)
    if coordinates.size == 0:
        return None
    return (*coordinates.min(axis=0)[:2], *coordinates.max(axis=0)[:2])


def _flatten(coordinates):
    if coordinates and isinstance(coordinates[0], (int, float)):
        yield coordinates[:2]
        return
    for item in coordinates:
        yield from _flatten(item)


def cluster(points: Points, selected: np.ndarray, zoom: int, view: tuple | None = None, group: str = "family",
            conn=None) -> list[list]:
    """Clusters (rows of CLUSTER_COLUMNS) of the point projects `selected` (indexes into points)
    whose cells meet `view` (w, s, e, n in degrees; None for the world), grouped by family or stage.

    Whole cells CLUSTER_CHUNK projects at a time, in ascending cell order (as the build does): a cluster never
    spans two cells and the rows are ordered by cell, so the rows and their order are those of one pass over the
    view, while the temporaries are a chunk's (one pass over a national view at a million projects took ~100 MB)."""
    selected, cells = _cells_in_view(points, selected, zoom, view)
    if selected.size <= CLUSTER_CHUNK:
        return _cluster_cells(points, selected, cells, zoom, group, conn)
    order = np.argsort(cells, kind="stable")
    cells = cells[order]  # the unsorted cells are let go: a national view's arrays are 4 + 8 + 8 + 8 bytes a project
    rows, start = [], 0
    while start < selected.size:
        end = int(np.searchsorted(cells, cells[min(start + CLUSTER_CHUNK, selected.size) - 1], side="right"))
        back = np.argsort(order[start:end], kind="stable")  # `selected`'s order: first members and sums as in one pass
        rows.extend(_cluster_cells(points, selected[order[start:end][back]], cells[start:end][back], zoom, group, conn))
        start = end
    return rows


def _cluster_cells(points: Points, selected: np.ndarray, cells: np.ndarray, zoom: int, group: str, conn) -> list[list]:
    """The clusters of `selected` (ascending), whose cells are `cells` (x << 24 | y)."""
    if selected.size == 0:
        return []
    cx, cy = cells >> 24, cells & 0xFFFFFF
    merged = zoom <= MERGE_MAX_ZOOM
    if merged:  # one symbol per cell (registry/store/mapcells.py)
        key = cx << 24 | cy
    else:
        # Projects known only to their county or city share one badge per seat whatever their type:
        # a planner clicks it and gets the county's list.
        grouping = np.where(points.precision[selected] == 2, MIXED, getattr(points, group)[selected].astype(np.int64))
        key = ((cx << 24 | cy) << 8 | grouping) << 2 | points.precision[selected]
    keys, first, inverse, counts = np.unique(key, return_index=True, return_inverse=True, return_counts=True)
    groups = len(keys)

    def total(values):
        return np.bincount(inverse, weights=values, minlength=groups)

    lon, lat, mw = points.lon(selected), points.lat(selected), points.mw[selected]
    known = ~np.isnan(mw)
    sums = total(np.where(known, mw, 0.0))
    known_counts = total(known.astype(float))
    types = points.type[selected].astype(np.int64)
    single_type = total(types) == types[first] * counts
    single_type &= total(types.astype(float) ** 2) == (types[first].astype(float) ** 2) * counts
    family_codes = points.family[selected].astype(float)
    single_family = (total(family_codes) == family_codes[first] * counts) & (
        total(family_codes ** 2) == family_codes[first] ** 2 * counts)
    stage_codes = points.stage[selected].astype(float)
    single_stage = (total(stage_codes) == stage_codes[first] * counts) & (
        total(stage_codes ** 2) == stage_codes[first] ** 2 * counts)
    w, e, s, n = (np.full(groups, init) for init in (np.inf, -np.inf, np.inf, -np.inf))
    np.minimum.at(w, inverse, lon), np.maximum.at(e, inverse, lon)
    np.minimum.at(s, inverse, lat), np.maximum.at(n, inverse, lat)
    mean_lon, mean_lat = total(lon) / counts, total(lat) / counts
    members = selected[first]
    family_names = np.array([*FAMILIES, "mixed"], dtype=object)
    family_index = np.where(single_family, points.family[members], len(FAMILIES))
    type_names = np.array([*TYPES, None], dtype=object)
    type_index = np.where(single_type & (types[first] < len(TYPES)), types[first], len(TYPES))
    stage_names = np.array([*STAGE_NAMES, None], dtype=object)
    stage_index = np.where(single_stage, points.stage[members], len(STAGE_NAMES))
    ids = np.full(groups, None, dtype=object)
    alone = np.flatnonzero(counts == 1)
    for group_index, project_id in zip(alone.tolist(), points.project_ids(members[alone].tolist(), conn)):
        ids[group_index] = project_id  # `conn`: where the ids are not in memory
    precision = points.precision[members]
    radius = mix = np.full(groups, None, dtype=object)
    if merged:
        precision = mapcells.majority(inverse, points.precision[selected].astype(np.int64), len(PRECISION_CLASSES), groups)
        radius = mapcells.cell_radius(counts, np.where(known_counts > 0, sums, np.nan))
        mx, my = mapcells.fit_in_cells(*mercator(mean_lon, mean_lat), cx[first], cy[first], radius, zoom)
        mean_lon, mean_lat = mapcells.lon_lat(mx, my)
        names = FAMILIES if group == "family" else STAGE_NAMES
        mix = np.empty(groups, dtype=object)
        mix[:] = mapcells.mixes(inverse, getattr(points, group)[selected].astype(np.int64), names, groups)
        radius = np.round(radius, 2)
    columns = [np.round(mean_lon, 6), np.round(mean_lat, 6), counts, np.round(sums, 3), known_counts.astype(np.int64),
               family_names[family_index], np.array(PRECISION_CLASSES, dtype=object)[precision],
               type_names[type_index], ids, np.round(w, 6), np.round(s, 6), np.round(e, 6), np.round(n, 6),
               stage_names[stage_index], radius, mix]
    # Column-wise to Python lists, then rows: no per-cluster Python arithmetic.
    return [list(row) for row in zip(*(c.tolist() for c in columns))]


_CHUNK = 1 << 18  # rows tested against a view at a time: the temporary arrays stay a few MB at any size
# Projects clustered at a time, whole cells, at build and per request: a zoom's rows are never all in memory at once.
CLUSTER_CHUNK = 50_000


def _cells_in_view(points: Points, selected: np.ndarray, zoom: int, view: tuple | None):
    """The point projects among `selected` (not drawn as lines at `zoom`) whose cells meet `view`, and their cells
    (x << 24 | y: 2^18 * 256 / CELL_PX cells across the world at zoom 18), a chunk at a time: a view holds a part of
    a million projects, and its arrays are all that is made whole."""
    scale = cells_per_world(zoom)
    if view is not None:
        (x0, x1), (y1, y0) = (np.floor(v * scale) for v in mercator(np.array(view[0::2]), np.array(view[1::2])))
    # Written into arrays as long as the selection: pages of them never written are never resident.
    kept, cells = np.empty(len(selected), dtype=selected.dtype), np.empty(len(selected), dtype=np.int64)
    found = 0
    for start in range(0, len(selected), _CHUNK):
        chunk = selected[start:start + _CHUNK]
        chunk = chunk[~points.drawn_as_line(chunk, zoom)]
        cx = np.floor(points.mx(chunk) * scale).astype(np.int64)
        if view is not None:  # the columns first: the rows' y (a logarithm) only for those
            keep = (cx >= x0) & (cx <= x1)
            chunk, cx = chunk[keep], cx[keep]
        cy = np.floor(points.my(chunk) * scale).astype(np.int64)
        if view is not None:
            keep = (cy >= y0) & (cy <= y1)
            chunk, cx, cy = chunk[keep], cx[keep], cy[keep]
        kept[found:found + len(chunk)] = chunk
        cells[found:found + len(chunk)] = cx << 24 | cy
        found += len(chunk)
    return kept[:found], cells[:found]


# --- build ----------------------------------------------------------------------------------------



def write_clusters(conn, points: Points) -> None:
    """The tables map_points, map_clusters and map_meta of `points`, on `conn` (the registry's, or a file of
    their own that the build fills beside it while SQLite indexes the projects: registry/store/side_tables.py)."""
    conn.execute("CREATE TABLE map_points (name TEXT PRIMARY KEY, data BLOB)")
    conn.executemany("INSERT INTO map_points VALUES (?, ?)", points.blobs())
    conn.execute(f"CREATE TABLE map_clusters (zoom INTEGER, {', '.join(c + ' ' + _sql_type(c) for c in CLUSTER_COLUMNS)})")
    for zoom in range(MIN_ZOOM, MAX_ZOOM + 1):
        if not _write_zoom(conn, points, zoom):
            break
        _set_meta(conn, "map_precomputed_max_zoom", zoom)
    conn.commit()


def index_projects_and_facets(conn) -> None:
    """What the map reads of `projects` besides its tables: the (lon, lat) index and the unfiltered facets (the
    build makes them while its threads make the map's tables; `index_clusters` after they are copied in)."""
    from registry.store import facets

    # The bbox filter (the projects-in-view table follows every move) reads this index.
    conn.execute("CREATE INDEX IF NOT EXISTS projects_lon_lat ON projects (lon, lat)")
    facets.store_unfiltered(conn)
    conn.commit()


def index_clusters(conn) -> None:
    conn.execute("CREATE INDEX map_clusters_view ON map_clusters (zoom, lat, lon)")
    conn.commit()


def _write_zoom(conn, points: Points, zoom: int) -> bool:
    """Store the clusters of the whole registry at `zoom` if they hold PRECOMPUTE_MIN_MEAN projects on average.

    Clustered CLUSTER_CHUNK projects at a time, whole cells in ascending cell order: a cluster never
    spans two cells and `cluster` orders its rows by cell, so the rows, and their order, are the
    ones a single call over every project gives.
    """
    drawn = np.flatnonzero(~points.drawn_as_line(np.arange(len(points)), zoom))
    if drawn.size == 0:
        return False
    scale = cells_per_world(zoom)
    cells = np.floor(points.mx(drawn) * scale).astype(np.int64) << 24 | np.floor(points.my(drawn) * scale).astype(np.int64)
    order = np.argsort(cells, kind="stable")
    cells = cells[order]
    if drawn.size < PRECOMPUTE_MIN_MEAN * (1 + np.count_nonzero(cells[1:] != cells[:-1])):
        return False  # a cell holds one cluster or more: the mean is lower still
    insert = f"INSERT INTO map_clusters VALUES ({', '.join('?' * (len(CLUSTER_COLUMNS) + 1))})"
    written = start = 0
    while start < drawn.size:
        end = int(np.searchsorted(cells, cells[min(start + CLUSTER_CHUNK, drawn.size) - 1], side="right"))
        rows = cluster(points, np.sort(drawn[order[start:end]]), zoom)
        conn.executemany(insert, ((zoom, *row[:-1], None if row[-1] is None else json.dumps(row[-1], ensure_ascii=False))
                                  for row in rows))
        written, start = written + len(rows), end
    if drawn.size < PRECOMPUTE_MIN_MEAN * written:
        conn.execute("DELETE FROM map_clusters WHERE zoom = ?", (zoom,))
        return False
    return True


def _sql_type(column: str) -> str:
    return {"count": "INTEGER", "known": "INTEGER", "family": "TEXT", "precision": "TEXT", "type": "TEXT", "stage": "TEXT",
            "id": "TEXT", "mix": "TEXT"}.get(column, "REAL")


def _set_meta(conn, key: str, value) -> None:
    conn.execute("CREATE TABLE IF NOT EXISTS map_meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT OR REPLACE INTO map_meta VALUES (?, ?)", (key, str(value)))


def read_points_from_projects(conn) -> Points:
    return _points_from_rows(conn.execute(
        "SELECT rowid, id, type, precision, stage, capacity_mw, lon, lat, "
        "CASE WHEN geometry_wkt != '' THEN geometry END FROM projects ORDER BY rowid"))


# --- serving --------------------------------------------------------------------------------------

_lock = threading.Lock()
_points_cache: dict = {}
_selection_cache: OrderedDict = OrderedDict()
SELECTIONS_KEPT = 16
SELECTIONS_MAX_BYTES = 16 << 20  # and no more than this in all (a worker's memory at a million projects)


def file_key(path) -> tuple:
    """What identifies a database file's content for the per-file caches: a rebuild swaps the file."""
    stat = os.stat(path)
    return (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


def load_points(conn, path) -> Points:
    """The registry's point arrays, read once per database file (a rebuild swaps the file)."""
    key = file_key(path)
    with _lock:
        if key in _points_cache:
            return _points_cache[key]
    try:
        blobs = dict(conn.execute("SELECT name, data FROM map_points WHERE name NOT IN ('ids', 'id_ends')"))
    except sqlite3.OperationalError:  # a registry built before map_points existed
        blobs = {}
    # The arrays are views of the blobs' bytes (np.frombuffer): read once, never copied. A registry built
    # before this format is read from its projects table.
    points = Points.from_blobs(blobs) if blobs.get("format") == BLOB_FORMAT else read_points_from_projects(conn)
    with _lock:
        _points_cache.clear()  # only the current file is worth keeping
        _points_cache[key] = points
    return points


def select(conn, path, points: Points, where: str, params: list) -> np.ndarray:
    """Indexes into `points` of the projects matching a filter; cached per (file, filter)."""
    if where == "1":
        return np.arange(len(points), dtype=np.int32)
    key = (file_key(path), where, tuple(params))
    with _lock:
        if key in _selection_cache:
            _selection_cache.move_to_end(key)
            return _selection_cache[key]
    cursor = conn.cursor()
    cursor.row_factory = None
    rowids = np.fromiter((r[0] for r in cursor.execute(
        f"SELECT rowid FROM projects WHERE ({where}) AND lon IS NOT NULL", params)), dtype=np.int64)
    rowids.sort()
    positions = np.searchsorted(points.rowid, rowids)
    positions = positions[(positions < len(points)) & (points.rowid[np.minimum(positions, len(points) - 1)] == rowids)]
    positions = positions.astype(np.int32)  # 4 bytes a project: a wide filter at 1M holds 4 MB, not 8
    with _lock:
        _selection_cache[key] = positions
        while len(_selection_cache) > 1 and (len(_selection_cache) > SELECTIONS_KEPT or sum(
                v.nbytes for v in _selection_cache.values()) > SELECTIONS_MAX_BYTES):
            _selection_cache.popitem(last=False)
    return positions


def precomputed_max_zoom(conn) -> int:
    try:
        row = conn.execute("SELECT value FROM map_meta WHERE key = 'map_precomputed_max_zoom'").fetchone()
    except sqlite3.OperationalError:
        return -1
    return int(row[0]) if row else -1


def view_clusters(conn, path, where: str, params: list, zoom: int, view: tuple, group: str = "family") -> dict:
    """The clusters of a filtered set whose cells meet `view`, and the set's size."""
    points = load_points(conn, path)
    everything = where == "1"
    rows = None
    if everything and group == "family" and zoom <= precomputed_max_zoom(conn):
        rows = _precomputed(conn, zoom, view)
    if rows is None or not everything:  # a precomputed view of every project needs no selection (4 bytes a project)
        selected = select(conn, path, points, where, params)
    if rows is None:
        rows = cluster(points, selected, zoom, view, group, conn)
    if everything:  # the lines drawn as lines, counted from the line columns alone
        size, lines = len(points), int(np.count_nonzero(points.lines_drawn(zoom)))
    else:
        size, lines = len(selected), int(points.drawn_as_line(selected, zoom).sum())
    return {"zoom": zoom, "bbox": list(view), "matches": size - lines,
            "lines": lines, "columns": list(CLUSTER_COLUMNS), "clusters": [_compact(r) for r in rows]}


_EXTENT = slice(CLUSTER_COLUMNS.index("w"), CLUSTER_COLUMNS.index("n") + 1)


def _compact(row: list) -> list:
    """A lone project's extent is its point: sent as nulls, and coordinates to 1e-5° (~1 m)."""
    row = list(row)
    row[0], row[1] = round(row[0], 5), round(row[1], 5)
    if row[2] == 1:
        row[_EXTENT] = [None] * 4
    return row


def _precomputed(conn, zoom: int, view: tuple) -> list[list]:
    # Whole cells that meet the view: a cluster's centre may lie up to one cell outside it.
    scale = cells_per_world(zoom)
    (x0, x1), (y1, y0) = (np.floor(v * scale) for v in mercator(np.array(view[0::2]), np.array(view[1::2])))
    w, e = (float(v) / scale * 360.0 - 180.0 for v in (x0, x1 + 1))
    n, s = (math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * float(v) / scale)))) for v in (y0, y1 + 1))
    try:
        rows = conn.execute(
            f"SELECT {', '.join(CLUSTER_COLUMNS)} FROM map_clusters WHERE zoom = ? AND lat BETWEEN ? AND ? "
            "AND lon BETWEEN ? AND ?", (zoom, s, n, w, e)).fetchall()
    except sqlite3.OperationalError:  # a registry built before the merged cells: clustered per request
        return None
    return [[*r[:-1], None if r[-1] is None else json.loads(r[-1])] for r in rows]


def summary(conn, path, where: str, params: list) -> dict:
    """How many of a filtered set are drawn as points, as lines, how many are not on the map (no point:
    listed, never drawn), and the box that holds every drawn one: the map's first view."""
    points = load_points(conn, path)
    if where == "1" and "summary" in points.unfiltered:
        cached = points.unfiltered["summary"]
        return {**cached, "extent": cached["extent"] and list(cached["extent"])}
    selected = None if where == "1" else select(conn, path, points, where, params)  # None: every project
    size = len(points) if selected is None else selected.size
    not_located = conn.execute(f"SELECT count(*) FROM projects WHERE ({where}) AND lon IS NULL", params).fetchone()[0]
    if size == 0:
        found = {"points": 0, "lines": 0, "not_located": not_located, "extent": None}
    else:
        lines = int(np.count_nonzero(points.line if selected is None else points.line[selected]))
        found = {"points": int(size - lines), "lines": lines, "not_located": not_located,
                 "extent": points.extent(selected)}
    if where == "1":
        points.unfiltered["summary"] = dict(found)
    return found


def drawn_types(conn, path, where: str, params: list) -> set[str]:
    """The types of a filtered set's projects that the map draws (the legend's entries)."""
    points = load_points(conn, path)
    if where == "1" and "types" in points.unfiltered:
        return set(points.unfiltered["types"])
    codes = np.unique(points.type if where == "1" else points.type[select(conn, path, points, where, params)])
    found = {TYPES[c] for c in codes.tolist() if c < len(TYPES)}
    if where == "1":
        points.unfiltered["types"] = frozenset(found)
    return found


def view_lines(conn, path, where: str, params: list, view: tuple, zoom: int = MAX_ZOOM) -> dict:
    """The line projects of a filtered set drawn as lines at `zoom` whose extent meets `view`."""
    points = load_points(conn, path)
    if where == "1":  # every project's lines drawn as lines: from the line columns alone
        selected = points.line_rows[points.lines_drawn(zoom)]
    else:
        selected = select(conn, path, points, where, params)
        selected = selected[points.drawn_as_line(selected, zoom)]
    w, s, e, n = view
    at = points.line_positions(selected)
    meets = (points.lw[at] <= e) & (points.le[at] >= w) & (points.ls[at] <= n) & (points.ln[at] >= s)
    rowids = points.rowid[selected[meets]][:MAX_LINES]
    rows = []
    for start in range(0, len(rowids), 500):
        chunk = [int(r) for r in rowids[start:start + 500]]
        rows.extend(conn.execute(
            f"SELECT id, type, voltage_kv, capacity_mw, precision, geometry, stage FROM projects "
            f"WHERE rowid IN ({', '.join('?' * len(chunk))})", chunk))
    return {"bbox": list(view), "zoom": zoom, "truncated": bool(meets.sum() > MAX_LINES),
            "columns": ["id", "type", "voltage_kv", "capacity_mw", "precision", "geometry", "stage"],
            "lines": [[r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), r[6] or "unknown"] for r in rows]}
