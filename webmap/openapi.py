"""The OpenAPI 3 document, generated from the app's routes and their parameter schemas.

    build_spec(app) -> dict   the document, without a server or a request (the manual renders it)
    GET /api/openapi.json     the same document, with `servers` naming the host it was asked of

apispec walks every URL rule of the app (its Flask plugin turns `/api/projects/<project_id>` into
`/api/projects/{project_id}`), takes each route's query parameters from its marshmallow schemas
(webmap/params.py, the same declarations that name the parameters a route knows) and its answers from
OPERATIONS below. A route that is added without an entry there still appears, described by its
docstring, so the document cannot silently miss one (tests/test_openapi.py checks every rule).
"""
from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask, current_app, request

from registry.geo.basemap import BANDS
from webmap import openapi_schemas as schemas
from webmap.errors import JSON_PREFIXES
from webmap.params import ROUTE_PARAMETERS

TITLE = "Carbon-peak project registry API (碳达峰重点项目库)"
_BLANK = {"type": "string", "pattern": "^\\s*$"}


def _json(schema: dict, description: str, media: str = "application/json", example=None) -> dict:
    content = {"schema": schema}
    if example is not None:
        content["example"] = example
    return {"description": description, "content": {media: content}}


def _text(media: str, description: str) -> dict:
    return {"description": description, "content": {media: {"schema": {"type": "string"}}}}


def _binary(media: str, description: str) -> dict:
    return {"description": description, "content": {media: {"schema": {"type": "string", "format": "binary"}}}}


_ERROR = {"$ref": "#/components/schemas/Error"}
ERROR_WORDS = {400: "A bad parameter: `error.parameter` names it.", 404: "Not found.",
               414: "The URL is longer than the app reads (8,192 bytes): ask for fewer filter values.",
               503: "The registry database is missing or unreadable (rebuild it with `registry build`)."}
ERROR_EXAMPLES = {400: {"error": {"parameter": "min_mw", "message": "'abc' is not a number (megawatts)"}},
                  404: {"error": {"message": "no project with id 'x'"}},
                  414: {"error": {"message": "the request URI is longer than 8192 bytes; ask for fewer filter values"}},
                  503: {"error": {"message": "no registry database at registry.db; run `registry build` first"}}}


def _errors(statuses, html: bool = False) -> dict:
    if html:
        return {str(s): _text("text/html", ERROR_WORDS[s]) for s in statuses}
    return {str(s): _json(_ERROR, ERROR_WORDS[s], example=ERROR_EXAMPLES[s]) for s in statuses}


_GEOJSON = {"$ref": "#/components/schemas/FeatureCollection"}
_PROJECTS_JSON = "application/json"

