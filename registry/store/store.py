"""Build the SQLite registry from the reviewed CSV, atomically.

The build checks the CSV's encoding, header and structure in a first streamed pass, then
validates the rows one by one as it writes them into a new database file beside the target
(flat memory at any size), and swaps it in with one `os.replace`: a reader (the web app) sees
the old registry or the new one, never a half-written one. A bad row aborts the build and the
temp file goes, so a failed build leaves the old file byte-for-byte as it was.
"""
from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from registry.rows.malloc_tuning import give_back
from registry.rows.optional_imports import hidden
from registry.store import geo_cache, map_tables, search_index
from registry.store.point_columns import PointColumns
from registry.store.project_insert import Parts, RowMaker, insert_projects
from registry.store.search_index import SideSearch
from registry.store.side_tables import SideTables
from registry.rows.atomic import fsync_directory, remove_stale_temp_files, temp_name
from registry.rows.csvstream import check_csv_file, iter_csv_rows
from registry.rows.documents import DOCUMENT_COLUMNS, PLANS_DIR, PROJECT_ROOT, read_documents, split_sections
from registry.exports.export import feature_geojson
from registry.geo.plan_areas import area_rows
from registry.rows.progress import progress_bar, stderr_is_terminal
from registry.geo.provinces import ProvinceOf, plan_level
from registry.rows.schema import (PROJECT_COLUMNS, TARGET_COLUMNS, RowError,
                             validate_project)
from registry.store.layout import DEFAULT_DB  # the readers' name, without this module's imports

with hidden("pandas"):  # sqlite-utils' optional import: ~40 MB and 0.3 s of every build (registry/rows/optional_imports.py)
    import sqlite_utils

DEFAULT_CSV = PROJECT_ROOT / "projects.csv"


@dataclass(frozen=True)
class BuildReport:
    db_path: Path
    projects: int
    documents: int
    sections: int
    targets: int
    boundaries: int
    areas: int = 0  # plan areas drawn (plan_areas rows with a polygon)


def load_projects(csv_path: str | Path, documents: dict[str, dict]) -> list[dict]:
    """Validated project records from a CSV, or RowError for the first bad row."""
    check_csv_file(csv_path)
    return list(iter_project_records(csv_path, documents))


def iter_project_records(csv_path: str | Path, documents: dict[str, dict], seen=None):
    """Validated project records one at a time, or RowError for the first bad row.

    Call `check_csv_file` first: file-level and structural errors come before any row's. `seen`
    maps id -> first line (a dict, or `SeenIds` to keep a million ids on disk, not in memory).
    """
    path = str(csv_path)
    seen = {} if seen is None else seen
    province_of = ProvinceOf(documents)
    for line, raw in iter_csv_rows(csv_path):
        record = validate_project(raw, path, line)
        first = seen.setdefault(record["id"], line)
        if first != line:
            raise RowError(path, line, "id", f"duplicate id {record['id']!r} (first on line {first})")
        doc = documents.get(record["source_doc"])
        if doc is None:
            raise RowError(path, line, "source_doc", f"unknown document {record['source_doc'][:60]!r}; known: {', '.join(documents)}")
        if record["source_end"] > len(doc["text"]):
            raise RowError(path, line, "source_end", f"{record['source_end']} is past the end of {record['source_doc']} ({len(doc['text'])} characters)")
        record["province"] = province_of(record)  # derived, a database column only (registry/geo/provinces.py)
        record["geometry"] = _geometry_geojson(record, path, line)
        record["feature_geojson"] = feature_geojson(record, record["geometry"])
        yield record


class SeenIds:
    """id -> first line, in a private temporary SQLite file: duplicate checks in flat memory.

    A connection of its own (SQLite deletes the file on close), so its open transaction never
    mixes with the transactions sqlite-utils manages on the registry's connection.
    """

    def __init__(self):
        self.conn = sqlite3.connect("")
        self.conn.execute("CREATE TABLE seen (id TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")

    def setdefault(self, project_id: str, line: int) -> int:
        try:
            self.conn.execute("INSERT INTO seen VALUES (?, ?)", (project_id, line))
            return line
        except sqlite3.IntegrityError:
            return self.conn.execute("SELECT line FROM seen WHERE id = ?", (project_id,)).fetchone()[0]

    def close(self) -> None:
        self.conn.close()


