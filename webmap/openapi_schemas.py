"""Schemas of the API's answers, for webmap/openapi.py (the parameters are in webmap/params.py)."""
from __future__ import annotations

from registry.rows.schema import PRECISIONS, PROJECT_TYPES, RECORD_COLUMNS, STAGES
from webmap.mapfeed import MAP_COLUMNS
from webmap.openapi_plans import PLAN_DETAIL_SCHEMA, PLAN_LIST_SCHEMA, PLAN_SCHEMAS, TARGET_LIST_SCHEMA

__all__ = ["HEALTH_SCHEMA", "MAP_FEED_SCHEMA", "MAP_SUMMARY_SCHEMA", "PLAN_DETAIL_SCHEMA", "PLAN_LIST_SCHEMA",
           "TARGET_LIST_SCHEMA", "VIEW_SCHEMA", "components"]

_NUMBER_COLUMNS = {"capacity_mw", "voltage_kv", "lon", "lat"}
_INTEGER_COLUMNS = {"target_year", "source_start", "source_end"}
# What every JSON answer of a filtered route may carry besides its data.
NOTES = {
    "unknown_parameters": {"type": "array", "items": {"type": "string"},
                           "description": "Query parameters this route does not read (ignored); absent when none."},
    "warnings": {"type": "array", "items": {"type": "string"},
                 "description": "Why a valid filter matches nothing (min_mw above max_mw, a box turned inside out); "
                                "absent when none."},
}


def _column_schema(column: str) -> dict:
    if column in _NUMBER_COLUMNS:
        return {"type": "number", "nullable": True}
    if column in _INTEGER_COLUMNS:
        return {"type": "integer", "nullable": True}
    if column == "type":
        return {"type": "string", "enum": list(PROJECT_TYPES)}
    if column == "stage":
        return {"type": "string", "enum": ["", *STAGES]}
    if column == "precision":
        return {"type": "string", "enum": ["", *PRECISIONS]}
    return {"type": "string"}


PROJECT_SCHEMA = {
    "type": "object", "required": ["id", "name", "type", "url"],
    "properties": {**{c: _column_schema(c) for c in RECORD_COLUMNS},
                   "geojson": {"type": "object", "nullable": True, "description": "GeoJSON geometry (WGS-84)."},
                   "url": {"type": "string", "description": "The project's HTML page."}},
}
PROJECT_PAGE_SCHEMA = {"type": "object", "required": ["total", "page", "per_page", "projects", "next"], "properties": {
    "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
    "filter": {"type": "object"}, "sort": {"type": "string"}, "order": {"type": "string"},
    "next": {"type": "string", "nullable": True, "format": "uri",
             "description": "Absolute URL of the next page (keyset), also sent as `Link: <…>; rel=\"next\"`; "
                            "null on the last."},
    "projects": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}}, **NOTES}}
FACET_LIST = {"type": "array", "items": {"type": "object", "required": ["value", "count", "capacity_mw"], "properties": {
    "value": {"type": "string"}, "count": {"type": "integer"}, "capacity_mw": {"type": "number"}}}}
FACETS_SCHEMA = {"type": "object", "required": ["total", "type", "province", "city", "county"], "properties": {
    "filter": {"type": "object"},
    "total": {"type": "object", "properties": {
        "count": {"type": "integer"}, "capacity_mw": {"type": "number"}, "capacity_known": {"type": "integer"},
        "located": {"type": "integer", "description": "Projects with a location: drawn on the map."},
        "not_located": {"type": "integer", "description": "Projects listed but not on the map (未上图)."}}},
    "type": FACET_LIST, "province": FACET_LIST, "city": FACET_LIST, "county": FACET_LIST, **NOTES}}
# OpenAPI 3.0 has no tuple arrays, so a row's cells are described in words (MAP_COLUMNS order).
MAP_FEED_SCHEMA = {
    "type": "object", "required": ["total", "columns", "rows"],
    "properties": {
        "total": {"type": "integer", "description": "Projects in the filter (located or not): the number of rows."},
        "columns": {"type": "array", "items": {"type": "string", "enum": list(MAP_COLUMNS)}},
        "rows": {"type": "array", "items": {
            "type": "array", "minItems": len(MAP_COLUMNS), "maxItems": len(MAP_COLUMNS), "items": {},
            "description": "id, type, capacity_mw (null if not stated), precision, and geometry: [lon, lat] for "
                           "a point, a GeoJSON geometry object for a line or other shape, null if not located."}}},
}
VIEW_SCHEMA = {"type": "object", "properties": {"columns": {"type": "array", "items": {"type": "string"}}, **NOTES}}
MAP_SUMMARY_SCHEMA = {
    "type": "object", "required": ["points", "lines", "not_located", "extent"], "properties": {
        "points": {"type": "integer"}, "lines": {"type": "integer"},
        "not_located": {"type": "integer", "description": "Listed but not on the map: no point is invented for them."},
        "extent": {"type": "array", "nullable": True, "items": {"type": "number"}, "minItems": 4, "maxItems": 4,
                   "description": "west, south, east, north (WGS-84) of every drawn project; null when none is."},
        **NOTES}}
HEALTH_SCHEMA = {"type": "object", "required": ["status"], "properties": {
    "status": {"type": "string", "enum": ["ok"]}, "built_at": {"type": "string"}, "projects": {"type": "integer"}}}
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["message"], "properties": {
        "parameter": {"type": "string", "description": "The query parameter at fault."},
        "message": {"type": "string"}}}},
}
FEATURE_COLLECTION_SCHEMA = {"type": "object", "required": ["type", "features"], "properties": {
    "type": {"type": "string", "enum": ["FeatureCollection"]}, "features": {"type": "array", "items": {"type": "object"}}}}


def components() -> dict[str, dict]:
    return {"Project": PROJECT_SCHEMA, "ProjectPage": PROJECT_PAGE_SCHEMA, "Facets": FACETS_SCHEMA,
            "Error": ERROR_SCHEMA, "FeatureCollection": FEATURE_COLLECTION_SCHEMA, **PLAN_SCHEMAS}
