"""Request fuzzing: every route, random and extreme query strings, never a 500.

Schemathesis generates requests from the app's own OpenAPI document (valid and invalid
values) and checks the answers against it; Hypothesis throws raw query strings (unknown
parameters, repeated values, huge and non-finite numbers, NULs, broken percent-escapes,
non-UTF-8 bytes) at the HTML pages and the exports too. A 4xx from /api/… or /export.…
must be the JSON error `{"error": {"message": …}}`; the HTML pages may answer 4xx in HTML.
"""
from __future__ import annotations

import os
from urllib.parse import quote

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from conftest import SHIPPED_CSV, read_rows

JSON_PREFIXES = ("/api/", "/export.")
ROWS = read_rows(SHIPPED_CSV)
SOME_ID = ROWS[0]["id"]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, registry_db):
    """The app on the session's registry (built from the shipped CSV once per worker), its export cache apart."""
    from webmap import create_app

    return create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_TILES": "none", "TESTING": True,
                       "REGISTRY_EXPORT_CACHE": str(tmp_path_factory.mktemp("fuzz") / "export-cache")})


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    # The coverage phase sends every operation each of eight methods it does not document, expecting a 405 with
    # Allow; the routes answer every undocumented method alike (Flask's method matching), so two of them show
    # it, and the other six were a quarter of the suite's longest test. FUZZ_EXAMPLES (a deep run) sends all.
    if not os.environ.get("FUZZ_EXAMPLES"):
        schema.config.phases.coverage.unexpected_methods = {"post", "delete"}
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


def content_type(response) -> str:
    """Content-Type of a Werkzeug test response or a Schemathesis response (lower-case keys, lists)."""
    value = response.headers.get("Content-Type") or response.headers.get("content-type") or ""
    return value[0] if isinstance(value, list) else value


def assert_json_error(response, where) -> None:
    assert content_type(response).startswith("application/json"), where
    body = response.json() if callable(response.json) else response.json
    assert isinstance(body.get("error"), dict) and isinstance(body["error"].get("message"), str), (where, body)


@schema.parametrize()
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "4")), deadline=None,
          derandomize=not os.environ.get("FUZZ_EXAMPLES"), suppress_health_check=list(HealthCheck))
def test_api_answers_every_generated_request_as_its_document_says(case):
    # Every check schemathesis has (status codes, content types, bodies and headers as documented, valid data
    # accepted, invalid data refused, other methods a 405 with Allow), with no exception: the document and
    # the server agree. Schemathesis asks for gzip (requests' default Accept-Encoding) but its WSGI transport
    # does not decode it; tests/test_http.py checks the compressed answers on their own.
    response = case.call(headers={"Accept-Encoding": "identity"})
    where = f"{case.method} {case.formatted_path} {case.query}"
    assert response.status_code < 500, (where, response.text[:500])
    if response.status_code >= 400 and case.path.startswith(JSON_PREFIXES):
        assert_json_error(response, where)
    case.validate_response(response)


# ---------------------------------------------------------------- raw query strings, every route

ROUTES = ["/", "/projects", f"/projects/{SOME_ID}", "/api/projects", f"/api/projects/{SOME_ID}", "/api/facets",
          "/api/map.json", "/api/boundaries.geojson", "/api/openapi.json", "/export.geojson", "/export.csv",
          "/targets", "/api/targets/compare", "/api/targets/compare.geojson"]
PARAMETERS = ["type", "city", "county", "stage", "min_mw", "max_mw", "q", "sort", "order", "page", "per_page",
              "indicator", "year"]
EXTREME_VALUES = ["", " ", "0", "-0", "-1", "1e309", "-1e309", "nan", "NaN", "inf", "Infinity", "1e-400",
                  "9" * 400, "9" * 5000, "1_000", "0x10", "１２", "２０３０", "1,2,3", ",,,", "asc", "desc", "DESC",
                  "id", "name", "capacity_mw", "rowid", "id; DROP TABLE projects", "1 OR 1=1", "solar_pv",
                  "solar_pv,wind", "construction", "孝感市", "大悟", "大悟县", "\x00", "a\x00b", "\u202e", "\ufeff",
                  "🌞" * 60, "x" * 201, "x" * 200, '"', "NEAR(", "*", "(", "%", "_", "\\", "'", "<script>",
                  "non_fossil_share", "other", "2025", "value", "level"]
