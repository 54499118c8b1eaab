"""The map's tables made in a thread, in a file of their own, while SQLite indexes the projects (side_file.py).

The thread writes the map's clusters (registry/store/map_tables.py: numpy and Python) into its file, and the
build then copies the tables in (INSERT … SELECT): the same rows, in the same order, as
`map_tables.write_clusters` makes on the build's own connection. The CSV's SHA-256 (hashlib holds no GIL
either) is taken in the same thread.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from registry.store.attached import attached
from registry.store.map_points import Points
from registry.store.map_tables import write_clusters
from registry.store.side_file import SideFile

MAP_TABLES = ("map_points", "map_clusters", "map_meta")


class SideTables(SideFile):
    """`SideTables(db_path, points, csv_path)`; `copy_into(conn)` then puts the map's tables in; `csv_sha256` is set
    after it."""

    thread_name = "registry-map-tables"
    csv_sha256 = ""

    def make(self, conn, points: Points, csv_path: Path) -> None:
        write_clusters(conn, points)
        with open(csv_path, "rb") as handle:
            self.csv_sha256 = hashlib.file_digest(handle, "sha256").hexdigest()

    def copy_into(self, conn) -> None:
        """Wait for the thread (its error is raised here), copy its tables into `conn`'s database, remove its file."""
        try:
            self.wait()
            with attached(conn, self.path, "side"):
                for name, sql in conn.execute("SELECT name, sql FROM side.sqlite_master WHERE type = 'table'").fetchall():
                    if name in MAP_TABLES:
                        conn.execute(sql)
                        conn.execute(f"INSERT INTO main.{name} SELECT * FROM side.{name} ORDER BY rowid")
        finally:
            self.close()
