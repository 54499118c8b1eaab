"""Plans and their targets: /plans, /plans/<doc_id>, /api/plans, /api/plans/<doc_id>, /api/targets(.csv).

A plan page shows the plan's targets by indicator and year, each capacity target beside the sum
of the plan's listed projects of the types it counts (a server-drawn SVG), and the plan's full
text with every project and target span marked. The text goes to the template as plain
segments (registry.store.targets.text_segments), which Jinja escapes; no HTML is built from plan text.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, request, url_for

from registry.targets.indicators import INDICATORS
from registry.store.mapgrid import file_key
from registry.store.planlist import LEVELS, plan_groups, plans_with_levels, project_counts
from registry.geo.provinces import plan_level
from registry.store.targets import (TargetFilter, document_ids, plan_detail, plan_summaries, targets, targets_csv_chunks,
                              text_segments)
from webmap import plantext
from webmap.api import with_notes
from webmap.db import get_registry
from webmap.http import content_disposition
from webmap.i18n import pick

bp = Blueprint("plans", __name__)

# key -> (English, Chinese); the request's language of each (webmap.i18n.pick).
PLAN_LABELS = {
    "plans": ("Plans", "规划文件"),
    "plan_list_intro": ("The carbon-peaking plans the registry is built from, with what was taken from each.",
                        "项目库所依据的碳达峰实施方案，及从每份方案中提取的项目和目标。"),
    "title": ("Title", "标题"), "area": ("Area", "地区"), "issuer": ("Issuer", "发布单位"),
    "number": ("Document number", "文号"), "date": ("Date", "日期"), "status": ("Status", "状态"),
    "projects": ("Projects", "项目"), "targets": ("Targets", "目标"), "draft": ("Draft", "征求意见稿"),
    "indicator": ("Indicator", "指标"), "metric": ("As the plan says", "原文指标"), "value": ("Value", "目标值"),
    "normalised": ("Normalised", "换算"), "year": ("Year", "年份"), "section": ("Section", "章节"),
    "capacity_targets": ("Capacity targets and the listed projects", "装机目标与所列项目"),
    "listed": ("listed projects", "所列项目"), "target": ("target", "目标"),
    "plan_text": ("Plan text", "方案全文"),
    "text_source": ("Text from", "原文来源"),
    "text_key": ("Project spans link to their pages; target spans are highlighted.",
                 "项目原文链接到项目页面；目标原文以底色标出。"),
    "in_plan": ("Place in the plan text", "在方案全文中的位置"),
    "plans_of_filter": ("Plans of this selection", "当前筛选涉及的规划"),
    "on_map": ("On the map", "已上图"), "not_on_map": ("Not on the map", "未上图"),
    "not_on_map_intro": ("These projects are in the plan, but the plan names no city or county for them: they are "
                         "listed and exported, and not drawn at an invented point.",
                         "以下项目见于本方案，但方案未写明其所在市县：列出并可导出，不在地图上臆造位置。"),
    "why": ("Why", "原因"), "in_text": ("In the text", "原文位置"), "by_level": ("By level", "按层级"),
    "all_projects_of_plan": ("all its projects in the list", "在列表中查看全部项目"),
    "no_capacity_targets": ("This plan sets no capacity target.", "本方案未设定装机目标。"),
    "download_targets": ("Targets as CSV", "目标 CSV"),
    "count_unit": ("count", "个"),
}
# documents.status as written in plans/documents.csv -> (English, Chinese).
PLAN_STATUSES = {"in force": ("In force", "现行有效"), "consultation draft": ("Consultation draft", "征求意见稿"),
                 "published without title page": ("Published without title page", "公开文本无首页")}


def plan_label(key: str) -> str:
    return pick(PLAN_LABELS[key], "plan")


def indicator_label(key: str) -> str:
    indicator = INDICATORS.get(key)
    return pick((indicator.label_en, indicator.label_zh), "indicator") if indicator else key


def status_label(status: str) -> str:
    """A plan's status (registry/intake/metadata.py STATUS_WORDS, and the shipped plans' own words)."""
    return pick(PLAN_STATUSES[status], "status") if status in PLAN_STATUSES else status


def unit_label(unit: str) -> str:
    """A normalised unit (registry/targets/indicators.py UNIT_CONVERSIONS): symbols as they are, `count` in words."""
    return plan_label("count_unit") if unit == "count" else unit


def level_group_label(level: str) -> str:
    return pick(LEVELS[level], "plan_level") if level in LEVELS else level


def plan_links(cities=(), counties=(), provinces=(), docs=()) -> list[dict]:
    """The plans covering the given provinces, cities or counties, and the plans named (all plans when none is
    given), for the map's sidebar."""
    conn = get_registry().conn
    cities, counties, provinces = list(cities or ()), list(counties or ()), list(provinces or ())
    if docs and not (cities or counties or provinces):
        docs = set(docs)
    elif cities or counties or provinces:
        marks_c, marks_k = ", ".join("?" * len(cities)) or "NULL", ", ".join("?" * len(counties)) or "NULL"
        marks_p = ", ".join("?" * len(provinces)) or "NULL"
        docs = {r[0] for r in conn.execute(
            f"SELECT DISTINCT source_doc FROM projects WHERE city IN ({marks_c}) OR county IN ({marks_k}) "
            f"OR province IN ({marks_p}) "
            f"UNION SELECT doc_id FROM documents WHERE city IN ({marks_c}) OR city IN ({marks_k}) "
            f"OR parent_city IN ({marks_c}) OR province IN ({marks_p})",
            [*cities, *counties, *provinces, *cities, *counties, *cities, *provinces])} | set(docs or ())
    else:
        docs = None
    return [{"doc_id": d["doc_id"], "title": d["title"], "city": d["city"], "draft": d["draft"],
             "url": url_for("plans.plan_page", doc_id=d["doc_id"])}
            for d in file_plan_summaries() if docs is None or d["doc_id"] in docs]


