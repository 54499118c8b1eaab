"""Another SQLite file attached to the build's connection for one block: the build's parts and side files.

ATTACH and DETACH need no transaction open; the block's writes are committed at its end, or rolled back
when it fails (a failed statement leaves its transaction open, which DETACH would refuse).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path


@contextmanager
def attached(conn, path: Path | str, alias: str):
    """`path` attached to `conn` as `alias` (a fixed name of the caller's, never user input) for the block."""
    conn.commit()
    conn.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
    try:
        yield
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.execute(f"DETACH DATABASE {alias}")
