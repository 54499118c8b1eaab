"""Work a build does in a thread, into a private SQLite file beside the registry, while SQLite indexes the projects.

After the projects are in, the build's connection spends seconds inside SQLite building indexes, holding no GIL.
The map's clusters (side_tables.py) and the full-text index from the parts' files (search_index.py) need CPU, not
that connection: each is written by a thread of its own into a file named as the build's temp file (a `.building`
name, swept by the next build if this one is killed), then copied into the registry on the build's connection.
`SideFile` is their shared lifecycle: the thread, its file and connection, waiting, and cleaning up.
`scratch_connection` is how the build writes any of its private files, these and the parts of its rows
(project_insert.py).
"""
from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from registry.rows.atomic import temp_name


def scratch_connection(path: Path) -> sqlite3.Connection:
    """A connection writing one of the build's private files (a part, a side file): no journal (a process stopped
    mid-write leaves no `-journal` beside the file, which the build removes whole), no fsync, 64 KiB pages for a
    new file (written once and read through whole: a sixteenth of the system calls)."""
    conn = sqlite3.connect(path, check_same_thread=False)
    try:
        conn.execute("PRAGMA page_size = 65536")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
    except BaseException:
        conn.close()
        raise
    return conn


class SideFile:
    """Started by its constructor: `make(conn, *args)` runs in a thread on a new database file (`path`); `wait()`
    raises its error if it failed; `close()` (always called) stops it if it still runs and removes the file."""

    thread_name = "registry-side-file"

    def __init__(self, db_path: Path, *args):
        self.path = temp_name(db_path, ".building")
        self._conn: sqlite3.Connection | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.thread_name)
        self._future = self._executor.submit(self._run, *args)

    def make(self, conn: sqlite3.Connection, *args) -> None:
        raise NotImplementedError

    def _run(self, *args) -> None:
        conn = self._conn = scratch_connection(self.path)
        try:
            self.make(conn, *args)
            conn.commit()
        finally:
            conn.close()

    def wait(self) -> None:
        self._future.result()

    def close(self) -> None:
        """Stop the thread's work if a failed build no longer needs it (sqlite3's interrupt, safe from another
        thread), wait for the thread, remove its file."""
        if not self._future.done() and self._conn is not None:
            try:
                self._conn.interrupt()
            except sqlite3.ProgrammingError:
                pass  # it closed its connection meanwhile: it is finishing
        self._executor.shutdown(wait=True)
        self.path.unlink(missing_ok=True)
