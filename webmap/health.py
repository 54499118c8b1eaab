"""`/healthz` and the answer to a registry that cannot be read: 503 saying so, not a generic 500.

    GET /healthz -> 200 {"status": "ok", "built_at": "2026-11-22T01:36:00+00:00", "projects": 121}
                 -> 503 {"status": "unavailable", "error": "the registry database is damaged …"}

A registry file that is missing, corrupt, not SQLite, or another application's database is the
operator's to fix (`registry build`); until then every page says so with a 503, JSON under /api and
/export, HTML elsewhere. A load balancer takes the instance out of rotation on /healthz's 503.
"""
from __future__ import annotations

import sqlite3

from flask import Blueprint, Flask, current_app, request

from registry.failures import is_corruption
from registry.query import RegistryError

bp = Blueprint("health", __name__)


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
        registry = get_registry()
        built_at = registry.built_at()
        projects = registry.count()
    except FileNotFoundError as exc:
        return _no_store({"status": "unavailable", "error": str(exc)}, 503)
    except RegistryError as exc:
        return _no_store({"status": "unavailable", "error": f"the registry database {exc.message}"}, 503)
    except sqlite3.DatabaseError as exc:
        return _no_store({"status": "unavailable", "error": f"the registry database is damaged or not a registry ({exc})"}, 503)
    return _no_store({"status": "ok", "built_at": built_at, "projects": projects}, 200)


def _no_store(body: dict, status: int):
    return body, status, {"Cache-Control": "no-store"}
