"""GeoJSON (RFC 7946) and CSV exports of registry rows; the CLI and the web app share them."""
from __future__ import annotations

import csv
import io
import json
import operator
from json.encoder import encode_basestring_ascii as _encode_ascii
from typing import Iterable, Iterator

from registry.schema import PROJECT_COLUMNS, format_cell

# Properties of a GeoJSON feature: every CSV column but the coordinates and the WKT,
# which the feature's geometry already carries.
FEATURE_PROPERTIES = tuple(c for c in PROJECT_COLUMNS if c not in ("lon", "lat", "geometry"))
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC_COLUMNS = frozenset({"capacity_mw", "voltage_kv", "target_year", "lon", "lat", "source_start", "source_end"})


# json.dumps(..., ensure_ascii=False, separators=(",", ":")) without building an encoder per call.
_encode_properties = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_property_values = operator.itemgetter(*FEATURE_PROPERTIES)
# The keys, in order, of a row from Registry.features(): its properties are the row less four keys.
_FEATURE_ROW_KEYS = (*PROJECT_COLUMNS, "geometry_geojson")
# Features per chunk: a server writes each chunk to the socket, so one per feature made a
# 100,000-feature export 100,000 writes; about 600 kB per chunk streams just as well.
GEOJSON_BATCH = 1000


def geojson_chunks(rows: Iterable[dict], batch: int = GEOJSON_BATCH) -> Iterator[str]:
    """A FeatureCollection as text chunks of `batch` features, so large exports stream.

    Rows without coordinates get a null geometry, which RFC 7946 allows.
    """
    yield '{"type":"FeatureCollection","features":['
    features: list[str] = []
    first = True
    for row in rows:
        features.append(_feature_text(row))
        if len(features) >= batch:
            yield ("" if first else ",") + ",".join(features)
            features.clear()
            first = False
    if features:
        yield ("" if first else ",") + ",".join(features)
    yield "]}\n"


def _feature_text(row: dict) -> str:
    if type(row) is dict and tuple(row) == _FEATURE_ROW_KEYS:
        # Same keys in the same order as below, built by copying instead of 22 look-ups.
        properties = row.copy()
        del properties["lon"], properties["lat"], properties["geometry"], properties["geometry_geojson"]
    else:
        properties = dict(zip(FEATURE_PROPERTIES, _property_values(row)))
    geometry = row.get("geometry_geojson") or "null"
    project_id = row["id"]
    # What json.dumps does with a str, without its per-call set-up.
    project_id = _encode_ascii(project_id) if type(project_id) is str else json.dumps(project_id)
    return f'{{"type":"Feature","id":{project_id},"geometry":{geometry},"properties":{_encode_properties(properties)}}}'


def to_geojson(rows: Iterable[dict]) -> str:
    return "".join(geojson_chunks(rows))


# The REAL columns: SQLite writes some doubles differently from Python's repr (15 digits,
# "1.0e-05", "0.0" for -0.0), so the fast path below checks each one.
_REAL_COLUMNS = ("capacity_mw", "voltage_kv")
_INTEGER_COLUMNS = ("target_year", "source_start", "source_end")


def _fast_feature_sql() -> str:
    """id, geometry, the properties as SQLite's JSON, and what to check it with.

    SQLite's json_object escapes text exactly as json.dumps(ensure_ascii=False) does (checked
    for every code point) and writes integers as Python does. A row is used as SQLite wrote it
    only if its integer columns hold integers and each REAL value's JSON text (json_quote, the
    code json_object uses) equals Python's repr; any other row is encoded by Python.
    """
    properties = ", ".join(f"'{c}', {c}" for c in FEATURE_PROPERTIES)
    plain = " AND ".join(f"typeof({c}) IN ('integer', 'null')" for c in _INTEGER_COLUMNS)
    reals = ", ".join(f"{c}, json_quote({c})" for c in _REAL_COLUMNS)
    return f"SELECT id, geometry_geojson, {plain}, json_object({properties}), {reals} FROM projects"


_FAST_FEATURE_SQL = _fast_feature_sql()


def registry_geojson_chunks(registry, project_filter=None, batch: int = GEOJSON_BATCH) -> list[str]:
    """The text of `geojson_chunks(registry.features(project_filter))`, character for character,
    without a dict per row: SQLite writes each row's properties object.

    About twice as fast on 100,000 rows. All rows are read before this returns (a list of
    chunks), so the caller may close the registry before sending them.
    """
    from registry.query import ProjectFilter

    project_filter = project_filter or ProjectFilter()
    where, params = project_filter.where()
    # The order of Registry.features(): by id.
    rows = registry.conn.execute(f"{_FAST_FEATURE_SQL} WHERE {where} ORDER BY id ASC", params).fetchall()
    columns = ", ".join((*PROJECT_COLUMNS, "geometry_geojson"))
    chunks, features = ['{"type":"FeatureCollection","features":['], []
    first = True
    for project_id, geometry, plain, properties, capacity, capacity_json, voltage, voltage_json in rows:
        if (plain and type(project_id) is str
                and (capacity is None or repr(capacity) == capacity_json)
                and (voltage is None or repr(voltage) == voltage_json)):
            features.append(f'{{"type":"Feature","id":{_encode_ascii(project_id)},"geometry":{geometry or "null"},'
                            f'"properties":{properties}}}')
        else:
            cursor = registry.conn.cursor()
            cursor.row_factory = None
            cursor.execute(f"SELECT {columns} FROM projects WHERE id = ?", (project_id,))
            features.append(_feature_text(dict(zip(_FEATURE_ROW_KEYS, cursor.fetchone()))))
            cursor.close()
        if len(features) >= batch:
            chunks.append(("" if first else ",") + ",".join(features))
            features.clear()
            first = False
    if features:
        chunks.append(("" if first else ",") + ",".join(features))
    chunks.append("]}\n")
    return chunks


assert len(_REAL_COLUMNS) == 2 and set(_REAL_COLUMNS + _INTEGER_COLUMNS) <= set(FEATURE_PROPERTIES)


def csv_chunks(rows: Iterable[dict], batch: int = 500) -> Iterator[str]:
    """projects.csv-shaped CSV, with cells that a spreadsheet would run as formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PROJECT_COLUMNS)
    for i, row in enumerate(rows, 1):
        writer.writerow([_safe_cell(c, row.get(c)) for c in PROJECT_COLUMNS])
        if i % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_csv(rows: Iterable[dict]) -> str:
    return "".join(csv_chunks(rows))


def _safe_cell(column: str, value) -> str:
    text = format_cell(value)
    if column not in _NUMERIC_COLUMNS and text.startswith(_FORMULA_PREFIXES):
        # OWASP's advice: a leading apostrophe makes the spreadsheet show the text as text.
        return "'" + text
    return text
