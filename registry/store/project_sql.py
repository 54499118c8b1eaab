"""The build's insert of `projects`, with the per-row work done by SQLite instead of Python.

`ProjectRows` (registry/store/project_rows.py) checks and types a row, and writes its GeoJSON
Feature, in Python: about three quarters of the build's time at 100,000 projects. Here the CSV's
rows are loaded as they are (`executemany` of the csv module's lists, as SQLite's own floor does)
into a temporary table; one scan notes the rows that are not *plain*, and one `INSERT … SELECT`
types and writes every other row, its Feature included, in C:

* a row is plain when the checks below show at a glance that `validate_project` accepts it and
  types it as they do: no value with white space around it (a regular expression per row, as the
  rows load), a plain id, the known type/stage/precision words, numbers written as plain decimals (no sign, exponent
  or more than 15 digits) inside their ranges with a margin, both or neither coordinate, no WKT,
  a known plan and a span inside it. The checks are narrower than `ProjectRows._plain`, never
  wider: a row they do not pass goes through `ProjectRows` itself, with the rowid it would have
  had, so the table's rows, rowids and texts are the same whichever way a row took;
* decimals are parsed by Python's `float` and written back by `repr`, called from SQL: SQLite
  3.40's own text-to-real conversion is off by one unit in the last place for about one
  coordinate in 6,000 (118.367286 reads as 118.36728600000001), and the stored values and the
  Feature's text must be exactly the ones Python makes;
* the Feature is written by one `printf` of `json_quote`d texts: SQLite escapes every character of the Basic
  Multilingual Plane as `json.dumps(ensure_ascii=False)` does (tests/test_store.py checks it);
* a row's province comes from `ProvinceOf`, called once per distinct (province code, city,
  county) of the file, as `ProjectRows` memoises it.

Any error (a bad row, a duplicate id, a malformed CSV) raises from here and the build reports the
reference path's error for it, as before.
"""
from __future__ import annotations

import re
from itertools import islice
from json.encoder import encode_basestring

from registry.exports.export import FEATURE_PROPERTIES
from registry.rows.schema import CHINA_BBOX, PRECISIONS, PROJECT_COLUMNS, PROJECT_TYPES, STAGES
from registry.store.project_rows import INSERT_COLUMNS

LOAD_BATCH = 10_000  # CSV rows per executemany into the temporary table (a progress step)
_FLOATS = {"capacity_mw": (0, 1e7), "voltage_kv": (0, 2000)}
_INTS = ("target_year", "source_start", "source_end")
_MARGIN = 1e-6  # degrees / MW: a value this close to a bound goes through Python, which decides exactly
# A value with white space around it (what str.strip removes: re's \s is str.isspace), in the row's values joined
# by NUL (which no value holds: check_csv_file refuses it). One search in C per row, where SQL's checks of each value's ends took several times as long.
_PADDED = re.compile(r"(?:^|\x00)\s|\s(?:\x00|$)").search


def _marked(rows):
    """The CSV's non-blank rows (blank ones are skipped, as schema.csv_rows does), each with a last value: 1 where
    a value has white space around it (left to Python, which strips it), else 0."""
    for values in rows:
        if "".join(values).strip():
            yield (*values, 1 if _PADDED("\x00".join(values)) else 0)


def _float_json(text: str) -> str:
    return repr(float(text))


def _point_json(lon: str, lat: str) -> str:
    """The Point geometry of store._geometry_geojson (ProjectRows writes the same)."""
    return f'{{"type":"Point","coordinates":[{float(lon)!r},{float(lat)!r}]}}'


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _words(values) -> str:
    return ", ".join(map(_quote, values))


