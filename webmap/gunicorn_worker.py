"""gunicorn's threaded worker, answering an oversized request line or header in JSON.

gunicorn refuses a request line over `limit_request_line` (at most 8,190 bytes) and a header over
`limit_request_field_size` before the app sees the request, with an HTML page. Every other error
a program meets here is JSON (webmap/errors.py), so these two are too, with the app's own words
for a long URI. Nothing else changes: this is gunicorn's gthread worker (webmap/gunicorn_conf.py).
"""
from __future__ import annotations

import json

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from webmap.http import TOO_LONG_URI_MESSAGE


class JSONErrorsThreadWorker(ThreadWorker):
    def handle_error(self, req, client, addr, exc):
        if not isinstance(exc, (LimitRequestLine, LimitRequestHeaders)):
            return super().handle_error(req, client, addr, exc)
        if isinstance(exc, LimitRequestLine):
            status, body = "414 URI Too Long", {"message": TOO_LONG_URI_MESSAGE}
        else:
            status, body = "431 Request Header Fields Too Large", {
                "parameter": "headers", "message": f"the request's headers are too large or too many ({exc})"}
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        payload = json.dumps({"error": body}).encode("utf-8")
        head = (f"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: application/json\r\n"
                f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(payload)}\r\n\r\n")
        try:
            util.write_nonblock(client, head.encode("latin-1") + payload)
        except OSError:
            self.log.debug("Failed to send error message.")
        return None
