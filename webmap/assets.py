"""The page's own files (static/, the XStatic vendor files) under URLs that name their content, cached for good.

    /static/map.js?v=3f2a9c1d0b7e     Cache-Control: public, max-age=31536000, immutable

Every `url_for("static", …)` and `url_for("vendor.asset", …)` gets `v`, the first 12 hex digits of the file's
SHA-256, so a browser that has a file keeps it without asking again: a planner's next map page sent nine
requests (each a 304 from the worker, under a shared machine's load up to ~0.5 s before the scripts ran), and
sends none. A changed file gets a new URL. A request whose `v` is not the file's current digest (an old page)
is answered as before, with the file and no lasting cache.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from flask import Flask, request

YEAR_SECONDS = 365 * 24 * 3600


@lru_cache(maxsize=256)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def digest(folder: str, filename: str) -> str | None:
    """The content digest of folder/filename, or None when there is no such file (its URL stays as it was)."""
    path = os.path.join(folder, filename)
    try:
        stat = os.stat(path)
    except (OSError, ValueError):
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def _folder(app: Flask, endpoint: str, values: dict) -> str | None:
    if endpoint == "static":
        return app.static_folder
    if endpoint == "vendor.asset":
        from webmap.mapframe import VENDOR_DIRS

        return VENDOR_DIRS.get(values.get("package"))
    return None


def init_app(app: Flask) -> None:
    @app.url_defaults
    def add_digest(endpoint: str, values: dict) -> None:
        if "v" in values or "filename" not in values:
            return
        folder = _folder(app, endpoint, values)
        if folder and (found := digest(folder, values["filename"])):
            values["v"] = found

    @app.after_request
    def cache_named_content(response):
        if response.status_code != 200 or not request.view_args or "filename" not in request.view_args:
            return response
        folder = _folder(app, request.endpoint or "", request.view_args)
        wanted = request.args.get("v")
        if folder and wanted and wanted == digest(folder, request.view_args["filename"]):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR_SECONDS
            response.cache_control.immutable = True
        return response
