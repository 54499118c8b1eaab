"""Read the registry: one filter, one query path for the CLI, the API, the map and the exports."""
from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Iterable

from registry.rows.schema import PROJECT_TYPES, RECORD_COLUMNS, STAGES
from registry.store import facets
# Not store.py: reading a registry never imports the build (sqlite-utils imports numpy and pandas, a second and
# a half of every `registry export`, and ~40 MB of a server worker).
from registry.store.layout import DEFAULT_DB, SEARCH_COLUMNS

BBOX_CLAUSE = "lon BETWEEN ? AND ? AND lat BETWEEN ? AND ?"

SORTABLE = ("id", "name", "type", "capacity_mw", "voltage_kv", "stage", "target_year", "province", "city", "county",
            "precision")
MAX_QUERY_LENGTH = 200
MAX_VALUES_PER_PARAMETER = 50
# The FTS5 trigram index only matches patterns of three or more characters; shorter
# ones (most county and town names: 大悟, 临湘) are answered by a scan.
MIN_FTS_LENGTH = 3
# The `stage` filter value for rows whose plan states no stage (the column is empty).
STAGE_UNKNOWN = "unknown"
# The `located` filter: "yes", the rows the map draws (they have a point), or "no", the rows listed but
# not drawn (a province plan's row that names no city or county: registry/geo/geocode.py's `unlocated:`).
LOCATED_VALUES = ("yes", "no")


class FilterError(ValueError):
    """A filter parameter with a bad value; `parameter` names it for the 400 response.

    The message is a %-template with its values apart (`FilterError("q", "longer than %(n)d", n=200)`):
    the API answers it in English, the HTML pages translate the template (webmap/i18n).
    """

    def __init__(self, parameter: str, message: str, **values):
        self.parameter, self.template, self.values = parameter, message, values
        self.message = message % values if values else message
        super().__init__(f"{parameter}: {self.message}")


