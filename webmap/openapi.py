"""The OpenAPI 3 description of /api/… and the exports, built from the same constants the routes check."""
from __future__ import annotations

from flask import Blueprint

from registry import mapgrid
from registry.query import LOCATED_VALUES, MAX_QUERY_LENGTH, SORTABLE, STAGE_UNKNOWN
from registry.schema import PRECISIONS, PROJECT_TYPES, RECORD_COLUMNS, STAGES
from webmap.api import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from webmap.mapfeed import MAP_COLUMNS
from webmap.openapi_plans import PLAN_SCHEMAS, plan_paths

# The filter refuses NUL characters; an array item is one value (a comma would split it in two).
# Blank values are ignored (as an empty min_mw is), so they are valid wherever a value is.
_BLANK = {"type": "string", "pattern": "^\\s*$"}
_TEXT = {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\x00]*$"}
_MEGAWATTS = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "maxLength": 0}]}
_DEGREES = "-?[0-9]{1,3}(\\.[0-9]{1,8})?"
BBOX_PATTERN = f"^{_DEGREES},{_DEGREES},{_DEGREES},{_DEGREES}$"
_ITEM = {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\x00,]*$"}


def _array(items: dict, description: str, name: str) -> dict:
    return {"name": name, "in": "query", "description": description, "style": "form", "explode": True,
            "schema": {"type": "array", "items": items, "maxItems": 50}}


FILTER_PARAMETERS = [
    _array({"anyOf": [{"type": "string", "enum": list(PROJECT_TYPES)}, _BLANK]},
           "Project type (repeat, or comma-separate, for several); a blank value is ignored.", "type"),
    _array(_ITEM, "Province, official name, e.g. 湖北省 (derived at build from the row's division code, places and "
           "plan).", "province"),
    _array(_ITEM, "City, e.g. 孝感市. A province plan's row that names no city has the province's name here.", "city"),
    _array(_ITEM, "County, e.g. 大悟县.", "county"),
    _array(_ITEM, "Plan: a doc_id of /api/plans, e.g. xiaogan_420900; an unknown one matches nothing.", "doc"),
    _array({"anyOf": [{"type": "string", "enum": [*STAGES, STAGE_UNKNOWN]}, _BLANK]},
           "Stage (Global Energy Monitor's status words), or `unknown` for rows that state none; "
           "a blank value is ignored.", "stage"),
    {"name": "located", "in": "query", "description": "yes: only projects with a location (drawn on the map); no: only "
     "those listed but not on the map (未上图: their plan names no place the geocoder can fix); empty: both.",
     "schema": {"anyOf": [{"type": "string", "enum": list(LOCATED_VALUES)}, _BLANK]}},
    {"name": "min_mw", "in": "query", "description": "Minimum capacity, MW; empty means none (as the form sends).",
     "schema": _MEGAWATTS},
    {"name": "max_mw", "in": "query", "description": "Maximum capacity, MW (not below min_mw); empty means none.",
     "schema": _MEGAWATTS},
    {"name": "q", "in": "query", "description": "Text in names and places; Chinese substrings of any length.", "schema": _TEXT},
    {"name": "bbox", "in": "query", "description": "west,south,east,north in degrees (WGS-84), west <= east within "
     "-180..180, south <= north within -90..90: projects whose point lies in the box.",
     "schema": {"anyOf": [{"type": "string", "pattern": BBOX_PATTERN}, _BLANK]}},
]
BOM_PARAMETER = {"name": "bom", "in": "query", "description": "1: start with a UTF-8 byte-order mark, for Excel.",
                 "schema": {"anyOf": [{"type": "string", "enum": ["0", "1"]}, _BLANK], "default": "0"}}
_VIEW_BOX = {"name": "bbox", "in": "query", "required": True, "description": "The view: west,south,east,north.",
             "schema": {"type": "string", "pattern": BBOX_PATTERN}}
_ZOOM = {"name": "zoom", "in": "query", "schema": {"type": "integer", "minimum": mapgrid.MIN_ZOOM,
                                                    "maximum": mapgrid.MAX_ZOOM}}
