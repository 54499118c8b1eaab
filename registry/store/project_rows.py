"""The build's rows of `projects`, validated and made ready to insert, at a few microseconds a row.

`registry.rows.schema.validate_project` is the contract of a valid row and the author of every
error message; `iter_project_records` (registry/store/store.py) applies it with the duplicate,
document and span checks. At a million rows that path costs more than the database itself (a dict
per row, a json.dumps per feature, shapely per point, sqlite-utils' statement building), so the
build reads rows through `ProjectRows` instead:

* a row that is plainly valid (every check of `validate_project`, done on the CSV's list of
  values) becomes the tuple of `INSERT_COLUMNS` directly, its GeoJSON Feature written by one
  %-template (`feature_text`), byte for byte the text `feature_geojson` makes;
* any row the fast checks do not pass goes through `validate_project` itself, which either raises
  the row's error or returns its record (e.g. a number written `+5`);
* duplicate ids are caught by the table's primary key as the rows are inserted.

On any error the build runs the reference path (`iter_project_records`) from the first line to
the first bad row, so the message, and which error is reported first, are exactly as before.
"""
from __future__ import annotations

import json
import re
from json.encoder import encode_basestring
from operator import itemgetter

from registry.exports.export import FEATURE_PROPERTIES
from registry.rows.schema import (CHINA_BBOX, NUMERIC_COLUMNS, PRECISIONS, PROJECT_COLUMNS, PROJECT_TYPES, STAGES,
                                  RowError, validate_project)
from registry.store.line_wkt import line_geojson

# The projects table's columns, in the order of its CREATE TABLE (registry/store/store.py).
INSERT_COLUMNS = (*PROJECT_COLUMNS, "province", "geometry", "feature_geojson")
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII).match  # schema._DECIMAL_RE
_INTEGER = re.compile(r"^\d{1,18}$", re.ASCII).match  # a plain whole number; signs, and longer ones, go through validate_project
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$").match  # schema._ID_RE
_WKT = re.compile(r"^\s*(POINT|LINESTRING|MULTILINESTRING|POLYGON|MULTIPOLYGON)\s*\(", re.I).match  # schema._WKT_RE
_TYPES, _PRECISIONS, _STAGES = frozenset(PROJECT_TYPES), frozenset(("", *PRECISIONS)), frozenset(("", *STAGES))
MIN_LON, MIN_LAT, MAX_LON, MAX_LAT = CHINA_BBOX


class NotPlain(Exception):
    """A row the fast checks do not pass: `validate_project` decides."""


# The Feature's text, written as feature_geojson's json.dumps(…, ensure_ascii=False, separators=(",", ":")) writes it
# (byte for byte: tests/test_store.py), from one %-template: each string value through json's own C escaper, each
# number through its repr (json.dumps writes float.__repr__ and int.__repr__; the checks allow no NaN or infinity).
# A third of json.dumps' time on a dict built per row: the dict and the encoder's generic walk were most of it.
_FEATURE = ('{"type":"Feature","id":%s,"geometry":%s,"properties":{'
            + ",".join(f"{json.dumps(k, ensure_ascii=False)}:%s" for k in FEATURE_PROPERTIES) + "}}")
_PROPERTY_AT = tuple((INSERT_COLUMNS.index(k), k in NUMERIC_COLUMNS) for k in FEATURE_PROPERTIES)


def feature_text(row: tuple, geometry: str | None) -> str:
    """The GeoJSON Feature of a row of INSERT_COLUMNS values (strings, and numbers or None where NUMERIC_COLUMNS)."""
    return _FEATURE % (encode_basestring(row[0]), geometry or "null", *[
        ("null" if row[i] is None else repr(row[i])) if number else encode_basestring(row[i])
        for i, number in _PROPERTY_AT])


def _float(text: str, lo, hi):
    if not text:
        return None
    if not _DECIMAL(text):
        raise NotPlain
    number = float(text)
    if not (lo <= number <= hi):  # also false for inf (a decimal such as 1e999)
        raise NotPlain
    return number


def _int(text: str, lo, hi):
    if not text:
        return None
    if not _INTEGER(text):
        raise NotPlain
    number = int(text)
    if not (lo <= number <= hi):
        raise NotPlain
    return number


