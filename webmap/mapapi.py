"""The map's viewport endpoints: clusters and lines of the current filter inside a view.

    /api/map/clusters?bbox=w,s,e,n&zoom=z&<filter>   clusters whose ~60 px cells meet the view
                                                     (&group=stage: by stage, not type family)
    /api/map/lines?bbox=w,s,e,n[&zoom=z]&<filter>    line projects spanning a cell at z, meeting the view
                                                     (shorter ones are in the clusters)
    /api/map/summary?<filter>                        how many are drawn, and the box holding them

The answers' size depends on the screen, not on the registry (registry/store/mapgrid.py). `bbox`
here is the view; the filter's other parameters are the page's filter, read by the same
`ProjectFilter` as the list and the exports.
"""
from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, request

from registry.store import mapgrid
from registry.store.map_clustering import GROUPS, MAX_ZOOM, MIN_ZOOM
from registry.store.query import FilterError, ProjectFilter
from webmap.api import with_notes
from webmap.db import get_registry

bp = Blueprint("mapapi", __name__)


def _filter_and_view(view_required: bool = True):
    project_filter = ProjectFilter.from_params(request.args)
    if view_required and project_filter.bbox is None:
        raise FilterError("bbox", "the view is required: bbox=west,south,east,north")
    where, params = replace(project_filter, bbox=None).where()
    return project_filter, where, params


def _zoom() -> int:
    values = request.args.getlist("zoom")
    if len(values) != 1:
        raise FilterError("zoom", "give one zoom level %(low)d..%(high)d", low=MIN_ZOOM, high=MAX_ZOOM)
    try:
        zoom = int(values[0])
    except ValueError:
        raise FilterError("zoom", "%(value)r is not a whole number", value=values[0][:40]) from None
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise FilterError("zoom", "%(value)d is outside %(low)d..%(high)d", value=zoom, low=MIN_ZOOM,
                          high=MAX_ZOOM)
    return zoom


@bp.get("/api/map/clusters")
def clusters():
    project_filter, where, params = _filter_and_view()
    view, zoom = project_filter.bbox, _zoom()
    group = request.args.get("group", "family")
    if group not in GROUPS:
        raise FilterError("group", "%(value)r is not one of %(expected)s", value=group[:40],
                          expected=", ".join(GROUPS))
    registry = get_registry()
    return with_notes(mapgrid.view_clusters(registry.conn, registry.path, where, params, zoom, view, group),
                      project_filter)


@bp.get("/api/map/lines")
def lines():
    project_filter, where, params = _filter_and_view()
    view, zoom = project_filter.bbox, _zoom() if "zoom" in request.args else MAX_ZOOM
    registry = get_registry()
    return with_notes(mapgrid.view_lines(registry.conn, registry.path, where, params, view, zoom), project_filter)


@bp.get("/api/map/summary")
def summary():
    project_filter, where, params = _filter_and_view(view_required=False)
    registry = get_registry()
    return with_notes(mapgrid.summary(registry.conn, registry.path, where, params), project_filter)
