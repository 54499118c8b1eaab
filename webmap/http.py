"""HTTP behaviour that tools expect of the API and the exports (`init_app(app)` wires it in).

- Validators from the build: the ETag hashes the registry's build time, the source CSV's SHA-256
  and the request's path and query; Last-Modified is the build time. A conditional GET that
  matches gets a 304 before any query runs.
- gzip (Flask-Compress) when the client asks, streaming exports compressed chunk by chunk.
- CORS (Flask-CORS) for GET on the read-only API and exports, so a planner's own web tools can
  read them; nothing here accepts a write.
- Request URIs longer than MAX_URI_BYTES get a 414, in JSON under /api and /export like every
  other error there. Longer request lines never reach the app: gunicorn (8,190 bytes,
  webmap/gunicorn_worker.py) and nginx (8 KB, webmap/production.py) refuse them as they read
  them, with the same JSON, so a 16 MB URL costs nobody more than reading 8 KB.
- `content_disposition`: download names that say what the file holds (RFC 6266 + RFC 5987), as
  Werkzeug's send_file writes them for the files of webmap/exportcache.py.
"""
from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime
from urllib.parse import quote

from flask import Flask, Response, abort, g, request
from flask_compress import Compress
from werkzeug.http import dump_options_header

# Paths whose answers depend only on the registry file and the URL: they get validators and CORS.
CACHED_PREFIXES = ("/api/", "/export.")
# Files written afresh per request (zip and SQLite headers hold write times): equal content,
# not equal bytes, so their ETag is weak (RFC 9110 §8.8.1).
WEAK_ETAG_PATHS = ("/export.xlsx", "/export.gpkg", "/export.kml")
# Longer than any URL the app makes (50 counties of a filter take about 2 kB), and a little under
# the request-line limits of gunicorn (8,190) and nginx (8,192 with method and version), so that
# the app, which knows a page from an API call, answers every URI that can reach it.
MAX_URI_BYTES = 8000
TOO_LONG_URI_MESSAGE = f"the request URI is longer than {MAX_URI_BYTES} bytes; ask for fewer filter values"
COMPRESSED_TYPES = ["application/json", "application/geo+json", "text/csv", "text/html", "text/css",
                    "text/javascript", "application/javascript", "application/geopackage+sqlite3",
                    "application/vnd.google-earth.kml+xml"]
# A filename* value (RFC 5987) may hold these unescaped; everything else is %-encoded UTF-8 (as send_file does).
_ATTR_CHARS = "!#$&+-.^_`|~"
# Content codings offered, best first: brotli is 12-22 % smaller than gzip on the exports and the JSON at the
# same cost (benchmarks/compression.py, docs/manual/web-app.md); gzip for every other client.
ENCODINGS = ["br", "gzip"]


def init_app(app: Flask) -> None:
    from flask_cors import CORS

    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ENCODINGS)
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ENCODINGS)
    app.config.setdefault("COMPRESS_LEVEL", 5)  # gzip: 6 costs a third more time for 2 % less on the GeoJSON
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)  # brotli's default, 4, is 5 % larger and barely faster
    app.config.setdefault("COMPRESS_STREAMS", True)
    # Our own 304s come first (below): Flask-Compress need not buffer a streamed body to decide.
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
    app.before_request(_refuse_long_uri)
    app.before_request(_answer_conditional_request)
    RangeAwareCompress(app)
    # Registered after Compress, so it runs before it: Flask-Compress then appends its
    # ":gzip" (":br") to our strong ETag, which `_answer_conditional_request` accepts back.
    app.after_request(_add_validators)
    CORS(app, resources={r"/api/*": {}, r"/export.*": {}}, origins="*", send_wildcard=True, methods=["GET", "HEAD", "OPTIONS"],
         expose_headers=["Content-Disposition", "ETag", "Last-Modified", "Link", "Content-Range", "Accept-Ranges"],
         supports_credentials=False)


class RangeAwareCompress(Compress):
    """Flask-Compress, but a byte range stays a range of the file's own bytes: a 206 (or any answer to a
    Range request) is never re-encoded, which would make its Content-Range wrong."""

    def after_request(self, response):
        if response.status_code in (206, 416) or "Range" in request.headers:
            response.vary.add("Accept-Encoding")
            return response
        return super().after_request(response)


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the real one as filename*=UTF-8''…, the value
    Werkzeug's send_file(download_name=…) writes (for the responses that stream from a cursor)."""
    fallback = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode("ascii")
    names = {"filename": fallback}
    if fallback != filename:
        names["filename*"] = f"UTF-8''{quote(filename, safe=_ATTR_CHARS)}"
    return dump_options_header("attachment", names)


def _refuse_long_uri():
    uri = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.full_path
    if len(uri.encode("utf-8", "surrogateescape")) > MAX_URI_BYTES:
        abort(414, description=TOO_LONG_URI_MESSAGE)


def validators() -> tuple[str, datetime] | None:
    """(ETag, Last-Modified) of this request's answer, or None where the answer is not cacheable."""
    if request.method not in ("GET", "HEAD") or not request.path.startswith(CACHED_PREFIXES):
        return None
    if "validators" not in g:
        from webmap.db import get_registry

        meta = get_registry().meta()
        built_at = datetime.fromisoformat(meta["built_at"])
        key = "\0".join((meta["built_at"], meta.get("source_csv_sha256", ""), request.path,
                         request.query_string.decode("latin-1")))
        g.validators = (hashlib.sha256(key.encode("utf-8")).hexdigest()[:32], built_at)
    return g.validators


def _answer_conditional_request():
    answer_validators = validators()
    if answer_validators is None:
        return None
    etag, built_at = answer_validators
    if "If-None-Match" in request.headers:
        # Werkzeug parses the header (lists, W/ tags, "*"). The same entity, compressed or not, matches:
        # Flask-Compress appends ":gzip" or ":br" to what it sent, and the 304 repeats the tag sent.
        tags = request.if_none_match
        sent = next((tag for tag in (etag, *(f"{etag}:{e}" for e in ENCODINGS)) if tags.contains_weak(tag)), None)
        fresh, etag = sent is not None or tags.star_tag, sent or etag
    else:  # RFC 9110 §13.1.3: If-Modified-Since only counts without If-None-Match
        since = request.if_modified_since
        fresh = since is not None and built_at.replace(microsecond=0) <= since
    if not fresh:
        return None
    response = Response(status=304)
    return _set_validators(response, etag, built_at)


def _add_validators(response: Response) -> Response:
    if response.status_code == 200 and (answer_validators := validators()) is not None:
        _set_validators(response, *answer_validators)
    return response


def _set_validators(response: Response, etag: str, built_at: datetime) -> Response:
    response.set_etag(etag, weak=request.path in WEAK_ETAG_PATHS)
    response.last_modified = built_at
    if response.cache_control.max_age is None:
        # Revalidate every time: a rebuild changes the answer, and a 304 is cheap.
        response.cache_control.no_cache = True
    response.vary.add("Accept-Encoding")
    return response
