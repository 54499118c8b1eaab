"""Exports that are files, not text streams (XLSX, GeoPackage): written to a temporary file,
then moved into place or streamed, by the CLI and the web app alike."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from registry.about import export_metadata, registry_info
from registry.query import ProjectFilter, Registry
from registry.schema import PROJECT_COLUMNS

FILE_FORMATS = ("xlsx", "gpkg")


def write_export(registry: Registry, project_filter: ProjectFilter, fmt: str, path: str | Path) -> int:
    """Write the filtered projects as `fmt` (xlsx or gpkg) to a new file at `path`; returns the row count."""
    columns = (*PROJECT_COLUMNS, "geometry_geojson") if fmt == "gpkg" else PROJECT_COLUMNS
    rows = registry.projects(project_filter, columns=columns)
    about = export_metadata(registry_info(registry), project_filter, len(rows))
    if fmt == "xlsx":
        from registry.xlsx import write_xlsx

        write_xlsx(rows, about, str(path))
    elif fmt == "gpkg":
        from registry.gpkg import write_gpkg

        write_gpkg(rows, about, path)
    else:
        raise ValueError(f"unknown file format {fmt!r}; expected one of {', '.join(FILE_FORMATS)}")
    return len(rows)


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
