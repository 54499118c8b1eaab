"""`/healthz` and the answer to a registry that cannot be read: 503 saying so, not a generic 500.

    GET /healthz -> 200 {"status": "ok", "built_at": "2026-11-22T01:36:00+00:00", "projects": 121}
                 -> 503 {"status": "unavailable", "error": "the registry database is damaged …"}

/healthz checks what the routes read, not only the header: the file's pages (registry.store.integrity:
PRAGMA quick_check, 2.6 ms for the shipped registry) are checked again whenever the file changes
(device, inode, size, mtime or ctime; a rebuild swaps in a new inode, bytes overwritten in place
change the times) and at least every RECHECK_SECONDS, each worker process keeping its last answer.

A registry file that is missing, corrupt, not SQLite, or another application's database is the
operator's to fix (`registry build`); until then every page says so with a 503, JSON under /api and
/export, HTML elsewhere. A load balancer takes the instance out of rotation on /healthz's 503.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from flask import Blueprint, Flask, current_app, request

from registry.rows.failures import is_corruption
from registry.store.integrity import integrity_problem
from registry.store.query import Registry, RegistryError

bp = Blueprint("health", __name__)
# A damaged disk need not change the file's times: look again after this long even if none changed.
RECHECK_SECONDS = 60
_checked: dict[str, tuple[tuple, float, str | None]] = {}  # path -> (file identity, when, problem)
_checked_lock = threading.Lock()


def init_app(app: Flask) -> None:
    from webmap.errors import error_response

    app.register_blueprint(bp)

    @app.errorhandler(RegistryError)
    def unreadable_registry(exc: RegistryError):
        return error_response(503, f"the registry database {exc.message}")

    @app.errorhandler(sqlite3.DatabaseError)
    def database_error(exc: sqlite3.DatabaseError):
        if is_corruption(exc):
            return error_response(503, f"the registry database is damaged or not a registry ({exc}); "
                                       "the operator must rebuild it with `registry build`")
        current_app.logger.exception("database error on %s", request.path)
        return error_response(500, "internal error")


@bp.get("/healthz")
def healthz():
    from webmap.db import get_registry

    try:
        # The file's identity before it is opened: a rebuild swapped in between is checked next time.
        identity = _identity(current_app.config["REGISTRY_DB"])
        registry = get_registry()
        problem = _file_problem(registry, identity)
        if problem is not None:
            return _no_store({"status": "unavailable", "error": f"the registry database is damaged ({problem}); "
                                                                  "the operator must rebuild it with `registry build`"}, 503)
        built_at = registry.built_at()
        projects = registry.count()
    except FileNotFoundError as exc:
        return _no_store({"status": "unavailable", "error": str(exc)}, 503)
    except RegistryError as exc:
        return _no_store({"status": "unavailable", "error": f"the registry database {exc.message}"}, 503)
    except sqlite3.DatabaseError as exc:
        return _no_store({"status": "unavailable", "error": f"the registry database is damaged or not a registry ({exc})"}, 503)
    return _no_store({"status": "ok", "built_at": built_at, "projects": projects}, 200)


def _identity(path: str) -> tuple | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None  # opening it says what is wrong
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def _file_problem(registry: Registry, identity: tuple | None) -> str | None:
    """integrity_problem of the registry's file, from this process's last check while the file is unchanged."""
    path = str(registry.path)
    with _checked_lock:
        last = _checked.get(path)
    if identity is not None and last is not None and last[0] == identity and time.monotonic() - last[1] < RECHECK_SECONDS:
        return last[2]
    problem = integrity_problem(registry.conn, Path(path))
    with _checked_lock:
        _checked[path] = (identity, time.monotonic(), problem)
    return problem


def _no_store(body: dict, status: int):
    return body, status, {"Cache-Control": "no-store"}
