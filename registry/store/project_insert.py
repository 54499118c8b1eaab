"""The build's projects, validated and inserted on every core the build is given.

Serially, the CSV's rows are read, made into INSERT_COLUMNS tuples by `ProjectRows` (every check
of a valid row), inserted INSERT_BATCH at a time and collected into the map's point columns: at
100,000 projects two thirds of that is Python (ProjectRows) and one third SQLite, on one core.

On a machine with more cores, and a CSV big enough to pay for a process (PARALLEL_MIN_BYTES), the
file is cut at record boundaries into one byte range per core. This process does the first range;
each other range is done by a forked child process into a database file of its own beside the
build's (a `.building` name of this process, so a killed build's leftovers go with the next build),
and the parts are then copied in order into `projects` (INSERT … SELECT, in SQLite's C; this process's
own as soon as it is written, while the others finish theirs), so the rowids, and the point columns,
come out exactly as a serial build makes them (tests/test_build_parts.py).

Where the file is cut: after a line with an even number of `"` before its end. A `"` inside an
unquoted field (the csv module takes it as a letter) can put such a line end inside a quoted field;
the range before it then ends inside a quoted field, which its own strict csv reader reports, and
the build redoes the insert serially: each range's parse confirms the cut after it.

Fork, not spawn: the child starts with the plans, the row checker and the imports it needs (spawn would
import them again, a third of a second of the child's share); a caller with other threads (a server
thread could hold a lock that fork copies, taken) builds serially unless it asks for `jobs`, and so does
any platform but Linux.
"""
from __future__ import annotations

import csv
import io
import multiprocessing
import os
import pickle
import signal
import sys
import sqlite3
import threading
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Callable

from registry.rows.atomic import temp_name
from registry.rows.schema import RowError
from registry.store.attached import attached
from registry.store.point_columns import PointColumns
from registry.store.project_rows import INSERT_COLUMNS, ProjectRows
from registry.store.side_file import scratch_connection

INSERT_BATCH = 1000  # projects per executemany (~5 KB each as Python objects): memory stays flat
PARALLEL_MIN_BYTES = 4 << 20  # ~16,000 projects: below this a child process costs more than it saves
MAX_PARTS = 8  # SQLite attaches at most 10 databases to a connection: the search index attaches every part
SCAN_CHUNK = 1 << 20
INSERT = f"INSERT INTO projects ({', '.join(INSERT_COLUMNS)}) VALUES ({', '.join('?' * len(INSERT_COLUMNS))})"


class CutMisplaced(Exception):
    """A cut fell inside a quoted field: the insert is redone serially."""


class NulByte(ValueError):
    """A NUL in the CSV: a file-level error, which the build reports as check_csv_file words it."""


ROW_ERRORS = (RowError, csv.Error, sqlite3.IntegrityError, UnicodeDecodeError, NulByte)
ROW_ERROR = "row error"  # a child's message: one of its rows is bad (the build finds which, by the reference path)


@dataclass(frozen=True)
class RowMaker:
    """What a process needs to turn the CSV's rows into INSERT_COLUMNS tuples (registry/store/project_rows.py).

    `province_of(documents)` makes the province lookup (registry.geo.provinces.ProvinceOf: the divisions' table,
    a tenth of a second to load): each process makes its own when it starts its range, side by side.
    """
    path: str
    documents: dict
    province_of: Callable
    geometry_of: Callable

    def rows(self, header: tuple[str, ...]) -> ProjectRows:
        return ProjectRows(self.path, header, self.documents, self.province_of(self.documents), self.geometry_of)


def parts_for(csv_path: Path, jobs: int | None) -> int:
    """How many byte ranges to cut: `jobs` if given (the caller vouches that forking is safe); else one per core the
    build may use, when the file is big enough and this process has no other thread. One off Linux."""
    if not sys.platform.startswith("linux"):  # fork is unsafe with macOS's frameworks, and Windows has none
        return 1
    if jobs is None:
        if threading.active_count() > 1 or os.path.getsize(csv_path) < PARALLEL_MIN_BYTES:
            return 1
        jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(jobs, MAX_PARTS))


