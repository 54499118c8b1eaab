"""The map's point arrays (map_points.Points), collected while the build inserts the projects.

`map_points.read_points_from_projects` reads them back from the finished table, a Python tuple per
row, into temporary float64 columns concatenated at the end (twice the arrays at that moment);
the build already holds every row's values in its insert batches, so `PointColumns.add(batch)`
turns each batch into the same compact columns with numpy (C loops, a few Python steps per batch,
not per row) and appends them to growable `array.array`s: no float64 or Python-object copy of
every row is ever held, and numpy reads the columns without a copy at the end. `points()` equals
what `read_points_from_projects` returns for the same table, blob for blob (tests/test_store.py
checks it through `of_table`, which reads a finished table the same way).
"""
from __future__ import annotations

from array import array
from itertools import compress, repeat

import numpy as np

from registry.rows.schema import FAMILY_OF, STAGES
from registry.store import map_points
from registry.store.project_rows import INSERT_COLUMNS

_AT = {name: INSERT_COLUMNS.index(column) for name, column in (
    ("id", "id"), ("type", "type"), ("mw", "capacity_mw"), ("stage", "stage"), ("lon", "lon"), ("lat", "lat"),
    ("precision", "precision"), ("wkt", "geometry_wkt"), ("geometry", "geometry"))}
_TYPE_CODE = {t: i for i, t in enumerate(map_points.TYPES)}
_FAMILY_OF_TYPE = {t: map_points.FAMILIES.index(FAMILY_OF.get(t, "other")) for t in map_points.TYPES}
_OTHER_FAMILY = map_points.FAMILIES.index("other")
_STAGE_CODE = {s: i for i, s in enumerate(STAGES)}
_NO_STAGE = len(STAGES)
_CODES = {"u1": "B", "<i4": "i", "<u4": "I", "<f8": "d", "?": "B"}


