"""GeoJSON (RFC 7946) and CSV exports of registry rows; the CLI and the web app share them."""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Iterable, Iterator, Sequence

from registry.rows.schema import PROJECT_COLUMNS, RECORD_COLUMNS, format_cell

# Properties of a GeoJSON feature: every column of a project (the CSV's and the derived province)
# but the coordinates and the WKT, which the feature's geometry already carries.
FEATURE_PROPERTIES = tuple(c for c in RECORD_COLUMNS if c not in ("lon", "lat", "geometry_wkt"))
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMERIC_COLUMNS = frozenset({"capacity_mw", "voltage_kv", "target_year", "lon", "lat", "source_start", "source_end"})


# Features per chunk: a server writes each chunk to the socket, so one per feature made a
# 100,000-feature export 100,000 writes; about 600 kB per chunk streams just as well.
GEOJSON_BATCH = 1000


def feature_geojson(record: dict, geometry: str | None) -> str:
    """One project's GeoJSON Feature as text. The build stores it, so an export only joins texts."""
    properties = json.dumps({k: record[k] for k in FEATURE_PROPERTIES}, ensure_ascii=False, separators=(",", ":"))
    return (f'{{"type":"Feature","id":{json.dumps(record["id"])},"geometry":{geometry or "null"},'
            f'"properties":{properties}}}')


def geojson_chunks(features: Iterable[str], batch: int = GEOJSON_BATCH, metadata: dict | None = None) -> Iterator[str]:
    """A FeatureCollection of Feature texts (see `feature_geojson`), in chunks so large exports stream.

    Rows without coordinates have a null geometry, which RFC 7946 allows. `metadata` (the
    registry's version, the filter, sources: `registry.about.export_metadata`) becomes a foreign
    member of the collection, which RFC 7946 §6.1 allows and readers ignore.
    """
    head = '{"type":"FeatureCollection",'
    if metadata is not None:
        head += f'"metadata":{json.dumps(metadata, ensure_ascii=False, separators=(",", ":"))},'
    yield head + '"features":['
    batch_texts: list[str] = []
    first = True
    for feature in features:
        batch_texts.append(feature)
        if len(batch_texts) >= batch:
            yield ("" if first else ",") + ",".join(batch_texts)
            batch_texts.clear()
            first = False
    if batch_texts:
        yield ("" if first else ",") + ",".join(batch_texts)
    yield "]}\n"


def to_geojson(features: Iterable[str]) -> str:
    return "".join(geojson_chunks(features))


def csv_chunks(rows: Iterable[dict], batch: int = 500, bom: bool = False,
               header: Sequence[str] | None = None) -> Iterator[str]:
    """projects.csv-shaped CSV, with cells that a spreadsheet would run as formulas neutralised.

    `header` names the columns for people (one language: webmap.i18n.csv_header); without it they
    are the column codes of projects.csv. The cells are the same either way: codes stay codes.

    `bom` starts the text with U+FEFF, the mark by which Excel (on Chinese Windows, which would
    otherwise read GBK) knows the file is UTF-8; programs get the plain UTF-8 default.
    """
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PROJECT_COLUMNS if header is None else header)
    for i, row in enumerate(rows, 1):
        writer.writerow([_safe_cell(c, row.get(c)) for c in PROJECT_COLUMNS])
        if i % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_csv(rows: Iterable[dict]) -> str:
    return "".join(csv_chunks(rows))


# Characters no file name may hold on Windows, macOS or Linux, and white space.
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|\s]+')
MAX_NAME_PART = 40


def export_filename(project_filter, extension: str) -> str:  # a registry.store.query.ProjectFilter (query imports store, store this module)
    """A download's name that says what it holds: `projects_大悟县_solar_pv.geojson`.

    Places first (province, city, county), then plans, types, stages, "unlocated" (or "located"),
    the search text and the capacity range, each part cut to MAX_NAME_PART characters and stripped
    of what a file system refuses.
    """
    parts = [*project_filter.provinces, *project_filter.cities, *project_filter.counties, *project_filter.docs,
             *project_filter.types, *project_filter.stages]
    if project_filter.located is not None:
        parts.append("located" if project_filter.located == "yes" else "unlocated")
    if project_filter.q:
        parts.append(project_filter.q)
    if project_filter.min_mw is not None or project_filter.max_mw is not None:
        low = "" if project_filter.min_mw is None else f"{project_filter.min_mw:g}"
        high = "" if project_filter.max_mw is None else f"{project_filter.max_mw:g}"
        parts.append(f"{low}-{high}MW")
    cleaned = [_UNSAFE_IN_NAME.sub("-", part).strip("-.")[:MAX_NAME_PART] for part in parts]
    stem = "_".join(["projects", *[c for c in cleaned if c]])[:160]
    return f"{stem}.{extension}"


def _safe_cell(column: str, value) -> str:
    text = format_cell(value)
    if column not in _NUMERIC_COLUMNS and text.startswith(_FORMULA_PREFIXES):
        # OWASP's advice: a leading apostrophe makes the spreadsheet show the text as text.
        return "'" + text
    return text
