"""Clustering: the located projects of a view grouped into the grid's cells, as rows of CLUSTER_COLUMNS.

`cluster` is the one clustering of the map, run by the build for the zooms it precomputes
(registry/store/map_tables.py) and per request for the others and for filtered views
(registry/store/mapgrid.py); both give the same rows in the same order. Numpy only: no SQL
here, save the ids of lone projects when they are not in memory.
"""
from __future__ import annotations

import numpy as np

from registry.store import mapcells
from registry.store.mapcells import MERGE_MAX_ZOOM
from registry.store.map_points import FAMILIES, PRECISION_CLASSES, TYPES, VIEW_CHUNK, Points, cells_per_world, mercator
from registry.rows.schema import STAGES

MIN_ZOOM, MAX_ZOOM = 3, 18
# `r` (px) and `mix` are set at merged zooms (registry/store/mapcells.py), null closer in.
CLUSTER_COLUMNS = ("lon", "lat", "count", "mw", "known", "family", "precision", "type", "id", "w", "s", "e", "n", "stage",
                   "r", "mix")
# Clusters group a cell's projects by family (the map coloured by type) or by stage.
GROUPS = ("family", "stage")
MIXED = 255  # the group code of a seat's badge, which holds every type and stage
STAGE_NAMES = (*STAGES, "unknown")
# Projects clustered at a time, whole cells, at build and per request: a zoom's rows are never all in memory at once.
CLUSTER_CHUNK = 50_000


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
    for start in range(0, len(selected), VIEW_CHUNK):
        chunk = selected[start:start + VIEW_CHUNK]
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
