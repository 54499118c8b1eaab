"""GeoJSON (RFC 7946) and CSV exports of registry rows; the CLI and the web app share them."""
from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from registry.schema import PROJECT_COLUMNS, format_cell

# Properties of a GeoJSON feature: every CSV column but the coordinates and the WKT,
# which the feature's geometry already carries.
FEATURE_PROPERTIES = tuple(c for c in PROJECT_COLUMNS if c not in ("lon", "lat", "geometry"))
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC_COLUMNS = frozenset({"capacity_mw", "voltage_kv", "target_year", "lon", "lat", "source_start", "source_end"})


def geojson_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A FeatureCollection as text chunks, one per feature, so large exports stream.

    Rows without coordinates get a null geometry, which RFC 7946 allows.
    """
    yield '{"type":"FeatureCollection","features":['
    first = True
    for row in rows:
        properties = json.dumps({k: row[k] for k in FEATURE_PROPERTIES}, ensure_ascii=False, separators=(",", ":"))
        geometry = row.get("geometry_geojson") or "null"
        feature = f'{{"type":"Feature","id":{json.dumps(row["id"])},"geometry":{geometry},"properties":{properties}}}'
        yield feature if first else "," + feature
        first = False
    yield "]}\n"


def to_geojson(rows: Iterable[dict]) -> str:
    return "".join(geojson_chunks(rows))


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
