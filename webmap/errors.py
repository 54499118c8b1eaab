"""Errors as the client reads them: JSON under /api/ and /export. (programs), an HTML page elsewhere.

    error_response(status, message, parameter=None)   the same status either way
    init_app(app)                                     registers the handlers (bad filter, bad UTF-8, a
                                                      missing registry, HTTP errors, anything unexpected)
"""
from __future__ import annotations

from flask import Flask, render_template, request

from registry.store.query import FilterError
from webmap.i18n import N_, filter_error_message, status_message, translate

# Paths whose errors are answered in JSON: the API and the exports are read by programs.
JSON_PREFIXES = ("/api/", "/export.")


def wants_json() -> bool:
    return request.path.startswith(JSON_PREFIXES)


def error_response(status: int, message: str, parameter: str | None = None, shown=None):
    """A JSON error for API clients (its English `message`), an HTML page for people in their language
    (`shown`, else the status's sentence); the status is the same."""
    if wants_json():
        error = {"message": message} if parameter is None else {"parameter": parameter, "message": message}
        return {"error": error}, status
    # A registry that cannot be read: the page also gives the operator the cause and the fix, as written.
    detail = message if status == 503 and shown is None else None
    shown = shown if shown is not None else status_message(status, message)
    return render_template("error.html", status=status, message=shown, parameter=parameter, detail=detail), status


def init_app(app: Flask) -> None:
    from werkzeug.exceptions import HTTPException

    @app.errorhandler(FilterError)
    def bad_filter(exc: FilterError):
        return error_response(400, exc.message, exc.parameter, filter_error_message(exc))

    @app.errorhandler(UnicodeDecodeError)
    def undecodable(_exc: UnicodeDecodeError):
        # Raw bytes that are not UTF-8 in the query string (Werkzeug decodes it lazily, on first use).
        message = N_("the query string is not valid UTF-8 (percent-encode UTF-8 text)")
        return error_response(400, message, "query", translate(message))

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
