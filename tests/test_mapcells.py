"""At national zooms (3-7) each grid cell holds one symbol that lies inside the cell (registry/store/mapcells.py):
no two symbols overlap, at 100,000 projects as at a hundred.

The 100,000 come from the benchmarks' synthetic generator (benchmarks/synthetic.py, real counties, 5 s) and are
clustered from arrays, without building the SQLite registry (33 s on this machine: too slow for the suite); the
symbols depend only on the points, and the browser draws them where and as large as the server says
(tests/test_map_ui_browser.py checks the drawn symbols at zoom 4-7).
"""
from __future__ import annotations

import json

import numpy as np
import shapely.geometry
import shapely.wkt

from registry.store import mapcells


def test_a_cells_symbol_stays_inside_its_cell_whatever_its_size_and_position():
    zoom = 5
    size = mapcells.world_px(zoom)
    cx, cy = np.array([100, 100, 100]), np.array([50, 50, 50])
    # Centres at the cell's corner, its middle and just inside its far edge; radii small to the largest.
    mx = (cx * mapcells.CELL_PX + np.array([0.0, 30.0, 59.99])) / size
    my = (cy * mapcells.CELL_PX + np.array([0.0, 30.0, 59.99])) / size
    r = mapcells.cell_radius(np.array([2, 100_000, 1]), np.array([np.nan, 5.0, 9000.0]))
    assert (r <= mapcells.CELL_PX / 2 - mapcells.GAP_PX).all() and r[0] > mapcells.RADIUS_MIN
    x, y = mapcells.fit_in_cells(mx, my, cx, cy, r, zoom)
    px, py = x * size - cx * mapcells.CELL_PX, y * size - cy * mapcells.CELL_PX
    assert ((px - r >= mapcells.GAP_PX - 1e-6) & (px + r <= mapcells.CELL_PX - mapcells.GAP_PX + 1e-6)).all()
    assert ((py - r >= mapcells.GAP_PX - 1e-6) & (py + r <= mapcells.CELL_PX - mapcells.GAP_PX + 1e-6)).all()


def test_mix_lists_every_family_of_a_cell_largest_first():
    inverse = np.array([0, 0, 0, 1, 1])
    codes = np.array([2, 0, 2, 1, 1])
    assert mapcells.mixes(inverse, codes, ("a", "b", "c"), 2) == [[["c", 2], ["a", 1]], [["b", 2]]]
    assert mapcells.majority(inverse, codes, 3, 2).tolist() == [2, 1]


def test_national_symbols_of_100000_projects_never_overlap(tmp_path, monkeypatch):
    """At 100,000 synthetic projects (benchmarks/synthetic.py) the server's cells' symbols at zoom 4-7 never overlap,
    and clustering whole cells a chunk at a time (the server's memory at a million) gives one pass's rows exactly.

    Clustered from the generator's rows as numpy arrays, without building the SQLite registry (33 s here): the
    symbols depend only on the points, and the browser draws them where and as large as the server says
    (tests/test_map_ui_browser.py)."""
    from benchmarks.synthetic import generate
    from registry.store import map_clustering, map_points

    rows = generate(100_000, seed=0)

    def geojson(text):  # as registry build stores a row's geometry
        return json.dumps(shapely.geometry.mapping(shapely.wkt.loads(text))) if text else None

    class Cursor:
        def __init__(self):
            self.rows = [(i, r["id"], r["type"], r["precision"], r["stage"] or None,
                          float(r["capacity_mw"]) if r["capacity_mw"] else None,
                          float(r["lon"]) if r["lon"] else None, float(r["lat"]) if r["lat"] else None,
                          geojson(r["geometry_wkt"])) for i, r in enumerate(rows, start=1)]

        def fetchmany(self, n):
            chunk, self.rows = self.rows[:n], self.rows[n:]
            return chunk

    points = map_points._points_from_rows(Cursor())
    assert len(points) > 90_000
    columns = {name: i for i, name in enumerate(map_clustering.CLUSTER_COLUMNS)}
    for zoom in (4, 5, 6, 7):
        clusters = map_clustering.cluster(points, np.arange(len(points)), zoom)
        lon = np.array([c[columns["lon"]] for c in clusters])
        lat = np.array([c[columns["lat"]] for c in clusters])
        r = np.array([c[columns["r"]] for c in clusters], dtype=float)
        mx, my = map_points.mercator(lon, lat)
        x, y = mx * 256 * 2 ** zoom, my * 256 * 2 ** zoom
        # Neighbours only: symbols lie in their own 60 px cells, so a pair farther apart than two radii cannot touch.
        order = np.argsort(x)
        for i, a in enumerate(order):
            for b in order[i + 1:]:
                if x[b] - x[a] >= 60:
                    break
                assert (x[a] - x[b]) ** 2 + (y[a] - y[b]) ** 2 >= (r[a] + r[b]) ** 2, (zoom, clusters[a], clusters[b])
        assert sum(c[columns["count"]] for c in clusters) > 90_000
    everything = np.arange(len(points))
    china_centre = (100.0, 25.0, 118.0, 40.0)
    monkeypatch.setattr(map_clustering, "CLUSTER_CHUNK", 5_000)  # many chunks, each of whole cells
    chunked = {(zoom, group): map_clustering.cluster(points, everything, zoom, view, group)
               for zoom, view, group in ((4, None, "stage"), (6, china_centre, "family"), (9, china_centre, "stage"))}
    assert all(len(rows) > 50 for rows in chunked.values())
    monkeypatch.setattr(map_clustering, "CLUSTER_CHUNK", len(points))  # one pass over the view
    for (zoom, group), rows in chunked.items():
        view = None if zoom == 4 else china_centre
        assert rows == map_clustering.cluster(points, everything, zoom, view, group), (zoom, group)
