"""The catalogs and the language of what the server sends: one language per request, kept in links and
forms, every message translated, the CSV header in the request's language and identical on the CLI."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

from babel.messages.mofile import read_mo

from registry.rows.labels import FIELDS
from registry.rows.schema import PROJECT_COLUMNS
from webmap.i18n import catalog

CJK = re.compile(r"[\u3400-\u9fff]")


def test_every_message_has_a_chinese_translation_in_the_compiled_catalog():
    """A string added to a template (_()), to Python (N_(), FilterError) or to a label table without its
    translation fails here; `python -m webmap.i18n update` then puts it in the catalog."""
    extracted = catalog.merged()
    assert not catalog.missing(extracted), "run `python -m webmap.i18n update` and translate:\n" + \
        "\n".join(catalog.missing(extracted))
    with open(catalog.MO, "rb") as handle:
        compiled = read_mo(handle)
    stale = [(m.context, m.id) for m in extracted if m.id and (compiled.get(m.id, m.context) is None
                                                               or compiled.get(m.id, m.context).string != m.string)]
    assert not stale, f"messages.mo is older than the sources: run `python -m webmap.i18n update` ({stale[:5]})"
    # A pair's Chinese is its translation; a template's message keeps its placeholders.
    assert compiled.get("Filters", "heading").string == "筛选"
    for message in compiled:
        if message.id and isinstance(message.id, str):
            assert set(re.findall(r"%\(\w+\)[sdrg]", message.id)) == set(re.findall(r"%\(\w+\)[sdrg]", message.string))


def test_a_page_is_in_one_language_and_links_keep_it(client):
    zh = client.get("/projects?type=wind").get_data(as_text=True)
    en = client.get("/projects?type=wind&lang=en").get_data(as_text=True)
    assert "<h2>筛选</h2>" in zh and "Filters" not in zh and '<html lang="zh-CN">' in zh
    assert "<h2>Filters</h2>" in en and "筛选" not in en and '<html lang="en">' in en
    # The form keeps the language; so do the nav, the export and the pagination links.
    assert '<input type="hidden" name="lang" value="en">' in en
    assert 'href="/plans?lang=en"' in en and 'href="/export.csv?lang=en&amp;type=wind"' in en
    assert 'href="/export.csv?type=wind"' in zh and "lang=en" not in zh.replace('href="/projects?type=wind&amp;lang=en"', "")
    # The switch: the same page and filter in the other language.
    assert 'href="/projects?type=wind&amp;lang=en"' in zh and 'href="/projects?type=wind"' in en


def test_filter_errors_are_translated_in_html_and_english_in_json(client):
    zh = client.get("/projects?min_mw=abc").get_data(as_text=True)
    assert "不是数字（兆瓦）" in zh and '<span translate="no">&#39;abc&#39;</span>' in zh
    en = client.get("/projects?min_mw=abc&lang=en").get_data(as_text=True)
    assert "is not a number (megawatts)" in en
    api = client.get("/api/projects?min_mw=abc&lang=en").get_json()
    assert api["error"] == {"parameter": "min_mw", "message": "'abc' is not a number (megawatts)"}
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and "没有这个页面" in missing.get_data(as_text=True)


def test_location_method_statuses_and_indicators_are_words(client, registry_rows):
    row = next(r for r in registry_rows if r["location_method"].startswith("county:site-not-in-geonames-or-sizhi"))
    zh = client.get(f"/projects/{row['id']}").get_data(as_text=True)
    assert "所写场址在 GeoNames 和 sizhi 中均未找到" in zh and ">county:site-not" not in zh
    en = client.get(f"/projects/{row['id']}?lang=en").get_data(as_text=True)
    assert "The site named is in neither GeoNames nor sizhi." in en
    plans = client.get("/plans").get_data(as_text=True)
    assert "现行有效" in plans and "in force" not in plans
    assert "In force" in client.get("/plans?lang=en").get_data(as_text=True)
    targets = client.get("/targets?indicator=non_fossil_share").get_data(as_text=True)
    assert "非化石能源消费比重" in targets and "Non-fossil share" not in targets


def test_times_are_beijing_time(client, registry_db):
    import sqlite3
    from datetime import datetime, timedelta

    built = sqlite3.connect(registry_db).execute("SELECT value FROM registry_meta WHERE key = 'built_at'").fetchone()[0]
    beijing = (datetime.fromisoformat(built) + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    about = client.get("/about").get_data(as_text=True)
    assert f">{beijing}</time> (北京时间)" in about
    assert f">{beijing}</time> (Beijing time)" in client.get("/about?lang=en").get_data(as_text=True)


def test_csv_header_follows_the_language_and_the_cli_writes_the_same_bytes(client, registry_db):
    zh, en = client.get("/export.csv?type=wind").data, client.get("/export.csv?type=wind&lang=en").data
    code = client.get("/export.csv?type=wind&header=code").data
    zh_header, en_header = zh.decode().splitlines()[0].split(","), en.decode().splitlines()[0].split(",")
    assert zh_header == [FIELDS[c][1] for c in PROJECT_COLUMNS] and all(CJK.search(h) for h in zh_header[:3])
    assert en_header == [FIELDS[c][0] for c in PROJECT_COLUMNS] and not CJK.search(",".join(en_header))
    assert code.decode().splitlines()[0] == ",".join(PROJECT_COLUMNS)
    # Only the header differs: the type and stage columns keep their codes.
    assert zh.split(b"\n", 1)[1] == en.split(b"\n", 1)[1] == code.split(b"\n", 1)[1]
    rows = list(csv.DictReader(io.StringIO(zh.decode())))
    assert rows and {r["类型"] for r in rows} == {"wind"}
    cli = [sys.executable, "-m", "registry.cli", "export", "--format", "csv", "--type", "wind", "--db", str(registry_db)]
    for args, web in (([], code), (["--lang", "zh"], zh), (["--lang", "en"], en)):
        assert subprocess.run(cli + args, capture_output=True, check=True, timeout=60).stdout == web
    assert client.get("/export.csv?header=x").status_code == 400


def test_scale_is_metric_only(client):
    page = client.get("/").get_data(as_text=True)
    assert "L.control.scale({imperial: false})" in page and "L.control.scale()" not in page
