"""Exports that are files, not text streams (XLSX, GeoPackage, KML): written to a temporary file,
then moved into place or streamed, by the CLI and the web app alike."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from registry.about import export_counts, export_metadata, registry_info
from registry.progress import ticking
from registry.query import ProjectFilter, Registry
from registry.schema import RECORD_COLUMNS

FILE_FORMATS = ("xlsx", "gpkg", "kml")


def write_export(registry: Registry, project_filter: ProjectFilter, fmt: str, path: str | Path, progress=None) -> int:
    """Write the filtered projects as `fmt` (xlsx, gpkg or kml) to a new file at `path`; returns the row count.
    `progress`: a tqdm bar (registry/progress.py) ticked per row as it is written (XLSX) or read (GPKG, KML)."""
    if fmt not in FILE_FORMATS:
        raise ValueError(f"unknown file format {fmt!r}; expected one of {', '.join(FILE_FORMATS)}")
    count, not_located = export_counts(registry, project_filter)
    about = export_metadata(registry_info(registry), project_filter, count, not_located)
    if fmt == "xlsx":
        from registry.xlsx import write_xlsx

        # Row by row from the cursor: memory stays bounded however many rows the filter keeps.
        write_xlsx(ticking(registry.iter_projects(project_filter), progress), about, str(path))
    else:
        from registry.gpkg import write_gpkg, write_kml

        # GeoPandas builds the layers from columns in memory: at 100,000 rows that is ~100 MB.
        rows = list(ticking(registry.iter_projects(project_filter, columns=(*RECORD_COLUMNS, "geometry")), progress))
        (write_gpkg if fmt == "gpkg" else write_kml)(rows, about, path)
    return count


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
