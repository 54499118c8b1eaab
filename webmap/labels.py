"""Labels, colours, shapes and symbols of the web app, in the request's one language.

Labels are (English, Chinese) pairs; `heading(key)` and the other label functions give the
request's language through the gettext catalog (webmap.i18n.pick): a pair added here shows in
one language at once, and `python -m webmap.i18n update` puts it into the catalog. Only the
interface is translated; the data (names, places, plan text) is shown as written. Type labels come from `registry.rows.schema.PROJECT_TYPES`, so a new type
gets its legend entry, filter checkbox and layer without touching the app. The
field, stage and precision labels the exports share live in `registry.rows.labels`.
"""
from __future__ import annotations

from registry.rows.labels import FIELDS, LOCATED_LABELS, PRECISION_LABELS, STAGE_LABELS
from registry.rows.schema import PROJECT_TYPES, STAGES, TYPE_FAMILIES
from webmap.i18n import pick
from webmap.locmethod import describe as location_method_words

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
    "not_located": ("not on the map", "项未上图"),
    "not_located_why": ("their plan names no city or county: listed, not drawn", "规划未写明所在市县：列出而不绘制"),
    "no_province": ("no province named", "未写明省份"),
    "province_wide": ("province-wide", "全省"),
    "choose_province_first": ("Choose a province or city to list its counties.", "请先选择省或市，再选县。"),
    "unlocated_project": ("Not on the map", "未上图"),
    "unlocated_explained": ("The plan names no place below the province for this project, so it has no point: "
                            "it is listed, not drawn at an invented location.",
                            "规划未写明该项目所在的市县，故无坐标：列出而不绘制，不臆造位置。"),
    "unlocated_not_found": ("The place this project's row names was not found in the offline gazetteer (see the "
                            "location method): it is listed, not drawn at an invented location.",
                            "该项目所写地名未能在离线地名库中找到（见定位方法）：列出而不绘制，不臆造位置。"),
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
    "families": ("Types", "类型"),
    "layer_points": ("Projects", "项目"),
    "layer_lines": ("Lines and pipelines", "线路与管道"),
    "precision_key": ("Location", "定位"),
    "voltage": ("Lines by voltage", "线路（按电压）"),
    "colour_by": ("Colour by", "着色"),
    "by_type": ("type", "类型"),
    "by_stage": ("stage", "阶段"),
    "in_view": ("Projects in view", "视图内项目"),
    "in_view_all": ("open in list", "在列表中查看"),
    "capacity_known": ("capacity known for", "注明容量"),
    "stage_unknown": ("not stated", "未注明"),
    "projects_here": ("projects here", "个项目"),
    "zoom_in": ("zoom in", "放大"),
    "more": ("more", "更多"),
    "printed": ("Printed", "打印日期"),
    "filter_summary": ("Filter", "筛选条件"),
    "no_filter": ("all projects", "全部项目"),
    "wan_kw": ("× 10⁴ kW", "万千瓦"),
    "full_stop": (".", "。"),
    "colon": (": ", "："),
    "open_paren": (" (", "（"),
    "close_paren": (")", "）"),
    "zoom_in_button": ("Zoom in", "放大"), "zoom_out_button": ("Zoom out", "缩小"), "layers": ("Layers", "图层"),
    "search_example": ("a place or project name, as the plan writes it", "大悟 / 抽水蓄能 …"),
    "tiles_failed": ("Online map tiles could not be loaded; showing the built-in basemap",
                     "在线瓦片无法加载，显示内置底图"),
    "of": ("of", "/"),
    "language": ("Language", "语言"),
    "beijing_time": ("Beijing time", "北京时间"),
    # mapui
    "map_filter_button": ("Filters", "筛选"),
    "map_filter_button_title": ("Open the filters of this map", "打开本地图的筛选条件"),
    "mix_key": ("Ring: the types' shares; number: projects", "环：各类型占比；数字：项目数"),
    "print_in_view": ("Projects in the printed view (largest first)", "打印视图内的项目（按容量排序）"),
    # pages
    "place_filter": ("Place", "地区"),
    # Examples in the pickers' empty boxes: a name in Chinese pages, its pinyin in English ones (both are searched).
    "picker_example_province": ("e.g. hubei or hb", "如：湖北"),
    "picker_example_city": ("e.g. xiangyang or xy", "如：襄阳"),
    "picker_example_county": ("e.g. xiangzhou or xz", "如：襄州"),
    "picker_hint": ("Name or pinyin; untick a chosen place to drop it.", "可输入名称或拼音；取消勾选即移除已选地区。"),
    "picker_more": ("more: type to narrow", "更多：请继续输入以缩小范围"),
    "picker_none": ("no place matches", "无匹配地区"),
    "place_unknown": ("No place in the registry is named “{value}”.", "项目库中没有名为「{value}」的地区。"),
    "did_you_mean": ("Did you mean:", "是否指："),
    "filter_by_type": ("show only this type", "只看此类型"),
    "source_link": ("Source passage", "原文"),
    "county_outline": ("County outline", "县界"),
    "county_seat": ("County seat", "县城驻地"),
    "kind_added": ("A target of additions: set against the listed projects due by its year.",
                   "新增目标：与目标年份前（含）投产的所列项目比较。"),
    "kind_total": ("A target for the installed total, plants already running included. The registry lists new "
                   "projects only and does not know the existing plants, so no share of the target is given.",
                   "装机总量目标含已建成电站。项目库只收录新建项目，不掌握现有装机，故不计算占目标的比例。"),
    "due_by": ("listed, due by {year}", "所列项目（{year}年前）"),
    "listed_new": ("listed projects (new plants)", "所列项目（新建）"),
    "undated": ("no year stated", "未注明年份"),
    "undated_note": ("{n} listed projects state no year ({mw} MW): they may or may not count by {year}.",
                     "另有 {n} 个所列项目未注明年份（{mw} MW），不确定能否在{year}年前投产。"),
    "later_note": ("{n} listed projects are due after {year} ({mw} MW): not counted.",
                   "{n} 个所列项目在{year}年后投产（{mw} MW），不计入。"),
    "share_of_target": ("{share} of the target", "占目标 {share}"),
    "capacity_known_of": ("capacity stated for {known} of {n} projects of these types", "这些类型的 {n} 个项目中 {known} 个注明容量"),
    "target_word": ("target", "目标"),
}