@dataclass(frozen=True)
class ProjectFilter:
    types: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    located: str | None = None  # "yes", "no", or None for both
    min_mw: float | None = None
    max_mw: float | None = None
    q: str = ""
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north (WGS-84)

    # The parameter name of each field in URLs and on the CLI (--min-mw for min_mw).
    PARAMETERS = {"types": "type", "provinces": "province", "cities": "city", "counties": "county", "docs": "doc",
                  "stages": "stage", "located": "located", "min_mw": "min_mw", "max_mw": "max_mw", "q": "q",
                  "bbox": "bbox"}

    @classmethod
    def from_params(cls, params) -> "ProjectFilter":
        """From a query string (werkzeug MultiDict, or a mapping of name -> list of values)."""
        def values(name: str) -> list[str]:
            return parameter_values(params, name)

        types = tuple(dict.fromkeys(values("type")))
        for t in types:
            if t not in PROJECT_TYPES:
                raise FilterError("type", "unknown type %(value)r; expected one of %(expected)s", value=t[:40],
                                  expected=", ".join(PROJECT_TYPES))
        stages = tuple(dict.fromkeys(values("stage")))
        for s in stages:
            if s not in STAGES and s != STAGE_UNKNOWN:
                raise FilterError("stage", "unknown stage %(value)r; expected one of %(expected)s or %(unknown)s "
                                  "(no stage stated)", value=s[:40], expected=", ".join(STAGES), unknown=STAGE_UNKNOWN)
        # min_mw above max_mw is a valid filter that matches nothing (`warnings()` says why), as a box turned
        # inside out is: each parameter is checked on its own, as the OpenAPI document can describe.
        min_mw, max_mw = _capacity(values("min_mw"), "min_mw"), _capacity(values("max_mw"), "max_mw")
        q_values = raw_values(params, "q")
        q = " ".join(v.strip() for v in q_values if v and v.strip())
        if len(q) > MAX_QUERY_LENGTH or "\x00" in q:
            raise FilterError("q", "search text longer than %(n)d characters or with a NUL", n=MAX_QUERY_LENGTH)
        bbox = _bbox(raw_values(params, "bbox"))
        located = tuple(dict.fromkeys(values("located")))
        if len(located) > 1 or (located and located[0] not in LOCATED_VALUES):
            raise FilterError("located", "%(value)r: give one of yes (drawn on the map) or no (listed, not on the map)",
                              value=",".join(located)[:40])
        return cls(types=types, provinces=tuple(dict.fromkeys(values("province"))),
                   cities=tuple(dict.fromkeys(values("city"))), counties=tuple(dict.fromkeys(values("county"))),
                   docs=tuple(dict.fromkeys(values("doc"))), stages=stages, located=located[0] if located else None,
                   min_mw=min_mw, max_mw=max_mw, q=q, bbox=bbox)

    def to_params(self) -> list[tuple[str, str]]:
        """Query-string pairs that `from_params` reads back to an equal filter."""
        pairs = []
        for f in fields(self):
            value, name = getattr(self, f.name), self.PARAMETERS[f.name]
            if f.name == "bbox":
                if value is not None:
                    pairs.append((name, ",".join(f"{v:g}" for v in value)))
            elif isinstance(value, tuple):
                pairs.extend((name, v) for v in value)
            elif value not in (None, ""):
                pairs.append((name, f"{value:g}" if isinstance(value, float) else value))
        return pairs

    def warnings(self) -> list[str]:
        """Why this valid filter can match nothing, in words (empty when it can match)."""
        notes = []
        if self.min_mw is not None and self.max_mw is not None and self.min_mw > self.max_mw:
            notes.append(f"min_mw {self.min_mw:g} is above max_mw {self.max_mw:g}: no capacity is in between")
        if self.bbox is not None and (self.bbox[0] > self.bbox[2] or self.bbox[1] > self.bbox[3]):
            notes.append("bbox has west > east or south > north: the box holds nothing")
        return notes

    def is_empty(self) -> bool:
        return not self.to_params()

    def where(self) -> tuple[str, list]:
        """SQL WHERE clause over `projects` and its parameters; always bound, never interpolated."""
        clauses, params = [], []
        for column, values in (("type", self.types), ("province", self.provinces), ("city", self.cities),
                               ("county", self.counties), ("source_doc", self.docs)):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if self.stages:
            stated = [s for s in self.stages if s != STAGE_UNKNOWN]
            alternatives = [f"stage IN ({', '.join('?' * len(stated))})"] if stated else []
            if STAGE_UNKNOWN in self.stages:
                alternatives.append("stage IS NULL OR stage = ''")
            clauses.append("(" + " OR ".join(alternatives) + ")")
            params.extend(stated)
        if self.located is not None:
            # lon: what the map draws (registry/store/map_points.py keeps the rows with a point).
            clauses.append("lon IS NOT NULL" if self.located == "yes" else "lon IS NULL")
        if self.bbox is not None:
            clauses.append(BBOX_CLAUSE)
            params.extend([self.bbox[0], self.bbox[2], self.bbox[1], self.bbox[3]])
        if self.min_mw is not None:
            clauses.append("capacity_mw >= ?")
            params.append(self.min_mw)
        if self.max_mw is not None:
            clauses.append("capacity_mw <= ?")
            params.append(self.max_mw)
        if self.q:
            if len(self.q) >= MIN_FTS_LENGTH:
                clauses.append("rowid IN (SELECT rowid FROM projects_fts WHERE projects_fts MATCH ?)")
                params.append('"' + self.q.replace('"', '""') + '"')
            elif any("A" <= ch <= "Z" or "a" <= ch <= "z" for ch in self.q):
                clauses.append("(" + " OR ".join(f"instr(lower({c}), lower(?)) > 0" for c in SEARCH_COLUMNS) + ")")
                params.extend([self.q] * len(SEARCH_COLUMNS))
            else:
                # SQLite's lower() changes ASCII letters only, so for a pattern without any (大悟)
                # it cannot change whether the pattern occurs: the same rows, 2.5 times faster.
                clauses.append("(" + " OR ".join(f"instr({c}, ?) > 0" for c in SEARCH_COLUMNS) + ")")
                params.extend([self.q] * len(SEARCH_COLUMNS))
        return (" AND ".join(clauses) or "1"), params