class ProjectRows:
    """Callable: a CSV row's values -> its tuple of INSERT_COLUMNS, None for a blank row, or an error.

    Its RowErrors carry no line (0): the build reports the reference path's error instead (see the
    module's docstring).

    `header` is the CSV's header (any order of the known columns); `documents` the plans by doc_id;
    `province_of` registry.geo.provinces.ProvinceOf; `geometry_of(record, path, line)` the GeoJSON
    geometry of a record with WKT (store._geometry_geojson: shapely, with its errors).
    """

    def __init__(self, path: str, header: tuple[str, ...], documents: dict[str, dict], province_of, geometry_of):
        self.path, self.header, self.width = path, header, len(header)
        self.position = {c: header.index(c) if c in header else None for c in PROJECT_COLUMNS}
        self.doc_length = {doc_id: len(doc["text"]) for doc_id, doc in documents.items()}
        self.province_of, self.geometry_of = province_of, geometry_of
        self.provinces: dict[tuple, str] = {}
        # The CSV's values in PROJECT_COLUMNS order (a header may order them otherwise, or leave optional ones out).
        present = [i for i in self.position.values() if i is not None]
        self.in_order = itemgetter(*present) if len(present) == len(PROJECT_COLUMNS) else self._padded

    def __call__(self, values: list[str]) -> tuple | None:
        try:
            if len(values) != self.width:
                raise NotPlain
            row = self._plain(values)
        except NotPlain:
            if not values or all(not v.strip() for v in values):
                return None  # a blank line, skipped as schema.csv_rows skips it
            if len(values) != self.width:
                raise RowError(self.path, 0, None, "field count") from None
            row = self._validated(values)
        doc_id, end = row[20], row[23]
        length = self.doc_length.get(doc_id)
        if length is None or end > length:
            raise RowError(self.path, 0, "source_doc" if length is None else "source_end",
                           "unknown document or span past its end")  # the build reports the reference's error
        # The plan's province is ProvinceOf's last resort: memoised by place alone, the memo stays as small as the
        # places (keyed by plan too, it held 50,000 entries at 100,000 synthetic rows).
        key = (row[18][:2], row[10], row[11])
        province = self.provinces.get(key)
        if province is None:
            province = self.provinces[key] = self.province_of(
                {"division_code": row[18], "city": row[10], "county": row[11], "source_doc": ""})
        province = province or self.province_of.plan_province.get(doc_id, "")
        lon, lat, wkt = row[14], row[15], row[19]
        if wkt:
            geometry = line_geojson(wkt) or self.geometry_of(dict(zip(PROJECT_COLUMNS, row)), self.path, 0)
        elif lon is None:
            geometry = None
        else:
            geometry = f'{{"type":"Point","coordinates":[{lon!r},{lat!r}]}}'
        full = (*row, province, geometry)
        return (*full, feature_text(full, geometry))

    def _padded(self, values: list[str]) -> list[str]:
        return [values[i] if i is not None else "" for i in self.position.values()]

    def _plain(self, values: list[str]) -> tuple:
        """The row as validate_project would type it, or NotPlain where any of its checks needs a closer look."""
        if sum(map(len, values)) > 10_000:  # no value can be over the limit (validate_project checks the rest)
            raise NotPlain
        v = list(map(str.strip, self.in_order(values)))
        (pid, name, ptype, _subtype, capacity, _ctext, voltage, stage, _phase, year, city, _county, _town, _site,
         lon, lat, precision, _method, _code, wkt, doc, _section, start, end) = v
        if not (pid and name and city and doc and _ID(pid) and ptype in _TYPES and precision in _PRECISIONS
                and stage in _STAGES):
            raise NotPlain
        v[4] = _float(capacity, 0, 1e7)
        v[6] = _float(voltage, 0, 2000)
        v[9] = _int(year, 1990, 2100)
        v[22], v[23] = _int(start, 0, float("inf")), _int(end, 0, float("inf"))
        if v[22] is None or v[23] is None or v[23] <= v[22]:
            raise NotPlain
        if lon or lat:
            x, y = _float(lon, MIN_LON, MAX_LON), _float(lat, MIN_LAT, MAX_LAT)
            if x is None or y is None or not precision:
                raise NotPlain
            v[14], v[15] = x, y
        else:
            v[14] = v[15] = None
        if wkt and not _WKT(wkt):
            raise NotPlain
        return tuple(v)

    def _validated(self, values: list[str]) -> tuple:
        record = validate_project(dict(zip(self.header, values)), self.path, 0)
        return tuple(record[c] for c in PROJECT_COLUMNS)

