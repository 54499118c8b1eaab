"""GeoJSON (RFC 7946) and CSV exports of registry rows; the CLI and the web app share them."""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Iterable, Iterator, Sequence

from registry.rows.schema import NUMERIC_COLUMNS, PROJECT_COLUMNS, RECORD_COLUMNS, format_cell

# The workbook's media type, here rather than in xlsx.py so that a server worker names it without importing
# xlsxwriter, which it loads only when it writes a workbook (registry/files.py).
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Properties of a GeoJSON feature: every column of a project (the CSV's and the derived province)
# but the coordinates and the WKT, which the feature's geometry already carries.
FEATURE_PROPERTIES = tuple(c for c in RECORD_COLUMNS if c not in ("lon", "lat", "geometry_wkt"))
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


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


# projects.csv's columns as the CSV export selects them (`Registry.iter_projects(f, columns=CSV_SELECT, batches=True)`,
# then `csv_chunks(batches, batched=True)`): a number that is whole comes out of SQLite as an integer (a stored 100.0
# as 100, as format_cell writes it), so the csv module's own str() writes every number as format_cell does, but one
# that rounding to 6 decimals changes: `_csv_text` finds those in a batch's text.
CSV_SELECT = tuple(f"CASE WHEN {c} = CAST({c} AS INTEGER) THEN CAST({c} AS INTEGER) ELSE {c} END AS {c}"
                   if c in NUMERIC_COLUMNS else c for c in PROJECT_COLUMNS)


def csv_chunks(rows: Iterable, batch: int = 1000, bom: bool = False,
               header: Sequence[str] | None = None, batched: bool = False) -> Iterator[str]:
    """projects.csv-shaped CSV, with cells that a spreadsheet would run as formulas neutralised.

    `rows`: dicts (any columns; projects.csv's are taken), or tuples in PROJECT_COLUMNS order
    (`Registry.iter_projects(f, columns=PROJECT_COLUMNS, tuples=True)`), a row's cells turned into text only
    where they need it (floats, text that starts a formula). The CLI and the web pass batches (`batched`).

    `header` names the columns for people (one language: webmap.i18n.csv_header); without it they
    are the column codes of projects.csv. The cells are the same either way: codes stay codes.

    `bom` starts the text with U+FEFF, the mark by which Excel (on Chinese Windows, which would
    otherwise read GBK) knows the file is UTF-8; programs get the plain UTF-8 default.

    `batched`: `rows` are batches (lists) of CSV_SELECT tuples, as the cursor fetches them. A batch goes to the
    writer as it came, no row touched in Python (per-row work was a third of the export's time beyond the `csv`
    module's floor: issue 25), unless its text shows a number to round or a formula (`_csv_text`).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(PROJECT_COLUMNS if header is None else header)
    yield ("\ufeff" if bom else "") + buffer.getvalue()
    if batched:
        for lines in rows:
            yield _csv_text(lines, buffer, writer, numbers_done=False)
        return
    lines = []
    for row in rows:
        lines.append(_number_cells(row if row.__class__ is tuple else _tuple_of(row)))
        if len(lines) >= batch:
            yield _csv_text(lines, buffer, writer)
            lines.clear()
    yield _csv_text(lines, buffer, writer)


def _csv_text(lines: list, buffer: io.StringIO, writer, numbers_done: bool = True) -> str:
    """A batch of rows as CSV text, checked in the batch's text with a few searches (C speed), the rows written
    again only where a check finds something (rare); a cell-by-cell check of every batch took a fifth of the
    export's time.

    Numbers (unless `numbers_done`: `_number_cells` made them text already): a float the csv module wrote as its
    repr is format_cell's text unless rounding it to 6 decimals changes it, and then its repr has 7 decimals or an
    exponent (1.23e-05; 1e+19 is a whole float too large for an integer). Text like that in a text cell only costs
    the batch a second writing.
    Formula prefixes: a cell that starts with one follows a comma, a quote or a line break; = @ tab CR are looked
    for anywhere, + and - after such a mark. Where one might be, the text cells are checked one by one."""
    text = _written(lines, buffer, writer)
    if not numbers_done and (_MORE_DECIMALS.search(text) or _EXPONENT.search(text)):
        lines = [_number_cells(line) for line in lines]
        text = _written(lines, buffer, writer)
    if (text[:1] in _FORMULA_FIRST or any(mark in text for mark in _FORMULA_ANYWHERE)
            or _MINUS_STARTS_CELL.search(text) or _PLUS_STARTS_CELL.search(text)):
        text = _written([_text_cells(line) for line in lines], buffer, writer)
    return text


def _written(lines, buffer: io.StringIO, writer) -> str:
    buffer.seek(0)
    buffer.truncate()
    writer.writerows(lines)
    return buffer.getvalue()


# Where a projects.csv row's cells need more than the csv module's own str(): numbers (floats written as
# format_cell writes them: 100.0 -> 100, no float noise) and text (formula prefixes neutralised: _safe_cell).
_NUMBER_INDEXES = tuple(i for i, c in enumerate(PROJECT_COLUMNS) if c in NUMERIC_COLUMNS)
_TEXT_INDEXES = tuple(i for i, c in enumerate(PROJECT_COLUMNS) if c not in NUMERIC_COLUMNS)
_FORMULA_FIRST = frozenset(_FORMULA_PREFIXES)
_FORMULA_ANYWHERE = ("=", "@", "\t", "\r")
# A sign after a comma, a quote or a line break. Each pattern starts with its literal sign, which re finds at C speed
# (a character class first, or six two-character substring searches, took ten times as long).
_MINUS_STARTS_CELL = re.compile(r'-(?<=[,"\n]-)')
_PLUS_STARTS_CELL = re.compile(r'\+(?<=[,"\n]\+)')
_MORE_DECIMALS = re.compile(r"\.[0-9]{7}")
_EXPONENT = re.compile(r"e[-+][0-9]")


def _number_cells(values: tuple) -> list:
    cells = list(values)
    for i in _NUMBER_INDEXES:
        value = cells[i]
        if value.__class__ is float:  # format_cell's text of a float, inlined: this runs for most rows
            cells[i] = str(int(value)) if value.is_integer() else repr(round(value, 6))
    return cells


def _text_cells(cells: list) -> list:
    """Text cells (str or None: TEXT affinity; `_tuple_of` makes a dict's other values text) with their
    formula prefixes neutralised, as `_safe_cell` does; numbers are never (a minus sign is not a formula)."""
    cells = list(cells)
    for i in _TEXT_INDEXES:
        value = cells[i]
        if value and value[0] in _FORMULA_FIRST:
            cells[i] = "'" + value
    return cells


def _tuple_of(row: dict) -> tuple:
    """A dict row (any columns) as the projects.csv tuple of the fast path, its text cells str or None."""
    return tuple(row.get(c) if c in NUMERIC_COLUMNS or row.get(c) is None else format_cell(row.get(c))
                 for c in PROJECT_COLUMNS)


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
    if column not in NUMERIC_COLUMNS and text.startswith(_FORMULA_PREFIXES):
        # OWASP's advice: a leading apostrophe makes the spreadsheet show the text as text.
        return "'" + text
    return text