RAW_PIECES = ["%", "%Z", "%ZZ", "%FF%FE", "%C0%AF", "%ED%A0%80", "%00", "%0D%0A", "%26", "%3D", "+", "&", "=", ";",
              "&&", "==", "%E5%A4%A7%E6%82%9F", "%u5927", "#frag"]

param_names = st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=0, max_size=12))
param_values = st.one_of(st.sampled_from(EXTREME_VALUES), st.text(max_size=300),
                         st.floats(allow_nan=True, allow_infinity=True).map(repr),
                         st.integers(min_value=-(10**30), max_value=10**30).map(str))


@st.composite
def query_strings(draw) -> bytes:
    """A query string as bytes: encoded pairs, raw broken pieces, repeats, sometimes non-UTF-8."""
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["pair", "pair", "pair", "repeat", "raw", "bare"]))
        if kind == "pair":
            parts.append(quote(draw(param_names), safe="") + "=" + quote(draw(param_values), safe=""))
        elif kind == "repeat":
            name, value = draw(st.sampled_from(PARAMETERS)), draw(st.sampled_from(EXTREME_VALUES[:30]))
            parts.extend([f"{name}={quote(value, safe='')}"] * draw(st.integers(2, 80)))
        elif kind == "raw":
            parts.append(draw(st.sampled_from(PARAMETERS)) + "=" + "".join(draw(st.lists(st.sampled_from(RAW_PIECES), max_size=4))))
        else:
            parts.append(draw(st.sampled_from(PARAMETERS)))
    text = "&".join(parts).encode("ascii")
    if draw(st.booleans()) and draw(st.booleans()):
        text += b"&q=" + draw(st.binary(max_size=20)).replace(b"&", b"").replace(b"#", b"")
    return text


@pytest.fixture(scope="module")
def web(fuzz_app):
    return fuzz_app.test_client()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(route=st.sampled_from(ROUTES), query=query_strings())
def test_every_route_survives_random_query_strings(web, route, query):
    # WSGI carries the raw query bytes as a latin-1 string: exactly what a server hands the app.
    response = web.get(route, environ_overrides={"QUERY_STRING": query.decode("latin-1")})
    where = f"{route}?{query[:300]!r}"
    assert response.status_code < 500, (where, response.get_data(as_text=True)[:500])
    assert response.status_code in (200, 400, 404), where
    if response.status_code >= 400 and route.startswith(JSON_PREFIXES):
        assert_json_error(response, where)
    if response.status_code == 200:
        response.get_data()  # streamed exports are produced to the end without raising


ID_PIECES = ["..", ".", "%2F", "%2E%2E", "%00", "%FF", "a" * 300, "中文", "<script>", "'", '"', "%20", "~", "-", "_",
             SOME_ID, SOME_ID.upper(), SOME_ID + "%00", "%E2%80%AE", "%F0%9F%8C%9E"]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(prefix=st.sampled_from(["/projects/", "/api/projects/"]), pieces=st.lists(st.sampled_from(ID_PIECES), min_size=1, max_size=3))
def test_project_routes_survive_random_ids(web, prefix, pieces):
    path = prefix + "".join(pieces)
    response = web.get(path)
    # 308: Werkzeug normalises "//" and "/.." in a path by redirecting, which is fine.
    assert response.status_code in (200, 308, 404, 400), (path, response.status_code)
    if response.status_code >= 400 and path.startswith("/api/"):
        assert_json_error(response, path)


def test_other_methods_are_refused_with_405_json_and_allow(web):
    missing_allow = []
    for route in ROUTES:
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            response = web.open(route, method=method, data=b"x=1")
            assert response.status_code == 405, (method, route)
            if route.startswith(JSON_PREFIXES):
                assert_json_error(response, f"{method} {route}")
            # RFC 9110 §15.5.6: a 405 response MUST carry Allow with the methods the resource supports.
            if "GET" not in response.headers.get("Allow", ""):
                missing_allow.append(f"{method} {route}")
    assert not missing_allow, f"405 without an Allow header: {missing_allow}"


@pytest.mark.parametrize("route", ROUTES)
def test_head_and_extreme_urls(web, route):
    assert web.head(route).status_code == 200
    long_query = "q=" + "大" * 5000 + "&" + "&".join(["type=solar_pv"] * 200)
    response = web.get(route, query_string=long_query)
    assert response.status_code in (200, 400), route
    if route.startswith(JSON_PREFIXES) and response.status_code == 400:
        assert_json_error(response, route)