class PointColumns:
    """Collects INSERT_COLUMNS tuples, batch by batch in insert (rowid) order, into map_points.Points columns."""

    def __init__(self):
        dtypes = {**map_points.POINT_DTYPES, **{k: v for k, v in map_points.LINE_DTYPES.items() if k != "span"}}
        self.dtypes = dtypes
        self.columns = {name: array(_CODES[dtype]) for name, dtype in dtypes.items()}
        self.ids, self.id_ends = bytearray(), array("Q")
        self.inserted = 0  # rows inserted so far: the next row's rowid is this + 1
        self.located = 0

    def add(self, batch: list[tuple], at: dict[str, int] = _AT) -> None:
        """Append a batch of rows (the next rowids, in order); `at`: where each value is in a row."""
        first_rowid, self.inserted = self.inserted + 1, self.inserted + len(batch)
        values = list(zip(*batch))
        lon = np.array(values[at["lon"]], dtype=float)  # None (no point) is NaN
        lat = np.array(values[at["lat"]], dtype=float)
        keep = ~(np.isnan(lon) | np.isnan(lat))
        rowid = np.arange(first_rowid, first_rowid + len(batch), dtype=np.int64)
        if not keep.all():
            lon, lat, rowid = lon[keep], lat[keep], rowid[keep]
            values = list(zip(*compress(batch, keep.tolist()))) or [()] * len(batch[0])
        n = len(rowid)
        if n == 0:
            return
        types, wkts, geometries = values[at["type"]], values[at["wkt"]], values[at["geometry"]]
        out = {
            "rowid": rowid, "lon_e6": np.rint(lon * 1e6), "lat_e6": np.rint(lat * 1e6),
            "type": np.fromiter(map(_TYPE_CODE.get, types, repeat(255)), np.uint8, n),
            "family": np.fromiter(map(_FAMILY_OF_TYPE.get, types, repeat(_OTHER_FAMILY)), np.uint8, n),
            "precision": np.fromiter(map(map_points.PRECISION_CLASS.get, (p or "" for p in values[at["precision"]]),
                                         repeat(2)), np.uint8, n),
            "stage": np.fromiter(map(_STAGE_CODE.get, values[at["stage"]], repeat(_NO_STAGE)), np.uint8, n),
            "mw": np.array(values[at["mw"]], dtype=float),
        }
        line = np.zeros(n, dtype=bool)
        for i in (i for i, wkt in enumerate(wkts) if wkt):  # the CASE WHEN geometry_wkt != '' of the table's read
            bounds = map_points._line_bounds(geometries[i])
            if bounds is not None:
                line[i] = True
                self.columns["line_rows"].append(self.located + i)
                for name, value in zip(("lw", "ls", "le", "ln"), bounds):
                    self.columns[name].append(float(value))
        out["line"] = line
        for name, column in out.items():
            self.columns[name].frombytes(np.ascontiguousarray(column, dtype=self.dtypes[name]).tobytes())
        encoded = [pid.encode("utf-8") for pid in values[at["id"]]]
        self.ids += b"".join(encoded)
        ends = np.cumsum(np.fromiter(map(len, encoded), np.uint64, n)) + (self.id_ends[-1] if self.id_ends else 0)
        self.id_ends.frombytes(ends.tobytes())
        self.located += n

    def part_blobs(self):
        """(name, bytes) of every column, the ids and their ends: what `append_part` reads back, one at a time."""
        for name, column in self.columns.items():
            yield name, column.tobytes()
        yield "ids", bytes(self.ids)
        yield "id_ends", self.id_ends.tobytes()

    def append_part(self, inserted: int, located: int, read) -> None:
        """Append the columns of the rows inserted after this one's, made by another process (its rowids from 1):
        `read(name)` gives each of its `part_blobs`, read one at a time (flat memory); its rowids, line rows and id
        ends are shifted past this one's."""
        offsets = {"rowid": self.inserted, "line_rows": self.located}
        for name, column in self.columns.items():
            data = read(name)
            if name in offsets and data:
                data = (np.frombuffer(data, dtype=self.dtypes[name]) + offsets[name]).astype(self.dtypes[name]).tobytes()
            column.frombytes(data)
        id_ends = read("id_ends")
        if id_ends:
            last = self.id_ends[-1] if self.id_ends else 0
            self.id_ends.frombytes((np.frombuffer(id_ends, dtype=np.uint64) + np.uint64(last)).tobytes())
        self.ids += read("ids")
        self.inserted += inserted
        self.located += located

    @classmethod
    def of_table(cls, conn, batch: int = 5_000) -> "PointColumns":
        """The columns of a projects table whose rowids are 1..n, read a batch at a time."""
        names = ("id", "type", "mw", "stage", "lon", "lat", "precision", "wkt", "geometry")
        cursor = conn.execute("SELECT id, type, capacity_mw, stage, lon, lat, precision, geometry_wkt != '', "
                              "CASE WHEN geometry_wkt != '' THEN geometry END FROM projects ORDER BY rowid")
        columns, at = cls(), {name: i for i, name in enumerate(names)}
        while rows := cursor.fetchmany(batch):
            columns.add(rows, at)
        return columns

    def points(self) -> map_points.Points:
        arrays = {name: np.frombuffer(column, dtype=self.dtypes[name]) if len(column) else
                  np.asarray([], dtype=self.dtypes[name]) for name, column in self.columns.items()}
        if self.id_ends and self.id_ends[-1] >= 2 ** 32:
            raise ValueError("the project ids take more than 4 GiB")
        (west, south), (east, north) = (map_points.mercator(arrays["lw"], arrays["ls"]),
                                        map_points.mercator(arrays["le"], arrays["ln"]))
        id_ends = np.frombuffer(self.id_ends, dtype=np.uint64) if self.id_ends else np.asarray([], dtype=np.uint64)
        return map_points.Points(span=np.maximum(east - west, south - north), ids=bytes(self.ids),
                              id_ends=id_ends.astype(map_points.ID_ENDS_DTYPE), **arrays)
