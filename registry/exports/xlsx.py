"""The filtered projects as an Excel workbook: bilingual headers, labels, numbers as numbers,
a frozen header row with an autofilter over the table, and an About sheet saying what the file is and
how to cite it (its counts are numbers and its build time a date-time cell, which Excel can sort and compute with).

openpyxl's write-only mode streams rows to a temporary file instead of holding a cell object
per value, so memory stays bounded at 100,000 rows (see benchmarks/xlsx_export.py).
"""
from __future__ import annotations

import re
from contextlib import suppress
from datetime import datetime, timezone
from itertools import chain, islice
from typing import BinaryIO, Iterable
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from registry.rows.labels import field_label, precision_label, stage_label, type_label
from registry.rows.schema import PRECISIONS, PROJECT_TYPES, RECORD_COLUMNS, STAGES

# What XML 1.0 cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE (control characters) and also the non-characters
# U+FFFE and U+FFFF and lone surrogates, which lxml refuses mid-file (a filter's q=\ufffe once made a 500).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_COLUMNS = frozenset({"capacity_mw", "voltage_kv", "target_year", "lon", "lat", "source_start", "source_end"})
# Code columns shown as their bilingual label (光伏 Solar PV); the About sheet lists the codes.
LABELLED = {"type": type_label, "stage": stage_label, "precision": precision_label}
# Column widths (in characters) are measured on this many rows; the longest texts are capped.
WIDTH_SAMPLE, MIN_WIDTH, MAX_WIDTH = 2000, 8, 60
BOLD = Font(bold=True)


def write_xlsx(rows: Iterable[dict], about: dict, output: str | BinaryIO) -> None:
    """Write the projects sheet and the About sheet (`registry.about.export_metadata` facts).

    `rows` may be an iterator (`Registry.iter_projects`): only the first WIDTH_SAMPLE are held,
    to size the columns, which a write-only sheet must know before its first row.
    """
    rows = iter(rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Projects 项目")
    sheet.freeze_panes = "A2"
    # The CSV's columns and the province the build derives (planners filter a national sheet by it).
    headers = [field_label(c) for c in RECORD_COLUMNS]
    for index, column in enumerate(RECORD_COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(headers[index - 1], column, sample)
    sheet.append([_cell(sheet, h, bold=True) for h in headers])
    written = 0
    for row in chain(sample, rows):
        sheet.append([_value(sheet, column, row.get(column)) for column in RECORD_COLUMNS])
        written += 1
    # The filter buttons over the header and every row (a write-only sheet writes them when it closes).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(RECORD_COLUMNS))}{written + 1}"
    _about_sheet(book, about)
    _save(book, output)


def _save(book: Workbook, output: str | BinaryIO) -> None:
    """openpyxl's save_workbook, but what a failed write (a full disk) leaves open is closed here: openpyxl
    leaves the archive and the sheets not yet written open, and the garbage collector's later try to
    close them printed tracebacks after our one error line."""
    archive = ZipFile(output, "w", ZIP_DEFLATED, allowZip64=True)
    try:
        ExcelWriter(book, archive).save()
    except BaseException:
        with suppress(Exception):
            archive.close()  # fails too on a full disk, but leaves the archive closed
        for sheet in book.worksheets:  # a sheet not reached is a suspended generator, which lxml
            if not sheet.closed:       # would complain about when the garbage collector stops it
                with suppress(Exception):
                    sheet.close()
        raise


def _value(sheet, column: str, value):
    if value is None or value == "":
        return None
    if column in NUMBER_COLUMNS:
        return value  # int or float from SQLite: a number cell
    text = LABELLED[column](value) if column in LABELLED else str(value)
    if text.startswith("=") or NOT_XML.search(text):
        return _cell(sheet, text)
    return text  # a plain str is a string cell, and a third cheaper to write than a cell object


def _cell(sheet, text: str, bold: bool = False) -> WriteOnlyCell:
    # A string cell, always: openpyxl would store a text starting with '=' as a formula
    # (spreadsheet formula injection), and refuses control characters outright.
    cell = WriteOnlyCell(sheet, NOT_XML.sub("", text))
    cell.data_type = "s"
    if bold:
        cell.font = BOLD
    return cell


def _width(header: str, column: str, rows: list[dict]) -> float:
    def shown(text: str) -> int:  # a CJK character is about two Latin ones wide
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    sample = (LABELLED[column](v) if column in LABELLED and v else str(v)
              for r in rows if (v := r.get(column)) not in (None, ""))
    longest = max((shown(t) for t in sample), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2, min(shown(header), 24) + 2)))


def _about_sheet(book: Workbook, about: dict) -> None:
    sheet = book.create_sheet("About 说明")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 110
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(label: str, value: str = "") -> None:
        value_cell = _cell(sheet, value)
        value_cell.alignment = wrap
        sheet.append([_cell(sheet, label, bold=True), value_cell])

    def fact(label: str, value: int | datetime | None, number_format: str = "0") -> None:
        value_cell = WriteOnlyCell(sheet, value)
        value_cell.number_format = number_format
        value_cell.alignment = Alignment(horizontal="left", vertical="top")
        sheet.append([_cell(sheet, label, bold=True), value_cell])

    line("Title 标题", about["title"])
    line("Filter 筛选条件", _filter_text(about["filter"]))
    fact("Projects in this file 项目数", about["projects_in_file"])
    fact("Not on the map 未上图", about["projects_not_located"])
    line("Why not on the map 为何未上图", about["not_located_note"])
    fact("Built at (UTC) 生成时间", _utc(about["built_at"]), "yyyy-mm-dd hh:mm:ss")
    line("Registry version 版本", about["version"])
    line("Source CSV SHA-256", about["source_csv_sha256"])
    line("How to cite 引用", about["citation"])
    line("")
    line("Sources and licences 数据来源与许可")
    for source in about["sources"]:
        line(source["what"], f"{source['licence']}. {source['attribution']}")
    line("")
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

