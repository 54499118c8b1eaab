"""One line for what went wrong outside the data: disk full, read-only folder, a corrupt database.

The CLI prints `error: <line>` and exits 1 instead of a Python traceback; the line names the
file and says what to do.
"""
from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

_ADVICE = {
    errno.ENOSPC: "no space left on the device; free some space and run again",
    errno.EDQUOT: "disk quota exceeded; free some space and run again",
    errno.EROFS: "the file system is read-only; choose a writable folder",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "operation not permitted; choose a folder you can write to",
    errno.ENOTDIR: "a part of this path is a file, not a folder",
    errno.EISDIR: "this is a folder, not a file",
    errno.ENOENT: "no such file or folder",
    errno.ENAMETOOLONG: "the path is too long",
}
# SQLite's codes (sqlite3.Error.sqlite_errorname) for a database file that is damaged or not one.
CORRUPT_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


def describe_os_error(exc: OSError, fallback_path: str | Path | None = None) -> str:
    """`<path>: <what happened and what to do>` for an OSError."""
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and fallback_path is not None:
        blocker = _file_on_the_way(Path(fallback_path))
        if blocker is not None:
            return f"{fallback_path}: {blocker} is a file, not a folder; choose another path"
    path = exc.filename if exc.filename is not None else fallback_path
    if fallback_path is not None and path is not None and Path(path).name.startswith("."):
        path = fallback_path  # our own temp file: name what the user asked for
    advice = _ADVICE.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{path}: {advice}" if path is not None else advice


def _file_on_the_way(path: Path) -> Path | None:
    """The first existing ancestor of `path` that is not a folder, if any."""
    for parent in reversed(path.parents):
        if parent.exists() and not parent.is_dir():
            return parent
    return None


def describe_sqlite_write_error(exc: sqlite3.Error, target: str | Path) -> str:
    """A failed write of a new registry (SQLITE_FULL is a full disk, not a SQL mistake)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL":
        return f"{target}: no space left on the device while writing the new registry; free some space and run again"
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")):
        return f"{target}: cannot write the new registry in {Path(target).parent} ({exc}); choose a writable folder"
    return f"{target}: cannot write the new registry ({exc})"


def is_corruption(exc: sqlite3.Error) -> bool:
    """The database file itself is broken or foreign (as opposed to a mistake in a query)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    return name in CORRUPT_CODES or text.startswith(("no such table", "no such column"))
