"""Bilingual labels (Chinese, English) and the colour of each project type.

Only the interface is translated; the data (names, places, plan text) is shown
as written. Type labels come from `registry.schema.PROJECT_TYPES`, so a new type
gets its legend entry, filter checkbox and layer without touching the app.
"""
from __future__ import annotations

from registry.labels import (FIELDS, PRECISION_LABELS, STAGE_LABELS, bilingual, field_label,  # noqa: F401
                             precision_label, stage_label, type_label)
from registry.schema import PROJECT_TYPES, STAGES

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
    "about": ("About this registry", "关于本项目库"),
    "about_nav": ("About", "关于"),
    "built_at": ("Built at", "生成时间"),
    "version": ("Version", "版本"),
    "cite": ("How to cite", "引用方式"),
    "sources": ("Sources and licences", "数据来源与许可"),
    "data": ("Data", "数据"),
    "source_of": ("Source", "来源"),
    "licence": ("Licence", "许可"),
    "attribution": ("Attribution", "署名"),
    "plans": ("Plans", "规划文件"),
    "same_facts": ("The same facts are in", "同样信息见"),
}

# Distinguishable colours, assigned in PROJECT_TYPES order; types beyond the palette reuse it.
_PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#17becf", "#1a55a3", "#7f7f7f", "#8c564b",
            "#bcbd22", "#e377c2", "#d62728", "#e6a100", "#6b3fa0", "#00897b", "#c2185b", "#5d4037",
            "#43a047", "#3949ab", "#f06292", "#455a64", "#212121", "#ffca28")  # …, nuclear, gas_power
TYPE_COLOURS = {t: _PALETTE[i % len(_PALETTE)] for i, t in enumerate(PROJECT_TYPES)}


def heading(key: str) -> str:
    return bilingual(HEADINGS[key])


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
