"""One indicator across plans: /targets (table, bar chart, map), /api/targets/compare and its GeoJSON.

    /targets?indicator=non_fossil_share&year=2025
    /api/targets/compare?indicator=non_fossil_share&year=2025          JSON: plans, values, spans, classes
    /api/targets/compare.geojson?indicator=non_fossil_share&year=2025  the plans' areas with their values

All three come from one call of registry.store.target_compare.compare, and the page's map draws the
GeoJSON route (static/targets.js): the map, the table, the chart and the exports cannot disagree.
Without `indicator` the indicator most plans set is shown; without `year`, its most common year.
"""
from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request, url_for

from registry.store.query import FilterError
from registry.store.target_compare import LEVEL_LABELS, LEVEL_ORDER, CompareQuery, compare, describe, indicator_choices
from registry.store.targets import target_anchor
from webmap import basemap
from webmap.api import with_notes
from webmap.db import get_registry
from webmap.i18n import pick
from webmap.plans import indicator_label, unit_label
from webmap.labels import control_words
from webmap.mapframe import MAX_ZOOM, MIN_ZOOM, data_attribution
from webmap.targetchart import bar_chart, format_value

bp = Blueprint("targets", __name__)

# key -> (English, Chinese); the request's language of each (webmap.i18n.pick).
COMPARE_LABELS = {
    "nav": ("Targets", "目标比较"),
    "title": ("One target across plans", "各规划目标比较"),
    "indicator": ("Indicator", "指标"), "year": ("Target year", "目标年份"), "show": ("Show", "显示"),
    "default_year": ("most plans", "规划最多的年份"),
    "plan": ("Plan", "规划"), "level": ("Level", "级别"), "area": ("Area", "地区"), "value": ("Value", "目标值"),
    "words": ("As the plan says", "原文指标"), "span": ("In the plan", "原文位置"), "map": ("Map", "地图"),
    "plans": ("plans", "份规划"), "on_map": ("on the map", "在地图上"),
    "not_on_map": ("Not on the map", "不在地图上"),
    "not_drawable": ("no polygon for this area", "该地区无边界数据"),
    "national_not_shaded": ("a national plan covers every area, so it is listed, not shaded", "全国性规划覆盖全部地区，故列出而不着色"),
    "areas_not_built": ("the registry was built before plan areas: run `registry build`", "项目库需重新生成（registry build）以绘制地区"),
    "compare_note": ("Only values of one indicator, one target year and one unit (for a reduction, one base year) "
                     "share a scale; a plan's value is "
                     "the first target of this indicator and year in its text. Plans of different levels "
                     "(province, city, county) are listed together: read the level column.",
                     "同一指标、同一目标年份、同一单位（降低率还须同一基准年）的数值才放在同一标尺上比较；每份规划取其文本中该指标该年份的第一个目标值。"
                     "不同级别（省、市、县）的规划同列，请注意级别一栏。"),
    "also": ("also stated", "另见"), "differs": ("the plan states different values", "方案中数值不一"),
    "other_years": ("Set for another year", "设定了其他年份的目标"),
    "no_year": ("no year", "未注明年份"),
    "other_scales": ("In another unit or from another base year (not on this scale)", "其他单位或基准年（未纳入本标尺）"),
    "without": ("Set no target of this indicator", "未设定该指标目标"),
    "none_missing": ("Every plan sets it.", "所有规划均设定了该指标。"),
    "legend": ("Classes (quantiles)", "分级（分位数）"), "darker": ("darker = higher", "颜色越深数值越高"),
    "downloads": ("Download", "下载"), "chart": ("Values, highest first", "目标值（从高到低）"),
    "no_plan_this_year": ("No plan sets this indicator for this year; its years:", "没有规划设定该年份的该指标目标；已有年份："),
    "map_needs_js": ("The map needs JavaScript; the table below has every value.", "地图需要 JavaScript；下表列出全部数值。"),
    "compare_this": ("Compare across plans", "跨规划比较"),
    # The pieces of compare_description's sentence.
    "none_yet": ("No plan of this registry sets a target yet", "本项目库尚无规划目标"),
    "from_year": ("from %(year)s", "比%(year)s年"), "sep": (", ", "，"), "colon": (": ", "："),
    "paren": (" (%s)", "（%s）"),
}


def compare_label(key: str) -> str:
    return pick(COMPARE_LABELS[key], "compare")


def level_label(level: str) -> str:
    chinese, english = LEVEL_LABELS.get(level, LEVEL_LABELS["unknown"])
    return pick((english, chinese), "level")


def compare_description(result: dict) -> str:
    """What is compared, in the request's language (the API's `description` is registry.store.target_compare.describe)."""
    indicator = result["indicator"]
    if indicator is None:
        return compare_label("none_yet")
    sep = compare_label("sep")
    parts = [indicator_label(indicator["key"]), unit_label(result["unit"] or "—")]
    if result.get("base_year"):
        parts.append(compare_label("from_year") % {"year": result["base_year"]})
    year = result["year"] if result["year"] is not None else "—"
    text = f"{sep.join(parts)}{sep}{compare_label('year')} {year}{compare_label('colon')}{result['total']} {compare_label('plans')}"
    levels = sep.join(f"{level_label(level)} {n}" for level, n in result["levels"].items())
    return text + (compare_label("paren") % levels if levels else "")


