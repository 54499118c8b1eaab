"""`<link rel="alternate">` of each HTML page: the same thing as JSON, CSV and GeoJSON (as Datasette's pages
link their .json and .csv), for tools and browsers' extensions that follow them.

    alternate_links() -> [{"type": media type, "href": URL}, …]   for the current request (a Jinja global)
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import request, url_for

from webmap.params import CompareParams, ProjectFilterParams, SortParams, known_parameters

_FILTER = [("application/json", "api.projects"), ("text/csv", "api.export_csv"),
           ("application/geo+json", "api.export_geojson")]
# HTML endpoint -> (media type, endpoint) of its alternates; they take the page's own path arguments.
ALTERNATES = {
    "pages.map_page": _FILTER,
    "pages.project_list": _FILTER,
    "pages.project_page": [("application/json", "api.project")],
    "plans.plan_list": [("application/json", "plans.api_plans")],
    "plans.plan_page": [("application/json", "plans.api_plan")],
    "targets.compare_page": [("application/json", "targets.api_compare"),
                             ("application/geo+json", "targets.api_compare_geojson"), ("text/csv", "plans.api_targets_csv")],
}
# The query parameters an alternate carries: the filter (not the page's paging, which the API bounds otherwise).
_CARRIED = {"pages.map_page": (ProjectFilterParams,), "pages.project_list": (ProjectFilterParams, SortParams),
            "targets.compare_page": (CompareParams,)}


def alternate_links() -> list[dict]:
    if request.endpoint not in ALTERNATES:
        return []
    names = {field.data_key or name for schema in _CARRIED.get(request.endpoint, ())
             for name, field in schema().fields.items()}
    try:
        pairs = list(request.args.items(multi=True))
    except UnicodeDecodeError:  # the error page of a query string that is not UTF-8: no alternates
        return []
    links = []
    for media_type, endpoint in ALTERNATES[request.endpoint]:
        read = names & known_parameters(endpoint)
        query = urlencode([(k, v) for k, v in pairs if k in read])
        links.append({"type": media_type, "href": url_for(endpoint, **(request.view_args or {})) + (f"?{query}" if query else "")})
    return links