def cut_points(csv_path: Path, parts: int) -> list[int]:
    """Byte offsets splitting the file into about `parts` equal ranges at line ends outside quotes; [0, …, size].

    Each cut is the end of the first line, at or after an equal share of the file, with an even number of
    `"` before it (counted by bytes.count over the file, in chunks: flat memory); the first range keeps the
    header. Ranges that would be empty are merged away.
    """
    size = os.path.getsize(csv_path)
    cuts, quotes, at = [0], 0, 0
    with open(csv_path, "rb") as handle:
        for share in range(1, parts):
            target = max(size * share // parts, cuts[-1])
            while at < target:
                chunk = handle.read(min(SCAN_CHUNK, target - at))
                if not chunk:
                    break  # the file shrank under us: the ranges are cut as far as it goes
                quotes, at = quotes + chunk.count(b'"'), at + len(chunk)
            while True:
                line = handle.readline(SCAN_CHUNK)  # a line without an end (a \r-only file) read a MiB at a time
                if not line:
                    break
                quotes, at = quotes + line.count(b'"'), at + len(line)
                if quotes % 2 == 0 and line.endswith(b"\n"):
                    break
            if cuts[-1] < at < size:
                cuts.append(at)
    return [*cuts, size]


class ByteRange(io.RawIOBase):
    """Bytes start..end of a file, as a raw stream: a TextIOWrapper over it reads one range as the CSV's text.

    It raises NulByte at a NUL (Python's csv module reads one as a letter; the registry refuses the file).
    """

    def __init__(self, path, start: int, end: int):
        self.handle = open(path, "rb", buffering=0)
        self.handle.seek(start)
        self.left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            return 0
        view = memoryview(buffer)[:min(len(buffer), self.left)]
        read = self.handle.readinto(view)
        if bytes(view[:read]).find(b"\0") >= 0:
            raise NulByte("a NUL byte")
        self.left -= read
        return read

    def close(self) -> None:
        self.handle.close()
        super().close()


def read_range(csv_path, start: int, end: int) -> io.TextIOWrapper:
    """The range's text, read as `open(…, encoding="utf-8-sig", newline="")` reads the whole file."""
    raw = io.BufferedReader(ByteRange(csv_path, start, end), SCAN_CHUNK)
    return io.TextIOWrapper(raw, encoding="utf-8-sig" if start == 0 else "utf-8", newline="")


def read_header(csv_path) -> tuple[str, ...]:
    """The CSV's header, its names stripped (check_csv_file has checked it)."""
    with read_range(csv_path, 0, os.path.getsize(csv_path)) as text:
        return tuple(h.strip() for h in next(csv.reader(text, strict=True)))


def insert_range(conn, csv_path, start: int, end: int, header, maker: RowMaker, points: PointColumns, bar=None,
                 parent: int | None = None) -> None:
    """Validate and insert the rows of bytes start..end (the header skipped at 0); its csv reader strict: a range
    ending in a quoted field raises."""
    make_row = maker.rows(header)
    with read_range(csv_path, start, end) as text:
        reader = csv.reader(text, strict=True)
        if start == 0:
            next(reader)  # the header
        rows = filter(None, map(make_row, reader))  # None: a blank line
        while batch := list(islice(rows, INSERT_BATCH)):
            if parent is not None and os.getppid() != parent:
                os._exit(1)  # the build is gone: so is its part
            conn.executemany(INSERT, batch)
            points.add(batch)
            if bar is not None and not bar.disable:
                bar.update(len(batch))


class Parts:
    """The files of a build made in parts, in order, each with its rows' rowids from 1 and the offset of its first
    row in `projects`: kept until the full-text index is made from them (registry/store/search_index.py); `reader`,
    what `insert_projects`' `parts_written` started on them, is closed (waited for) before they go."""

    def __init__(self, files: list[Path]):
        self.all_files = files
        self.files: list[tuple[Path, int]] = []  # (file, offset), once every part is written
        self.reader = None

    def remove(self) -> None:
        if self.reader is not None:
            self.reader.close()
        for path in self.all_files:
            path.unlink(missing_ok=True)


def insert_projects(conn, csv_path: Path, maker: RowMaker, bar, jobs: int | None, db_path: Path,
                    first_error: Callable[[], None], parts_written: Callable[[Parts], object] = lambda parts: None,
                    ) -> tuple[PointColumns, Parts | None]:
    """Insert the CSV's projects into `projects` (created, empty) on `conn`: the map's point columns, and the parts'
    files when it was built in parts (the caller removes them: `Parts.remove`).

    `db_path`: the registry being built, beside which the parts' files go, named as its temp file.
    `first_error()` raises the CSV's first bad row's error as the reference path finds it, or returns when
    that path finds none (then a cut was misplaced, and the insert is redone serially).
    `parts_written(parts)` is called once every part's file is written, before the others than this process's own
    are copied into `projects`: it may start a reader of the files (the full-text index is made from them
    meanwhile), kept as `parts.reader`.
    """
    parts = parts_for(csv_path, jobs)
    if parts > 1:
        cuts = cut_points(csv_path, parts)
        if len(cuts) > 2:
            # Named for this process's pid: a killed build's parts go with the next build (remove_stale_temp_files).
            made = Parts([temp_name(db_path, ".building") for _ in cuts[1:]])
            try:
                return _insert_in_parts(conn, csv_path, maker, bar, cuts, first_error, made, parts_written), made
            except CutMisplaced:
                conn.rollback()
                conn.execute("DELETE FROM projects")
                made.remove()
                if not bar.disable:
                    bar.reset(total=bar.total)  # the first range's rows, counted again by the serial insert
            except BaseException:
                made.remove()
                raise
    try:
        points = PointColumns()
        insert_range(conn, csv_path, 0, os.path.getsize(csv_path), read_header(csv_path), maker, points, bar)
        return points, None
    except ROW_ERRORS:
        first_error()
        raise  # the fast path refused a row the reference accepts: a bug, never a silent pass


def _insert_in_parts(conn, csv_path: Path, maker: RowMaker, bar, cuts: list[int], first_error, made: Parts,
                     parts_written) -> PointColumns:
    """Every range into a file of its own (the first here, the others by forked processes), then all copied in order."""
    schema = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'projects'").fetchone()[0]
    # A part's table needs no index of its ids: `projects`' primary key meets any duplicate, within a part or across
    # two, as the parts are copied in (the reference path then names it).
    schema = schema.replace('"id" TEXT PRIMARY KEY', '"id" TEXT', 1)
    header = read_header(csv_path)
    files = made.all_files
    context = multiprocessing.get_context("fork")
    children = []

    def stop_children() -> None:
        for child, receive in children:
            if child.is_alive():
                child.terminate()
            child.join()
            receive.close()
        children.clear()

    def report_first_error() -> None:
        stop_children()  # their work is not used: the reference path reads the file from its start
        first_error()  # raises the CSV's first bad row's error; returns if a cut was misplaced

    try:
        for start, end, part_db in zip(cuts[1:-1], cuts[2:], files[1:]):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_child, name="registry-build-part", daemon=True,
                                    args=(csv_path, start, end, header, maker, part_db, schema, send, os.getpid()))
            child.start()
            send.close()
            children.append((child, receive))
        try:
            points = fill_part(files[0], csv_path, 0, cuts[1], header, maker, schema, bar=bar)
        except ROW_ERRORS as error:
            report_first_error()
            raise CutMisplaced from error

        def append(part_db: Path, from_child: tuple[int, int] | None) -> None:
            inserted, located = from_child or (points.inserted, points.located)
            try:
                _append_part(conn, part_db, points if from_child else None, inserted, located)
            except sqlite3.IntegrityError:  # the same id twice, in one range or in two
                report_first_error()
                raise
            if from_child and not bar.disable:
                bar.update(inserted)

        counts, offset = [], points.inserted
        made.files.append((files[0], 0))
        append(files[0], None)  # this range's rows copied in while the other processes finish theirs
        for (child, receive), part_db in zip(list(children), files[1:]):
            outcome = _outcome(child, receive)
            if isinstance(outcome, str) and outcome == ROW_ERROR:
                report_first_error()
                raise CutMisplaced
            if isinstance(outcome, BaseException):
                raise outcome
            counts.append(outcome)
            made.files.append((part_db, offset))
            offset += outcome[0]
        stop_children()  # all done: reaped
        made.reader = parts_written(made)
        for (part_db, _), from_child in zip(made.files[1:], counts):
            append(part_db, from_child)
        return points
    finally:
        stop_children()


