"""The registry's three tables as a Frictionless Data Package (`datapackage.json`), built from the
code that validates them, so that others validate the CSV files with their own tools:

    python -m registry.exports.datapackage > datapackage.json
    frictionless validate datapackage.json

- projects.csv: registry.rows.schema (types, vocabularies, the China bounding box);
- targets.csv: registry.targets.target_rows and registry.targets.indicators (the indicator vocabulary and units);
- plans/documents.csv: registry.rows.documents (one row per plan; the other two cite it by doc_id, which
  the package declares as foreign keys, so a row citing an unknown plan fails validation).
"""
from __future__ import annotations

import json

from registry.rows.documents import DOCUMENT_COLUMNS
from registry.targets.indicators import FAMILY_UNITS, INDICATORS, UNIT_CONVERSIONS
from registry.rows.labels import FIELDS
from registry.rows.schema import (CHINA_BBOX, PRECISIONS, PROJECT_COLUMNS, PROJECT_TYPES, REQUIRED_COLUMNS, STAGES,
                             TARGET_COLUMNS)
from registry.targets.target_rows import REQUIRED_TARGET_COLUMNS

_NUMBERS = {"capacity_mw": (0, 1e7), "voltage_kv": (0, 2000), "lon": (CHINA_BBOX[0], CHINA_BBOX[2]),
            "lat": (CHINA_BBOX[1], CHINA_BBOX[3]), "value": (0, None), "value_normalised": (0, None)}
_INTEGERS = {"target_year": (1990, 2100), "year": (1990, 2100), "source_start": (0, None), "source_end": (0, None)}
_ENUMS = {"type": list(PROJECT_TYPES), "stage": list(STAGES), "precision": list(PRECISIONS),
          "indicator": list(INDICATORS), "unit": list(UNIT_CONVERSIONS),
          "unit_normalised": sorted(set().union(*FAMILY_UNITS.values()))}
_PATTERNS = {"id": "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", "doc_id": "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}",
             "city_code": "[0-9]{6}", "published": "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"}
# Titles of the columns the web app's labels do not name.
_TITLES = {"value_normalised": ("Value in the indicator's unit", "标准化数值"),
           "unit_normalised": ("The indicator's unit", "标准化单位"), "doc_id": ("Plan ID", "文件编号"),
           "file": ("Text file in plans/", "文本文件"), "title": ("Title", "标题"), "city_code": ("Area code", "区划代码"),
           "parent_city": ("Parent city", "上级市"), "issuer": ("Issuer", "发文机关"), "doc_number": ("Document number", "文号"),
           "published": ("Published (YYYY, YYYY-MM or YYYY-MM-DD)", "发布日期"), "status": ("Status", "状态"),
           "source": ("Where the text comes from", "来源"), "text_note": ("Note on the text", "文本说明")}
_REQUIRED_DOCUMENT_COLUMNS = ("doc_id", "file", "title", "city", "city_code")


def _field(column: str, required: tuple[str, ...] = REQUIRED_COLUMNS, unique: tuple[str, ...] = ("id",)) -> dict:
    english, chinese = _TITLES.get(column) or FIELDS.get(column, (column, column))
    field: dict = {"name": column, "title": f"{english} / {chinese}"}
    constraints: dict = {}
    if column in _NUMBERS or column in _INTEGERS:
        field["type"] = "number" if column in _NUMBERS else "integer"
        low, high = (_NUMBERS | _INTEGERS)[column]
        constraints["minimum"] = low
        if high is not None:
            constraints["maximum"] = high
    else:
        field["type"] = "string"
    if column in _ENUMS:
        constraints["enum"] = _ENUMS[column]
    if column in _PATTERNS:
        constraints["pattern"] = _PATTERNS[column]
    if column in required:
        constraints["required"] = True
    if column in unique:
        constraints["unique"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def _resource(name: str, path: str, title: str, fields: list[dict], **schema) -> dict:
    return {"name": name, "path": path, "title": title, "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "dialect": {"delimiter": ",", "header": True},
            "schema": {"fields": fields, **schema, "missingValues": [""]}}


# Both tables cite their plan by doc_id: a row citing a plan documents.csv lacks is an error.
_CITES_A_PLAN = [{"fields": "source_doc", "reference": {"resource": "documents", "fields": "doc_id"}}]


def datapackage() -> dict:
    """The Data Package describing projects.csv, targets.csv and plans/documents.csv (a Table Schema each)."""
    return {
        "name": "carbon-peak-registry",
        "title": "Carbon-peak project registry (碳达峰重点项目库)",
        "licenses": [{"name": "CC-BY-4.0", "title": "Contains data from GeoNames, CC-BY 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [
            _resource("projects", "projects.csv", "Key projects, reviewed / 重点项目（已审核）",
                      [_field(c) for c in PROJECT_COLUMNS], primaryKey=["id"], foreignKeys=_CITES_A_PLAN),
            _resource("targets", "targets.csv", "The plans' targets, reviewed / 规划目标（已审核）",
                      [_field(c, REQUIRED_TARGET_COLUMNS, ()) for c in TARGET_COLUMNS], foreignKeys=_CITES_A_PLAN),
            _resource("documents", "plans/documents.csv", "The plans / 规划文件",
                      [_field(c, _REQUIRED_DOCUMENT_COLUMNS, ("doc_id", "file")) for c in DOCUMENT_COLUMNS],
                      primaryKey=["doc_id"]),
        ],
    }


def datapackage_json() -> str:
    return json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(datapackage_json(), end="")