VIEW_PARAMETERS = [p for p in FILTER_PARAMETERS if p["name"] != "bbox"] + [_VIEW_BOX]
_VIEW = [{**_ZOOM, "required": True}]
_VIEW_RESPONSE = {"type": "object"}
PAGING_PARAMETERS = [
    {"name": "sort", "in": "query", "schema": {"anyOf": [{"type": "string", "enum": list(SORTABLE)}, _BLANK],
                                                "default": "id"}},
    {"name": "order", "in": "query", "schema": {"anyOf": [{"type": "string", "enum": ["asc", "desc"]}, _BLANK],
                                                 "default": "asc"}},
    {"name": "page", "in": "query", "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_PAGE}, _BLANK],
                                                "default": 1}},
    {"name": "per_page", "in": "query", "schema": {"anyOf": [
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}, _BLANK], "default": DEFAULT_PER_PAGE}},
    {"name": "after", "in": "query", "description": "Keyset cursor `<sort value>,<id>` of the last row seen "
     "(the listing's `next` link carries it); page × per_page stops at row 10,000.", "schema": {"type": "string"}},
]

_NUMBER_COLUMNS = {"capacity_mw", "voltage_kv", "lon", "lat"}
_INTEGER_COLUMNS = {"target_year", "source_start", "source_end"}


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
    "type": "object",
    "required": ["id", "name", "type", "url"],
    "properties": {**{c: _column_schema(c) for c in RECORD_COLUMNS},
                   "geojson": {"type": "object", "nullable": True, "description": "GeoJSON geometry (WGS-84)."},
                   "url": {"type": "string", "description": "The project's HTML page."}},
}
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
MAP_SUMMARY_SCHEMA = {
    "type": "object", "required": ["points", "lines", "not_located", "extent"], "properties": {
        "points": {"type": "integer"}, "lines": {"type": "integer"},
        "not_located": {"type": "integer", "description": "Listed but not on the map: no point is invented for them."},
        "extent": {"type": "array", "nullable": True, "items": {"type": "number"}, "minItems": 4, "maxItems": 4,
                   "description": "west, south, east, north (WGS-84) of every drawn project; null when none is."}}}
ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["message"], "properties": {
        "parameter": {"type": "string", "description": "The query parameter at fault."},
        "message": {"type": "string"}}}},
}
FACET_LIST = {"type": "array", "items": {"type": "object", "required": ["value", "count", "capacity_mw"], "properties": {
    "value": {"type": "string"}, "count": {"type": "integer"}, "capacity_mw": {"type": "number"}}}}


def _json(schema: dict, description: str, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema}}}


def _errors(*statuses: int) -> dict:
    words = {400: "A bad parameter: `error.parameter` names it.", 404: "Unknown id."}
    return {str(s): _json({"$ref": "#/components/schemas/Error"}, words[s]) for s in statuses}