def _outcome(child, receive) -> tuple[int, int] | str | BaseException:
    try:
        return receive.recv()
    except EOFError:
        child.join()
        return RuntimeError(f"a build process ended without its part of the projects (exit code {child.exitcode})")
    except Exception as error:  # noqa: BLE001 - a message that does not unpickle: its words still say what happened
        return RuntimeError(f"a build process's message could not be read: {type(error).__name__}: {error}")


def _append_part(conn, part_db: Path, points: PointColumns | None, inserted: int, located: int) -> None:
    """A part's rows into `projects`, after the rows there; its point columns after `points`' (from its file), if given."""
    with attached(conn, part_db, "part"):
        conn.execute("INSERT INTO projects SELECT * FROM part.projects ORDER BY rowid")
        if points is not None:
            points.append_part(inserted, located, lambda name: conn.execute(
                "SELECT data FROM part.part_points WHERE name = ?", (name,)).fetchone()[0])


def fill_part(part_db: Path, csv_path, start: int, end: int, header, maker: RowMaker, schema: str, bar=None,
              parent: int | None = None) -> PointColumns:
    """One range's projects into a new database file `part_db` (its table made by `schema`); their point columns."""
    part = scratch_connection(part_db)
    try:
        part.execute(schema)
        points = PointColumns()
        insert_range(part, csv_path, start, end, header, maker, points, bar, parent)
        part.commit()
        return points
    finally:
        part.close()


