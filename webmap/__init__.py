"""The registry's web app: map, list, project pages, exports and JSON API over one SQLite file.

    create_app({"REGISTRY_DB": "registry.db", "REGISTRY_TILES": "none"})

Configuration, weakest first: built-in defaults, then environment variables
(`REGISTRY_DB`, `REGISTRY_TILES`, `REGISTRY_TILES_ATTRIBUTION`, `REGISTRY_BASEMAP`), then the
`config` mapping passed to `create_app`.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, g, render_template, request

from registry.query import FilterError, Registry
from registry.root import DATABASE, find_root

ENV_SETTINGS = ("REGISTRY_DB", "REGISTRY_TILES", "REGISTRY_TILES_ATTRIBUTION", "REGISTRY_BASEMAP")
# Paths whose errors are answered in JSON: the API and the exports are read by programs.
JSON_PREFIXES = ("/api/", "/export.")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    # The registry folder as the CLI finds it ($REGISTRY_ROOT, the current folder, the shipped one).
    app.config.update(REGISTRY_DB=str(find_root(required=False) / DATABASE), REGISTRY_TILES="none", REGISTRY_TILES_ATTRIBUTION="")
    app.config.update({name: os.environ[name] for name in ENV_SETTINGS if os.environ.get(name)})
    app.config.update(config or {})
    # Unicode in JSON as written: the data is Chinese, and \u escapes only make it bigger.
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # keep the documented order: total, page, …, and the CSV column order

    from webmap import about, api, basemap, downloads, health, http, labels, mapapi, mapframe, pages, plans, security
    from webmap import targets_page

    mapframe.check_tiles_setting(app.config["REGISTRY_TILES"])
    app.register_blueprint(mapframe.vendor)
    basemap.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(mapapi.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(about.bp)
    http.init_app(app)
    app.register_blueprint(plans.bp)
    app.register_blueprint(targets_page.bp)
    app.jinja_env.globals.update(labels.template_globals())
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.teardown_appcontext(_close_registry)
    _register_error_handlers(app)
    health.init_app(app)
    security.init_app(app)
    return app


def get_registry() -> Registry:
    """The request's read-only Registry, opened on first use and closed at teardown."""
    if "registry" not in g:
        from flask import current_app

        g.registry = Registry(Path(current_app.config["REGISTRY_DB"]))
    return g.registry


def csp_nonce() -> str:
    """The request's script nonce: every inline <script> carries it, so a Content-Security-Policy
    can allow the page's own scripts and nothing injected."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _close_registry(_exc=None) -> None:
    registry = g.pop("registry", None)
    if registry is not None:
        registry.close()


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def error_response(status: int, message: str, parameter: str | None = None):
    """A JSON error for API clients, an HTML page for people; the status is the same."""
    if wants_json():
        error = {"message": message} if parameter is None else {"parameter": parameter, "message": message}
        return {"error": error}, status
    return render_template("error.html", status=status, message=message, parameter=parameter), status


def _register_error_handlers(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(FilterError)
    def bad_filter(exc: FilterError):
        return error_response(400, exc.message, exc.parameter)

    @app.errorhandler(UnicodeDecodeError)
    def undecodable(_exc: UnicodeDecodeError):
        # Raw bytes that are not UTF-8 in the query string (Werkzeug decodes it lazily, on first use).
        return error_response(400, "the query string is not valid UTF-8 (percent-encode UTF-8 text)", "query")

    @app.errorhandler(FileNotFoundError)
    def missing_registry(exc: FileNotFoundError):
        # The database is rebuilt by swapping files; if it is absent the service is, for now, unavailable.
        return error_response(503, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        body, status = error_response(exc.code or 500, exc.description or exc.name)
        # Keep the exception's own headers (a 405's Allow, a redirect's Location), not its body's type.
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        return body, status, headers

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s", request.path)
        return error_response(500, "internal error")