def _geojson_response(description: str) -> dict:
    return _json({"type": "object", "required": ["type", "features"],
                  "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                                 "features": {"type": "array", "items": {"type": "object"}}}},
                 description, "application/geo+json")


def openapi_document() -> dict:
    listing = {"type": "object", "required": ["total", "page", "per_page", "projects"], "properties": {
        "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "filter": {"type": "object"}, "sort": {"type": "string"}, "order": {"type": "string"},
        "next": {"type": "string", "nullable": True, "description": "The next page (keyset), or null on the last."},
        "projects": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}}}}
    facets = {"type": "object", "required": ["total", "type", "province", "city", "county"], "properties": {
        "filter": {"type": "object"},
        "total": {"type": "object", "properties": {
            "count": {"type": "integer"}, "capacity_mw": {"type": "number"}, "capacity_known": {"type": "integer"},
            "located": {"type": "integer", "description": "Projects with a location: drawn on the map."},
            "not_located": {"type": "integer", "description": "Projects listed but not on the map (未上图)."}}},
        "type": FACET_LIST, "province": FACET_LIST, "city": FACET_LIST, "county": FACET_LIST}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Carbon-peak project registry API (碳达峰重点项目库)", "version": "1",
                 "description": "Every list, count and export takes the same filter parameters."},
        "paths": {
            "/api/projects": {"get": {"summary": "Filtered projects, paged", "operationId": "listProjects",
                                      "parameters": FILTER_PARAMETERS + PAGING_PARAMETERS,
                                      "responses": {"200": _json(listing, "A page of projects."), **_errors(400)}}},
            "/api/projects/{project_id}": {"get": {
                "summary": "One project", "operationId": "getProject",
                "parameters": [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": _json({"$ref": "#/components/schemas/Project"}, "The project."), **_errors(404)}}},
            "/api/facets": {"get": {"summary": "Counts and MW by type, province, city and county", "operationId": "facets",
                                    "parameters": FILTER_PARAMETERS,
                                    "responses": {"200": _json(facets, "Facets of the filtered set."), **_errors(400)}}},
            "/api/places": {"get": {
                "summary": "Places for the filter's type-ahead pickers: by name or pinyin (xiangyang, xy), grouped "
                           "province, city, county", "operationId": "places",
                "parameters": [
                    {"name": "level", "in": "query", "schema": {"type": "string", "enum": ["province", "city", "county"],
                                                                  "default": "county"}},
                    {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 100}},
                    {"name": "province", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
                     "explode": True},
                    {"name": "city", "in": "query", "schema": {"type": "array", "items": {"type": "string"}},
                     "explode": True},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500,
                                                                  "default": 50}}],
                "responses": {"200": _json({"type": "object", "properties": {
                    "level": {"type": "string"}, "q": {"type": "string"}, "total": {"type": "integer"},
                    "places": {"type": "array", "items": {"type": "object", "properties": {
                        "name": {"type": "string"}, "province": {"type": "string"}, "city": {"type": "string"},
                        "projects": {"type": "integer"}}}}}}, "Matching places, at most `limit`."), **_errors(400)}}},
            "/api/map.json": {"get": {"summary": "Filtered projects for the map, as compact rows (no names)",
                                      "operationId": "mapData", "parameters": FILTER_PARAMETERS,
                                      "responses": {"200": _json(MAP_FEED_SCHEMA, "Every filtered project, one row each."),
                                                    **_errors(400)}}},
            "/api/map/clusters": {"get": {
                "summary": "Clusters of the filtered projects whose ~60 px cells meet the view (bbox is the view)",
                "operationId": "mapClusters", "parameters": VIEW_PARAMETERS + _VIEW + [
                    {"name": "group", "in": "query", "schema": {"type": "string", "enum": list(mapgrid.GROUPS)}}],
                "responses": {"200": _json(_VIEW_RESPONSE, "columns and clusters rows."), **_errors(400)}}},
            "/api/map/lines": {"get": {
                "summary": "Line projects drawn as lines at the zoom whose extent meets the view (bbox is the view)",
                "operationId": "mapLines", "parameters": VIEW_PARAMETERS + [_ZOOM],
                "responses": {"200": _json(_VIEW_RESPONSE, "columns and lines rows."), **_errors(400)}}},
            "/api/map/summary": {"get": {
                "summary": "How many of the filtered projects are drawn as points and lines, how many are not on the "
                           "map, and the box holding the drawn ones (the map's first view)",
                "operationId": "mapSummary", "parameters": [p for p in FILTER_PARAMETERS if p["name"] != "bbox"],
                "responses": {"200": _json(MAP_SUMMARY_SCHEMA, "Counts and extent."), **_errors(400)}}},
            "/api/boundaries.geojson": {"get": {"summary": "County boundaries of the plans' cities (one county with code)",
                                                "operationId": "boundaries",
                                                "parameters": [{"name": "code", "in": "query", "schema": {
                                                    "type": "string", "pattern": "^[0-9]{6}$"}}],
                                                "responses": {"200": _geojson_response("FeatureCollection."),
                                                              **_errors(400)}}},
            "/export.geojson": {"get": {"summary": "GeoJSON export (same bytes as `registry export --format geojson`)",
                                        "operationId": "exportGeojson", "parameters": FILTER_PARAMETERS,
                                        "responses": {"200": _geojson_response("RFC 7946 FeatureCollection."), **_errors(400)}}},
            "/export.csv": {"get": {"summary": "CSV export (same bytes as `registry export --format csv`)",
                                    "operationId": "exportCsv", "parameters": FILTER_PARAMETERS + [BOM_PARAMETER],
                                    "responses": {"200": {"description": "projects.csv columns.",
                                                          "content": {"text/csv": {"schema": {"type": "string"}}}},
                                                  **_errors(400)}}},
            **plan_paths(_document_ids()),
        },
        "components": {"schemas": {"Project": PROJECT_SCHEMA, "Error": ERROR_SCHEMA, **PLAN_SCHEMAS}},
    }


def _document_ids() -> list[str] | None:
    """The registry's plans, when there is a request (and a registry) to ask."""
    from flask import has_request_context

    from registry.targets import document_ids
    from webmap.db import get_registry

    if not has_request_context():
        return None
    try:
        return document_ids(get_registry().conn)
    except FileNotFoundError:  # no registry yet: the API still describes itself
        return None


bp = Blueprint("openapi", __name__)


@bp.get("/api/openapi.json")
def openapi():
    return openapi_document()