def _child(csv_path, start, end, header, maker: RowMaker, part_db: Path, schema, send, parent: int) -> None:
    """A forked process: one range's projects, and their point columns, into a database file of its own; sends
    (rows inserted, rows located), or the error. The columns go by file, not pipe: no pickled copy of them.

    SIGTERM is the build's way to stop it (default: die), not the CLI's Terminated (registry/rows/atomic.py); a
    Ctrl-C reaches the build, which stops it so."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        points = fill_part(part_db, csv_path, start, end, header, maker, schema, parent=parent)
        part = scratch_connection(part_db)
        try:
            part.execute("CREATE TABLE part_points (name TEXT PRIMARY KEY, data BLOB)")
            part.executemany("INSERT INTO part_points VALUES (?, ?)", points.part_blobs())
            part.commit()
        finally:
            part.close()
        outcome = (points.inserted, points.located)
    except ROW_ERRORS:
        outcome = ROW_ERROR
    except BaseException as error:  # noqa: BLE001 - handed to the build, which raises it (a full disk, say)
        outcome = error
    try:
        try:
            send.send(outcome)
        except (pickle.PicklingError, TypeError, AttributeError):  # an error that does not pickle: its words do
            send.send(RuntimeError(f"{type(outcome).__name__}: {outcome}"))
    except OSError:
        pass  # the build is gone (interrupted, or it stopped on another part's error): no one to tell
    finally:
        send.close()
