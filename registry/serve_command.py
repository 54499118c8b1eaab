"""`registry serve`: the web app on the development server, or nginx in front of gunicorn (--production).

    registry serve    -> webmap.create_app

The registry database is checked before the app starts, so that a damaged file is one error line
at start-up rather than a failure per request.
"""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from registry.command_options import db_option, fail
from registry.rows.root import root_option


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Flask debug mode (never on a shared server).")
@click.option("--production", is_flag=True,
              help="nginx in front of gunicorn (webmap/production.py), for a shared server; needs nginx installed.")
@root_option
def serve(db_path, host, port, debug, production):
    """Serve the web map, list, project pages, exports and JSON API (development server, or --production)."""
    from webmap import create_app

    from registry.store.integrity import integrity_problem
    from registry.store.query import Registry, RegistryError

    try:
        with Registry(db_path) as registry:
            # Damaged pages behind a readable header would otherwise show up request by request.
            problem = integrity_problem(registry.conn, db_path)
    except (FileNotFoundError, RegistryError) as exc:
        fail(str(exc))
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
    if problem is not None:
        fail(f"{db_path}: the registry database is damaged ({problem[:120]}); rebuild it with `registry build`")
    try:
        app = create_app({"REGISTRY_DB": str(db_path)})
    except ValueError as exc:  # a bad REGISTRY_TILES or REGISTRY_BASEMAP setting
        fail(str(exc))
    if production:
        from webmap.production import ProductionError, serve_production

        try:
            sys.exit(serve_production(f"[{host}]:{port}" if ":" in host else f"{host}:{port}", Path(db_path)))
        except ProductionError as exc:
            fail(str(exc))
    app.wsgi_app = _utf8_query_string(app.wsgi_app)
    app.run(host=host, port=port, debug=debug)


def _utf8_query_string(wsgi_app):
    """Undo the development server's second encoding of a raw (not %-encoded) query string.

    http.server reads the request line as Latin-1 and Werkzeug's server then encodes that text
    as UTF-8 again, so `curl 'http://…/api/facets?county=大悟县'` would search for mojibake and
    find nothing. gunicorn, the production server, rejects such request lines with a 400.
    """
    def app(environ, start_response):
        try:
            environ["QUERY_STRING"] = environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass  # not the development server's doing: leave it for the app to judge
        return wsgi_app(environ, start_response)
    return app
