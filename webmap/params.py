"""The query parameters of every route, declared once as marshmallow schemas.

    ROUTE_PARAMETERS[endpoint] -> [Schema class, …]   the query parameters an endpoint reads
    known_parameters(endpoint) -> set[str]            their names (others are reported, then ignored)
    unknown_parameters() -> list[str]                 the request's names that its endpoint does not read

webmap/openapi.py documents each route's parameters from these schemas (apispec's marshmallow plugin), and
the JSON answers list the names a route does not read under `unknown_parameters`, as Datasette warns of
them. The values themselves are checked where they always were (registry.store.query.ProjectFilter,
registry.store.targets.TargetFilter, registry.store.target_compare.CompareQuery: the CLI reads the same filters), with
the bounds that these schemas document, taken from the same constants.

Conventions of the documented values: a repeatable filter is an array of at most MAX_VALUES_PER_PARAMETER
values (repeat the parameter, or comma-separate); a blank value means "not given" (the HTML form sends
empty fields), which `blank=True` in a field's metadata declares.
"""
from __future__ import annotations

from flask import request
from marshmallow import Schema, fields, validate

from registry.store.map_clustering import GROUPS, MAX_ZOOM, MIN_ZOOM
from registry.targets.indicators import INDICATORS
from registry.store.query import LOCATED_VALUES, MAX_QUERY_LENGTH, MAX_VALUES_PER_PARAMETER, SORTABLE, STAGE_UNKNOWN
from registry.rows.schema import PROJECT_TYPES, STAGES
from registry.store.target_compare import COMPARABLE, ORDERS, SORTS

# The largest per_page, and the deepest page the API serves by number (page × per_page stays within
# MAX_OFFSET_ROWS whatever per_page is); deeper rows come by the keyset `next` link.
MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 100
MAX_OFFSET_ROWS = 10_000
API_MAX_PAGE = MAX_OFFSET_ROWS // MAX_PER_PAGE

# One value of a repeatable text filter: no NUL, no comma (a comma separates two values).
_ITEM = dict(validate=validate.Length(max=MAX_QUERY_LENGTH), metadata={"pattern": "^[^\\x00,]*$"})
# A number in degrees as the bbox pattern spells it: the ranges (-180..180, -90..90) in the pattern itself.
_LON = "-?(180(\\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\\.[0-9]{1,12})?)"
_LAT = "-?(90(\\.0+)?|[0-8]?[0-9](\\.[0-9]{1,12})?)"
BBOX_PATTERN = f"^{_LON},{_LAT},{_LON},{_LAT}$"


def _repeatable(inner: fields.Field, description: str, example=None) -> fields.List:
    metadata = {"description": description}
    if example is not None:
        metadata["example"] = [example]
    return fields.List(inner, validate=validate.Length(max=MAX_VALUES_PER_PARAMETER), metadata=metadata)


def _choice(values, blank: bool = True, **metadata) -> fields.String:
    return fields.String(validate=validate.OneOf(list(values)), metadata={"blank": blank, **metadata})


def _megawatts(description: str) -> fields.Float:
    return fields.Float(validate=validate.Range(min=0), metadata={"description": description, "blank": True,
                                                                  "example": 100})


class ProjectFilterParams(Schema):
    """The project filter (registry.store.query.ProjectFilter): the map, the list, the counts and every export."""
    type = _repeatable(_choice(PROJECT_TYPES), "Project type (repeat, or comma-separate, for several).", "solar_pv")
    province = _repeatable(fields.String(**_ITEM), "Province, official name.", "湖北省")
    city = _repeatable(fields.String(**_ITEM), "City. A province plan's row that names no city has the province "
                       "here.", "孝感市")
    county = _repeatable(fields.String(**_ITEM), "County.", "大悟县")
    doc = _repeatable(fields.String(**_ITEM), "Plan: a doc_id of /api/plans; an unknown one matches nothing.",
                      "xiaogan_420900")
    stage = _repeatable(_choice([*STAGES, STAGE_UNKNOWN]), "Stage (Global Energy Monitor's status words), or "
                        f"`{STAGE_UNKNOWN}` for rows that state none.", "construction")
    located = _choice(LOCATED_VALUES, description="yes: only projects drawn on the map; no: only those listed but "
                      "not on the map (未上图: their plan names no place the geocoder can fix); empty: both.")
    min_mw = _megawatts("Minimum capacity, MW. Above max_mw, nothing matches (and `warnings` says why).")
    max_mw = _megawatts("Maximum capacity, MW.")
    q = fields.String(validate=validate.Length(max=MAX_QUERY_LENGTH), metadata={
        "description": "Text in names and places; Chinese substrings of any length.", "pattern": "^[^\\x00]*$",
        "example": "光伏"})
    bbox = fields.String(metadata={
        "description": "west,south,east,north in degrees (WGS-84): projects whose point lies in the box. A box "
                       "with west > east or south > north holds nothing (and `warnings` says so).",
        "pattern": BBOX_PATTERN, "blank": True, "example": "110,29,116,33"})


class SortParams(Schema):
    sort = _choice(SORTABLE, description="Sort column.", default="id")
    order = _choice(["asc", "desc"], default="asc")


class PagingParams(SortParams):
    page = fields.Integer(validate=validate.Range(1, API_MAX_PAGE), metadata={
        "blank": True, "default": 1, "description": f"Page, up to {API_MAX_PAGE}; deeper rows: follow `next`."})
    per_page = fields.Integer(validate=validate.Range(1, MAX_PER_PAGE),
                              metadata={"blank": True, "default": DEFAULT_PER_PAGE})
    after = fields.String(validate=validate.Length(max=2 * MAX_QUERY_LENGTH), metadata={
        "description": "Keyset cursor `<sort value>,<id>` of the last row seen, a place in the sort order (the "
                       "`next` link and the `Link` header carry it); `page` then counts on from it.",
        "pattern": "^[^\\x00]*,[^,\\x00]*[^,\\x00\\s][^,\\x00]*$", "blank": True})


