"""The map's tables in registry.db, written at build: map_points, map_clusters, map_meta and their indexes.

`write_clusters` stores the projects' point columns (registry/store/map_points.py) as blobs and the
clusters of the whole registry (registry/store/map_clustering.py) for the zooms where clustering
pays; registry/store/mapgrid.py reads them back for every request. Build-time only: the web app
never writes here.
"""
from __future__ import annotations

import json

import numpy as np

from registry.store import map_clustering
from registry.store.map_clustering import CLUSTER_COLUMNS, MAX_ZOOM, MIN_ZOOM
from registry.store.map_points import Points, cells_per_world

# Precompute zooms while a cluster holds on average this many projects or more; above that a
# view holds few projects and per-request clustering of the view is cheap.
PRECOMPUTE_MIN_MEAN = 4


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
        end = int(np.searchsorted(cells, cells[min(start + map_clustering.CLUSTER_CHUNK, drawn.size) - 1], side="right"))
        rows = map_clustering.cluster(points, np.sort(drawn[order[start:end]]), zoom)
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
