"""The map's data feed: the filtered projects as compact rows, no names, streamed in chunks.

    {"total": 2, "columns": ["id", "type", "capacity_mw", "precision", "geometry"],
     "rows": [["xiaogan-001", "solar_pv", 100, "town", [114.1536, 31.72117]],
              ["xiaogan-040", "transmission", null, "site", {"type": "LineString", "coordinates": [...]}]]}

A GeoJSON Feature with its properties costs about 300 bytes a project; a row about 60, so
the map of 100,000 projects loads in a few MB. Names and the other properties are fetched
per project (/api/projects/<id>) when a popup or tooltip opens.
"""
from __future__ import annotations

import json
from itertools import islice
from typing import Iterable, Iterator

MAP_COLUMNS = ("id", "type", "capacity_mw", "precision", "geometry")
# What the rows are made from: a shape (WKT `geometry`, as GeoJSON) wins over the lon/lat point,
# the same rule the build follows for `geometry`.
SOURCE_COLUMNS = ("id", "type", "capacity_mw", "precision", "lon", "lat", "geometry_wkt", "geometry")
# Rows per chunk: a server writes each chunk to the socket, so one per row would be 100,000 writes.
ROWS_PER_CHUNK = 1000

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def map_row(row: dict) -> list:
    capacity = row["capacity_mw"]
    if isinstance(capacity, float) and capacity.is_integer():
        capacity = int(capacity)  # 100 rather than 100.0: the same number, shorter
    return [row["id"], row["type"], capacity, row["precision"], _geometry(row)]


def _geometry(row: dict):
    if row["geometry_wkt"]:
        return json.loads(row["geometry"])
    if row["lon"] is None:
        return None  # not located: counted by the map, not drawn
    return [row["lon"], row["lat"]]


def map_chunks(rows: Iterable[dict], batch: int = ROWS_PER_CHUNK, total: int | None = None) -> Iterator[str]:
    """The feed as text, one chunk per `batch` rows. The total comes first: `len(rows)` for a list,
    or `total` (the filter's count) when rows stream from a cursor in constant memory."""
    if total is None:
        rows = list(rows) if not isinstance(rows, list) else rows
        total = len(rows)
    yield f'{{"total":{total},"columns":{_encode(MAP_COLUMNS)},"rows":['
    rows, first = iter(rows), True
    while chunk := list(islice(rows, batch)):
        # Encoding a whole batch at once keeps the work in the C encoder.
        text = _encode([map_row(r) for r in chunk])[1:-1]
        yield ("" if first else ",") + text
        first = False
    yield "]}\n"
