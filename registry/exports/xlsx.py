"""The filtered projects as an Excel workbook: bilingual headers, labels, numbers as numbers,
a frozen header row with an autofilter over the table, and an About sheet saying what the file is and
how to cite it (its counts are numbers and its build time a date-time cell, which Excel can sort and compute with).

Written by xlsxwriter in constant_memory mode: each row goes to a temporary file as soon as the next
one starts, so memory stays flat at any size, and it writes about twice as fast as openpyxl's
write-only mode (benchmarks/exports.py measures it beside xlsxwriter writing the bare rows).
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from itertools import chain, islice
from os import PathLike
from typing import BinaryIO, Iterable

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError

from registry.rows.labels import field_label, precision_label, stage_label, type_label
from registry.rows.schema import NUMERIC_COLUMNS, PRECISIONS, PROJECT_TYPES, RECORD_COLUMNS, STAGES

# What XML 1.0 cannot hold (control characters, the non-characters U+FFFE and U+FFFF, lone surrogates): dropped
# from every text. xlsxwriter would write the first two as Excel's _xHHHH_ escapes and cannot encode the last.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Code columns shown as their bilingual label (光伏 Solar PV); the About sheet lists the codes.
LABELLED = {"type": type_label, "stage": stage_label, "precision": precision_label}
_LABEL_INDEXES = tuple((RECORD_COLUMNS.index(c), label) for c, label in LABELLED.items())
# Column widths (in characters) are measured on this many rows; the longest texts are capped.
WIDTH_SAMPLE, MIN_WIDTH, MAX_WIDTH = 2000, 8, 60
# Every text is a string cell: never a formula (spreadsheet formula injection), a link or a number.
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                    "strings_to_numbers": False, "nan_inf_to_errors": True, "use_zip64": True}
# A text that xlsxwriter's constant_memory mode would take for its own rich-string XML and write unescaped.
_RICH = ("<r>", "</r>")


def write_xlsx(rows: Iterable[tuple | dict], about: dict, output: str | PathLike | BinaryIO) -> None:
    """Write the projects sheet and the About sheet (`registry.about.export_metadata` facts).

    `rows`: tuples in RECORD_COLUMNS order (`Registry.iter_projects(f, tuples=True)`, the fast path) or dicts.
    It may be an iterator: only the first WIDTH_SAMPLE rows are held, to size the columns.
    """
    if isinstance(output, (str, PathLike)):
        with open(output, "wb") as handle:
            quiet = _QuietAfterError(handle)
            try:
                _write_book(rows, about, quiet)
            except BaseException:
                quiet.failed = True  # whatever failed, the ZipFile's destructor finds a file that takes nothing
                raise
    else:
        _write_book(rows, about, output)


class _QuietAfterError:
    """The output file, which takes no more writes (nor seeks) after its first error: xlsxwriter leaves its ZipFile open
    when a write fails (a full disk), and the ZipFile's destructor, writing its end record, printed a second
    error and a traceback after our one line. The file is removed anyway (registry.rows.atomic)."""

    def __init__(self, handle: BinaryIO):
        self._handle, self.failed = handle, False

    def write(self, data) -> int:
        if self.failed:
            return len(data)
        try:
            return self._handle.write(data)
        except OSError:
            self.failed = True
            raise

    def flush(self) -> None:
        if not self.failed:
            try:
                self._handle.flush()
            except OSError:
                self.failed = True
                raise

    def tell(self) -> int:
        return 0 if self.failed else self._handle.tell()

    def seek(self, *args) -> int:
        return 0 if self.failed else self._handle.seek(*args)

    def seekable(self) -> bool:
        return True


def _write_book(rows: Iterable[tuple | dict], about: dict, output: BinaryIO | _QuietAfterError) -> None:
    rows = (r if r.__class__ is tuple else _tuple_of(r) for r in rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    book = xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)
    try:
        built_at = _utc(about["built_at"])
        # The registry's build time, not the clock: the same registry and filter give the same bytes.
        book.set_properties({"title": about["title"], "created": built_at or datetime(2000, 1, 1)})
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet("Projects 项目")
        sheet.freeze_panes(1, 0)
        # The CSV's columns and the province the build derives (planners filter a national sheet by it).
        headers = [field_label(c) for c in RECORD_COLUMNS]
        for index, column in enumerate(RECORD_COLUMNS):
            sheet.set_column(index, index, _width(headers[index], index, sample))
        sheet.write_row(0, 0, headers, bold)
        write_row, written = sheet.write_row, 0
        for written, row in enumerate(chain(sample, rows), 1):
            cells = list(row)
            for index, label in _LABEL_INDEXES:
                if cells[index]:
                    cells[index] = label(cells[index])
            # Text cells as they are, unless the row holds what XML cannot or what looks like rich-string XML
            # (one search of the row's text: a search per cell was a tenth of the time).
            text = "".join([c for c in cells if c.__class__ is str])
            if NOT_XML.search(text) or "<r>" in text:
                _write_text_row(sheet, written, cells)
            else:
                write_row(written, 0, cells)  # str: a string cell; int, float: a number; None, "": no cell
        # The filter buttons over the header and every row.
        sheet.autofilter(0, 0, written, len(RECORD_COLUMNS) - 1)
        _about_sheet(book, about, bold, built_at)
        book.close()
    except FileCreateError as exc:  # xlsxwriter wraps the OSError of the file it writes (a full disk)
        book.fileclosed = True
        error = exc.args[0] if exc.args else None
        raise error if isinstance(error, OSError) else OSError(str(exc)) from None
    except BaseException:
        # Not a file half-written later: xlsxwriter's destructor would write an unclosed workbook when the
        # garbage collector meets it, after the caller removed the partial file (an interrupted export).
        book.fileclosed = True
        raise


def _tuple_of(row: dict) -> tuple:
    """A dict row as the RECORD_COLUMNS tuple of the fast path: numbers as they are, other values as text."""
    return tuple(v if c in NUMERIC_COLUMNS or v is None or v.__class__ is str else str(v)
                 for c, v in ((c, row.get(c)) for c in RECORD_COLUMNS))


def _write_text(sheet, row: int, column: int, text: str, cell_format=None) -> None:
    """A string cell of `text` without what XML cannot hold. A text that starts with <r> and ends with </r>
    goes in as three plain runs of a rich string: written whole, xlsxwriter would pass it through as XML."""
    text = NOT_XML.sub("", text)
    if text.startswith(_RICH[0]) and text.endswith(_RICH[1]) and len(text) > 3:
        sheet.write_rich_string(row, column, text[0], text[1:3], text[3:], *([cell_format] if cell_format else []))
    else:
        sheet.write_string(row, column, text, cell_format)


def _write_text_row(sheet, row: int, cells: list) -> None:
    for column, value in enumerate(cells):
        if value.__class__ is str:
            if value:
                _write_text(sheet, row, column, value)
        elif value is not None:
            sheet.write_number(row, column, value)


def _width(header: str, index: int, rows: list[tuple]) -> float:
    def shown(text: str) -> int:  # a CJK character is about two Latin ones wide
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    label = LABELLED.get(RECORD_COLUMNS[index])
    sample = (label(v) if label else str(v) for r in rows if (v := r[index]) not in (None, ""))
    longest = max((shown(t) for t in sample), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2, min(shown(header), 24) + 2)))


def _about_sheet(book, about: dict, bold, built_at: datetime | None) -> None:
    sheet = book.add_worksheet("About 说明")
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 110)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    count = book.add_format({"num_format": "0", "align": "left", "valign": "top"})
    moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "align": "left", "valign": "top"})
    row = 0

    def line(label: str, value: str = "") -> None:
        nonlocal row
        _write_text(sheet, row, 0, label, bold)
        if value:
            _write_text(sheet, row, 1, value, wrap)
        row += 1

    def fact(label: str, value, cell_format) -> None:
        nonlocal row
        _write_text(sheet, row, 0, label, bold)
        if isinstance(value, datetime):
            sheet.write_datetime(row, 1, value, cell_format)
        elif value is not None:
            sheet.write_number(row, 1, value, cell_format)
        row += 1

    line("Title 标题", about["title"])
    line("Filter 筛选条件", _filter_text(about["filter"]))
    fact("Projects in this file 项目数", about["projects_in_file"], count)
    fact("Not on the map 未上图", about["projects_not_located"], count)
    line("Why not on the map 为何未上图", about["not_located_note"])
    fact("Built at (UTC) 生成时间", built_at, moment)
    line("Registry version 版本", about["version"])
    line("Source CSV SHA-256", about["source_csv_sha256"])
    line("How to cite 引用", about["citation"])
    row += 1
    line("Sources and licences 数据来源与许可")
    for source in about["sources"]:
        line(source["what"], f"{source['licence']}. {source['attribution']}")
    row += 1
    line("Codes 代码", "the labels of the Projects sheet and the codes of projects.csv, the API and the filters")
    for codes, label in ((PROJECT_TYPES, type_label), (STAGES, stage_label), (PRECISIONS, precision_label)):
        for code in codes:
            line(label(code), code)


def _utc(built_at: str) -> datetime | None:
    """The build time as a date-time cell: Excel has no time zones, so it is stored in UTC without one."""
    if not built_at:
        return None
    moment = datetime.fromisoformat(built_at)
    return (moment.astimezone(timezone.utc) if moment.tzinfo else moment).replace(tzinfo=None)


def _filter_text(params: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} = {', '.join(values)}" for name, values in params.items()) or "none (every project)"
