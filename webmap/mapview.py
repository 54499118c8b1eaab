"""What the map page needs beyond the shared filter context: the frame's options, the first view's
projects and the print header's filter summary."""
from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from registry.store import mapgrid
from registry.store.map_clustering import MIN_ZOOM
from registry.store.map_points import mercator_x, mercator_y
from registry.store.mapcells import TILE_PX
from registry.store.query import ProjectFilter
from registry.rows.schema import PROJECT_TYPES
from webmap import labels
from webmap.db import get_registry
from webmap.i18n import TIMEZONE



def frame_options(project_filter: ProjectFilter | None) -> dict:
    if project_filter is None:  # a bad filter: the page shows the error and draws nothing
        return {"types": [], "filter_query": None, "summary": None}
    registry = get_registry()
    # The map's view is its own (the URL hash); a bbox in the query narrows the list and the table.
    where, params = replace(project_filter, bbox=None).where()
    # The legend lists what is drawn: a type whose projects are all off the map (未上图) has no symbol to explain.
    drawn = mapgrid.drawn_types(registry.conn, registry.path, where, params)
    return {"types": [t for t in PROJECT_TYPES if t in drawn],
            "filter_query": urlencode(replace(project_filter, bbox=None).to_params()),
            "summary": mapgrid.summary(registry.conn, registry.path, where, params)}


# The map panes a first view is fitted into, in CSS px (width, height): from a phone's (390 x 752 at 390 x 844)
# to a large desktop's (1600 x 725 at 1920 x 1080, 2240 x 977 at 2560 x 1440), beside the page's sidebar.
FIT_PANES = ((360, 560), (2240, 1000))
# map.js fits the first view no closer than this (fitOptions: 9 where every project sits on one spot).
FIT_MAX_ZOOM, ONE_PLACE_MAX_ZOOM, ONE_PLACE_DEGREES = 12, 9, 0.05
# Inlined answers past this many bytes of JSON are left to the page to fetch (the page's HTML is ~32 KB).
FIRST_VIEW_MAX_BYTES = 64_000


def fitted_zooms(extent: list[float]) -> list[int]:
    """The zooms at which map.js's first view can show `extent` (w, s, e, n) whole, for FIT_PANES.

    Leaflet's fitBounds picks the closest zoom at which the box and the controls' padding fit in the pane:
    at most the zoom at which the box alone fills the largest pane, and no less than one below the zoom at
    which it fills the smallest (the padding: the legend, the controls and the largest symbol)."""
    w, s, e, n = extent
    span_x = float(mercator_x(e) - mercator_x(w)) * TILE_PX
    span_y = float(mercator_y(s) - mercator_y(n)) * TILE_PX
    one_place = e - w < ONE_PLACE_DEGREES and n - s < ONE_PLACE_DEGREES
    highest = ONE_PLACE_MAX_ZOOM if one_place else FIT_MAX_ZOOM

    def fit(width: int, height: int) -> int:
        scale = min(width / span_x if span_x else math.inf, height / span_y if span_y else math.inf)
        return highest if math.isinf(scale) else max(MIN_ZOOM, min(highest, math.floor(math.log2(scale))))

    (small_w, small_h), (large_w, large_h) = FIT_PANES
    return list(range(max(MIN_ZOOM, fit(small_w, small_h) - 1), fit(large_w, large_h) + 1))


def first_view(project_filter: ProjectFilter | None, summary: dict | None) -> dict | None:
    """The answers of /api/map/clusters and /api/map/lines for the filter's whole extent at each zoom its
    first view can take (fitted_zooms), for map.js to draw the first view without a round trip.

    Every drawn project lies inside the extent, so any view holding the extent at one of these zooms gets
    these very clusters and lines from the endpoints (tests/test_map_first_view.py checks the page's own
    first view against them); map.js uses them only for such a view, coloured by type (the endpoints'
    default group), and fetches any other. Zooms are added while the JSON stays under FIRST_VIEW_MAX_BYTES."""
    if project_filter is None or not summary or not summary.get("extent"):
        return None
    registry = get_registry()
    where, params = replace(project_filter, bbox=None).where()
    extent = tuple(summary["extent"])
    zooms, size = {}, 0
    for zoom in fitted_zooms(list(extent)):
        answer = {"clusters": mapgrid.view_clusters(registry.conn, registry.path, where, params, zoom, extent),
                  "lines": mapgrid.view_lines(registry.conn, registry.path, where, params, extent, zoom)}
        size += len(json.dumps(answer, separators=(",", ":")))
        if size > FIRST_VIEW_MAX_BYTES:
            break
        zooms[str(zoom)] = answer
    return {"bbox": list(extent), "zooms": zooms}


def filter_summary(project_filter: ProjectFilter | None) -> str:
    """The filter in words for the printed page: "类型 Type: 光伏 Solar PV; 市 City: 孝感市"."""
    if project_filter is None or project_filter.is_empty():
        return labels.heading("no_filter")
    parts: dict[str, list[str]] = {}
    for name, value in project_filter.to_params():
        shown = labels.type_label(value) if name == "type" else labels.stage_label(value) if name == "stage" \
            else labels.located_label(value) if name == "located" else value
        parts.setdefault(name, []).append(shown)
    return "; ".join(f"{labels.field_label(name)}: {', '.join(values)}" for name, values in parts.items())


def page_context(project_filter: ProjectFilter | None) -> dict:
    return {"filter_summary": filter_summary(project_filter),
            # The print date is Beijing's (the page labels it 北京时间), whatever the server's zone.
            "today": datetime.now(ZoneInfo(TIMEZONE)).date().isoformat()}
