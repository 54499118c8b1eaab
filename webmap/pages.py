"""HTML pages: the map (/), the list (/projects) and a page per project.

A bad filter renders the page with the message and status 400 (never a 500):
the form keeps what the planner typed, so they can correct it.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for

from registry.store.query import FilterError, ProjectFilter
from registry.rows.schema import RECORD_COLUMNS
from webmap import api, filterform, mapframe, mapview
from webmap.plantext import without_emphasis
from webmap.db import get_registry

bp = Blueprint("pages", __name__)

LIST_COLUMNS = ("id", "name", "type", "capacity_mw", "stage", "province", "city", "county", "town", "precision")
# Characters of plan text shown around a project's span when its paragraph is longer.
PASSAGE_CONTEXT = 300


def with_query(endpoint: str, pairs, **values) -> str:
    """url_for plus a query string that may repeat a parameter (type=a&type=b)."""
    query = urlencode(list(pairs))
    url = url_for(endpoint, **values)  # may carry ?lang=en already (webmap.i18n)
    return url + ("&" if "?" in url else "?") + query if query else url


def form_state() -> dict:
    """What the filter form shows: the request's own values, valid or not, escaped by the template."""
    args = request.args
    return {"bbox": args.get("bbox", ""), "types": set(args.getlist("type")), "provinces": set(args.getlist("province")),
            "cities": set(args.getlist("city")), "counties": set(args.getlist("county")),
            "docs": [d for d in dict.fromkeys(args.getlist("doc")) if d.strip()], "stages": set(args.getlist("stage")),
            "located": args.get("located", ""),
            "min_mw": args.get("min_mw", ""), "max_mw": args.get("max_mw", ""), "q": args.get("q", "")}


def type_link(project_type: str) -> str:
    """This page with the same filter, its types replaced by one: the totals' rows link to it."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in ("type", "page", "after")]
    return with_query(request.endpoint, [*pairs, ("type", project_type)])


def replace_link(name: str, old: str, new: str) -> str:
    """This page with one value of a parameter replaced (a place the registry does not know -> one it does)."""
    pairs = [(k, new if (k, v) == (name, old) else v) for k, v in request.args.items(multi=True) if k != "page"]
    return with_query(request.endpoint, pairs)


def parse_filter() -> tuple[ProjectFilter | None, FilterError | None]:
    try:
        return ProjectFilter.from_params(request.args), None
    except FilterError as exc:
        return None, exc


def filter_context(project_filter: ProjectFilter | None, error: FilterError | None) -> dict:
    registry = get_registry()
    pairs = project_filter.to_params() if project_filter else []
    form = form_state()
    return {
        "form": form, "error": error,
        "pickers": filterform.pickers(registry.conn, form),
        "type_link": type_link, "replace_link": replace_link,
        "facets": registry.facets(project_filter) if project_filter else None,
        "filter_pairs": pairs,
        # The rows of this filter that are listed but not on the map (located=no), in the list.
        "not_located_link": with_query("pages.project_list", [*(p for p in pairs if p[0] != "located"), ("located", "no")]),
        "export_geojson": with_query("api.export_geojson", pairs), "export_csv": with_query("api.export_csv", pairs),
        "export_xlsx": with_query("downloads.export_xlsx", pairs), "export_gpkg": with_query("downloads.export_gpkg", pairs),
        "export_kml": with_query("downloads.export_kml", pairs),
        "export_csv_excel": with_query("api.export_csv", [*pairs, ("bom", "1")]),
        "map_link": with_query("pages.map_page", pairs), "list_link": with_query("pages.project_list", pairs),
    }


@bp.get("/")
def map_page():
    project_filter, error = parse_filter()
    context = filter_context(project_filter, error)
    options = mapview.frame_options(project_filter)
    frame = mapframe.build_frame(current_app.config["REGISTRY_TILES"], current_app.config["REGISTRY_TILES_ATTRIBUTION"],
                                 **options)
    return render_template("map.html", frame=frame, first_view=mapview.first_view(project_filter, options["summary"]),
                           **mapview.page_context(project_filter), **context), 400 if error else 200


@bp.get("/projects")
def project_list():
    project_filter, error = parse_filter()
    rows, sort, descending, page, per_page = [], "id", False, 1, api.DEFAULT_PER_PAGE
    if project_filter is not None:
        try:
            sort, descending = api.sort_params()
            page, per_page = api.page_params()
        except FilterError as exc:
            error = exc
    context = filter_context(project_filter if error is None else None, error)
    total = context["facets"]["total"]["count"] if context["facets"] else 0
    if error is None:
        rows = get_registry().projects(project_filter, sort=sort, descending=descending,
                                       limit=per_page, offset=(page - 1) * per_page)

    def sort_link(column: str) -> str:
        order = "asc" if column != sort or descending else "desc"
        return with_query("pages.project_list", [*context["filter_pairs"], ("sort", column), ("order", order)])

    def page_link(number: int) -> str:
        return with_query("pages.project_list", [*context["filter_pairs"], ("sort", sort),
                          ("order", "desc" if descending else "asc"), ("page", number), ("per_page", per_page)])

    # page/per_page stops at row api.MAX_OFFSET_ROWS (deeper lists: the API's keyset `next` links).
    pages = max(1, min(-(-total // per_page), api.MAX_OFFSET_ROWS // per_page))
    return render_template("projects.html", rows=rows, columns=LIST_COLUMNS, sort=sort, descending=descending,
                           sort_link=sort_link, page=page, pages=pages, page_link=page_link, total=total,
                           **context), 400 if error else 200


@bp.get("/projects/<project_id>")
def project_page(project_id: str):
    registry = get_registry()
    project = registry.project(project_id)
    if project is None:
        abort(404, description=f"no project with id {project_id[:64]!r}")
    document = registry.document(project["source_doc"]) or {}
    passage = source_passage(document.get("text", ""), project["source_start"], project["source_end"])
    section = project["source_section"] or registry.section_heading(project["source_doc"], project["source_start"])
    frame = mapframe.build_frame(current_app.config["REGISTRY_TILES"], current_app.config["REGISTRY_TILES_ATTRIBUTION"],
                                 types=[], project_url=url_for("api.project", project_id=project_id), zoom=9)
    return render_template("project.html", project=project, columns=RECORD_COLUMNS, document=document,
                           passage=passage, section=section, frame=frame)


def source_passage(text: str, start: int, end: int) -> dict:
    """The paragraph around text[start:end], cut to PASSAGE_CONTEXT characters each side.

    Returned as three plain strings (before, span, after) so the template escapes
    each and marks the span, instead of building HTML from plan text; a markdown plan's
    `**` is dropped from each as the plan page drops it (webmap/plantext.py).
    """
    if not text or not 0 <= start < end <= len(text):
        return {"before": "", "span": "", "after": "", "cut_before": False, "cut_after": False}
    paragraph_start = text.rfind("\n", 0, start) + 1
    paragraph_end = text.find("\n", end)
    paragraph_end = len(text) if paragraph_end == -1 else paragraph_end
    left, right = max(paragraph_start, start - PASSAGE_CONTEXT), min(paragraph_end, end + PASSAGE_CONTEXT)
    return {"before": without_emphasis(text[left:start]), "span": without_emphasis(text[start:end]),
            "after": without_emphasis(text[end:right]),
            "cut_before": left > paragraph_start, "cut_after": right < paragraph_end}