# endpoint -> (operationId, summary, 200 answer); query parameters come from webmap/params.py.
OPERATIONS: dict[str, tuple[str, str, dict]] = {
    "api.projects": ("listProjects", "Filtered projects, paged (Link: rel=next)",
                     _json({"$ref": "#/components/schemas/ProjectPage"}, "A page of projects.")),
    "api.project": ("getProject", "One project", _json({"$ref": "#/components/schemas/Project"}, "The project.")),
    "api.facets": ("facets", "Counts and MW by type, province, city and county",
                   _json({"$ref": "#/components/schemas/Facets"}, "Facets of the filtered set.")),
    "api.places": ("places", "Places for the filter's type-ahead pickers: by name or pinyin (xiangyang, xy), grouped "
                   "province, city, county",
                   _json({"type": "object", "required": ["level", "q", "total", "places"], "properties": {
                       "level": {"type": "string"}, "q": {"type": "string"}, "total": {"type": "integer"},
                       "places": {"type": "array", "items": {"type": "object", "properties": {
                           "name": {"type": "string"}, "province": {"type": "string", "nullable": True},
                           "city": {"type": "string", "nullable": True}, "projects": {"type": "integer"}}}}}},
                         "Matching places, at most `limit`.")),
    "api.map_data": ("mapData", "Filtered projects for the map, as compact rows (no names)",
                     _json(schemas.MAP_FEED_SCHEMA, "Every filtered project, one row each.")),
    "api.boundaries": ("boundaries", "County boundaries of the plans' cities (one county, from any province, with `code`)", _json(_GEOJSON, "FeatureCollection.",
                                                                                     "application/geo+json")),
    "api.export_geojson": ("exportGeojson", "GeoJSON export (same bytes as `registry export --format geojson`; "
                           "HEAD and Range served, for GDAL's /vsicurl/)",
                           _json(_GEOJSON, "RFC 7946 FeatureCollection.", "application/geo+json")),
    "api.export_csv": ("exportCsv", "CSV export (same bytes as `registry export --format csv`)",
                       _text("text/csv", "projects.csv columns.")),
    "downloads.export_xlsx": ("exportXlsx", "Excel workbook of the filter (`registry export --format xlsx`)",
                              _binary("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                      "One sheet of projects, one of the export's metadata.")),
    "downloads.export_gpkg": ("exportGpkg", "GeoPackage of the filter, points and lines layers in EPSG:4326",
                              _binary("application/geopackage+sqlite3", "GeoPackage.")),
    "downloads.export_kml": ("exportKml", "KML of the filter's located projects",
                             _binary("application/vnd.google-earth.kml+xml", "KML 2.2.")),
    "mapapi.clusters": ("mapClusters", "Clusters of the filtered projects whose ~60 px cells meet the view",
                        _json(schemas.VIEW_SCHEMA, "columns and cluster rows.")),
    "mapapi.lines": ("mapLines", "Line projects drawn as lines at the zoom whose extent meets the view",
                     _json(schemas.VIEW_SCHEMA, "columns and line rows.")),
    "mapapi.summary": ("mapSummary", "How many of the filtered projects are drawn as points and lines, how many are "
                       "not on the map, and the box holding the drawn ones",
                       _json(schemas.MAP_SUMMARY_SCHEMA, "Counts and extent.")),
    "openapi.openapi": ("openapi", "This document", _json({"type": "object"}, "OpenAPI 3.0.")),
    "plans.api_plans": ("listPlans", "The plans, with counts of projects and targets",
                        _json(schemas.PLAN_LIST_SCHEMA, "Every plan.")),
    "plans.api_plan": ("getPlan", "One plan: metadata, targets (capacity ones beside the listed projects) and "
                       "project spans", _json(schemas.PLAN_DETAIL_SCHEMA, "The plan.")),
    "plans.api_targets": ("listTargets", "Targets of the plans, filtered",
                          _json(schemas.TARGET_LIST_SCHEMA, "The filtered targets.")),
    "plans.api_targets_csv": ("exportTargetsCsv", "Targets as CSV (targets.csv columns)",
                              _text("text/csv", "targets.csv columns.")),
    "targets.api_compare": ("compareTargets", "One indicator and target year across every plan",
                            _json({"$ref": "#/components/schemas/Comparison"}, "The comparison.")),
    "targets.api_compare_geojson": ("compareTargetsGeojson", "The compared plans' areas with their values",
                                    _json(_GEOJSON, "FeatureCollection, provinces first.", "application/geo+json")),
    "health.healthz": ("health", "Whether the registry can be read (for load balancers)",
                       _json(schemas.HEALTH_SCHEMA, "The registry is readable.",
                             example={"status": "ok", "built_at": "2026-11-22T01:36:00+00:00", "projects": 477})),
    "basemap.cell": ("basemapCell", "One cell of the offline basemap (boundaries and place names)",
                     _json(_GEOJSON, "FeatureCollection (empty where the cell has no land).", "application/geo+json")),
    "pages.map_page": ("mapPage", "The map (HTML)", _text("text/html", "The page.")),
    "pages.project_list": ("projectListPage", "The list (HTML)", _text("text/html", "The page.")),
    "pages.project_page": ("projectPage", "One project (HTML)", _text("text/html", "The page.")),
    "plans.plan_list": ("planListPage", "The plans (HTML)", _text("text/html", "The page.")),
    "plans.plan_page": ("planPage", "One plan with its text (HTML)", _text("text/html", "The page.")),
    "targets.compare_page": ("targetsPage", "Targets compared across plans (HTML)", _text("text/html", "The page.")),
    "about.about_page": ("aboutPage", "About the registry (HTML)", _text("text/html", "The page.")),
    "static": ("staticFile", "The app's own CSS and scripts", _text("application/octet-stream", "The file.")),
    "vendor.asset": ("vendorFile", "Leaflet and the map's other libraries, served offline",
                     _text("application/octet-stream", "The file.")),
}
_PATH_WORDS = {"project_id": "A project's id, as in projects.csv.", "doc_id": "A plan's doc_id (see /api/plans).",
               "band": "Zoom band of the basemap.", "cx": "Cell column.", "cy": "Cell row.",
               "filename": "File path.", "package": "Library."}


def _blank_allowed(self, field, ret: dict, **_kwargs) -> dict:
    """A field with `blank=True` also accepts a blank value ("not given": the HTML form sends empty fields).
    Parameters are strings on the wire, so a number, an enum or a pattern becomes anyOf [that, blank]."""
    if not field.metadata.get("blank"):
        return {}
    inner = {k: ret.pop(k) for k in list(ret) if k not in ("description", "default", "example")}
    return {"anyOf": [inner, _BLANK]}


def build_spec(app: Flask, server_url: str | None = None) -> dict:
    """The OpenAPI 3.0 document of every route of `app` (no server or request needed)."""
    marshmallow = MarshmallowPlugin()
    spec = APISpec(title=TITLE, version="1", openapi_version="3.0.3", plugins=[FlaskPlugin(), marshmallow],
                   info={"description": "Every list, count and export takes the same filter parameters. JSON "
                                        "answers list query parameters a route does not read under "
                                        "`unknown_parameters`; errors are `{\"error\": {\"parameter\", \"message\"}}`."},
                   servers=[{"url": server_url or "/", "description": "This server."}])
    marshmallow.converter.add_attribute_function(_blank_allowed)
    for name, schema in schemas.components().items():
        spec.components.schema(name, schema)
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            view = app.view_functions[rule.endpoint]
            spec.path(view=view, app=app, operations={"get": _operation(app, rule, view)})
    document = spec.to_dict()
    _document_doc_ids(document, _document_ids(app))
    return document


def _operation(app: Flask, rule, view) -> dict:
    operation_id, summary, answer = OPERATIONS.get(rule.endpoint) or (
        rule.endpoint.replace(".", "_"), (view.__doc__ or rule.endpoint).strip().splitlines()[0], _text(
            "application/octet-stream", "The answer."))
    query = [{"in": "query", "schema": schema} for schema in ROUTE_PARAMETERS.get(rule.endpoint, [])]
    path = [_path_parameter(name, converter) for name, converter in _converters(app, rule)]
    html = answer["content"].keys() == {"text/html"}
    json_errors = rule.rule.startswith(JSON_PREFIXES)  # as webmap/errors.py answers them
    statuses = [*([400] if query else []), *([404] if path else []), 414, *([503] if json_errors or html else [])]
    operation = {"operationId": operation_id, "summary": summary, "parameters": path + query,
                 "responses": {"200": answer, **_errors(statuses, html=not json_errors)}}
    if rule.endpoint.startswith(("api.", "mapapi.", "plans.api", "targets.api", "downloads.")) or rule.rule.startswith("/api/"):
        operation["tags"] = ["exports" if rule.rule.startswith("/export.") else "api"]
    else:
        operation["tags"] = ["pages" if html else "files"]
    return operation


def _converters(app: Flask, rule):
    return [(name, type(rule._converters[name]).__name__) for name in sorted(rule.arguments,
                                                                               key=lambda n: rule.rule.index(n))]


def _path_parameter(name: str, converter: str) -> dict:
    if name == "band":
        schema = {"type": "string", "enum": [band.name for band in BANDS]}
    elif converter == "IntegerConverter":
        schema = {"type": "integer"}
    else:
        schema = {"type": "string", "minLength": 1, "pattern": "^[^/]+$" if converter != "PathConverter" else ".+"}
    return {"name": name, "in": "path", "required": True, "description": _PATH_WORDS.get(name, name), "schema": schema}


def _document_ids(app: Flask) -> list[str] | None:
    """The registry's plans (the targets' `doc` filter refuses others), when the registry can be read."""
    from registry.store.query import Registry
    from registry.store.targets import document_ids

    try:
        with Registry(app.config["REGISTRY_DB"]) as registry:
            return document_ids(registry.conn)
    except Exception:  # no registry yet, or unreadable: the API still describes itself
        return None


def _document_doc_ids(document: dict, doc_ids: list[str] | None) -> None:
    """The targets' `doc` values: the registry's plans, an enum, when known."""
    if not doc_ids:
        return
    for path in ("/api/targets", "/api/targets.csv"):
        for parameter in document["paths"][path]["get"]["parameters"]:
            if parameter["name"] == "doc":
                parameter["schema"]["items"] = {"anyOf": [{"type": "string", "enum": doc_ids}, _BLANK]}


bp = Blueprint("openapi", __name__)


@bp.get("/api/openapi.json")
def openapi():
    """This document, with the server it was asked of."""
    return build_spec(current_app._get_current_object(), server_url=request.host_url.rstrip("/"))
