"""Security headers, the Content-Security-Policy in a real Chromium, and trusted hosts (issue 15, part 6)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from conftest import chromium_context, has_location, serving

PAGES = ("/", "/projects", "/api/projects", "/api/map.json", "/export.csv", "/healthz", "/no-such-page")


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    csp = csp_directives(response.headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'" and csp["script-src"][1].startswith("'nonce-")
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:", "blob:"]  # the test app has no tile server
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"]


def test_every_inline_script_carries_the_response_nonce_and_it_changes_per_request(client, registry_rows):
    nonces = set()
    for path in ("/", "/projects", f"/projects/{registry_rows[0]['id']}"):
        response = client.get(path)
        nonce = csp_directives(response.headers["Content-Security-Policy"])["script-src"][1][len("'nonce-"):-1]
        html = response.get_data(as_text=True)
        tags = re.findall(r"<script\b[^>]*>", html)
        inline = [t for t in tags if " src=" not in t]
        assert inline or path == "/projects", path  # the list has no inline script; the map pages do
        assert all(f'nonce="{nonce}"' in tag for tag in inline), (path, inline)
        # Scripts with src come from this origin only ('self'): the vendored Leaflet, jQuery, map.js.
        assert all(re.search(r' src="/', t) for t in tags if " src=" in t), (path, tags)
        assert not re.search(r"\son[a-z]+\s*=", html), "an inline event handler would need 'unsafe-inline'"
        nonces.add(nonce)
    assert len(nonces) == 3


def test_the_tile_server_is_the_only_outside_image_origin():
    from webmap.security import tile_sources

    assert tile_sources("none") == ()
    assert tile_sources("osm") == ("https://tile.openstreetmap.org",)
    assert tile_sources("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == ("https://*.tiles.example.org",)
    assert tile_sources("/tiles/{z}/{x}/{y}.png") == ()


@pytest.mark.parametrize("path", ["/api//projects", "//projects", "/projects//x"])
def test_a_redirect_never_reflects_the_host_header(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 308
    assert "evil.example" not in response.headers["Location"]
    assert response.headers["Location"].startswith("/") and not response.headers["Location"].startswith("//")


def test_trusted_hosts_from_the_environment_refuse_other_hosts(monkeypatch, registry_db):
    from webmap import create_app

    monkeypatch.setenv("REGISTRY_TRUSTED_HOSTS", "registry.example.org, 127.0.0.1")
    app = create_app({"REGISTRY_DB": str(registry_db), "REGISTRY_TILES": "none"})
    client = app.test_client()
    for path in ("/", "/api/facets", "/api//projects", "/projects"):
        response = client.get(path, headers={"Host": "evil.example"})
        assert response.status_code == 400, path
        assert "evil.example" not in response.get_data(as_text=True)
        assert "Location" not in response.headers
    assert client.get("/api/facets", headers={"Host": "registry.example.org"}).status_code == 200
    assert client.get("/api/facets", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/api/facets", headers={"Host": "evil.example"}).json["error"]["parameter"] == "Host"


# ---------------------------------------------------------------- the policy in a real browser

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || ''));
});
"""


@pytest.mark.browser
def test_map_list_and_project_pages_run_under_the_policy_in_chromium(tmp_path, app, registry_rows):
    located = [r for r in registry_rows if has_location(r)]
    with serving(app) as base, chromium_context(viewport={"width": 1200, "height": 800}) as context:
        context.add_init_script(WATCH_CSP)
        host = urlsplit(base)

        def only_local(route):
            url = urlsplit(route.request.url)
            if url.scheme in ("data", "blob") or (url.hostname, url.port) == (host.hostname, host.port):
                route.continue_()
            else:
                route.abort("blockedbyclient")

        context.route("**/*", only_local)
        page = context.new_page()
        console_errors = []
        page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        for path in ("/", "/projects", f"/projects/{located[0]['id']}"):
            response = page.goto(base + path, wait_until="load")
            assert "nonce-" in response.headers["content-security-policy"]
            if path != "/projects":
                page.wait_for_selector("body[data-map-state]", timeout=20_000)
                assert page.get_attribute("body", "data-map-state") == "ready"
                assert page.locator(".leaflet-overlay-pane path, .leaflet-overlay-pane canvas, .leaflet-marker-icon").count() > 0
            else:
                assert page.locator("table tbody tr").count() > 0
            page.wait_for_timeout(200)  # violations are reported asynchronously
            assert page.evaluate("window.__cspViolations") == [], path
        assert console_errors == []
        # The policy is enforced, not merely sent: an injected inline script without the nonce is refused.
        page.goto(base + "/projects", wait_until="load")
        page.evaluate("""() => { const s = document.createElement('script');
                                 s.textContent = 'window.__injected = true'; document.body.appendChild(s); }""")
        page.wait_for_timeout(200)
        assert page.evaluate("window.__injected === undefined")
        assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))
