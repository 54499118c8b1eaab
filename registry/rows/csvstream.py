"""Read a large CSV row by row, with the errors and their order that `read_csv_table` gives.

`read_csv_table` holds the whole file, decoded, and every row: about 5 KB a project by the time
the build had validated them (4.9 GB at a million rows). The build reads the file in passes
instead, each in constant memory:

1. `check_csv_file`: UTF-8 and NUL characters (file-level errors, reported first, as before), the
   header, and the CSV structure of every row (quoting, field counts);
2. `iter_csv_rows`: the rows again, one at a time, for validation and insertion.

So a file-level or structural error anywhere still comes before any row's value error, exactly as
when the whole file was read first.
"""
from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Iterator

from registry.rows.schema import PROJECT_COLUMNS, REQUIRED_COLUMNS, check_header, csv_rows, read_csv_table

CHUNK = 1 << 20


def check_csv_file(path: str | Path, columns_required=REQUIRED_COLUMNS, columns_known=PROJECT_COLUMNS,
                   count_rows: bool = True, decode: bool = True) -> int | None:
    """RowError for the first file-level or structural problem of the file, else its number of rows.

    `count_rows=False` checks the encoding, NUL characters and header only (None): for a reader that meets any
    structural problem itself and then calls this again in full, so the same error still comes first.
    `decode=False` (with count_rows=False) checks the header and the file's first MiB alone: for a reader that
    also meets any byte that is not UTF-8, and any NUL, itself (the build's: registry/store/project_insert.py).
    """
    path = Path(path)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                _raise_exact_error(path, columns_required, columns_known)
            if "\x00" in text:
                _raise_exact_error(path, columns_required, columns_known)
            if not chunk or not (decode or count_rows):  # decode=False: the first chunk (the header's) only
                break
    if not count_rows:
        _check_header(path, columns_required, columns_known)
        return None
    return _count_rows(path, columns_required, columns_known)


def _check_header(path: Path, columns_required, columns_known) -> None:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        try:
            header = tuple(h.strip() for h in next(csv.reader(handle, strict=True)))
        except (StopIteration, csv.Error):
            header = None
        if header is not None:
            check_header(path, header, columns_required, columns_known)
            return
    for _ in iter_csv_rows(path, columns_required, columns_known):
        pass
    raise AssertionError(f"{path}: the header check found a problem iter_csv_rows did not")


def _count_rows(path: Path, columns_required, columns_known) -> int:
    """The number of non-blank rows, checked as `iter_csv_rows` checks them but without a dict per row (a third
    of the build's first pass); at the first problem `iter_csv_rows` runs and raises its own error."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = tuple(h.strip() for h in next(reader))
            check_header(path, header, columns_required, columns_known)
            count = 0
            for values in reader:
                if not "".join(values).strip():
                    continue  # blank: every field empty or white space
                if len(values) != len(header):
                    break
                count += 1
            else:
                return count
        except (StopIteration, csv.Error):
            pass
    for _ in iter_csv_rows(path, columns_required, columns_known):
        pass
    raise AssertionError(f"{path}: the row count found a problem iter_csv_rows did not")


def _raise_exact_error(path: Path, columns_required, columns_known) -> None:
    """The whole-file reader's error, which names line and column (read in full only on this path)."""
    read_csv_table(path, columns_required, columns_known)
    raise AssertionError(f"{path}: the streamed check found a problem the full read did not")


def iter_csv_rows(path: str | Path, columns_required=REQUIRED_COLUMNS,
                  columns_known=PROJECT_COLUMNS) -> Iterator[tuple[int, dict[str, str]]]:
    """(physical line, row) for every non-blank row; RowError for a bad header or a malformed row."""
    path = Path(path)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        _header, numbered_rows = csv_rows(handle, path, columns_required, columns_known)
        yield from numbered_rows
