"""Schemas of the plan and target answers (webmap/plans.py, webmap/targets_page.py) for webmap/openapi.py, from the
same vocabulary the routes use."""
from __future__ import annotations

from registry.targets.indicators import INDICATORS
from registry.rows.schema import TARGET_COLUMNS
from registry.store.target_compare import LEVEL_ORDER, ORDERS, SORTS

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

PLAN_LIST_SCHEMA = {"type": "object", "required": ["plans"], "properties": {
    "plans": {"type": "array", "items": {"$ref": "#/components/schemas/Plan"}}}}
PLAN_DETAIL_SCHEMA = {"type": "object", "required": ["plan", "targets", "projects"], "properties": {
    "plan": {"$ref": "#/components/schemas/Plan"},
    "targets": {"type": "array", "items": _TARGET_WITH_CAPACITY},
    "projects": {"type": "array", "items": {"type": "object"}}}}
TARGET_LIST_SCHEMA = {"type": "object", "required": ["total", "targets"], "properties": {
    "total": {"type": "integer"}, "filter": {"type": "object"},
    "unknown_parameters": {"type": "array", "items": {"type": "string"}},
    "targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}}}}
