"""The request's registry, opened on first use and closed at teardown (as flaskr.db in Flask's tutorial).

    get_registry() -> registry.store.query.Registry   (read-only, one per request)
    init_app(app)                               closes it when the request ends
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app, g

from registry.store.query import Registry


def get_registry() -> Registry:
    """The request's read-only Registry on the app's REGISTRY_DB."""
    if "registry" not in g:
        g.registry = Registry(Path(current_app.config["REGISTRY_DB"]))
    return g.registry


def close_registry(_exc=None) -> None:
    registry = g.pop("registry", None)
    if registry is not None:
        registry.close()


def init_app(app) -> None:
    app.teardown_appcontext(close_registry)