# Sort columns holding numbers (NULL when unknown); the others hold text ('' when empty, never NULL).
NUMERIC_SORTABLE = ("capacity_mw", "voltage_kv", "target_year")


def parse_cursor(text: str, sort: str) -> tuple:
    """`<sort value>,<id>` (the `after` parameter) as (value, id); ids never hold a comma, values may."""
    value, comma, project_id = text.rpartition(",")
    if not comma or not project_id:
        raise FilterError("after", "expected <sort value>,<id> of the last row seen (the `next` link gives it)")
    if sort == "id":
        return project_id, project_id
    if sort in NUMERIC_SORTABLE:
        if value == "":
            return None, project_id
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        # Not a number: a place in SQLite's order all the same (text sorts after every number).
        return (number if math.isfinite(number) else value), project_id
    return value, project_id


def format_cursor(row: dict, sort: str) -> str:
    """The `after` value that continues after `row`."""
    value = row[sort] if sort != "id" else row["id"]
    if value is None:
        value = ""
    elif isinstance(value, float):
        value = repr(value)
    return f"{value},{row['id']}"


def keyset_clause(sort: str, descending: bool, after: tuple) -> tuple[str, list]:
    """SQL for "rows after (value, id)" in the order `sort` DIR NULLS LAST, id."""
    value, project_id = after
    if sort == "id":
        return ("id < ?" if descending else "id > ?"), [project_id]
    if value is None:  # inside the trailing NULLs: only ids further on
        return f"({sort} IS NULL AND id > ?)", [project_id]
    beyond = "<" if descending else ">"
    return (f"({sort} {beyond} ? OR ({sort} = ? AND id > ?) OR {sort} IS NULL)", [value, value, project_id])


def _cursor_rows(cursor: sqlite3.Cursor):
    # Plain tuples zipped with the column names: a third faster than dict(sqlite3.Row)
    # on a 100,000-row export, and the same dicts.
    names = [d[0] for d in cursor.description]
    for row in _cursor_tuples(cursor):
        yield dict(zip(names, row))


def _cursor_tuples(cursor: sqlite3.Cursor):
    for batch in _cursor_batches(cursor):
        yield from batch


def _cursor_batches(cursor: sqlite3.Cursor):
    try:
        while batch := cursor.fetchmany(1000):
            yield batch
    finally:
        try:
            cursor.close()
        except sqlite3.ProgrammingError:
            pass  # the connection closed first (a client gone mid-export): nothing left to release


def raw_values(params, name: str) -> list[str]:
    """Every value given for `name`: from a werkzeug MultiDict, or a mapping of name -> value or list."""
    return params.getlist(name) if hasattr(params, "getlist") else list(_as_list(params.get(name)))


def parameter_values(params, name: str) -> list[str]:
    """The comma-separated values of a repeatable filter parameter, stripped; FilterError past the bounds."""
    raw = raw_values(params, name)
    split = [v.strip() for item in raw for v in str(item).split(",") if v.strip()]
    # Repetitions count even when blank: the OpenAPI document's maxItems counts them so.
    if len(split) > MAX_VALUES_PER_PARAMETER or len(raw) > MAX_VALUES_PER_PARAMETER:
        raise FilterError(name, "at most %(n)d values", n=MAX_VALUES_PER_PARAMETER)
    for v in split:
        if len(v) > MAX_QUERY_LENGTH or "\x00" in v:
            raise FilterError(name, "value longer than %(n)d characters or with a NUL", n=MAX_QUERY_LENGTH)
    return split


def _as_list(value) -> Iterable[str]:
    if value is None:
        return ()
    return value if isinstance(value, (list, tuple)) else (value,)


