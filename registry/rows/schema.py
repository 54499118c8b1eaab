"""The registry's vocabulary and the `projects.csv` row contract.

Everything that reads or writes a project row (extraction, geocoding, the
store, the exports, the web app) takes its column names and allowed values
from here, so that there is one definition of what a valid row is.
"""
from __future__ import annotations

import csv
import difflib
import io
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

# Column order of projects.csv and of the CSV export.
PROJECT_COLUMNS = (
    "id",
    "name",
    "type",
    "subtype",
    "capacity_mw",
    "capacity_text",
    "voltage_kv",
    "stage",
    "phase",
    "target_year",
    "city",
    "county",
    "town",
    "site",
    "lon",
    "lat",
    "precision",
    "location_method",
    "division_code",
    "geometry_wkt",
    "source_doc",
    "source_section",
    "source_start",
    "source_end",
)
# Columns the build derives (registry/geo/provinces.py): in the database, the API and the exports for
# people and GIS (Excel, GeoJSON, GeoPackage, KML), never in projects.csv or its CSV export, which
# stays the reviewed file itself. RECORD_COLUMNS is a project as the registry serves it.
DERIVED_COLUMNS = ("province",)
RECORD_COLUMNS = PROJECT_COLUMNS[:PROJECT_COLUMNS.index("city")] + DERIVED_COLUMNS + \
    PROJECT_COLUMNS[PROJECT_COLUMNS.index("city"):]
# The columns `registry geocode` fills.
GEOCODE_COLUMNS = ("lon", "lat", "precision", "location_method", "division_code", "geometry_wkt")
REQUIRED_COLUMNS = ("id", "name", "type", "city", "source_doc", "source_start", "source_end")
# The columns a valid row holds as numbers (float or int) or None; every other one is text.
NUMERIC_COLUMNS = frozenset({"capacity_mw", "voltage_kv", "target_year", "lon", "lat", "source_start", "source_end"})

# Column order of targets.csv: city-wide targets ("光伏装机达到 320 万千瓦"), which are not projects.
TARGET_COLUMNS = ("city", "county", "indicator", "metric", "value", "unit", "value_normalised", "unit_normalised", "year",
                  "source_doc", "source_section", "source_start", "source_end")

# type -> (English label, Chinese label). Extend as the plans need; the web
# app's legend, colours and filters are generated from this table.
PROJECT_TYPES = {
    "pumped_storage": ("Pumped storage", "抽水蓄能"),
    "solar_pv": ("Solar PV", "光伏"),
    "wind": ("Wind", "风电"),
    "hybrid": ("Wind-solar-storage hybrid", "风光储一体化"),
    "energy_storage": ("Energy storage", "储能"),
    "hydro": ("Hydropower", "水电"),
    "thermal": ("Thermal power / CHP", "火电/热电联产"),
    "biomass": ("Biomass", "生物质"),
    "waste_to_energy": ("Waste-to-energy", "垃圾焚烧发电"),
    "hydrogen": ("Hydrogen", "氢能"),
    "new_energy_base": ("New-energy base", "新能源基地"),
    "transmission": ("Transmission line", "输电线路"),
    "substation": ("Substation", "变电站"),
    "grid": ("Distribution grid", "配电网"),
    "gas_pipeline": ("Gas pipeline", "天然气管道"),
    "gas_storage": ("Gas storage", "储气设施"),
    "charging": ("EV charging / battery swap", "充换电设施"),
    "recycling": ("Recycling", "资源循环利用"),
    "industrial_park": ("Industrial park", "产业园区"),
    "other": ("Other", "其他"),
    "nuclear": ("Nuclear power", "核电"),
    "gas_power": ("Gas-fired power", "燃气发电"),
}

# Families of types, for the map's symbols (a hue per family, a shade and shape per type) and
# legend. Every type belongs to exactly one family; the types themselves keep their names.
TYPE_FAMILIES = {
    "renewable": ("solar_pv", "wind", "hybrid", "new_energy_base", "hydro"),
    "thermal": ("thermal", "gas_power", "nuclear", "biomass", "waste_to_energy"),
    "storage": ("pumped_storage", "energy_storage", "hydrogen"),
    "grid": ("transmission", "substation", "grid", "charging"),
    "gas": ("gas_pipeline", "gas_storage"),
    "circular": ("recycling", "industrial_park"),
    "other": ("other",),
}
FAMILY_OF = {t: family for family, members in TYPE_FAMILIES.items() for t in members}
assert set(FAMILY_OF) == set(PROJECT_TYPES), "every type needs exactly one family"

# Types whose geometry is a line (LineString/MultiLineString WKT in `geometry`).
LINE_TYPES = frozenset({"transmission", "gas_pipeline"})

# How precisely lon/lat locates the project, best first.
PRECISIONS = ("site", "town", "county", "city")