@bp.app_context_processor
def compare_template_globals() -> dict:
    return {"compare_label": compare_label, "level_label": level_label, "compare_description": compare_description}


def _query_url(endpoint: str, result: dict, **extra) -> str:
    pairs = [("indicator", result["indicator"]["key"])] if result["indicator"] else []
    if result["year"] is not None:
        pairs.append(("year", str(result["year"])))
    pairs.extend((k, str(v)) for k, v in extra.items() if v is not None)
    url = url_for(endpoint)  # may carry ?lang=en already (webmap.i18n)
    return url + ("&" if "?" in url else "?") + urlencode(pairs) if pairs else url


def _with_links(result: dict) -> dict:
    """The comparison with the URLs a client follows: each plan's page and its target's span."""
    for plan in result["plans"]:
        plan_url = url_for("plans.plan_page", doc_id=plan["doc_id"])
        plan["url"] = plan_url
        plan["span_url"] = f"{plan_url}#{target_anchor(plan)}"
        plan["level_label"] = level_label(plan["level"])
        for statement in plan["statements"]:
            statement["span_url"] = f"{plan_url}#{target_anchor(statement)}"
    for group in ("other_years", "other_scales", "without"):
        for plan in result[group]:
            plan["url"] = url_for("plans.plan_page", doc_id=plan["doc_id"])
    for plan in result["other_scales"]:
        plan["span_url"] = f"{plan['url']}#{target_anchor(plan)}"
    result["description"] = describe(result)
    result["links"] = {"page": _query_url("targets.compare_page", result),
                       "json": _query_url("targets.api_compare", result),
                       "geojson": _query_url("targets.api_compare_geojson", result),
                       "csv": _query_url("plans.api_targets_csv", result)}
    return result


def current_comparison() -> dict:
    return _with_links(compare(get_registry().conn, CompareQuery.from_params(request.args)))


@bp.get("/api/targets/compare")
def api_compare():
    return with_notes(current_comparison())


@bp.get("/api/targets/compare.geojson")
def api_compare_geojson():
    """The areas of the compared plans that can be drawn, each with its plan's value (RFC 7946)."""
    result = current_comparison()
    conn = get_registry().conn
    drawn = [p for p in result["plans"] if p["on_map"]]
    geometry = {}
    if drawn:
        codes = sorted({p["area_code"] for p in drawn})
        marks = ", ".join("?" * len(codes))
        geometry = {code: (text, lon, lat) for code, text, lon, lat in conn.execute(
            f"SELECT code, geojson, lon, lat FROM plan_areas WHERE code IN ({marks})", codes)}
    # Provinces first, counties last: a client that draws in this order puts the smaller areas on top.
    drawn.sort(key=lambda p: (LEVEL_ORDER[p["level"]], -p["value"]))
    features = []
    for plan in drawn:
        text, lon, lat = geometry[plan["area_code"]]
        properties = {k: plan[k] for k in ("doc_id", "title", "level", "level_label", "area_code", "area_name",
                                           "province", "value", "unit", "value_plan", "unit_plan", "year", "base_year", "metric",
                                           "quote", "values_differ", "class", "colour", "url", "span_url")}
        properties["value_text"] = format_value(plan["value"], plan["unit"])
        properties["point"] = [lon, lat]
        features.append(f'{{"type":"Feature","id":{json.dumps(plan["doc_id"])},"geometry":{text},'
                        f'"properties":{json.dumps(properties, ensure_ascii=False, separators=(",", ":"))}}}')
    return Response('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}\n",
                    mimetype="application/geo+json")


@bp.get("/targets")
def compare_page():
    conn = get_registry().conn
    choices = indicator_choices(conn)
    try:
        query = CompareQuery.from_params(request.args)
    except FilterError as exc:
        return render_template("targets.html", error=exc, choices=choices, result=None, chart=None,
                               form=request.args), 400
    result = _with_links(compare(conn, query))
    chart = bar_chart(result["plans"], result["unit"], {k: level_label(k) for k in LEVEL_LABELS})
    config = {"geojson": result["links"]["geojson"], "basemap": basemap.frame_config(),
              "attribution": data_attribution(), "minZoom": MIN_ZOOM, "maxZoom": MAX_ZOOM,
              "labels": {"year": compare_label("year"), "value": compare_label("value"),
                         "words": compare_label("words"), "span": compare_label("span"),
                         "differs": compare_label("differs"), "controls": control_words()}}
    return render_template("targets.html", error=None, choices=choices, result=result, chart=chart, config=config,
                           form=request.args, sort_url=lambda column: _sort_url(result, column),
                           built_at=get_registry().meta().get("built_at", ""))


def _sort_url(result: dict, column: str) -> str:
    """The page sorted by `column`; the current column's link turns the order round."""
    order = ("asc" if result["order"] == "desc" else "desc") if result["sort"] == column else \
        ("desc" if column == "value" else "asc")
    return _query_url("targets.compare_page", result, sort=column, order=order)