class ProjectInsert:
    """`run(reader, bar)`: insert the CSV's rows (the csv reader after its header) into `projects`; the number of
    rows inserted. `make_row` is the ProjectRows of the same header, for the rows SQL leaves to Python."""

    def __init__(self, conn, header: tuple[str, ...], documents: dict[str, dict], province_of, make_row):
        self.conn, self.header, self.make_row, self.province_of = conn, header, make_row, province_of
        self.documents = documents
        self.col = {c: (f"c{header.index(c)}" if c in header else "''") for c in PROJECT_COLUMNS}

    def run(self, reader, bar) -> int:
        conn = self.conn
        width = len(self.header)
        conn.execute(f"CREATE TEMP TABLE raw ({', '.join(f'c{i}' for i in range(width))}, padded)")
        conn.execute("CREATE TEMP TABLE doc_info (doc_id TEXT PRIMARY KEY, length INTEGER, plan_province TEXT)")
        conn.executemany("INSERT INTO temp.doc_info VALUES (?, ?, ?)",
                         [(d, len(doc["text"]), self.province_of.plan_province.get(d, "")) for d, doc in self.documents.items()])
        conn.create_function("py_float", 1, float, deterministic=True)
        conn.create_function("py_float_json", 1, _float_json, deterministic=True)
        conn.create_function("py_point", 2, _point_json, deterministic=True)
        load = f"INSERT INTO temp.raw VALUES ({', '.join('?' * (width + 1))})"
        rows = _marked(reader)
        try:
            while batch := list(islice(rows, LOAD_BATCH)):
                conn.executemany(load, batch)  # a row of another width: sqlite3.ProgrammingError
                if not bar.disable:
                    bar.update(len(batch))
            self._provinces()
            # The rows left to Python, found once (the condition is read in one scan of the raw rows): probing the
            # finished table for the rows it lacks reads all of it, a gigabyte at a million projects.
            conn.execute(f"CREATE TEMP TABLE others AS SELECT raw.rowid AS r FROM temp.raw AS raw LEFT JOIN temp.doc_info AS d "
                         f"ON d.doc_id = {self.col['source_doc']} WHERE NOT coalesce({self._plain()}, 0) ORDER BY raw.rowid")
            conn.execute(f"INSERT INTO projects (rowid, {', '.join(INSERT_COLUMNS)}) SELECT raw.rowid, {self._values()} "
                         f"FROM temp.raw AS raw LEFT JOIN temp.doc_info AS d ON d.doc_id = {self.col['source_doc']} "
                         f"LEFT JOIN temp.province AS p ON p.code = substr({self.col['division_code']}, 1, 2) "
                         f"AND p.city = {self.col['city']} AND p.county = {self.col['county']} "
                         f"WHERE raw.rowid NOT IN (SELECT r FROM temp.others) ORDER BY raw.rowid")
            insert = (f"INSERT INTO projects (rowid, {', '.join(INSERT_COLUMNS)}) "
                      f"VALUES ({', '.join('?' * (len(INSERT_COLUMNS) + 1))})")
            others = conn.execute(f"SELECT raw.rowid, {', '.join(f'raw.c{i}' for i in range(width))} FROM temp.others "
                                  "JOIN temp.raw AS raw ON raw.rowid = others.r ORDER BY others.r")
            while batch := others.fetchmany(1000):
                conn.executemany(insert, [(rowid, *self.make_row(list(values))) for rowid, *values in batch])
            return conn.execute("SELECT count(*) FROM temp.raw").fetchone()[0]
        finally:
            # temp.raw is left for SQLite to delete with its file when the connection closes: dropping it frees
            # every page one by one (seconds at a million rows).
            for table in ("others", "doc_info", "province"):
                conn.execute(f"DROP TABLE IF EXISTS temp.{table}")

    def _provinces(self) -> None:
        """temp.province: each distinct (province code, city, county)'s province, by ProvinceOf (memoised as ProjectRows does)."""
        col = self.col
        self.conn.execute("CREATE TEMP TABLE province (code TEXT, city TEXT, county TEXT, province TEXT, "
                          "PRIMARY KEY (code, city, county))")
        places = self.conn.execute(f"SELECT DISTINCT substr({col['division_code']}, 1, 2), {col['city']}, {col['county']} "
                                   "FROM temp.raw").fetchall()
        self.conn.executemany("INSERT INTO temp.province VALUES (?, ?, ?, ?)", [
            (code, city, county, self.province_of({"division_code": code, "city": city, "county": county, "source_doc": ""}))
            for code, city, county in places])

    def _plain(self) -> str:
        """The SQL condition (never NULL) under which a raw row is plain (see the module's docstring)."""
        col = self.col
        values = [f"c{i}" for i in range(len(self.header))]
        every = " + ".join(f"length({v})" for v in values)

        def decimal(c: str, lo: float, hi: float) -> str:
            return (f"({c} GLOB '[0-9]*' AND {c} NOT GLOB '*[^0-9.]*' AND {c} NOT GLOB '*.*.*' "
                    f"AND length(replace({c}, '.', '')) <= 15 AND CAST({c} AS REAL) > {lo + _MARGIN!r} "
                    f"AND CAST({c} AS REAL) < {hi - _MARGIN!r})")

        def digits(c: str, longest: int) -> str:
            return f"({c} GLOB '[0-9]*' AND {c} NOT GLOB '*[^0-9]*' AND length({c}) <= {longest})"

        pid, start, end = col["id"], col["source_start"], col["source_end"]
        lon, lat = col["lon"], col["lat"]
        min_lon, min_lat, max_lon, max_lat = CHINA_BBOX
        conditions = [
            f"{every} <= 10000",
            "raw.padded = 0",
            f"{pid} GLOB '[A-Za-z0-9]*' AND {pid} NOT GLOB '*[^A-Za-z0-9_.-]*' AND length({pid}) <= 64",
            f"{col['name']} != '' AND {col['city']} != ''",
            f"{col['type']} IN ({_words(PROJECT_TYPES)})",
            f"{col['precision']} IN ('', {_words(PRECISIONS)})",
            f"{col['stage']} IN ('', {_words(STAGES)})",
            *(f"({col[c]} = '' OR {col[c]} = '0' OR {decimal(col[c], 1e-3, hi)})" for c, (_, hi) in _FLOATS.items()),
            f"({col['target_year']} = '' OR ({digits(col['target_year'], 4)} AND "
            f"CAST({col['target_year']} AS INTEGER) BETWEEN 1990 AND 2100))",
            f"{digits(start, 15)} AND {digits(end, 15)} AND CAST({end} AS INTEGER) > CAST({start} AS INTEGER)",
            f"(({lon} = '' AND {lat} = '') OR ({decimal(lon, min_lon, max_lon)} AND {decimal(lat, min_lat, max_lat)} "
            f"AND {col['precision']} != ''))",
            f"{col['geometry_wkt']} = ''",
            f"d.doc_id IS NOT NULL AND CAST({end} AS INTEGER) <= d.length",
        ]
        return " AND ".join(f"({c})" for c in conditions)

    def _values(self) -> str:
        """The SELECT list of INSERT_COLUMNS for a plain row, its Feature written as feature_geojson writes it."""
        col = self.col
        typed = {c: col[c] for c in PROJECT_COLUMNS}
        for c in _FLOATS:
            typed[c] = f"(CASE WHEN {col[c]} = '' THEN NULL ELSE py_float({col[c]}) END)"
        for c in ("lon", "lat"):
            typed[c] = f"(CASE WHEN {col[c]} = '' THEN NULL ELSE py_float({col[c]}) END)"
        for c in _INTS:
            typed[c] = f"(CASE WHEN {col[c]} = '' THEN NULL ELSE CAST({col[c]} AS INTEGER) END)"
        typed["province"] = "coalesce(nullif(p.province, ''), d.plan_province)"
        typed["geometry"] = f"(CASE WHEN {col['lon']} = '' THEN NULL ELSE py_point({col['lon']}, {col['lat']}) END)"

        def json_value(c: str) -> str:
            if c in _FLOATS:
                return f"(CASE WHEN {col[c]} = '' THEN 'null' ELSE py_float_json({col[c]}) END)"
            if c in _INTS:
                return f"coalesce(CAST({typed[c]} AS TEXT), 'null')"
            return f"json_quote({typed[c]})"

        # One printf: the Feature's text is written once, not copied at each of fifty concatenations.
        template = "".join(f"{encode_basestring(c)}:%s," for c in FEATURE_PROPERTIES)[:-1]
        typed["feature_geojson"] = (f"""printf('{{"type":"Feature","id":"%s","geometry":%s,"properties":{{{template}}}}}', """
                                    f"{col['id']}, coalesce({typed['geometry']}, 'null'), "
                                    f"{', '.join(json_value(c) for c in FEATURE_PROPERTIES)})")
        return ", ".join(typed[c] for c in INSERT_COLUMNS)
