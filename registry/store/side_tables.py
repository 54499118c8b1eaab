"""The map's tables made in a thread, in a file of their own, while SQLite indexes the projects.

After the projects are in, the build's connection spends seconds inside SQLite (eight indexes, the
full-text index), holding no GIL; the map's clusters (registry/store/map_tables.py: numpy and
Python) need the CPU, not that connection. So a thread writes them into a database file beside
the build's (a `.building` name, swept by the next build if this one is killed), and the build
then copies the tables in (INSERT … SELECT): the same rows, in the same order, as
`map_tables.write_clusters` makes on the build's own connection. The CSV's SHA-256 (hashlib holds no GIL
either) is taken in the same thread.
"""
from __future__ import annotations

import hashlib
import sqlite3
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from registry.rows.atomic import temp_name
from registry.store.attached import attached
from registry.store.map_points import Points
from registry.store.map_tables import write_clusters

MAP_TABLES = ("map_points", "map_clusters", "map_meta")


class SideTables:
    """Started by its constructor; `copy_into(conn)` then puts the map's tables in; `csv_sha256` is set after it."""

    def __init__(self, db_path: Path, points: Points, csv_path: Path):
        self.path = temp_name(db_path, ".building")
        self.csv_sha256 = ""
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="registry-map-tables")
        self._future: Future = self._executor.submit(self._make, points, csv_path)

    def _make(self, points: Points, csv_path: Path) -> None:
        conn = sqlite3.connect(self.path)
        try:
            conn.execute("PRAGMA page_size = 65536")  # a temporary file, written once and copied: fewer system calls
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            write_clusters(conn, points)
        finally:
            conn.close()
        with open(csv_path, "rb") as handle:
            self.csv_sha256 = hashlib.file_digest(handle, "sha256").hexdigest()

    def copy_into(self, conn) -> None:
        """Wait for the thread (its error is raised here), copy its tables into `conn`'s database, remove its file."""
        try:
            self._future.result()
            with attached(conn, self.path, "side"):
                for name, sql in conn.execute("SELECT name, sql FROM side.sqlite_master WHERE type = 'table'").fetchall():
                    if name in MAP_TABLES:
                        conn.execute(sql)
                        conn.execute(f"INSERT INTO main.{name} SELECT * FROM side.{name} ORDER BY rowid")
        finally:
            self.close()

    def close(self) -> None:
        """Stop waiting for the thread's result (a failed build) and remove its file."""
        self._executor.shutdown(wait=True)
        self.path.unlink(missing_ok=True)
