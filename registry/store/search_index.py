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

from pathlib import Path

from registry.store.attached import attached
from registry.store.layout import SEARCH_COLUMNS
from registry.store.side_file import SideFile

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


class SideSearch(SideFile):
    """`SideSearch(db_path, parts)`: the index made in a thread, in a file beside the registry (side_file.py), from
    the parts' files (path, rowid offset); then `copy_into(conn)`."""

    thread_name = "registry-search-index"

    def make(self, conn, parts: list[tuple[Path, int]]) -> None:
        conn.execute(CREATE)  # external content: inserting writes the index only, no content table needed here
        for i, (part, _) in enumerate(parts):
            conn.execute("ATTACH DATABASE ? AS ?", (str(part), f"part{i}"))
        # One statement, as the serial build's: FTS5 writes its pending terms out at each statement of a
        # transaction, so one INSERT per part would cut the index into other segments (the same rows found,
        # other bytes). UNION ALL reads its parts in order, each in rowid order (a full scan's).
        rows = " UNION ALL ".join(f'SELECT rowid + {int(offset)}, {_COLUMNS} FROM part{i}."projects"'
                                  for i, (_, offset) in enumerate(parts))
        conn.execute(f'INSERT INTO "{TABLE}" (rowid, {_COLUMNS}) {rows}')

    def copy_into(self, conn) -> None:
        """Wait for the thread (its error is raised here), create the index in `conn`'s database and copy its
        shadow tables in; remove the side file."""
        try:
            self.wait()
            conn.commit()
            conn.execute(CREATE)
            with attached(conn, self.path, "side"):
                for table in SHADOW_TABLES:
                    conn.execute(f"DELETE FROM main.{table}")
                    conn.execute(f"INSERT INTO main.{table} SELECT * FROM side.{table}")
        finally:
            self.close()