# A hue per family of types (registry.rows.schema.TYPE_FAMILIES), a shade and a shape per type
# within it, so that types can be told apart by shape where shades are close.
FAMILY_LABELS = {
    "renewable": ("Renewable generation", "可再生能源发电"),
    "thermal": ("Thermal, nuclear, biomass, waste", "火电·核电·生物质·垃圾发电"),
    "storage": ("Storage and hydrogen", "储能·氢能"),
    "grid": ("Grid and charging", "电网·充换电"),
    "gas": ("Gas", "天然气"),
    "circular": ("Circular economy, parks", "循环经济·园区"),
    "other": ("Other", "其他"),
}
assert set(FAMILY_LABELS) == set(TYPE_FAMILIES), "every family needs a label"
FAMILY_COLOURS = {"renewable": "#e69500", "thermal": "#c0392b", "storage": "#1f5fbf", "grid": "#7b3fa0",
                  "gas": "#00897b", "circular": "#3d8b37", "other": "#6d6d6d"}
TYPE_COLOURS = {
    "solar_pv": "#f2b300", "wind": "#e08a00", "hybrid": "#c96f00", "new_energy_base": "#a65c00", "hydro": "#d9a441",
    "thermal": "#c0392b", "biomass": "#e0604a", "waste_to_energy": "#8e2a1f",
    "pumped_storage": "#1f5fbf", "energy_storage": "#4a90e2", "hydrogen": "#153e7e",
    "transmission": "#7b3fa0", "substation": "#9b59c6", "grid": "#5e2d82", "charging": "#b983db",
    "gas_pipeline": "#00897b", "gas_storage": "#35b3a3",
    "recycling": "#3d8b37", "industrial_park": "#7cb342",
    "nuclear": "#7f1734", "gas_power": "#e8836f",
    "other": "#6d6d6d",
}
assert set(TYPE_COLOURS) == set(PROJECT_TYPES), "every type needs a colour"
SHAPES = ("circle", "square", "triangle", "diamond", "hexagon")
TYPE_SHAPES = {t: SHAPES[members.index(t) % len(SHAPES)] for members in TYPE_FAMILIES.values() for t in members}
# The alternative colouring: by stage, on GEM's words; rows without a stage are grey.
STAGE_COLOURS = {"announced": "#6baed6", "pre-construction": "#2171b5", "construction": "#e6550d",
                 "operating": "#31a354", "shelved": "#8c6d31", "cancelled": "#636363", "retired": "#252525",
                 "mothballed": "#9e9ac8", "unknown": "#a0a0a0"}
