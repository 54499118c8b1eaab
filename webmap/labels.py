"""Bilingual labels (Chinese, English) and the colour of each project type.

Only the interface is translated; the data (names, places, plan text) is shown
as written. Type labels come from `registry.schema.PROJECT_TYPES`, so a new type
gets its legend entry, filter checkbox and layer without touching the app.
"""
from __future__ import annotations

from registry.schema import PRECISIONS, PROJECT_TYPES, STAGES

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
    "city": ("City", "市"),
    "county": ("County", "县（市、区）"),
    "town": ("Town", "乡镇"),
    "site": ("Site", "场址"),
    "lon": ("Longitude", "经度"),
    "lat": ("Latitude", "纬度"),
    "precision": ("Location precision", "定位精度"),
    "location_method": ("Location method", "定位方法"),
    "division_code": ("Division code", "行政区划代码"),
    "geometry": ("Geometry (WKT)", "几何（WKT）"),
    "source_doc": ("Source document", "来源文件"),
    "source_section": ("Section", "章节"),
    "source_start": ("Span start", "原文起点"),
    "source_end": ("Span end", "原文终点"),
    "place": ("Place", "地点"),
    "q": ("Search", "搜索"),
    "min_mw": ("Min MW", "最小兆瓦"),
    "max_mw": ("Max MW", "最大兆瓦"),
    "count": ("Projects", "项目数"),
}

HEADINGS = {
    "site_title": ("Carbon-peak project registry", "碳达峰重点项目库"),
    "map": ("Map", "地图"),
    "list": ("List", "列表"),
    "filters": ("Filters", "筛选"),
    "apply": ("Apply", "应用"),
    "reset": ("Reset", "重置"),
    "any": ("any", "全部"),
    "legend": ("Legend", "图例"),
    "size": ("Marker area ∝ capacity", "圆面积与装机容量成正比"),
    "no_capacity": ("capacity not stated", "未注明容量"),
    "totals": ("Totals by type", "按类型合计"),
    "total": ("Total", "合计"),
    "downloads": ("Download this selection", "下载当前筛选"),
    "drawn": ("drawn on the map", "已绘制"),
    "matching": ("projects match", "个项目符合条件"),
    "no_location": ("without coordinates", "无坐标"),
    "source": ("Source passage", "原文"),
    "document": ("Document", "文件"),
    "published": ("Published", "发布日期"),
    "details": ("Details", "详情"),
    "county_boundaries": ("County boundaries", "县界"),
    "error": ("Error", "错误"),
    "page": ("Page", "页"),
    "previous": ("Previous", "上一页"),
    "next": ("Next", "下一页"),
    "open_page": ("Project page", "项目页面"),
    "not_loaded": ("details could not be loaded", "详情加载失败"),
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

# Distinguishable colours, assigned in PROJECT_TYPES order; types beyond the palette reuse it.
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#17becf", "#1a55a3", "#7f7f7f", "#8c564b",
            "#bcbd22", "#e377c2", "#d62728", "#e6a100", "#6b3fa0", "#00897b", "#c2185b", "#5d4037",
            "#43a047", "#3949ab", "#f06292", "#455a64", "#212121", "#ffca28")  # …, nuclear, gas_power
TYPE_COLOURS = {t: _PALETTE[i % len(_PALETTE)] for i, t in enumerate(PROJECT_TYPES)}


def bilingual(pair: tuple[str, str]) -> str:
    english, chinese = pair
    return f"{chinese} {english}"


def field_label(key: str) -> str:
    return bilingual(FIELDS.get(key, (key, key)))


def heading(key: str) -> str:
    return bilingual(HEADINGS[key])


def type_label(value: str) -> str:
    return bilingual(PROJECT_TYPES[value]) if value in PROJECT_TYPES else value


def stage_label(value: str) -> str:
    return bilingual(STAGE_LABELS[value]) if value in STAGE_LABELS else (value or "")


def precision_label(value: str) -> str:
    return bilingual(PRECISION_LABELS[value]) if value in PRECISION_LABELS else (value or "")


def labels_for_script() -> dict:
    """The labels map.js needs to build popups; handed over as JSON data, never as code."""
    return {
        "types": {t: type_label(t) for t in PROJECT_TYPES},
        "stages": {s: stage_label(s) for s in STAGE_LABELS},
        "precisions": {p: precision_label(p) for p in PRECISION_LABELS},
        "fields": {k: field_label(k) for k in ("type", "capacity_mw", "stage", "place", "precision")},
        "openPage": heading("open_page"),
        "noCapacity": heading("no_capacity"),
        "notLoaded": heading("not_loaded"),
    }


def template_globals() -> dict:
    return {"field_label": field_label, "heading": heading, "type_label": type_label,
            "stage_label": stage_label, "precision_label": precision_label,
            "PROJECT_TYPES": PROJECT_TYPES, "STAGES": STAGES, "TYPE_COLOURS": TYPE_COLOURS}