# Global Energy Monitor's status words, so the registry merges with GEM trackers.
STAGES = (
    "announced",
    "pre-construction",
    "construction",
    "operating",
    "shelved",
    "cancelled",
    "retired",
    "mothballed",
)

# A generous box around the People's Republic (WGS-84). It catches swapped
# lon/lat and sign errors; exact containment is the geocoder's job.
CHINA_BBOX = (73.0, 17.0, 136.0, 54.0)  # min_lon, min_lat, max_lon, max_lat

_DECIMAL_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_INTEGER_RE = re.compile(r"^[+-]?\d+$", re.ASCII)
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_WKT_RE = re.compile(r"^\s*(POINT|LINESTRING|MULTILINESTRING|POLYGON|MULTIPOLYGON)\s*\(", re.I)


class RowError(ValueError):
    """A row of a CSV file that cannot enter the registry."""

    def __init__(self, path, line: int, column: str | None, message: str):
        self.path, self.line, self.column, self.message = str(path), line, column, message
        where = f"{self.path}:{line}" + (f": column {column!r}" if column else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Table:
    """Rows read from a CSV file, with the physical line each row starts on."""

    path: str
    header: tuple[str, ...]
    rows: list[dict[str, str]]
    lines: list[int]


def read_csv_table(path: str | Path, columns_required=REQUIRED_COLUMNS, columns_known=PROJECT_COLUMNS) -> Table:
    """Read a UTF-8 CSV file strictly: a BOM is accepted, any other encoding is an error.

    A header column outside `columns_known` is an error (a misspelt `capacity_MW` would
    otherwise drop every capacity silently), and so is a missing one of `columns_required`.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RowError(path, line, _column_at(raw, exc.start), f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None
    if "\x00" in text:
        before = text[: text.index("\x00")]
        raise RowError(path, before.count("\n") + 1, _column_of(before), "NUL character in file")
    header, numbered_rows = csv_rows(io.StringIO(text, newline=""), path, columns_required, columns_known)
    rows, lines = [], []
    for line, row in numbered_rows:
        lines.append(line)
        rows.append(row)
    return Table(str(path), header, rows, lines)


def csv_rows(stream, path, columns_required=REQUIRED_COLUMNS, columns_known=PROJECT_COLUMNS):
    """The header of an open CSV text stream, checked now, and an iterator of (physical line, row)
    for its non-blank rows: RowError for a bad header or a malformed row. The whole-file reader
    above and the build's streamed passes (registry/rows/csvstream.py) read rows through this one loop."""
    reader = csv.reader(stream, strict=True)
    try:
        header = tuple(h.strip() for h in next(reader))
    except StopIteration:
        raise RowError(path, 1, None, "empty file: expected a header row") from None
    except csv.Error as exc:
        raise RowError(path, 1, None, f"malformed CSV: {exc}") from None
    check_header(path, header, columns_required, columns_known)
    return header, _numbered_rows(reader, path, header)


def _numbered_rows(reader, path, header: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise RowError(path, line, None, f"malformed CSV: {exc}") from None
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise RowError(path, line, None, f"has {len(values)} fields, the header has {len(header)}")
        yield line, dict(zip(header, values))


def check_header(path, header: tuple[str, ...], columns_required, columns_known) -> None:
    """RowError on line 1 for an unknown, missing or repeated column, with a did-you-mean."""
    known = tuple(columns_known)
    unknown = [h for h in header if h not in known]
    missing = [c for c in columns_required if c not in header]
    if unknown:
        column = unknown[0]
        raise RowError(path, 1, column, f"unknown column {column[:60]!r}{_did_you_mean(column, [c for c in known if c not in header])}"
                       f"; the columns are {', '.join(known)}")
    if missing:
        column = missing[0]
        raise RowError(path, 1, column, f"missing required column {column!r}"
                       + (f" (also missing: {', '.join(missing[1:])})" if missing[1:] else ""))
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise RowError(path, 1, dupes[0], "column appears twice in the header")


def _did_you_mean(name: str, candidates: list[str]) -> str:
    """' (did you mean 'capacity_mw'?)' for a near miss (case, a typo, spaces for underscores), else ''."""
    folded = {c.lower(): c for c in candidates}
    key = name.lower().replace(" ", "_").replace("-", "_")
    match = folded.get(key) or next(iter(difflib.get_close_matches(key, list(folded), n=1, cutoff=0.75)), None)
    if match is None:
        return ""
    return f" (did you mean {folded.get(match, match)!r}?)"


def _column_at(raw: bytes, offset: int) -> str | None:
    """The header column whose field holds byte `offset` (for an encoding error), or None."""
    return _column_of(raw[:offset].decode("utf-8-sig", errors="replace"))


def _column_of(text: str) -> str | None:
    """The header column of the field being read where the CSV text `text` ends, or None."""
    try:
        # The sentinel makes the field being read where `text` ends appear, even if it is empty so far.
        rows = list(csv.reader(io.StringIO(text + "x", newline="")))
    except csv.Error:
        return None
    if len(rows) < 2:
        return None  # in the header itself
    header, index = rows[0], len(rows[-1]) - 1
    return header[index].strip() if index < len(header) else None


def _number(value: str, column: str, err, *, lo=None, hi=None, integer=False):
    value = value.strip()
    if value == "":
        return None
    # Python's int()/float() also take 1_000 and full-width digits; a registry cell takes plain ASCII.
    non_finite = not integer and value.lower().lstrip("+-") in ("nan", "inf", "infinity")
    if not non_finite and not (_INTEGER_RE if integer else _DECIMAL_RE).match(value):
        raise err(column, f"{value[:40]!r} is not a {'whole ' if integer else ''}number")
    try:
        number = int(value) if integer else float(value)
    except ValueError:  # int() refuses more than 4,300 digits (sys.int_info.str_digits_check_threshold)
        raise err(column, f"{value[:40]!r}… ({len(value):,} characters) is too long a number") from None
    if not math.isfinite(number):
        raise err(column, f"{value!r} is not a finite number")
    if lo is not None and number < lo or hi is not None and number > hi:
        raise err(column, f"{value} is outside {lo}..{hi}")
    return number


def source_span(row: dict, err) -> tuple[int, int]:
    """The row's (source_start, source_end): whole numbers, both given, end after start."""
    start = _number(row["source_start"], "source_start", err, lo=0, integer=True)
    end = _number(row["source_end"], "source_end", err, lo=0, integer=True)
    if start is None or end is None:
        raise err("source_start" if start is None else "source_end", "is empty")
    if end <= start:
        raise err("source_end", "must be greater than source_start")
    return start, end


def validate_project(raw: dict[str, str], path: str, line: int) -> dict:
    """Turn one CSV row into a typed project record, or raise RowError naming line and column."""

    def err(column, message):
        return RowError(path, line, column, message)

    row = {c: (raw.get(c) or "").strip() for c in PROJECT_COLUMNS}
    for column, value in raw.items():
        if value is not None and len(value) > 10_000:
            raise err(column, f"value is {len(value)} characters long (limit 10000)")
    for column in ("id", "name", "type", "city", "source_doc"):
        if not row[column]:
            raise err(column, "is empty")
    if not _ID_RE.match(row["id"]):
        raise err("id", f"{row['id'][:40]!r} is not a valid id (letters, digits, _ . -; at most 64)")
    if row["type"] not in PROJECT_TYPES:
        raise err("type", f"unknown type {row['type'][:40]!r}; expected one of {', '.join(PROJECT_TYPES)}")
    if row["precision"] and row["precision"] not in PRECISIONS:
        raise err("precision", f"unknown precision {row['precision']!r}; expected one of {', '.join(PRECISIONS)}")
    if row["stage"] and row["stage"] not in STAGES:
        raise err("stage", f"unknown stage {row['stage']!r}; expected one of {', '.join(STAGES)}")
    record: dict = dict(row)
    record["capacity_mw"] = _number(row["capacity_mw"], "capacity_mw", err, lo=0, hi=1e7)
    record["voltage_kv"] = _number(row["voltage_kv"], "voltage_kv", err, lo=0, hi=2000)
    record["target_year"] = _number(row["target_year"], "target_year", err, lo=1990, hi=2100, integer=True)
    record["source_start"], record["source_end"] = source_span(row, err)
    lon = _number(row["lon"], "lon", err)
    lat = _number(row["lat"], "lat", err)
    if (lon is None) != (lat is None):
        raise err("lat" if lat is None else "lon", "lon and lat must both be given or both be empty")
    if lon is not None:
        min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            hint = " (lon and lat look swapped)" if min_lon <= lat <= max_lon and min_lat <= lon <= max_lat else ""
            raise err("lon", f"({lon}, {lat}) is outside China{hint}")
        if not row["precision"]:
            raise err("precision", "is empty but the row has coordinates")
    record["lon"], record["lat"] = lon, lat
    if row["geometry_wkt"] and not _WKT_RE.match(row["geometry_wkt"]):
        raise err("geometry_wkt", "is not WKT (expected e.g. LINESTRING (lon lat, lon lat))")
    return record


def write_projects_csv(rows, path_or_file) -> None:
    """Write project rows in PROJECT_COLUMNS order: the format of projects.csv."""
    own = isinstance(path_or_file, (str, Path))
    handle = open(path_or_file, "w", newline="", encoding="utf-8") if own else path_or_file
    try:
        writer = csv.DictWriter(handle, fieldnames=PROJECT_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: format_cell(row.get(c)) for c in PROJECT_COLUMNS})
    finally:
        if own:
            handle.close()


def format_cell(value) -> str:
    """A CSV cell for a value: integers without '.0', floats without float noise."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(round(value, 6))
    return str(value)
