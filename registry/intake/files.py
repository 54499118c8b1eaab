"""Writing the registry's files so that a reader or a crash never sees half of a change.

Each write goes to a temporary file in the same folder and replaces the old file with one
os.replace. Rows are appended by copying the old bytes unchanged and adding the new lines in
the file's own column order, so the rows already reviewed stay byte-for-byte as they were.
"""
from __future__ import annotations

import csv
import errno
import io
import json
import os
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from registry.rows.atomic import atomic_output, fsync_directory, remove_stale_temp_files, temp_name
from registry.rows.schema import format_cell


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
        lock.acquire(timeout=wait)
    except Timeout:
        raise RegistryBusy(f"another command has been writing {root} for over {wait:g} s "
                           f"(it holds {LOCK_NAME}); try again when it has finished") from None
    except OSError as exc:  # only the lock's own file: an error of the work under the lock is that work's to report
        if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise
        raise RegistryBusy(f"{root}: cannot write in this registry folder ({exc.strerror}); "
                           "choose a folder you can write to") from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def reading_lock(folder: Path, wait: float = LOCK_WAIT):
    """The writers' lock, for a reader of several of the registry's files (the build): it then reads no
    half of a review (projects.csv appended, targets.csv not yet). Only a registry folder that add-plan and
    review write (plans/documents.csv beside the CSVs) has writers to wait for; a folder this process
    cannot write in (the shipped registry in site-packages, a read-only mount) has none it could hold off."""
    folder = Path(folder)
    lock = folder / LOCK_NAME
    if not (folder / "plans" / "documents.csv").is_file() or not os.access(folder, os.W_OK) \
            or (lock.exists() and not os.access(lock, os.W_OK)):
        yield
        return
    with registry_lock(folder, wait):
        yield


def write_atomic(path: Path, data: bytes) -> None:
    """`path` replaced by `data` whole (registry.rows.atomic.atomic_output), keeping its permissions."""
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
    write_atomic(path, appended_csv_bytes(path, rows, columns))


def appended_csv_bytes(path: Path, rows: list[dict], columns) -> bytes:
    """The bytes of the CSV at `path` with `rows` appended (a new file with `columns` as header if missing)."""
    path = Path(path)
    if not path.exists():
        return csv_bytes(rows, columns)
    old = path.read_bytes()
    header = csv_header(path)
    missing = [c for c in columns if c not in header and any(format_cell(r.get(c)) for r in rows)]
    if missing:
        raise ValueError(f"{path.name} has no column {', '.join(missing)}")
    newline = b"\r\n" if b"\r\n" in old[:4096] else b"\n"
    separator = b"" if not old or old.endswith(b"\n") else newline
    added = csv_bytes(rows, header, header=False)
    return old + separator + (added.replace(b"\n", newline) if newline != b"\n" else added)


def replace_together(files: dict[Path, bytes]) -> None:
    """Replace several files as one change: each is written whole to a temp file beside it first (where a
    full disk or a read-only folder fails), and only then are all moved into place, one os.replace each,
    in the order given (put the commit point last). A failure leaves every old file as it was, no temp
    file, and none of the files that did not exist before."""
    staged: list[tuple[Path, Path, bool]] = []
    moved: list[tuple[Path, bool]] = []
    current = None
    try:
        for path, data in files.items():
            current = path = Path(path)
            existed = path.exists()
            permissions = path.stat().st_mode & 0o777 if existed else 0o644
            remove_stale_temp_files(path, ".partial")
            tmp = temp_name(path, ".partial")
            staged.append((tmp, path, existed))
            with open(tmp, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, permissions)
        for tmp, path, existed in staged:
            current = path
            os.replace(tmp, path)
            moved.append((path, existed))
    except BaseException as exc:
        for tmp, _, _ in staged:
            tmp.unlink(missing_ok=True)
        for path, existed in moved:
            if not existed:
                path.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename is None and current is not None:
            raise OSError(exc.errno, exc.strerror, str(current)) from None  # name the file the disk refused
        raise
    for folder in {path.parent for _, path, _ in staged}:
        fsync_directory(folder)


def json_bytes(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode("utf-8")

