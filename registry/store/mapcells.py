"""One symbol per grid cell at national and provincial zooms, sized and placed to stay inside its cell.

At zoom 3-7 (`MERGE_MAX_ZOOM`) a cell of the map's grid (registry/store/map_clustering.py, `CELL_PX` square in
Web-Mercator pixels) holds one symbol for all its projects, whatever their type, stage or
location precision; its colour tells the mix (`mix`: [[family or stage, count], …], drawn as a
donut by static/map.js). Its radius is at most half a cell less `GAP_PX`, and its centre (the mean
of its projects) is moved just enough for the circle to lie inside its own cell: no two symbols
of a view can overlap, however many projects there are, so none hides or takes the taps of
another. Closer in, projects are few per view and the grid groups them by family and precision.
"""
from __future__ import annotations

import math

import numpy as np

CELL_PX = 60
TILE_PX = 256
MERGE_MAX_ZOOM = 7
GAP_PX = 1.0  # free pixels between a symbol and its cell's edge: neighbours are >= 2 px apart
# A lone project's radius in px: area ∝ MW above a floor of 12 px across (static/map.js draws the same).
RADIUS_K, RADIUS_MIN, RADIUS_MAX = 0.4, 6.0, 30.0
CELL_RADIUS_MAX = CELL_PX / 2 - GAP_PX


def world_px(zoom: int) -> float:
    return TILE_PX * 2 ** zoom


def cluster_radius(count: np.ndarray) -> np.ndarray:
    """A group's radius: grows with the log of its size, 12.5 px for two, the cell's limit from ~110."""
    return np.minimum(CELL_RADIUS_MAX, 11 + 2.5 * np.log2(np.maximum(count, 1)))


def project_radius(mw: np.ndarray) -> np.ndarray:
    """A lone project's radius by its MW (NaN: unknown, the floor)."""
    r = np.where(np.isnan(mw), RADIUS_MIN, RADIUS_K * np.sqrt(np.nan_to_num(mw)))
    return np.clip(r, RADIUS_MIN, RADIUS_MAX)


def cell_radius(count: np.ndarray, mw: np.ndarray) -> np.ndarray:
    """Radius of a cell's symbol at a merged zoom: a group's or a lone project's, never more than the cell allows."""
    return np.minimum(np.where(count > 1, cluster_radius(count), project_radius(mw)), CELL_RADIUS_MAX)


def fit_in_cells(mx: np.ndarray, my: np.ndarray, cx: np.ndarray, cy: np.ndarray, r: np.ndarray, zoom: int):
    """Centres (Web-Mercator world units) moved the least for a circle of radius r px to lie in its cell."""
    size = world_px(zoom)
    margin = (r + GAP_PX) / size
    cell = CELL_PX / size
    x = np.clip(mx, cx * cell + margin, (cx + 1) * cell - margin)
    y = np.clip(my, cy * cell + margin, (cy + 1) * cell - margin)
    return x, y


def lon_lat(mx: np.ndarray, my: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The inverse of map_points.mercator."""
    lon = mx * 360.0 - 180.0
    lat = np.degrees(np.arctan(np.sinh(math.pi * (1 - 2 * my))))
    return lon, lat


def mixes(inverse: np.ndarray, codes: np.ndarray, names: tuple, groups: int) -> list[list]:
    """Per group, [[name, count], …] of the codes its members have, largest first (ties by name order)."""
    table = np.bincount(inverse * len(names) + codes, minlength=groups * len(names)).reshape(groups, len(names))
    order = np.argsort(-table, axis=1, kind="stable")
    out = []
    for counts, ranked in zip(table.tolist(), order.tolist()):
        out.append([[names[i], counts[i]] for i in ranked if counts[i]])
    return out


def majority(inverse: np.ndarray, codes: np.ndarray, classes: int, groups: int) -> np.ndarray:
    """Per group, the commonest code (a tie goes to the larger code: the vaguer precision)."""
    table = np.bincount(inverse * classes + codes, minlength=groups * classes).reshape(groups, classes)
    return classes - 1 - np.argmax(table[:, ::-1], axis=1)
