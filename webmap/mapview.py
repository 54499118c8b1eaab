"""What the map page needs beyond the shared filter context: the frame's options and the
print header's filter summary."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from registry.store import mapgrid
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