# Power lines coloured by voltage as OpenInfraMap draws them (kV lower bound -> colour).
VOLTAGE_COLOURS = ((0, "#7a7a85"), (10, "#6e97b8"), (25, "#55b555"), (52, "#b59f10"), (132, "#b55d00"),
                   (220, "#c73030"), (330, "#b54eb2"), (550, "#00c1cf"))
PRECISION_SYMBOLS = {
    "site": ("Exact site: filled symbol", "精确场址：实心符号"),
    "town": ("Town: filled, pale, ringed", "乡镇级：浅色实心带环"),
    "area": ("County or city only: hollow, at the seat", "仅知县/市：空心符号，位于县/市驻地"),
}



def heading(key: str) -> str:
    return pick(HEADINGS[key], "heading")


def field_label(key: str) -> str:
    return pick(FIELDS[key], "field") if key in FIELDS else key


def type_label(value: str) -> str:
    return pick(PROJECT_TYPES[value], "type") if value in PROJECT_TYPES else value


def stage_label(value: str) -> str:
    """A stage's label; `unknown` is the filter's word for rows whose plan states no stage."""
    if value == "unknown":
        return heading("stage_unknown")
    return pick(STAGE_LABELS[value], "stage") if value in STAGE_LABELS else (value or "")


def precision_label(value: str) -> str:
    return pick(PRECISION_LABELS[value], "precision") if value in PRECISION_LABELS else (value or "")


def located_label(value: str) -> str:
    return pick(LOCATED_LABELS[value], "located") if value in LOCATED_LABELS else (value or "")


def family_label(family: str) -> str:
    return pick(FAMILY_LABELS[family], "family")


def precision_symbol_label(key: str) -> str:
    return pick(PRECISION_SYMBOLS[key], "precision_symbol")


def wan_kw(mw: float) -> str:
    """MW in 万千瓦 (10 MW), the unit of every plan: 5,234 MW -> 523.4."""
    return f"{mw / 10:,.1f}".rstrip("0").rstrip(".")


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
        "families": {f: family_label(f) for f in FAMILY_LABELS},
        "precisionClasses": {p: precision_symbol_label(p) for p in PRECISION_SYMBOLS},
        "projectsHere": heading("projects_here"),
        "zoomIn": heading("zoom_in"),
        "more": heading("more"),
        "inViewAll": heading("in_view_all"),
        "stageUnknown": heading("stage_unknown"),
        "wanKw": heading("wan_kw"),
        "controls": control_words(),
        "mapui": {"filterButton": heading("map_filter_button"), "filterButtonTitle": heading("map_filter_button_title")},
    }


def control_words() -> dict:
    """Titles of Leaflet's own buttons (static/basemap.js localise)."""
    return {"zoomIn": heading("zoom_in_button"), "zoomOut": heading("zoom_out_button"), "layers": heading("layers")}


def template_globals() -> dict:
    return {"field_label": field_label, "heading": heading, "type_label": type_label,
            "stage_label": stage_label, "precision_label": precision_label, "located_label": located_label,
            "location_method_words": location_method_words,
            "PROJECT_TYPES": PROJECT_TYPES, "STAGES": STAGES, "TYPE_COLOURS": TYPE_COLOURS, "wan_kw": wan_kw}
