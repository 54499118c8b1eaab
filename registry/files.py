"""Exports that are files, not text streams (XLSX, GeoPackage, KML): written to a temporary file,
then moved into place or streamed, by the CLI and the web app alike."""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator

from registry.about import export_counts, export_metadata, registry_info
from registry.rows.progress import ticking
from registry.store.query import ProjectFilter, Registry

FILE_FORMATS = ("xlsx", "gpkg", "kml")
# A disk with less free space than this after a failed write was full when the writer stopped.
FULL_DISK_MARGIN = 1024 * 1024


def write_export(registry: Registry, project_filter: ProjectFilter, fmt: str, path: str | Path, progress=None) -> int:
    """Write the filtered projects as `fmt` (xlsx, gpkg or kml) to a new file at `path`; returns the row count.

    The file is read back before it counts as written (`verify_export`): GDAL's KML writer ignores a
    full disk and leaves a truncated file, its GeoPackage writer reports one as a SQL error. Either
    way the caller gets an OSError (ENOSPC when the disk is full), which names the problem in one line.
    `progress`: a tqdm bar (registry/rows/progress.py) ticked per row as it is written (XLSX) or read (GPKG, KML).
    """
    if fmt not in FILE_FORMATS:
        raise ValueError(f"unknown file format {fmt!r}; expected one of {', '.join(FILE_FORMATS)}")
    path = Path(path)
    count, not_located = export_counts(registry, project_filter)
    about = export_metadata(registry_info(registry), project_filter, count, not_located)
    try:
        if fmt == "xlsx":
            from registry.exports.xlsx import write_xlsx

            # Row by row from the cursor: memory stays bounded however many rows the filter keeps.
            write_xlsx(ticking(registry.iter_projects(project_filter, tuples=True), progress), about, str(path))
            layers = {}
        else:
            from registry.exports.export import FEATURE_PROPERTIES
            from registry.exports.gpkg import write_gpkg, write_kml

            # Streamed from the cursor in chunks (registry/exports/gpkg.py): memory stays bounded here too.
            rows = ticking(registry.iter_projects(project_filter, columns=(*FEATURE_PROPERTIES, "geometry"), tuples=True),
                           progress)
            layers = write_gpkg(rows, about, path) if fmt == "gpkg" else {"projects": write_kml(rows, about, path)}
    except RuntimeError as exc:  # pyogrio's errors (GDAL's, SQLite's inside a GeoPackage) are RuntimeErrors
        raise _write_failure(path, fmt, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    verify_export(path, fmt, layers)
    return count


def verify_export(path: Path, fmt: str, layers: dict[str, int]) -> None:
    """Read the written file back: every layer with all its features (gpkg, kml), or a whole ZIP (xlsx)."""
    try:
        if fmt == "xlsx":
            with zipfile.ZipFile(path) as book:  # the central directory is written last: a cut file has none
                if "xl/workbook.xml" not in book.namelist():
                    raise zipfile.BadZipFile("no xl/workbook.xml")
            return
        if fmt == "kml":
            _verify_kml(path, layers["projects"])
            return
        from registry.exports.gpkg import import_pyogrio

        read_info = import_pyogrio().read_info
        for layer, expected in layers.items():
            found = read_info(path, layer=layer, force_feature_count=True)["features"]
            if found != expected:
                raise _write_failure(path, fmt, f"{found} of the {expected} features of {layer} were written")
    except (RuntimeError, zipfile.BadZipFile) as exc:
        raise _write_failure(path, fmt, str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None


KML_END = b"</kml>"


def _verify_kml(path: Path, expected: int) -> None:
    """The KML is whole: as many placemarks as were written, and the document closed. Counted in one streaming pass
    over the bytes: GDAL's KML reader (pyogrio.read_info) holds the whole document, 850 MB for 100,000 projects.
    A placemark's text cannot hold `<Placemark` (GDAL escapes `<` in text), and a cut file lacks the end."""
    mark = b"<Placemark"
    found, tail, end = 0, b"", b""
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            data = tail + block
            found += data.count(mark)
            tail = data[-(len(mark) - 1):]  # a mark cut by the block's end; too short to hold a whole one
            end = data[-64:]
    if found != expected:
        raise _write_failure(path, "kml", f"{found} of the {expected} features of projects were written")
    if not end.rstrip().endswith(KML_END):
        raise _write_failure(path, "kml", "the document is not closed")


def _write_failure(path: Path, fmt: str, detail: str) -> OSError:
    """The OSError for a file a writer could not finish: ENOSPC if its disk is (nearly) full now."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        free = None
    if free is not None and free < FULL_DISK_MARGIN:
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    return OSError(errno.EIO, f"the {fmt} file could not be written whole ({detail})", str(path))


class TemporaryExport:
    """A private temporary folder for one export file, removed when the file has been read."""

    def __init__(self, fmt: str):
        self.folder = Path(tempfile.mkdtemp(prefix="registry-export-"))
        self.path = self.folder / f"projects.{fmt}"

    def chunks(self, size: int = 256 * 1024) -> Iterator[bytes]:
        """The file's bytes; the folder goes when they have all been read (or the reader stops)."""
        try:
            with open(self.path, "rb") as handle:
                while chunk := handle.read(size):
                    yield chunk
        finally:
            self.remove()

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def size(self) -> int:
        return os.path.getsize(self.path)
