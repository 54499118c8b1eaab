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

This module answers the web app's requests (`view_clusters`, `view_lines`, `summary`, `drawn_types`)
from what the build stored. The rest lives beside it: the projects' point columns and the projection
in registry/store/map_points.py, the clustering in registry/store/map_clustering.py, and the tables
the build writes in registry/store/map_tables.py.
"""
from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from collections import OrderedDict

import numpy as np

from registry.store.map_clustering import CLUSTER_COLUMNS, MAX_ZOOM, cluster
from registry.store.map_points import BLOB_FORMAT, TYPES, Points, cells_per_world, mercator, read_points_from_projects

MAX_LINES = 5000  # line projects in one answer of `view_lines`, at the most

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
