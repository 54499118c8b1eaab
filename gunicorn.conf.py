"""gunicorn settings the app relies on; gunicorn reads ./gunicorn.conf.py when started from here.

gunicorn answers a request line over 4,094 bytes (its default) with an HTML 414 before the app
sees it. A filter of many counties makes a long URL, and every error under /api and /export is
JSON, so the app judges URL length itself (webmap/http.py: MAX_URI_BYTES, a JSON 414); 0 here
lifts gunicorn's limit to its own hard ceiling of 1 MiB per request line.
"""
limit_request_line = 0

# A worker writing the Excel export of 100,000 projects takes about 45 s on a 2-core machine
# (benchmarks/exports.py); gunicorn's default 30 s would kill it mid-file.
timeout = 120
