"""JSON API (/api/…), the map's feed and the exports (/export.geojson, /export.csv) of the current filter.

Every route reads its filter with `ProjectFilter.from_params(request.args)` and asks
the same `Registry`, so the map, the list, the counts and the exports cannot
disagree. A bad parameter raises `FilterError`, which the app answers with a JSON
400 naming the parameter.
"""
from __future__ import annotations

import json
from itertools import chain
from pathlib import Path
from typing import Iterable, Iterator

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for

from registry.about import export_counts, export_metadata, registry_info
from registry.exports.export import CSV_SELECT, csv_chunks, export_filename, geojson_chunks
from registry.store import placesearch
from registry.store.query import (MAX_QUERY_LENGTH, SORTABLE, FilterError, ProjectFilter, Registry, format_cursor,
                            parameter_values,
                            parse_cursor)
from registry.rows.schema import RECORD_COLUMNS
from webmap import exportcache
from webmap.db import get_registry
from webmap.http import content_disposition, validators
from webmap.i18n import csv_header, current_lang
from webmap.mapfeed import SOURCE_COLUMNS, map_chunks
from webmap.params import API_MAX_PAGE, DEFAULT_PER_PAGE, MAX_OFFSET_ROWS, MAX_PER_PAGE, unknown_parameters

bp = Blueprint("api", __name__)

# The HTML list pages by number up to row MAX_OFFSET_ROWS; the API up to page API_MAX_PAGE, deeper by `after`.
MAX_PAGE = 1_000_000


def current_filter() -> ProjectFilter:
    return ProjectFilter.from_params(request.args)


def single_value(name: str, default: str) -> str:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise FilterError(name, "give one value")
    return values[0].strip() if values and values[0].strip() else default


def int_param(name: str, default: int, lowest: int, highest: int) -> int:
    text = single_value(name, str(default))
    try:
        number = int(text)
    except ValueError:
        raise FilterError(name, "%(value)r is not a whole number", value=text[:40]) from None
    if not lowest <= number <= highest:
        raise FilterError(name, "%(value)d is outside %(low)d..%(high)d", value=number, low=lowest, high=highest)
    return number


def sort_params() -> tuple[str, bool]:
    """`sort` (a column of SORTABLE) and `order` (asc|desc), shared with the HTML list."""
    sort = single_value("sort", "id")
    if sort not in SORTABLE:
        raise FilterError("sort", "cannot sort by %(value)r; expected one of %(expected)s", value=sort[:40],
                          expected=", ".join(SORTABLE))
    order = single_value("order", "asc")
    if order not in ("asc", "desc"):
        raise FilterError("order", "%(value)r is not asc or desc", value=order[:40])
    return sort, order == "desc"


