"""The OpenAPI description of the plan and target routes (webmap/plans.py), from the same vocabulary they check."""
from __future__ import annotations

from registry.indicators import INDICATORS
from registry.query import MAX_QUERY_LENGTH
from registry.schema import TARGET_COLUMNS
from registry.target_compare import COMPARABLE, LEVEL_ORDER, ORDERS, SORTS

_BLANK = {"type": "string", "pattern": "^\\s*$"}
_ITEM = {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": "^[^\\x00,]*$"}


def _array(name: str, items: dict, description: str) -> dict:
    return {"name": name, "in": "query", "description": description, "style": "form", "explode": True,
            "schema": {"type": "array", "items": items, "maxItems": 50}}


TARGET_FILTER_PARAMETERS = [
    _array("city", _ITEM, "City, e.g. 孝感市."),
    _array("county", _ITEM, "County-level unit, e.g. 津市市."),
    None,  # doc: its values are the registry's documents, filled in by plan_paths()
    _array("indicator", {"anyOf": [{"type": "string", "enum": list(INDICATORS)}, _BLANK]},
           "Indicator of the vocabulary (registry/indicators.py)."),
    _array("year", {"anyOf": [{"type": "integer", "minimum": 1990, "maximum": 2100}, _BLANK]}, "Target year."),
]
_NUMBERS = {"value": "number", "value_normalised": "number", "year": "integer", "source_start": "integer",
            "source_end": "integer"}
TARGET_SCHEMA = {
    "type": "object", "required": list(TARGET_COLUMNS),
    "properties": {c: ({"type": _NUMBERS[c], "nullable": c == "year"} if c in _NUMBERS else
                       {"type": "string", "enum": list(INDICATORS)} if c == "indicator" else {"type": "string"})
                   for c in TARGET_COLUMNS},
}
_TARGET_WITH_CAPACITY = {"allOf": [{"$ref": "#/components/schemas/Target"}, {"type": "object", "properties": {
    "anchor": {"type": "string", "description": "The id of the target's span on the plan page."},
    "capacity": {"type": "object", "nullable": True, "description": "For a capacity target: the plan's listed projects "
                 "of the types it counts (target_mw, listed_mw, projects, projects_with_capacity, counts_types). kind: added "
                 "(a target of additions) or total (an installed total, existing plants included); by_year_mw and "
                 "projects_by_year: those due by the target's year, undated_mw/projects_undated: no year stated, "
                 "later_mw/projects_later: due after it; share: by_year_mw / target_mw for a target of additions, "
                 "null for a total."}}}]}
PLAN_SCHEMA = {"type": "object", "required": ["doc_id", "title", "city", "url"], "properties": {
    "doc_id": {"type": "string"}, "title": {"type": "string"}, "city": {"type": "string"},
    "draft": {"type": "boolean", "description": "A consultation draft (征求意见稿)."},
    "projects": {"type": "integer"}, "targets": {"type": "integer"}, "url": {"type": "string"},
    "level": {"type": "string", "enum": ["national", "province", "city", "county"],
              "description": "From the plan's area code: 全国, 省级, 市级 or 县级."},
    "projects_located": {"type": "integer", "description": "Its projects drawn on the map."},
    "projects_not_located": {"type": "integer", "description": "Its projects listed but not on the map (未上图)."}}}
_LEVEL = {"type": "string", "enum": list(LEVEL_ORDER)}
_PLAN_REF = {"type": "object", "required": ["doc_id", "title", "level", "url"], "properties": {
    "doc_id": {"type": "string"}, "title": {"type": "string"}, "level": _LEVEL,
    "area_code": {"type": "string"}, "area_name": {"type": "string"}, "province": {"type": "string"},
    "on_map": {"type": "boolean", "description": "Whether the plan's area can be drawn."}, "url": {"type": "string"}}}
_STATEMENT = {"type": "object", "required": ["metric", "value", "source_start", "source_end", "span_url"], "properties": {
    "metric": {"type": "string"}, "value": {"type": "number"}, "value_plan": {"type": "number"},
    "unit_plan": {"type": "string"}, "section": {"type": "string"}, "source_start": {"type": "integer"},
    "source_end": {"type": "integer"}, "quote": {"type": "string", "description": "The words of the span."},
    "span_url": {"type": "string", "description": "The span on the plan page."}}}
COMPARED_PLAN_SCHEMA = {"allOf": [_PLAN_REF, {"type": "object", "required": [
    "value", "unit", "year", "metric", "span_url", "statements", "class", "colour"], "properties": {
    "value": {"type": "number", "description": "In the normalised unit: the plan's first target of this indicator and year."},
    "unit": {"type": "string"}, "value_plan": {"type": "number"}, "unit_plan": {"type": "string"},
    "year": {"type": "integer"}, "metric": {"type": "string", "description": "The plan's own words."},
    "base_year": {"type": "integer", "nullable": True},
    "quote": {"type": "string"}, "span_url": {"type": "string"}, "level_label": {"type": "string"},
    "statements": {"type": "array", "items": _STATEMENT, "description": "Every target of this indicator and year in "
                                                                        "the plan, the first one first."},
    "values_differ": {"type": "boolean"}, "class": {"type": "integer"}, "colour": {"type": "string"}}}]}
COMPARISON_SCHEMA = {"type": "object", "required": ["indicator", "year", "unit", "total", "plans", "classes", "years",
                                                     "other_years", "without", "description", "links"], "properties": {
    "indicator": {"type": "object", "nullable": True, "description": "null when no plan sets any target."},
    "year": {"type": "integer", "nullable": True}, "unit": {"type": "string", "nullable": True},
    "base_year": {"type": "integer", "nullable": True, "description": "A reduction's base year, where plans state "
                  "one (比2020年): the scale holds the commonest; null if none is stated."},
    "sort": {"type": "string", "enum": list(SORTS)}, "order": {"type": "string", "enum": list(ORDERS)},
    "total": {"type": "integer", "description": "Plans compared (rows of the table)."},
    "on_map": {"type": "integer", "description": "Of them, plans whose area is drawn."},
    "levels": {"type": "object", "additionalProperties": {"type": "integer"}},
    "plans": {"type": "array", "items": {"$ref": "#/components/schemas/ComparedPlan"}},
    "classes": {"type": "array", "items": {"type": "object", "required": ["min", "max", "plans", "colour"],
                                           "properties": {"min": {"type": "number"}, "max": {"type": "number"},
                                                          "plans": {"type": "integer"}, "colour": {"type": "string"}}}},
    "years": {"type": "array", "items": {"type": "object", "properties": {"year": {"type": "integer"},
                                                                         "plans": {"type": "integer"}}}},
    "other_years": {"type": "array", "items": _PLAN_REF, "description": "Plans that set the indicator for other years."},
    "other_scales": {"type": "array", "items": _PLAN_REF, "description": "Plans that state it in another unit, or "
                     "(a reduction) from another base year than the scale's: listed, not compared."},
    "without": {"type": "array", "items": _PLAN_REF, "description": "Plans that do not set it."},
    "areas_built": {"type": "boolean"}, "description": {"type": "string", "description": "What is compared, in words."},
    "links": {"type": "object", "properties": {k: {"type": "string"} for k in ("page", "json", "geojson", "csv")}}}}
PLAN_SCHEMAS = {"Target": TARGET_SCHEMA, "Plan": PLAN_SCHEMA, "ComparedPlan": COMPARED_PLAN_SCHEMA,
                "Comparison": COMPARISON_SCHEMA}
COMPARE_PARAMETERS = [
    {"name": "indicator", "in": "query", "description": "One indicator of the vocabulary (not `other`); default: the "
     "one most plans set.", "schema": {"anyOf": [{"type": "string", "enum": list(COMPARABLE)}, _BLANK]}},
    {"name": "year", "in": "query", "description": "Target year; default: the indicator's most common one. A year "
     "no plan sets it for gives no plans (total 0) and the years it has.",
     "schema": {"anyOf": [{"type": "integer", "minimum": 1990, "maximum": 2100}, _BLANK]}},
    {"name": "sort", "in": "query", "schema": {"anyOf": [{"type": "string", "enum": list(SORTS)}, _BLANK],
                                                "default": "value"}},
    {"name": "order", "in": "query", "schema": {"anyOf": [{"type": "string", "enum": list(ORDERS)}, _BLANK],
                                                 "default": "desc"}},
]


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(status: int, words: str) -> dict:
    return {str(status): _json({"$ref": "#/components/schemas/Error"}, words)}


def _doc_parameter(doc_ids: list[str] | None) -> dict:
    item = {"type": "string", "enum": doc_ids} if doc_ids else {"type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$"}
    return _array("doc", {"anyOf": [item, _BLANK]}, "Plan (a doc_id of /api/plans); an unknown one is a 400.")


def plan_paths(doc_ids: list[str] | None = None) -> dict:
    """The plan and target routes; `doc_ids` (the registry's documents) makes `doc` an enum."""
    parameters = [p if p is not None else _doc_parameter(doc_ids) for p in TARGET_FILTER_PARAMETERS]
    return {path: {"get": {**operation["get"], "parameters": parameters}
                   if operation["get"].get("parameters") is TARGET_FILTER_PARAMETERS else operation["get"]}
            for path, operation in _PLAN_PATHS.items()}


_PLAN_PATHS = {
    "/api/plans": {"get": {"summary": "The plans, with counts of projects and targets", "operationId": "listPlans",
                           "responses": {"200": _json({"type": "object", "required": ["plans"], "properties": {
                               "plans": {"type": "array", "items": {"$ref": "#/components/schemas/Plan"}}}},
                               "Every plan.")}}},
    "/api/plans/{doc_id}": {"get": {
        "summary": "One plan: metadata, targets (capacity ones beside the listed projects) and project spans",
        "operationId": "getPlan",
        "parameters": [{"name": "doc_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": _json({"type": "object", "required": ["plan", "targets", "projects"], "properties": {
            "plan": {"$ref": "#/components/schemas/Plan"},
            "targets": {"type": "array", "items": _TARGET_WITH_CAPACITY},
            "projects": {"type": "array", "items": {"type": "object"}}}}, "The plan."),
            **_error(404, "Unknown plan.")}}},
    "/api/targets": {"get": {"summary": "Targets of the plans, filtered", "operationId": "listTargets",
                             "parameters": TARGET_FILTER_PARAMETERS,
                             "responses": {"200": _json({"type": "object", "required": ["total", "targets"], "properties": {
                                 "total": {"type": "integer"}, "filter": {"type": "object"},
                                 "targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}}}},
                                 "The filtered targets, by plan and place in its text."),
                                 **_error(400, "A bad parameter: `error.parameter` names it.")}}},
    "/api/targets/compare": {"get": {
        "summary": "One indicator and target year across every plan: values, spans, map classes, and the plans "
                   "that set it for other years or not at all", "operationId": "compareTargets",
        "parameters": COMPARE_PARAMETERS,
        "responses": {"200": _json({"$ref": "#/components/schemas/Comparison"}, "The comparison (the /targets page's "
                                                                                "table)."),
                      **_error(400, "A bad parameter: `error.parameter` names it.")}}},
    "/api/targets/compare.geojson": {"get": {
        "summary": "The compared plans' areas (province, city or county polygons, WGS-84) with their values: the "
                   "/targets page's map", "operationId": "compareTargetsGeojson", "parameters": COMPARE_PARAMETERS,
        "responses": {"200": {"description": "RFC 7946 FeatureCollection, provinces first and counties last; "
                                             "properties as the comparison's plans, plus value_text and point.",
                              "content": {"application/geo+json": {"schema": {
                                  "type": "object", "required": ["type", "features"], "properties": {
                                      "type": {"type": "string", "enum": ["FeatureCollection"]},
                                      "features": {"type": "array", "items": {"type": "object"}}}}}}},
                      **_error(400, "A bad parameter: `error.parameter` names it.")}}},
    "/api/targets.csv": {"get": {"summary": "Targets as CSV (targets.csv columns; same bytes as `registry targets "
                                            "--format csv`)", "operationId": "exportTargetsCsv",
                                 "parameters": TARGET_FILTER_PARAMETERS,
                                 "responses": {"200": {"description": "targets.csv columns.",
                                                       "content": {"text/csv": {"schema": {"type": "string"}}}},
                                               **_error(400, "A bad parameter: `error.parameter` names it.")}}},
}
