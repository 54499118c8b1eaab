"""Exports kept as files, so that HEAD knows their length and Range reads parts of them (GDAL's /vsicurl/).

    cached_path(fmt, project_filter, extra) -> Path | None   the finished file of this export, if made
    tee_to_cache(chunks, path) -> Iterator[str]              stream the text and keep it as that file
    build_file(path, write)                                  make the file now (HEAD, Range, XLSX/GPKG/KML)
    serve_file(path, mimetype, filename, weak=False)         send_file with ETag, Range, HEAD and a download name

The key of a file is the registry file's identity (device, inode, size, mtime: a rebuild swaps in a new
file) with its build time and source hash, the format, and the normalised filter: `?type=wind&x=1` and
`?type=wind` share one file. Files are written under a temporary name and renamed into place, so two
workers (or two requests) building the same export never serve half a file. The folder
(REGISTRY_EXPORT_CACHE, default <tmp>/carbon-peak-export-cache-<uid>) keeps at most MAX_FILES files and
MAX_BYTES bytes; the least recently served go first.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Iterator

from flask import current_app, request, send_file

MAX_FILES = 200
MAX_BYTES = 1 << 30  # 1 GiB: a 100,000-row GeoJSON is ~60 MB
# A file made or served this recently is never pruned: another worker may be sending it right now.
RECENT_SECONDS = 120
_PARTIAL_PREFIX = ".partial-"


def cache_folder() -> Path:
    configured = current_app.config.get("REGISTRY_EXPORT_CACHE")
    folder = Path(configured) if configured else Path(tempfile.gettempdir()) / f"carbon-peak-export-cache-{os.getuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def cache_path(registry, fmt: str, pairs: Iterable[tuple[str, str]]) -> Path:
    """Where the export of these query pairs from this registry file lives (whether made yet or not)."""
    stat = os.stat(registry.path)
    meta = registry.meta()
    identity = [str(registry.path.resolve()), str(stat.st_dev), str(stat.st_ino), str(stat.st_size),
                str(stat.st_mtime_ns), meta.get("built_at", ""), meta.get("source_csv_sha256", ""), fmt,
                *(f"{name}={value}" for name, value in pairs)]
    digest = hashlib.sha256("\0".join(identity).encode("utf-8")).hexdigest()[:40]
    return cache_folder() / f"{digest}.{fmt}"


def tee_to_cache(chunks: Iterable[str], path: Path) -> Iterator[str]:
    """The text chunks as they come, written alongside to `path` (renamed into place only when complete).
    A write that fails (full disk) stops the copy, never the download."""
    handle = _open_partial(path)
    complete = False
    try:
        for chunk in chunks:
            yield chunk
            if handle is not None:
                try:
                    handle.write(chunk.encode("utf-8"))
                except OSError:
                    handle = _discard(handle)
        complete = True
    finally:
        if handle is not None:
            _finish(handle, path, keep=complete)


def build_file(path: Path, write: Callable[[Path], object]) -> None:
    """`write(partial_path)` makes the export under a temporary name, then it is renamed to `path`."""
    fd, partial = tempfile.mkstemp(prefix=_PARTIAL_PREFIX, suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(partial))
        os.replace(partial, path)
    finally:
        Path(partial).unlink(missing_ok=True)
    _prune(path.parent)


def serve_file(path: Path, mimetype: str, filename: str, etag: str | None, last_modified, weak: bool = False):
    """The file with Content-Length, Accept-Ranges: bytes, 206 for a Range, 304 for a matching validator,
    and `Content-Disposition: attachment` naming it (Werkzeug's send_file and make_conditional)."""
    try:
        os.utime(path)  # served now: the last to be pruned, and not within RECENT_SECONDS (see _prune)
    except FileNotFoundError:
        return None  # pruned by another worker a moment ago: the caller makes it again
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename, conditional=False,
                         etag=False, last_modified=last_modified, max_age=None)
    if etag:
        response.set_etag(etag, weak=weak)
    # Werkzeug answers Range, If-Range, If-None-Match and If-Modified-Since from these validators.
    response = response.make_conditional(request.environ, accept_ranges=True, complete_length=path.stat().st_size)
    del response.headers["Date"]  # the server writes its own; make_conditional's would be a second one
    return response


def _open_partial(path: Path):
    try:
        fd, partial = tempfile.mkstemp(prefix=_PARTIAL_PREFIX, suffix=path.suffix, dir=path.parent)
        os.close(fd)
        return open(partial, "wb")  # by name: handle.name is then the path to rename or remove
    except OSError:
        return None


def _discard(handle) -> None:
    handle.close()
    Path(handle.name).unlink(missing_ok=True)
    return None


def _finish(handle, path: Path, keep: bool) -> None:
    try:
        handle.close()
        if keep:
            os.replace(handle.name, path)
            _prune(path.parent)
    except OSError:
        pass  # the cache is an optimisation: the client already has its bytes
    finally:
        Path(handle.name).unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    """Drop the least recently served files past MAX_FILES or MAX_BYTES (and partial files an hour old)."""
    files = []
    for entry in os.scandir(folder):
        try:
            stat = entry.stat()
        except FileNotFoundError:
            continue
        if entry.name.startswith(_PARTIAL_PREFIX):
            if stat.st_mtime < _now() - 3600:
                Path(entry.path).unlink(missing_ok=True)
            continue
        files.append((stat.st_mtime, stat.st_size, entry.path))
    files.sort(reverse=True)
    total = 0
    for index, (_mtime, size, file_path) in enumerate(files):
        total += size
        if (index >= MAX_FILES or total > MAX_BYTES) and _mtime < _now() - RECENT_SECONDS:
            Path(file_path).unlink(missing_ok=True)


def _now() -> float:
    import time

    return time.time()
