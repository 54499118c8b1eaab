"""The file exports of the current filter: /export.xlsx (Excel), /export.gpkg (GeoPackage), /export.kml.

Same filter, same rows and the same writers as `registry export --format xlsx|gpkg|kml`. The file is
written once into the export cache (webmap/exportcache.py) and served from there with its length,
byte ranges (GDAL reads a GeoPackage over /vsicurl/ by ranges) and validators.
"""
from __future__ import annotations

from flask import Blueprint

from registry.exports.export import XLSX_MIMETYPE, export_filename
from registry.files import write_export
from registry.exports.gpkg import GPKG_MIMETYPE, KML_MIMETYPE
from webmap import exportcache
from webmap.api import current_filter
from webmap.db import get_registry
from webmap.http import validators

bp = Blueprint("downloads", __name__)


def _file_response(fmt: str, mimetype: str):
    project_filter = current_filter()
    registry = get_registry()
    path = exportcache.cache_path(registry, fmt, project_filter.to_params())
    # Weak: the zip and SQLite headers inside hold their write time, so a file made again is equal, not identical.
    for _attempt in range(3):  # a file just made is not pruned (exportcache.RECENT_SECONDS): once is the rule
        if not path.is_file():
            exportcache.build_file(path, lambda partial: write_export(registry, project_filter, fmt, partial))
        served = exportcache.serve_file(path, mimetype, export_filename(project_filter, fmt), *validators(), weak=True)
        if served is not None:
            return served
    raise OSError(f"the export cache {path.parent} keeps losing its files")


@bp.get("/export.xlsx")
def export_xlsx():
    return _file_response("xlsx", XLSX_MIMETYPE)


@bp.get("/export.gpkg")
def export_gpkg():
    return _file_response("gpkg", GPKG_MIMETYPE)


@bp.get("/export.kml")
def export_kml():
    return _file_response("kml", KML_MIMETYPE)
