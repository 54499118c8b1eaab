"""Writing the registry's files so that a reader or a crash never sees half of a change.

Each write goes to a temporary file in the same folder and replaces the old file with one
os.replace. Rows are appended by copying the old bytes unchanged and adding the new lines in
the file's own column order, so the rows already reviewed stay byte-for-byte as they were.
"""
from __future__ import annotations

import csv
import io
import json
import os
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from registry.atomic import atomic_output
from registry.schema import format_cell


LOCK_NAME = ".registry.lock"
LOCK_WAIT = 60  # seconds: longer than any one add-plan or review step takes


_LOCKS: dict[str, FileLock] = {}


class RegistryBusy(RuntimeError):
    """Another process is writing the same registry folder and did not finish in time."""


@contextmanager
def registry_lock(root: Path, wait: float = LOCK_WAIT):
    """Hold the registry folder's write lock: two processes that read, change and replace the same CSV or
    review file one after the other would each lose the other's rows; with the lock they take turns."""
    path = str((Path(root) / LOCK_NAME).resolve())
    # One FileLock per folder and process: a FileLock is reentrant, so apply() may save() inside it.
    lock = _LOCKS.setdefault(path, FileLock(path))
    try:
        with lock.acquire(timeout=wait):
            yield
    except Timeout:
        raise RegistryBusy(f"another command has been writing {root} for over {wait:g} s "
                           f"(it holds {LOCK_NAME}); try again when it has finished") from None
    except PermissionError as exc:
        raise RegistryBusy(f"{root}: cannot write in this registry folder ({exc.strerror}); "
                           "choose a folder you can write to") from None


def write_atomic(path: Path, data: bytes) -> None:
    """`path` replaced by `data` whole (registry.atomic.atomic_output), keeping its permissions."""
    path = Path(path)
    permissions = path.stat().st_mode & 0o777 if path.exists() else 0o644
    with atomic_output(path, "wb") as handle:
        handle.write(data)
    if permissions != 0o644:
        os.chmod(path, permissions)


def csv_header(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def read_csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def csv_bytes(rows: list[dict], columns, header: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
    if header:
        writer.writeheader()
    for row in rows:
        writer.writerow({c: format_cell(row.get(c)) for c in columns})
    return out.getvalue().encode("utf-8")


def append_csv_rows(path: Path, rows: list[dict], columns) -> None:
    """Append rows to a CSV (created with `columns` as header if missing), atomically."""
    path = Path(path)
    if not path.exists():
        write_atomic(path, csv_bytes(rows, columns))
        return
    old = path.read_bytes()
    header = csv_header(path)
    missing = [c for c in columns if c not in header and any(format_cell(r.get(c)) for r in rows)]
    if missing:
        raise ValueError(f"{path.name} has no column {', '.join(missing)}")
    newline = b"\r\n" if b"\r\n" in old[:4096] else b"\n"
    separator = b"" if not old or old.endswith(b"\n") else newline
    added = csv_bytes(rows, header, header=False)
    write_atomic(path, old + separator + (added.replace(b"\n", newline) if newline != b"\n" else added))


def write_json(path: Path, value) -> None:
    write_atomic(path, (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
