"""A server worker answers the map page's first requests once before it takes any from a planner.

Each gunicorn worker loads the app lazily: the first map page after a start (or after a worker is recycled,
webmap/gunicorn_conf.py: max_requests) compiled the templates, rendered Folium's frame, read the point arrays
(27 bytes a project) and the registry's unfiltered summary, and paid ~200-400 ms more than the next one
(benchmarks/map_browser.py: the first of three loads at 100,000 projects). gunicorn's `post_worker_init` hook
calls `warm` after the app is loaded and before the worker accepts connections, so what a planner meets when
the server is up is the warm page. Nothing is stored but what the app caches anyway; a failure is logged and
the worker serves as it would have (the request that fails here fails the same way for the planner).
"""
from __future__ import annotations

import logging
import time

from registry.store.map_clustering import MIN_ZOOM

# The map page and what its first view asks for: the precomputed clusters of the national view (the page's own
# first view fits every project, at zoom 4 on a desktop and MIN_ZOOM on a phone) and the lines at that zoom.
CHINA = "73.5,18.1,134.8,53.6"
WARM_PATHS = ("/", *(f"/api/map/{kind}?bbox={CHINA}&zoom={zoom}" for zoom in (MIN_ZOOM, 4) for kind in ("clusters", "lines")))


def warm(app, log: logging.Logger | None = None) -> float:
    """GET each of WARM_PATHS from `app` in this process; the seconds it took."""
    log = log or logging.getLogger(__name__)
    started = time.perf_counter()
    client = app.test_client()
    for path in WARM_PATHS:
        try:
            status = client.get(path).status_code
        except Exception:  # noqa: BLE001 - a worker that cannot warm still serves (and reports the same error)
            log.exception("warming %s failed", path)
            continue
        if status != 200:
            log.warning("warming %s: HTTP %d", path, status)
    elapsed = time.perf_counter() - started
    log.info("worker warmed in %.2f s", elapsed)
    return elapsed