def load_targets(csv_path: str | Path, documents: dict[str, dict] | None = None) -> list[dict]:
    """Validated targets (registry/targets/target_rows.py: indicator vocabulary, units, offsets)."""
    from registry.targets.target_rows import load_targets as load_target_rows

    return load_target_rows(csv_path, documents)


def build(csv_path=DEFAULT_CSV, db_path=DEFAULT_DB, plans_dir=PLANS_DIR, targets_csv=None,
          progress: bool | None = False, jobs: int | None = None) -> BuildReport:
    """Validate `csv_path` and replace `db_path` with a registry built from it; `progress`: a bar of the
    projects written, on stderr (None: when stderr is a terminal; registry/rows/progress.py); `jobs`: processes
    validating and inserting the projects (None: one per core for a big CSV; registry/store/project_insert.py)."""
    csv_path, db_path = Path(csv_path), Path(db_path)
    documents = read_documents(plans_dir)
    # Encoding, header and CSV structure, streamed; the rows themselves are validated as they are
    # written into the temp file below, so memory stays flat however many there are. Any bad row
    # aborts the build, the temp file goes, and the old registry is never touched.
    # The rows' structure (quoting, field counts) is checked by the insert, which reads every row anyway; the
    # full check runs first on any error (`_first_error`), or here when a progress bar needs the count.
    show = stderr_is_terminal() if progress is None else progress
    rows = check_csv_file(csv_path, count_rows=show, decode=False)  # the insert decodes every byte, and checks for NUL
    if targets_csv is None and (csv_path.parent / "targets.csv").exists():
        targets_csv = csv_path.parent / "targets.csv"  # the reviewed targets travel beside the projects
    try:
        targets = load_targets(targets_csv, documents) if targets_csv else []
    except RowError:
        check_csv_file(csv_path)  # a structural error of the projects' CSV came first, as it always did
        raise
    # Both depend only on the plans' area codes and the shipped geodata: kept between builds (geo_cache.py).
    area_codes = sorted({(doc.get("city_code") or "", doc.get("city") or "") for doc in documents.values()})
    boundaries = geo_cache.cached_rows("boundaries", area_codes, lambda: _boundaries_for(documents))
    areas = geo_cache.cached_rows("plan_areas", area_codes, lambda: area_rows(documents))
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # A killed build (SIGKILL, power loss) cannot clean up after itself: the next build does.
    remove_stale_temp_files(db_path, ".building")
    tmp_name = str(temp_name(db_path, ".building"))  # .<db name>.<pid>.<random>.building, created below
    try:
        db = sqlite_utils.Database(tmp_name)
        # The file is private until the swap below, so it needs no journal; the fsync
        # before the swap is what makes the new registry durable.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        with progress_bar(rows, "build", "project", show) as bar:
            sections = _write(db, bar, documents, targets, boundaries, areas, csv_path, jobs, db_path)
        project_count = db["projects"].count
        db.execute("ANALYZE")
        db.close()
        with open(tmp_name, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, db_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_directory(db_path.parent)
    return BuildReport(db_path, project_count, len(documents), sections, len(targets), len(boundaries),
                       sum(1 for a in areas if a["geojson"]))


def _write(db, bar, documents, targets, boundaries, areas, csv_path, jobs, db_path) -> int:
    if not documents:  # a new, empty registry folder (`registry init`) builds too
        db["documents"].create({c: str for c in (*DOCUMENT_COLUMNS, "text")}, pk="doc_id")
        db["sections"].create({"id": int, "doc_id": str, "heading": str, "level": int, "start": int, "end": int},
                              pk="id", foreign_keys=[("doc_id", "documents")])
    db["documents"].insert_all(documents.values(), pk="doc_id")
    section_rows = [
        {"doc_id": doc_id, "heading": s.heading, "level": s.level, "start": s.start, "end": s.end}
        for doc_id, doc in documents.items() for s in split_sections(doc["text"])
    ]
    db["sections"].insert_all(section_rows, pk="id", foreign_keys=[("doc_id", "documents")], alter=True)
    columns = {c: str for c in PROJECT_COLUMNS} | {"province": str} | {
        "capacity_mw": float, "voltage_kv": float, "target_year": int, "lon": float, "lat": float,
        "source_start": int, "source_end": int, "geometry": str, "feature_geojson": str,
    }
    projects_table = db["projects"]
    projects_table.create(columns, pk="id", foreign_keys=[("source_doc", "documents")])
    # Built in parts, the full-text index is made from the parts' files as soon as they are written (search_index.py).
    columns, parts = _insert_projects(db.conn, csv_path, documents, bar, jobs, db_path,
                                      lambda parts: SideSearch(db_path, parts.files))
    try:
        points = columns.points()
        del columns
        give_back()  # the row batches' memory, before the index phase's threads take theirs (flat memory at 1M)
        side = SideTables(db_path, points, csv_path)
        del points  # the thread's, now: freed when it is done (~40 MB at a million projects), before the FTS index
        try:
            _index_and_write_the_rest(db, side, parts and parts.reader, targets, boundaries, areas, csv_path)
        except BaseException:
            side.close()
            raise
    finally:
        if parts is not None:
            parts.remove()  # the search's maker closed (waited for) first
    return len(section_rows)


def _index_and_write_the_rest(db, side: SideTables, search: SideSearch | None, targets, boundaries, areas,
                              csv_path) -> None:
    """Everything after the projects' rows, while `side` makes the map's tables in a thread (side_tables.py), and
    `search` the full-text index, when the rows were inserted in parts (search_index.py)."""
    projects_table = db["projects"]
    # capacity_mw last in the place indexes makes them cover the facets' GROUP BY city / county with
    # total(capacity_mw): at 100,000 projects the unfiltered facets take 30 ms instead of 240. The facets'
    # one grouped query (registry/store/facets.py) reads (type, province, city, county, capacity_mw) alone, in order:
    # 12 ms instead of 89 for type=solar_pv at 100,000, 46 instead of 178 for min_mw=100.
    for index in (["type", "capacity_mw"], ["city", "county", "capacity_mw"], ["county", "capacity_mw"], ["stage"],
                  ["capacity_mw"], ["source_doc"], ["province", "city", "county", "capacity_mw"],
                  ["type", "province", "city", "county", "capacity_mw"]):
        projects_table.create_index(index)
    # The filter form's places (province, then its cities and counties), read without touching `projects`.
    db.execute("CREATE TABLE project_places AS SELECT province, city, county, count(*) AS projects FROM projects "
               "GROUP BY province, city, county ORDER BY province, city, county")
    if search is None:
        search_index.fill_from_table(db.conn)
    db["targets"].create({c: str for c in TARGET_COLUMNS} | {"value": float, "value_normalised": float, "year": int,
                                                          "source_start": int, "source_end": int})
    db["targets"].insert_all(targets)
    db["targets"].create_index(["source_doc"])
    db["targets"].create_index(["indicator", "year"])
    # Each plan's area at its own level (registry/geo/plan_areas.py), for the targets' comparison map.
    db["plan_areas"].create({"code": str, "level": str, "name": str, "counties": int, "lon": float, "lat": float,
                             "geojson": str}, pk="code")
    db["plan_areas"].insert_all(areas)
    map_tables.index_projects_and_facets(db.conn)  # while the threads may still work
    if search is not None:
        # Its shadow tables copied in under the same CREATE: nothing reads the index on this connection after
        # (FTS5 would answer from the structure it cached at CREATE); readers open connections of their own.
        search.copy_into(db.conn)
    side.copy_into(db.conn)  # the map's point arrays and precomputed clusters
    map_tables.index_clusters(db.conn)
    # The polygon's column is `geometry` (GeoJSON text), the name Datasette's datasette-geojson and
    # geopandas/GDAL look for: `/registry/county_boundaries.geojson` serves it as a FeatureCollection.
    db["county_boundaries"].create({"code": str, "name": str, "city_code": str, "geometry": str}, pk="code")
    db["county_boundaries"].insert_all(boundaries)
    db["registry_meta"].insert_all([
        {"key": "built_at", "value": datetime.now(timezone.utc).isoformat(timespec="seconds")},
        {"key": "source_csv", "value": csv_path.name},
        {"key": "source_csv_sha256", "value": side.csv_sha256},
        {"key": "projects", "value": str(projects_table.count)},
    ], pk="key")


def _insert_projects(conn, csv_path: Path, documents: dict[str, dict], bar, jobs: int | None,
                     db_path: Path, parts_written) -> tuple[PointColumns, Parts | None]:
    """Validate and insert the CSV's projects (registry/store/project_insert.py: on every core, when it pays);
    the map's point columns of the rows inserted, and the parts' files if it was built in parts. Any error is
    reported as the reference path reports it."""
    maker = RowMaker(str(csv_path), documents, ProvinceOf, _geometry_geojson)
    return insert_projects(conn, csv_path, maker, bar, jobs, db_path, lambda: _first_error(csv_path, documents),
                           parts_written)


def _first_error(csv_path: Path, documents: dict[str, dict]) -> None:
    """Raise the error of the CSV's first bad row, as `iter_project_records` finds it (its line, column and words);
    return if it finds none."""
    check_csv_file(csv_path)  # file-level and structural errors first, as they always came
    seen = SeenIds()
    try:
        for _ in iter_project_records(csv_path, documents, seen=seen):
            pass
    finally:
        seen.close()


def _geometry_geojson(record: dict, path, line: int) -> str | None:
    """The project's GeoJSON geometry, computed once at build so exports only copy text."""
    if record["geometry_wkt"]:
        # shapely (30 ms to import) only here: the build writes points and plain lines itself (project_rows.py).
        from shapely import get_coordinates, wkt as shapely_wkt
        from shapely.errors import ShapelyError
        from shapely.geometry import mapping

        try:
            with np.errstate(invalid="ignore", over="ignore"):  # numpy's warnings at a NaN or Infinity: the check
                # below words them
                geometry = shapely_wkt.loads(record["geometry_wkt"])
        except (ShapelyError, ValueError) as exc:
            raise RowError(path, line, "geometry_wkt", f"invalid WKT: {exc}") from None
        if geometry.is_empty:
            raise RowError(path, line, "geometry_wkt", "geometry is empty")
        # GEOS reads NaN and Infinity, which GeoJSON has no word for (json.dumps would write a NaN no reader takes).
        if not np.isfinite(get_coordinates(geometry, include_z=geometry.has_z)).all():
            raise RowError(path, line, "geometry_wkt", "a coordinate is not a finite number")
        return json.dumps(mapping(geometry), separators=(",", ":"))
    if record["lon"] is None:
        return None
    return json.dumps({"type": "Point", "coordinates": [record["lon"], record["lat"]]}, separators=(",", ":"))


def _boundaries_for(documents: dict[str, dict]) -> list[dict]:
    """County polygons of the city and county plans' areas, for the map's boundary layer.

    A province's (or the nation's) plan adds none: the basemap draws every province's outline at
    every zoom and counties from zoom 8, and the ~1,100 counties of fourteen provinces would be
    2.4 MB of polygons on every map page, drawn where the basemap keeps counties out of a
    national view.

    Outer rings counterclockwise, holes clockwise: RFC 7946 §3.1.6 asks it of GeoJSON, and
    d3-geo (for one) reads a clockwise outer ring as the whole globe minus the county.
    """
    import shapely
    from shapely.geometry import mapping, shape

    from registry.geo.geocode import county_boundaries

    codes = sorted({doc["city_code"] for doc in documents.values() if plan_level(doc["city_code"]) in ("city", "county")})
    collection = county_boundaries(codes)
    return [
        {"code": f["properties"]["code"], "name": f["properties"]["name"], "city_code": f["properties"]["city_code"],
         "geometry": json.dumps(mapping(shapely.orient_polygons(shape(f["geometry"]))), separators=(",", ":"))}
        for f in collection["features"]
    ]
