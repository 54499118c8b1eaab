"""The file exports of the current filter: /export.xlsx (Excel), /export.gpkg (GeoPackage), /export.kml.

Same filter, same rows and the same writers as `registry export --format xlsx|gpkg|kml`. The file is
written to a private temporary folder, streamed, and removed once sent.
"""
from __future__ import annotations

from flask import Blueprint, Response

from registry.export import export_filename
from registry.files import TemporaryExport, write_export
from registry.gpkg import GPKG_MIMETYPE, KML_MIMETYPE
from registry.xlsx import XLSX_MIMETYPE
from webmap.db import get_registry
from webmap.api import current_filter
from webmap.http import content_disposition

bp = Blueprint("downloads", __name__)


def _file_response(fmt: str, mimetype: str) -> Response:
    project_filter = current_filter()
    export = TemporaryExport(fmt)
    try:
        write_export(get_registry(), project_filter, fmt, export.path)
        size = export.size()
    except BaseException:
        export.remove()
        raise
    response = Response(export.chunks(), mimetype=mimetype, direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = content_disposition(export_filename(project_filter, fmt))
    response.call_on_close(export.remove)  # a client that hangs up early leaves nothing behind
    return response


@bp.get("/export.xlsx")
def export_xlsx():
    return _file_response("xlsx", XLSX_MIMETYPE)


@bp.get("/export.gpkg")
def export_gpkg():
    return _file_response("gpkg", GPKG_MIMETYPE)


@bp.get("/export.kml")
def export_kml():
    return _file_response("kml", KML_MIMETYPE)
