"""Bilingual labels (English, Chinese) of the registry's columns and codes.

The registry's own files (the XLSX export) and the web app label fields, stages and
precisions from these tables; type labels live with the types in `registry.rows.schema`.
"""
from __future__ import annotations

from registry.rows.schema import PRECISIONS, PROJECT_TYPES, STAGES

# key -> (English, Chinese)
FIELDS = {
    "id": ("ID", "编号"),
    "name": ("Name", "名称"),
    "type": ("Type", "类型"),
    "subtype": ("Subtype", "子类"),
    "capacity_mw": ("Capacity (MW)", "装机容量（兆瓦）"),
    "capacity_text": ("Capacity as written", "原文容量"),
    "voltage_kv": ("Voltage (kV)", "电压（千伏）"),
    "stage": ("Stage", "阶段"),
    "phase": ("Phase", "期次"),
    "target_year": ("Target year", "目标年份"),
    "province": ("Province", "省"),
    "city": ("City", "市"),
    "county": ("County", "县（市、区）"),
    "town": ("Town", "乡镇"),
    "site": ("Site", "场址"),
    "lon": ("Longitude", "经度"),
    "lat": ("Latitude", "纬度"),
    "precision": ("Location precision", "定位精度"),
    "location_method": ("Location method", "定位方法"),
    "division_code": ("Division code", "行政区划代码"),
    "geometry_wkt": ("Geometry (WKT)", "几何（WKT）"),
    "source_doc": ("Source document", "来源文件"),
    "source_section": ("Section", "章节"),
    "source_start": ("Span start", "原文起点"),
    "source_end": ("Span end", "原文终点"),
    "place": ("Place", "地点"),
    "q": ("Search", "搜索"),
    "min_mw": ("Min MW", "最小兆瓦"),
    "max_mw": ("Max MW", "最大兆瓦"),
    "count": ("Projects", "项目数"),
    "doc": ("Plan", "规划"),
    "located": ("On the map", "上图"),
    # A target's columns (targets.csv), as the review page labels its inputs.
    "indicator": ("Indicator", "指标"),
    "metric": ("As the plan says", "原文指标"),
    "value": ("Value", "目标值"),
    "unit": ("Unit", "单位"),
    "year": ("Year", "年份"),
}

STAGE_LABELS = {
    "announced": ("Announced", "已公布"),
    "pre-construction": ("Pre-construction", "前期"),
    "construction": ("Construction", "在建"),
    "operating": ("Operating", "运行"),
    "shelved": ("Shelved", "搁置"),
    "cancelled": ("Cancelled", "取消"),
    "retired": ("Retired", "退役"),
    "mothballed": ("Mothballed", "封存"),
}
assert set(STAGE_LABELS) == set(STAGES), "every stage needs a label"

PRECISION_LABELS = {
    "site": ("Site", "场址"),
    "town": ("Town", "乡镇"),
    "county": ("County", "县"),
    "city": ("City", "市"),
}
assert set(PRECISION_LABELS) == set(PRECISIONS), "every precision needs a label"


# The `located` filter's values (registry.store.query.LOCATED_VALUES).
LOCATED_LABELS = {"yes": ("On the map", "已上图"), "no": ("Not on the map", "未上图")}


def bilingual(pair: tuple[str, str]) -> str:
    english, chinese = pair
    return f"{chinese} {english}"


def field_chinese(key: str) -> str:
    """A column's Chinese name alone (the review page shows it beside the column's own name)."""
    return FIELDS[key][1] if key in FIELDS else key


def stage_chinese(value: str) -> str:
    return STAGE_LABELS[value][1] if value in STAGE_LABELS else (value or "")


def field_label(key: str) -> str:
    return bilingual(FIELDS.get(key, (key, key)))


def type_label(value: str) -> str:
    return bilingual(PROJECT_TYPES[value]) if value in PROJECT_TYPES else value


def stage_label(value: str) -> str:
    return bilingual(STAGE_LABELS[value]) if value in STAGE_LABELS else (value or "")


def precision_label(value: str) -> str:
    return bilingual(PRECISION_LABELS[value]) if value in PRECISION_LABELS else (value or "")


def located_label(value: str) -> str:
    return bilingual(LOCATED_LABELS[value]) if value in LOCATED_LABELS else (value or "")
