"""projects.csv's schema as a Frictionless Data Package (`datapackage.json`), built from
`registry.schema`, so that others validate the CSV with their own tools:

    python -m registry.datapackage > datapackage.json
    frictionless validate datapackage.json
"""
from __future__ import annotations

import json

from registry.labels import FIELDS
from registry.schema import CHINA_BBOX, PRECISIONS, PROJECT_COLUMNS, PROJECT_TYPES, REQUIRED_COLUMNS, STAGES

_NUMBERS = {"capacity_mw": (0, 1e7), "voltage_kv": (0, 2000), "lon": (CHINA_BBOX[0], CHINA_BBOX[2]),
            "lat": (CHINA_BBOX[1], CHINA_BBOX[3])}
_INTEGERS = {"target_year": (1990, 2100), "source_start": (0, None), "source_end": (0, None)}
_ENUMS = {"type": list(PROJECT_TYPES), "stage": list(STAGES), "precision": list(PRECISIONS)}
_PATTERNS = {"id": "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"}


def _field(column: str) -> dict:
    english, chinese = FIELDS.get(column, (column, column))
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
    if column in REQUIRED_COLUMNS:
        constraints["required"] = True
    if column == "id":
        constraints["unique"] = True
    if constraints:
        field["constraints"] = constraints
    return field


def datapackage() -> dict:
    """The Data Package describing projects.csv (a Table Schema in its one resource)."""
    return {
        "name": "carbon-peak-registry",
        "title": "Carbon-peak project registry (碳达峰重点项目库)",
        "licenses": [{"name": "CC-BY-4.0", "title": "Contains data from GeoNames, CC-BY 4.0",
                      "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [{
            "name": "projects",
            "path": "projects.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "dialect": {"delimiter": ",", "header": True},
            "schema": {"fields": [_field(c) for c in PROJECT_COLUMNS], "primaryKey": ["id"],
                       "missingValues": [""]},
        }],
    }


def datapackage_json() -> str:
    return json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(datapackage_json(), end="")