def _bbox(raw: list[str]) -> tuple[float, float, float, float] | None:
    """`bbox=west,south,east,north` in degrees (WGS-84): the projects whose point lies in the box."""
    raw = [v for v in raw if v and v.strip()]
    if not raw:
        return None
    if len(raw) > 1:
        raise FilterError("bbox", "give one box: bbox=west,south,east,north")
    parts = raw[0].split(",")
    try:
        numbers = tuple(float(p) for p in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != 4 or not all(math.isfinite(v) for v in numbers):
        raise FilterError("bbox", "%(value)r is not four numbers west,south,east,north (degrees)", value=raw[0][:60])
    west, south, east, north = numbers
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        raise FilterError("bbox", "%(value)r: need longitudes within -180..180 and latitudes within -90..90",
                          value=raw[0][:60])
    return numbers


def _capacity(values: list[str], name: str) -> float | None:
    if not values:
        return None
    if len(values) > 1:
        raise FilterError(name, "give one value")
    try:
        number = float(values[0])
    except ValueError:
        raise FilterError(name, "%(value)r is not a number (megawatts)", value=values[0][:40]) from None
    if not math.isfinite(number) or number < 0:
        raise FilterError(name, "%(value)r is not a finite, non-negative number (megawatts)", value=values[0][:40])
    return number


class RegistryError(Exception):
    """The registry file exists but cannot be read as a registry (corrupt, not SQLite, another schema)."""

    def __init__(self, path, message: str):
        self.path, self.message = Path(path), message
        super().__init__(f"{path}: {message}")


class Registry:
    """Read-only access to a registry database built by `registry.store.store.build`."""

    def __init__(self, db_path: str | Path = DEFAULT_DB):
        self.path = Path(db_path)
        if not self.path.is_file():
            raise FileNotFoundError(f"no registry database at {self.path}; run `registry build` first")
        # mode=ro: a server can never write the registry; a rebuild swaps in a new file,
        # which the next Registry (one per request) opens.
        self.conn = sqlite3.connect(f"file:{self.path.resolve()}?mode=ro", uri=True, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self._check_is_registry()

    def _check_is_registry(self) -> None:
        """RegistryError unless the file is a SQLite database with the registry's tables (one cheap read)."""
        try:
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise RegistryError(self.path, f"is not a readable SQLite database ({exc}); rebuild it with `registry build`") from None
        missing = [t for t in ("projects", "registry_meta") if t not in tables]
        if missing:
            self.conn.close()
            raise RegistryError(self.path, f"is a SQLite database but not a registry (no {' or '.join(missing)} table); "
                                           "rebuild it with `registry build`")

    def built_at(self) -> str | None:
        row = self.conn.execute("SELECT value FROM registry_meta WHERE key = 'built_at'").fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def projects(self, project_filter: ProjectFilter = ProjectFilter(), sort: str = "id", descending: bool = False,
                 limit: int | None = None, offset: int = 0, columns: Iterable[str] = RECORD_COLUMNS,
                 after: tuple | None = None) -> list[dict]:
        return list(self.iter_projects(project_filter, sort, descending, limit, offset, columns, after))

    def iter_projects(self, project_filter: ProjectFilter = ProjectFilter(), sort: str = "id", descending: bool = False,
                      limit: int | None = None, offset: int = 0, columns: Iterable[str] = RECORD_COLUMNS,
                      after: tuple | None = None, tuples: bool = False, batches: bool = False):
        """The rows of `projects`, read from the cursor as they are consumed: constant memory at any size.

        `tuples`: plain tuples in the order of `columns` instead of dicts (the exports' fast path: a dict per
        row was a fifth of a CSV export's time). `batches`: lists of up to 1,000 such tuples, as the cursor
        fetches them (the CSV export's path: no generator step per row).

        `after` = (sort value, id) of the last row already seen: keyset pagination, as fast at row
        1,000,000 as at row 1, where OFFSET reads and drops every row before the page.
        """
        if sort not in SORTABLE:
            raise FilterError("sort", "cannot sort by %(value)r; expected one of %(expected)s", value=sort[:40],
                          expected=", ".join(SORTABLE))
        where, params = project_filter.where()
        if project_filter.bbox is not None and sort != "id" and self._box_is_wide(project_filter.bbox):
            # SQLite guesses any box selective, reads it by the (lon, lat) index and sorts every row in it: 9-12 s
            # for the 50 largest of a national view at 1,000,000 projects. A box that holds a good share of them is
            # tested row by row while the sort's own index is read in order (4 ms).
            where = where.replace(BBOX_CLAUSE, "+lon BETWEEN ? AND ? AND +lat BETWEEN ? AND ?", 1)
        if after is not None:
            keyset, keyset_params = keyset_clause(sort, descending, after)
            where, params = f"{where} AND {keyset}", [*params, *keyset_params]
        direction = "DESC" if descending else "ASC"
        # `id` is never NULL (the build refuses an empty id), so it needs no NULLS LAST, which
        # would stop SQLite from reading the rows straight off the primary-key index in order.
        order = f"id {direction}" if sort == "id" else f"{sort} {direction} NULLS LAST, id"
        sql = f"SELECT {', '.join(columns)} FROM projects WHERE {where} ORDER BY {order}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, limit, offset]
        # The query runs now, so a bad database fails here, before a response starts streaming.
        cursor = self.conn.cursor()
        cursor.row_factory = None
        try:
            cursor.execute(sql, params)
        except BaseException:
            cursor.close()
            raise
        if batches:
            return _cursor_batches(cursor)
        return _cursor_tuples(cursor) if tuples else _cursor_rows(cursor)

    def _box_is_wide(self, bbox: tuple) -> bool:
        """Whether a box holds a twentieth or more of the projects on the map (counted in the map's arrays)."""
        from registry.store import mapgrid  # numpy: only for a box, never on an export's start-up path

        points = mapgrid.load_points(self.conn, self.path)
        if len(points) == 0:
            return False
        west, south, east, north = (v * 1e6 for v in bbox)
        inside = int(((points.lon_e6 >= west) & (points.lon_e6 <= east) & (points.lat_e6 >= south)
                      & (points.lat_e6 <= north)).sum())
        return inside >= len(points) / 20

    def iter_features(self, project_filter: ProjectFilter = ProjectFilter()):
        """The filtered projects' GeoJSON Feature texts in id order, streamed from the cursor."""
        return (row[0] for row in self.iter_projects(project_filter, columns=("feature_geojson",), tuples=True))

    def count(self, project_filter: ProjectFilter = ProjectFilter()) -> int:
        where, params = project_filter.where()
        return self.conn.execute(f"SELECT count(*) FROM projects WHERE {where}", params).fetchone()[0]

    def facets(self, project_filter: ProjectFilter = ProjectFilter()) -> dict:
        """Count, total MW and how many state a capacity, overall and by type, city and county."""
        if project_filter.is_empty():
            stored = facets.read_unfiltered(self.conn)  # precomputed at build
            if stored is not None:
                return stored
        where, params = project_filter.where()
        return facets.compute(self.conn, where, params,
                              scan_once=bool(project_filter.q) and len(project_filter.q) < MIN_FTS_LENGTH)

    def project(self, project_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM projects WHERE id = ?", (project_id,)).fetchone()
        return dict(row) if row else None

    def document(self, doc_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return dict(row) if row else None

    def section_heading(self, doc_id: str, offset: int) -> str:
        """The heading of the innermost section of a plan that contains `offset`, or ''."""
        row = self.conn.execute(
            'SELECT heading FROM sections WHERE doc_id = ? AND start <= ? AND "end" > ? '
            "ORDER BY start DESC, level DESC LIMIT 1", (doc_id, offset, offset)).fetchone()
        return row[0] if row else ""

    def distinct(self, column: str) -> list[str]:
        if column not in ("type", "province", "city", "county", "stage"):
            raise ValueError(column)
        return [r[0] for r in self.conn.execute(f"SELECT DISTINCT {column} FROM projects WHERE {column} != '' ORDER BY 1")]

    def county_boundaries(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT code, name, city_code, geometry AS geojson FROM county_boundaries ORDER BY code")]

    def features(self, project_filter: ProjectFilter = ProjectFilter(), limit: int | None = None, offset: int = 0) -> list[str]:
        """The filtered projects' GeoJSON Feature texts, in id order, as the build stored them."""
        rows = self.projects(project_filter, limit=limit, offset=offset, columns=("feature_geojson",))
        return [row["feature_geojson"] for row in rows]

    def meta(self) -> dict[str, str]:
        """The build's facts from `registry_meta`: built_at, source_csv, source_csv_sha256, projects."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT key, value FROM registry_meta")}