class CsvParams(Schema):
    bom = _choice(["0", "1"], description="1: start with a UTF-8 byte-order mark, for Excel.", default="0")
    header = _choice(["label", "code"], description="label: the header row in the request's language (`lang`); "
                     "code: projects.csv's column codes, for programs.", default="label")


class PlacesParams(Schema):
    """The filter form's type-ahead pickers (registry.store.placesearch)."""
    level = _choice(["province", "city", "county"], blank=False, default="county")
    q = fields.String(validate=validate.Length(max=100), metadata={
        "description": "Part of the name, or the start of its pinyin (full or initials).", "pattern": "^[^\\x00]*$",
        "example": "xiang"})
    province = _repeatable(fields.String(**_ITEM), "Only places in these provinces.", "湖北省")
    city = _repeatable(fields.String(**_ITEM), "Only places in these cities.", "襄阳市")
    limit = fields.Integer(validate=validate.Range(1, 500), metadata={"default": 50})


class BoundaryParams(Schema):
    code = fields.String(metadata={"description": "One county, by its six-digit code.", "pattern": "^[0-9]{6}$",
                                   "example": "420607"})


class ViewParams(ProjectFilterParams):
    """The map's viewport: the filter without its own box, and the view (required) with the zoom."""
    class Meta:
        exclude = ("bbox",)

    view = fields.String(required=True, data_key="bbox", metadata={
        "description": "The view: west,south,east,north (WGS-84).", "pattern": BBOX_PATTERN, "example": "110,29,116,33"})
    zoom = fields.Integer(required=True, validate=validate.Range(MIN_ZOOM, MAX_ZOOM),
                          metadata={"example": 8})


class ClusterParams(ViewParams):
    group = fields.String(validate=validate.OneOf(list(GROUPS)), metadata={"default": "family"})


class LineParams(ViewParams):
    zoom = fields.Integer(validate=validate.Range(MIN_ZOOM, MAX_ZOOM), metadata={"example": 8})


class SummaryParams(ProjectFilterParams):
    class Meta:
        exclude = ("bbox",)


class TargetFilterParams(Schema):
    """The target filter (registry.store.targets.TargetFilter)."""
    city = _repeatable(fields.String(**_ITEM), "City.", "孝感市")
    county = _repeatable(fields.String(**_ITEM), "County-level unit.", "津市市")
    doc = _repeatable(fields.String(validate=validate.Length(max=64), metadata={
        "pattern": "^[A-Za-z0-9_.-]*$", "blank": True}), "Plan (a doc_id of /api/plans); an unknown one is a 400.")
    indicator = _repeatable(_choice(INDICATORS), "Indicator of the vocabulary (registry/targets/indicators.py).",
                            "non_fossil_share")
    year = _repeatable(fields.Integer(validate=validate.Range(1990, 2100), metadata={"blank": True}),
                       "Target year.", 2025)


class CompareParams(Schema):
    indicator = _choice(COMPARABLE, description="One indicator of the vocabulary (not `other`); default: the one "
                        "most plans set.", example="non_fossil_share")
    year = fields.Integer(validate=validate.Range(1990, 2100), metadata={
        "blank": True, "description": "Target year; default: the indicator's most common one."})
    sort = _choice(SORTS, default="value")
    order = _choice(ORDERS, default="desc")


ROUTE_PARAMETERS: dict[str, list[type[Schema]]] = {
    "api.projects": [ProjectFilterParams, PagingParams],
    "api.facets": [ProjectFilterParams],
    "api.map_data": [ProjectFilterParams],
    "api.export_geojson": [ProjectFilterParams],
    "api.export_csv": [ProjectFilterParams, CsvParams],
    "api.places": [PlacesParams],
    "api.boundaries": [BoundaryParams],
    "downloads.export_xlsx": [ProjectFilterParams],
    "downloads.export_gpkg": [ProjectFilterParams],
    "downloads.export_kml": [ProjectFilterParams],
    "mapapi.clusters": [ClusterParams],
    "mapapi.lines": [LineParams],
    "mapapi.summary": [SummaryParams],
    "plans.api_targets": [TargetFilterParams],
    "plans.api_targets_csv": [TargetFilterParams],
    "targets.api_compare": [CompareParams],
    "targets.api_compare_geojson": [CompareParams],
    # HTML pages read the same filters as their JSON.
    "pages.map_page": [ProjectFilterParams],
    # The list's own page links page by number up to row MAX_OFFSET_ROWS (page × per_page, which OpenAPI cannot
    # state): they are the page's to make, not documented parameters.
    "pages.project_list": [ProjectFilterParams, SortParams],
    "targets.compare_page": [CompareParams],
}


# Every route knows `lang` (webmap/i18n: zh, the default, or en): the language of a page, of the CSV's header
# and of HTML error pages. It is not documented per operation: any other value means the default.
EVERY_ROUTE = {"lang"}


def known_parameters(endpoint: str | None) -> set[str]:
    return EVERY_ROUTE | {field.data_key or name for schema in ROUTE_PARAMETERS.get(endpoint or "", [])
                          for name, field in schema().fields.items()}


def unknown_parameters() -> list[str]:
    """The request's query parameter names that its endpoint does not read (sorted; empty for most)."""
    known = known_parameters(request.endpoint)
    return sorted(name for name in request.args.keys() if name not in known)