def page_params(max_page: int = MAX_PAGE) -> tuple[int, int]:
    page, per_page = (int_param("page", 1, 1, MAX_PAGE),
                      int_param("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE))
    if page > max_page:
        raise FilterError("page", "page %(page)d is past page %(last)d; for deeper pages follow the `next` link of "
                                  "/api/projects (keyset pagination: after=<sort value>,<id>)", page=page, last=max_page)
    if page * per_page > MAX_OFFSET_ROWS:
        # OFFSET reads and drops every row before the page: at 1M rows page 100000 took 11.7 s.
        raise FilterError("page", "page %(page)d of %(per_page)d goes past row %(rows)s; for deeper pages follow the "
                                  "`next` link of /api/projects (keyset pagination: after=<sort value>,<id>)",
                          page=page, per_page=per_page, rows=format(MAX_OFFSET_ROWS, ","))
    return page, per_page


def after_param(sort: str) -> tuple | None:
    """The keyset cursor `after=<sort value>,<id>`, or None."""
    text = single_value("after", "")
    if len(text) > 2 * MAX_QUERY_LENGTH or "\x00" in text:
        raise FilterError("after", "a cursor longer than %(n)d characters or with a NUL", n=2 * MAX_QUERY_LENGTH)
    return parse_cursor(text, sort) if text else None


def with_notes(body: dict, project_filter: ProjectFilter | None = None) -> dict:
    """A JSON answer with what the client should know: query parameters this route ignores (as Datasette
    reports them) and why a valid filter matches nothing."""
    if unknown := unknown_parameters():
        body["unknown_parameters"] = unknown
    if project_filter is not None and (warnings := project_filter.warnings()):
        body["warnings"] = warnings
    return body


def project_json(row: dict) -> dict:
    """A project as the API gives it: the projects.csv columns and its province, plus its GeoJSON geometry and page."""
    project = {column: row.get(column) for column in RECORD_COLUMNS}
    if "geometry" in row:
        project["geojson"] = json.loads(row["geometry"]) if row["geometry"] else None
    project["url"] = url_for("pages.project_page", project_id=row["id"])
    return project


@bp.get("/api/projects")
def projects():
    project_filter = current_filter()
    sort, descending = sort_params()
    page, per_page = page_params(API_MAX_PAGE)
    after = after_param(sort)  # page then counts on from the cursor
    registry = get_registry()
    rows = registry.projects(project_filter, sort=sort, descending=descending,
                             limit=per_page, offset=(page - 1) * per_page, after=after)
    listing = {"total": registry.count(project_filter), "page": page, "per_page": per_page,
               "filter": dict_of_params(project_filter), "sort": sort, "order": "desc" if descending else "asc",
               "projects": [project_json(r) for r in rows]}
    # The next page by keyset: as fast at the millionth row as at the first. None on the last page.
    # An absolute URL, in the body and as a Link header (RFC 8288), as GitHub's and Datasette's APIs give it.
    listing["next"] = None if len(rows) < per_page else url_for(
        "api.projects", **dict_of_params(project_filter), sort=sort, order=listing["order"], per_page=per_page,
        after=format_cursor(rows[-1], sort), _external=True)
    response = jsonify(with_notes(listing, project_filter))
    if listing["next"]:
        response.headers["Link"] = f'<{listing["next"]}>; rel="next"'  # url_for percent-encodes: no ">" inside
    return response


@bp.get("/api/projects/<project_id>")
def project(project_id: str):
    row = get_registry().project(project_id)
    if row is None:
        abort(404, description=f"no project with id {project_id[:64]!r}")
    return project_json(row)


@bp.get("/api/facets")
def facets():
    project_filter = current_filter()
    return with_notes({"filter": dict_of_params(project_filter), **get_registry().facets(project_filter)}, project_filter)


@bp.get("/api/places")
def places():
    """Places for the filter form's type-ahead pickers: ?level=county&q=xiang (name or pinyin)&province=…&city=…"""
    level = single_value("level", "county") if "level" not in request.args or request.args["level"] else ""
    if level not in placesearch.LEVELS:
        raise FilterError("level", "unknown level %(value)r; expected one of %(expected)s", value=level[:20],
                          expected=", ".join(placesearch.LEVELS))
    query = single_value("q", "")
    if len(query) > 100 or "\x00" in query:
        raise FilterError("q", "search text longer than 100 characters or with a NUL")
    limit = int_param("limit", 50, 1, 500)
    found, total = placesearch.search(get_registry().conn, level, query, parameter_values(request.args, "province"),
                                      parameter_values(request.args, "city"), limit=limit)
    return {"level": level, "q": query, "total": total,
            "places": [{"name": p.name, "province": p.province, "city": p.city, "projects": p.projects}
                       for p in found]}


@bp.get("/api/map.json")
def map_data():
    """The filtered projects as compact rows (webmap/mapfeed.py): what map.js draws."""
    project_filter = current_filter()
    registry = open_stream_registry()
    total = registry.count(project_filter)
    rows = primed(registry.iter_projects(project_filter, columns=SOURCE_COLUMNS), registry)
    return Response(closing_after(map_chunks(rows, total=total), registry), mimetype="application/json")


@bp.get("/api/boundaries.geojson")
def boundaries():
    """County boundaries of the plans' cities: the map's light reference layer. With ?code=420607 (a county's
    code) that county alone, from the shipped county polygons when it lies outside the plans' cities: a
    county-level project's page outlines its county."""
    code = single_value("code", "")
    if "code" in request.args and not (code.isdigit() and len(code) == 6):
        raise FilterError("code", "%(value)r is not a six-digit county code", value=code[:20])
    rows = get_registry().county_boundaries()
    if code:
        rows = [r for r in rows if r["code"] == code] or _shipped_county(code)
    features = (f'{{"type":"Feature","id":{json.dumps(r["code"])},"geometry":{r["geojson"]},"properties":'
                f'{json.dumps({k: r[k] for k in ("code", "name", "city_code")}, ensure_ascii=False)}}}' for r in rows)
    response = Response('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}",
                        mimetype="application/geo+json")
    response.cache_control.max_age = 300
    return response


def _shipped_county(code: str) -> list[dict]:
    """One county's polygon from geodata/ (the gazetteer, loaded once per process on first use)."""
    from registry.geo.geocode import county_boundaries

    return [{**f["properties"], "geojson": json.dumps(f["geometry"], separators=(",", ":"))}
            for f in county_boundaries([code])["features"] if f["properties"]["code"] == code]


@bp.get("/export.geojson")
def export_geojson():
    project_filter = current_filter()

    def chunks(registry: Registry) -> Iterator[str]:
        metadata = export_metadata(registry_info(registry), project_filter, *export_counts(registry, project_filter))
        return geojson_chunks(primed(registry.iter_features(project_filter), registry), metadata=metadata)

    return text_export(chunks, "geojson", "application/geo+json", project_filter, project_filter.to_params())


@bp.get("/export.csv")
def export_csv():
    """CSV; `bom=1` starts it with a UTF-8 byte-order mark, so that Excel reads it as UTF-8."""
    project_filter = current_filter()
    bom = single_value("bom", "0")
    if bom not in ("0", "1"):
        raise FilterError("bom", "%(value)r is not 0 or 1", value=bom[:40])
    # The header in the page's language (?lang=en: English, else Chinese); header=code: projects.csv's column
    # codes, for programs (the file then round-trips into `registry build`).
    header_kind = single_value("header", "label")
    if header_kind not in ("label", "code"):
        raise FilterError("header", "%(value)r is not label or code", value=header_kind[:40])
    header = csv_header(current_lang()) if header_kind == "label" else None

    def chunks(registry: Registry) -> Iterator[str]:
        batches = registry.iter_projects(project_filter, columns=CSV_SELECT, batches=True)
        return csv_chunks(primed(batches, registry), bom=bom == "1", header=header, batched=True)

    # The header's language is part of what the file holds: a cached English file is not the Chinese one.
    return text_export(chunks, "csv", "text/csv", project_filter,
                       [*project_filter.to_params(), ("bom", bom), ("header", header_kind if header is None
                                                                    else f"label-{current_lang()}")])


def text_export(chunks_of, fmt: str, mimetype: str, project_filter: ProjectFilter, key: list[tuple[str, str]]):
    """A text export: from its cache file when made (with length, Range and HEAD); else made into it now for a
    HEAD or a Range request (GDAL's /vsicurl/ asks both), else streamed off the cursor and kept as it goes."""
    filename = export_filename(project_filter, fmt)
    path = exportcache.cache_path(get_registry(), fmt, key)
    if not path.is_file() and (request.method == "HEAD" or "Range" in request.headers):
        def write(partial: Path) -> None:
            with open_stream_registry() as registry, open(partial, "w", encoding="utf-8", newline="") as handle:
                handle.writelines(chunks_of(registry))

        exportcache.build_file(path, write)
    if path.is_file() and (served := exportcache.serve_file(path, mimetype, filename, *validators())) is not None:
        return served
    registry = open_stream_registry()
    try:
        chunks = chunks_of(registry)
    except BaseException:
        registry.close()
        raise
    # The response streams the text chunk by chunk as rows come off the cursor, with the same
    # functions as `registry export`, hence the same bytes.
    response = Response(closing_after(exportcache.tee_to_cache(chunks, path), registry), mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response


def open_stream_registry() -> Registry:
    """A Registry of the response's own: it outlives the request (closed at teardown) while the body
    streams from its cursor, in constant memory. An unreadable registry fails here, before any byte."""
    return Registry(Path(current_app.config["REGISTRY_DB"]))


def primed(rows: Iterator, registry: Registry) -> Iterator:
    """The rows, with the first read now, before the response starts: a damaged database is then a
    503, not a 200 cut off after its first bytes."""
    try:
        first = next(rows, None)
    except BaseException:
        registry.close()
        raise
    return rows if first is None else chain([first], rows)


def closing_after(chunks: Iterable[str], registry: Registry) -> Iterator[str]:
    """The chunks, then the registry closed: when the body ends, or when the client goes away."""
    try:
        yield from chunks
    finally:
        registry.close()


def dict_of_params(project_filter: ProjectFilter) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for name, value in project_filter.to_params():
        params.setdefault(name, []).append(value)
    return params
