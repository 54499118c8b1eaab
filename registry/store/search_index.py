"""The projects' full-text index (FTS5, trigram, external content: the `projects` table's SEARCH_COLUMNS).

Made one of two ways, to the same bytes:

* `fill_from_table`: from `projects` itself, on the build's connection, as sqlite-utils' `enable_fts`
  made it (the same CREATE statement, the same INSERT … SELECT in rowid order);
* `SideSearch`: when the build was made in parts (registry/store/project_insert.py), a thread makes the
  index in a file of its own from the parts' files, in rowid order, while the build's connection
  indexes `projects` (SQLite holds no GIL in either); `copy_into` then moves the index's shadow
  tables into the registry, row for row, as SQLite's own `.dump` and VACUUM move them. The FTS5 table
  itself is created in the registry by the same statement, and nothing reads it on the build's
  connection after the copy. tests/test_build_parts.py checks both ways give the same shadow tables and
  FTS5's 'integrity-check' of the copy.
"""
from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from registry.rows.atomic import temp_name
from registry.store.attached import attached
from registry.store.layout import SEARCH_COLUMNS

TABLE = "projects_fts"
SHADOW_TABLES = tuple(f"{TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config"))
_COLUMNS = ", ".join(f'"{c}"' for c in SEARCH_COLUMNS)
# The statement sqlite-utils' enable_fts(SEARCH_COLUMNS, tokenize="trigram") writes (the registry's schema since).
CREATE = (f'CREATE VIRTUAL TABLE "{TABLE}" USING FTS5 (\n    {_COLUMNS},\n    tokenize=\'trigram\',\n'
          f'    content="projects"\n)')


def fill_from_table(conn) -> None:
    """Create the index and fill it from `projects` (the build in one process)."""
    conn.execute(CREATE)
    conn.execute(f'INSERT INTO "{TABLE}" (rowid, {_COLUMNS}) SELECT rowid, {_COLUMNS} FROM "projects"')
    conn.commit()


class SideSearch:
    """The index made in a thread, in a file beside the registry, from the parts' files; then `copy_into(conn)`."""

    def __init__(self, db_path: Path, parts: list[tuple[Path, int]]):
        self.path = temp_name(db_path, ".building")
        self._conn: sqlite3.Connection | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="registry-search-index")
        self._future = self._executor.submit(self._make, parts)

    def _make(self, parts: list[tuple[Path, int]]) -> None:
        conn = self._conn = sqlite3.connect(self.path, check_same_thread=False)
        try:
            conn.execute("PRAGMA page_size = 65536")  # a temporary file, written once and copied: fewer system calls
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute(CREATE)  # external content: inserting writes the index only, no content table needed here
            for i, (part, _) in enumerate(parts):
                conn.execute("ATTACH DATABASE ? AS ?", (str(part), f"part{i}"))
            # One statement, as the serial build's: FTS5 writes its pending terms out at each statement of a
            # transaction, so one INSERT per part would cut the index into other segments (the same rows found,
            # other bytes). UNION ALL reads its parts in order, each in rowid order (a full scan's).
            rows = " UNION ALL ".join(f'SELECT rowid + {int(offset)}, {_COLUMNS} FROM part{i}."projects"'
                                      for i, (_, offset) in enumerate(parts))
            conn.execute(f'INSERT INTO "{TABLE}" (rowid, {_COLUMNS}) {rows}')
            conn.commit()
        finally:
            conn.close()

    def copy_into(self, conn) -> None:
        """Wait for the thread (its error is raised here), create the index in `conn`'s database and copy its
        shadow tables in; remove the side file."""
        try:
            self._future.result()
            conn.commit()
            conn.execute(CREATE)
            with attached(conn, self.path, "side"):
                for table in SHADOW_TABLES:
                    conn.execute(f"DELETE FROM main.{table}")
                    conn.execute(f"INSERT INTO main.{table} SELECT * FROM side.{table}")
        finally:
            self.close()

    def close(self) -> None:
        """Stop the thread's work if a failed build no longer needs it (sqlite3's interrupt, safe from another
        thread), wait for the thread, remove its file."""
        if not self._future.done() and self._conn is not None:
            self._conn.interrupt()
        self._executor.shutdown(wait=True)
        self.path.unlink(missing_ok=True)
