"""Response headers that make the browser refuse what the pages never do, and trusted hosts.

    from webmap import security
    security.init_app(app)

* Content-Security-Policy: scripts only from this origin or inline with the request's nonce
  (`csp_nonce()`, which every inline `<script>` carries); styles from this origin and inline
  (Leaflet and Folium set `style=` on the elements they create); images from this origin, `data:`
  and `blob:` (Leaflet's icons), plus the tile server's origin when REGISTRY_TILES names one;
  fetches to this origin only; no framing, no `<base>`, forms submit here only.
* X-Content-Type-Options nosniff, X-Frame-Options DENY (for browsers without frame-ancestors),
  Referrer-Policy strict-origin-when-cross-origin (a tile server still sees which site asks).
* Trusted hosts: `TRUSTED_HOSTS` (Flask's setting; from `REGISTRY_TRUSTED_HOSTS`, comma-separated,
  e.g. `registry.example.org,127.0.0.1`) answers any other Host header with a 400. Whether or not
  it is set, a redirect the app makes (Werkzeug's `//` → `/` ones) carries a path, never the
  request's Host, so `Host: evil.example` cannot send a browser elsewhere.
"""
from __future__ import annotations

import os
import re
import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import SecurityError


def csp_nonce() -> str:
    """The request's script nonce: every inline <script> carries it, so the Content-Security-Policy
    can allow the page's own scripts and nothing injected."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce

TRUSTED_HOSTS_ENV = "REGISTRY_TRUSTED_HOSTS"
OSM_TILE_ORIGIN = "https://tile.openstreetmap.org"

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def init_app(app: Flask) -> None:
    hosts = app.config.get("TRUSTED_HOSTS") or _hosts_from_environment()
    if hosts:
        app.config["TRUSTED_HOSTS"] = hosts
    app.config.setdefault("CSP_IMG_SOURCES", tile_sources(app.config.get("REGISTRY_TILES", "none")))
    app.after_request(_secure_headers)
    app.register_error_handler(SecurityError, _untrusted_host)


def _untrusted_host(exc: SecurityError):
    """400 for a Host outside TRUSTED_HOSTS. No template: URL building needs a trusted host."""
    from webmap.errors import wants_json

    message = "the Host header names a host this server does not serve"
    if wants_json():
        return {"error": {"parameter": "Host", "message": message}}, 400
    return Response(f"<!doctype html><title>400 Bad Request</title><h1>Bad request</h1><p>{message}.</p>",
                    400, mimetype="text/html")


def _hosts_from_environment() -> list[str] | None:
    text = os.environ.get(TRUSTED_HOSTS_ENV, "")
    hosts = [h.strip() for h in text.split(",") if h.strip()]
    return hosts or None


def tile_sources(tiles: str) -> tuple[str, ...]:
    """The CSP img-src entries the base map needs: none for local or no tiles."""
    if tiles == "none" or tiles.startswith("/"):
        return ()
    if tiles == "osm":
        return (OSM_TILE_ORIGIN,)
    parts = urlsplit(tiles)
    # {s}.tile.example -> *.tile.example: Leaflet fills the subdomain in per tile.
    host = re.sub(r"\{[a-z]+\}", "*", parts.netloc)
    return (f"{parts.scheme}://{host}",)


def content_security_policy(nonce: str, img_sources=()) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self' 'unsafe-inline'",
        "img-src " + " ".join(["'self'", "data:", "blob:", *img_sources]),
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "object-src 'none'",
    ])


def _secure_headers(response: Response) -> Response:

    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers["Content-Security-Policy"] = content_security_policy(
        csp_nonce(), current_app.config.get("CSP_IMG_SOURCES", ()))
    if response.location:
        response.location = _same_site_location(response.location)
    return response


def _same_site_location(location: str) -> str:
    """An absolute redirect to the request's own Host, as a path: the Host header is not ours to echo."""
    parts = urlsplit(location)
    asked_for = request.environ.get("HTTP_HOST") or request.environ.get("SERVER_NAME", "")
    if not parts.netloc or parts.netloc.lower() != asked_for.lower():
        return location
    path = "/" + parts.path.lstrip("/")  # never `//host`, which a browser reads as another site
    return path + (f"?{parts.query}" if parts.query else "")