_summaries_by_file: dict = {}


def file_plan_summaries() -> list[dict]:
    """plan_summaries of the request's registry, read once per database file (a rebuild replaces the file): counting
    the projects of every plan took ~20 ms of every map page at 100,000 projects and ~190 ms at a million."""
    registry = get_registry()
    key = file_key(registry.path)
    found = _summaries_by_file.get(key)
    if found is None:
        found = plan_summaries(registry.conn)
        _summaries_by_file.clear()  # only the current file is worth keeping
        _summaries_by_file[key] = found
    return found


@bp.app_context_processor
def plan_template_globals() -> dict:
    return {"plan_label": plan_label, "indicator_label": indicator_label, "plan_links": plan_links,
            "status_label": status_label, "level_group_label": level_group_label, "unit_label": unit_label}


def current_target_filter() -> TargetFilter:
    return TargetFilter.from_params(request.args, known_docs=document_ids(get_registry().conn))


def _plan_json(summary: dict) -> dict:
    return {**summary, "url": url_for("plans.plan_page", doc_id=summary["doc_id"]),
            "api": url_for("plans.api_plan", doc_id=summary["doc_id"])}


@bp.get("/plans")
def plan_list():
    plans = [_plan_json(p) for p in plans_with_levels(get_registry().conn)]
    return _render("plans.html", plans=plans, groups=plan_groups(plans))


@bp.get("/plans/<doc_id>")
def plan_page(doc_id: str):
    detail = plan_detail(get_registry().conn, doc_id)
    if detail is None:
        abort(404, description=f"no plan with id {doc_id[:64]!r}")
    document = detail["document"]
    segments = text_segments(document["text"], detail["projects"], detail["targets"])
    by_indicator: dict[str, list[dict]] = {}
    for target in sorted(detail["targets"], key=lambda t: (t["year"] or 9999, t["source_start"])):
        by_indicator.setdefault(target["indicator"], []).append(target)
    ordered = sorted(by_indicator.items(), key=lambda item: list(INDICATORS).index(item[0]))
    project_names = {p["id"]: p["name"] for p in detail["projects"]}
    return _render("plan.html", document=document, targets=detail["targets"], by_indicator=ordered,
                   capacity_targets=[t for t in detail["targets"] if t["capacity"]], blocks=plantext.blocks(segments),
                   project_names=project_names, projects=detail["projects"],
                   not_located=not_located_projects(get_registry().conn, doc_id))


def not_located_projects(conn, doc_id: str) -> list[dict]:
    """The plan's projects that have no location (listed, not drawn), in text order, with why."""
    return [dict(r) for r in conn.execute(
        "SELECT id, name, type, capacity_mw, city, location_method FROM projects WHERE source_doc = ? AND lon IS NULL "
        "ORDER BY source_start, id", (doc_id,))]


@bp.get("/api/plans")
def api_plans():
    return {"plans": [_plan_json(p) for p in plans_with_levels(get_registry().conn)]}


@bp.get("/api/plans/<doc_id>")
def api_plan(doc_id: str):
    detail = plan_detail(get_registry().conn, doc_id)
    if detail is None:
        abort(404, description=f"no plan with id {doc_id[:64]!r}")
    document = {k: v for k, v in detail["document"].items() if k != "text"}
    document["characters"] = len(detail["document"]["text"])
    located, not_located = project_counts(get_registry().conn).get(doc_id, (0, 0))
    document.update(level=plan_level(document.get("city_code") or ""), projects_located=located,
                    projects_not_located=not_located)
    projects = [{**p, "url": url_for("pages.project_page", project_id=p["id"])} for p in detail["projects"]]
    return {"plan": {**document, "url": url_for("plans.plan_page", doc_id=doc_id)},
            "targets": detail["targets"], "projects": projects}


@bp.get("/api/targets")
def api_targets():
    target_filter = current_target_filter()
    rows = targets(get_registry().conn, target_filter)
    params: dict[str, list[str]] = {}
    for name, value in target_filter.to_params():
        params.setdefault(name, []).append(value)
    return with_notes({"total": len(rows), "filter": params, "targets": rows})


@bp.get("/api/targets.csv")
def api_targets_csv():
    rows = targets(get_registry().conn, current_target_filter())
    response = Response(targets_csv_chunks(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = content_disposition("targets.csv")
    return response


def _render(template: str, **context):
    from flask import render_template

    return render_template(template, **context)
