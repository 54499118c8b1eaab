"""Plans and targets: targets.csv as data, /api/targets, /plans pages, the CLI, on the real plans.

Expected values come from targets.csv, projects.csv and plans/ read here with the csv module
and plain Python, never from registry.store.targets.
"""
from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import read_rows, write_rows

ROOT = Path(__file__).resolve().parent.parent
TARGETS_CSV = ROOT / "targets.csv"
PLANS = ROOT / "plans"
NUMBER_COLUMNS = ("value", "value_normalised", "year", "source_start", "source_end")
# Types a new-energy capacity target counts, restated from the README's vocabulary table.
NEW_ENERGY_TYPES = {"solar_pv", "wind", "hybrid", "new_energy_base", "biomass", "waste_to_energy"}


@pytest.fixture(scope="module")
def target_rows() -> list[dict]:
    return read_rows(TARGETS_CSV)


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    rows = read_rows(PLANS / "documents.csv")
    return {r["doc_id"]: {**r, "text": (PLANS / r["file"]).read_text(encoding="utf-8")} for r in rows}


def as_api(row: dict) -> dict:
    """A targets.csv row typed the way JSON carries it."""
    typed = dict(row)
    for column in ("value", "value_normalised"):
        typed[column] = float(row[column])
    for column in ("year", "source_start", "source_end"):
        typed[column] = int(row[column]) if row[column] else None
    return typed


def test_every_target_span_contains_its_number(target_rows, documents):
    for row in target_rows:
        text = documents[row["source_doc"]]["text"][int(row["source_start"]):int(row["source_end"])]
        compact = re.sub(r"[\s*]", "", text)
        value = float(row["value"])
        written = f"{value:g}"
        # 全部 / 全面 / 全覆盖 (and 全焚烧, 翻一番: +100 %) are recorded as 100 % (README): the span says so in words.
        in_words = value == 100 and row["unit"] == "%" and re.search(r"全部|全面|全覆盖|全焚烧|翻一番", compact)
        assert written in compact or in_words, f"{row['source_doc']}:{row['source_start']} {row['metric']}: {text!r}"
        if row["unit"] not in ("%",) and not in_words:  # the unit is written too (克/千瓦时 for 克标煤/千瓦时)
            unit = row["unit"]
            assert unit.split("/")[0][:2] in compact or (unit.split("/")[-1] in compact and "/" in unit), (row, text)


def test_every_non_fossil_share_target_has_one_indicator(target_rows, documents):
    """非化石能源消费比重 / 占比 / 占能源消费总量比重 are one indicator in every plan (its share of power
    capacity or generation are others)."""
    share = [r for r in target_rows if re.search(r"非化石能源.*消费.*(?:比重|占比)|非化石能源(?:比重|占比)", r["metric"])]
    assert {r["indicator"] for r in share} == {"non_fossil_share"}
    assert all("非化石能源" in r["metric"] for r in target_rows if r["indicator"] == "non_fossil_share")
    with_share = {r["source_doc"] for r in share}
    plans_naming_it = {d for d, doc in documents.items() if re.search(r"非化石能源(?:消费)?(?:比重|占比)", doc["text"])}
    assert with_share and with_share <= plans_naming_it


def test_capacity_targets_are_normalised_to_megawatts(target_rows):
    for row in target_rows:
        if row["unit"] == "万千瓦":
            assert (float(row["value_normalised"]), row["unit_normalised"]) == (float(row["value"]) * 10, "MW")


def test_api_targets_is_targets_csv(client, target_rows):
    body = client.get("/api/targets").get_json()
    assert body["total"] == len(target_rows)
    got = sorted((t for t in body["targets"]), key=lambda t: (t["source_doc"], t["source_start"], t["source_end"], t["metric"]))
    want = sorted(map(as_api, target_rows), key=lambda t: (t["source_doc"], t["source_start"], t["source_end"], t["metric"]))
    assert got == want


@pytest.mark.parametrize("query, keep", [
    ("city=孝感市&year=2025", lambda r: r["city"] == "孝感市" and r["year"] == "2025"),
    ("indicator=solar_pv_capacity,wind_capacity", lambda r: r["indicator"] in ("solar_pv_capacity", "wind_capacity")),
    ("county=津市市&indicator=forest_coverage", lambda r: r["county"] == "津市市" and r["indicator"] == "forest_coverage"),
    ("doc=linxiang_430682&year=2030", lambda r: r["source_doc"] == "linxiang_430682" and r["year"] == "2030"),
])
def test_api_targets_filters(client, target_rows, query, keep):
    body = client.get(f"/api/targets?{query}").get_json()
    want = [as_api(r) for r in target_rows if keep(r)]
    assert want and sorted(body["targets"], key=json.dumps) == sorted(want, key=json.dumps)


@pytest.mark.parametrize("query, parameter", [
    ("year=20x5", "year"), ("year=1066", "year"), ("indicator=solar", "indicator"), ("doc=henan_410000", "doc"),
])
def test_bad_target_filters_are_json_400_naming_the_parameter(client, query, parameter):
    for path in ("/api/targets", "/api/targets.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400 and response.is_json
        assert response.get_json()["error"]["parameter"] == parameter


def test_targets_csv_export_is_targets_csv_byte_for_byte(client):
    response = client.get("/api/targets.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data == TARGETS_CSV.read_bytes()


def test_plans_list_documents_with_counts_and_drafts(client, documents, registry_rows, target_rows):
    html = client.get("/plans").get_data(as_text=True)
    rows = re.findall(r'<tr data-doc="([^"]+)">(.*?)</tr>', html, re.S)
    assert {doc for doc, _ in rows} == set(documents)
    for doc, cells in rows:
        # Projects, on the map, not on the map (未上图), targets.
        numbers = [int(n) for n in re.findall(r'<td class="num[^"]*">(?:<a [^>]*>)?(\d+)(?:</a>)?</td>', cells)]
        mine = [r for r in registry_rows if r["source_doc"] == doc]
        assert numbers == [len(mine), sum(1 for r in mine if r["lon"]), sum(1 for r in mine if not r["lon"]),
                           sum(r["source_doc"] == doc for r in target_rows)]
        assert ("badge draft" in cells) == ("征求意见稿" in documents[doc]["title"])
    plans = client.get("/api/plans").get_json()["plans"]
    assert [p["draft"] for p in plans].count(True) == sum("征求意见稿" in d["title"] for d in documents.values()) == 2


class PlanTextLinks(HTMLParser):
    """Text inside each <a href> of #plan-text, and the ids of its anchors."""

    def __init__(self):
        super().__init__()
        self.depth, self.href, self.links, self.ids = 0, None, {}, set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "plan-text":
            self.depth = 1
        elif self.depth:
            self.depth += tag not in ("br",)
            if tag == "a":
                self.href = attrs.get("href")
            if "id" in attrs:
                self.ids.add(attrs["id"])

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1
            if tag == "a":
                self.href = None

    def handle_data(self, data):
        if self.depth and self.href:
            self.links[self.href] = self.links.get(self.href, "") + data


def test_xiaogan_plan_page_charts_and_links_its_text(client, documents, registry_rows, target_rows):
    html = client.get("/plans/xiaogan_420900").get_data(as_text=True)
    xiaogan = [r for r in registry_rows if r["source_doc"] == "xiaogan_420900"]
    # Like with like: a chart for each target of additions (新增), the listed projects due by its year beside it
    # and those of no stated year apart; a target for the installed total gets the note and no share.
    capacity = [r for r in target_rows if r["source_doc"] == "xiaogan_420900" and r["unit_normalised"] == "MW"]
    added = [r for r in capacity if r["indicator"].endswith("_added") or "新增" in r["metric"]]
    totals = [r for r in capacity if r not in added]
    assert added and totals
    figures = re.findall(r'<figure class="capacity-target".*?</figure>', html, re.S)
    assert len(figures) == len(capacity)
    charts = re.findall(r"<svg class=\"capacity-chart\".*?</svg>", html, re.S)
    assert len(charts) == len(added)
    listed = [r for r in xiaogan if r["type"] in NEW_ENERGY_TYPES]
    year = int(added[0]["year"])
    due = [r for r in listed if r["target_year"] and int(r["target_year"]) <= year]
    undated = [r for r in listed if not r["target_year"]]
    due_mw = sum(float(r["capacity_mw"]) for r in due if r["capacity_mw"])
    undated_mw = sum(float(r["capacity_mw"]) for r in undated if r["capacity_mw"])
    assert f"{due_mw:,.0f} MW</tspan>" in charts[0]
    assert not undated or f"+ {undated_mw:,.0f} MW 未注明年份" in charts[0]
    assert f"{len(undated)} 个所列项目未注明年份" in html if undated else True
    for figure in figures:
        if "capacity-chart" not in figure:  # a total: the note, and no percentage anywhere in it
            assert "不掌握现有装机" in figure and "%" not in re.sub(r"<[^>]+>", "", figure)
    known = sum(1 for r in listed if r["capacity_mw"])
    assert f"这些类型的 {len(listed)} 个项目中 {known} 个注明容量" in html
    english = client.get("/plans/xiaogan_420900?lang=en").get_data(as_text=True)
    assert f"capacity stated for {known} of {len(listed)} projects of these types" in english
    details = re.search(r'<details class="matching-projects">(.*?)</details>', html, re.S).group(1)
    assert sorted(re.findall(r'href="/projects/([^"]+)"', details)) == sorted(r["id"] for r in listed)
    # The text: xiaogan-010's span links to its page; every project and target span is anchored.
    parser = PlanTextLinks()
    parser.feed(html)
    row = next(r for r in xiaogan if r["id"] == "xiaogan-010")
    span = documents["xiaogan_420900"]["text"][int(row["source_start"]):int(row["source_end"])]
    assert re.sub(r"\s", "", parser.links["/projects/xiaogan-010"]) == re.sub(r"\s", "", span)
    assert {f"p-{r['id']}" for r in xiaogan} <= parser.ids
    assert {f"t-{r['source_start']}-{r['source_end']}" for r in target_rows if r["source_doc"] == "xiaogan_420900"} <= parser.ids


def test_project_page_links_back_to_its_place_in_the_plan(client):
    html = client.get("/projects/xiaogan-010").get_data(as_text=True)
    assert 'href="/plans/xiaogan_420900#p-xiaogan-010"' in html


def test_plan_text_is_escaped_and_unknown_plans_are_404(client):
    assert client.get("/plans/nope").status_code == 404
    assert client.get("/api/plans/nope").status_code == 404
    html = client.get("/plans/jinshi_430781").get_data(as_text=True)
    assert "<市国动办>" not in html and "&lt;市国动办&gt;" in html  # the plan's own angle brackets stay text


def test_map_sidebar_links_the_plans_of_the_filtered_city(client):
    html = client.get("/?city=孝感市").get_data(as_text=True)
    block = html[html.index('id="plan-links"'):html.index("</nav>", html.index('id="plan-links"'))]
    assert re.findall(r'href="/plans/([^"]+)"', block) == ["xiaogan_420900"]


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "registry.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, timeout=60)


def test_cli_targets_mirrors_the_csv(registry_db, target_rows):
    done = run_cli("targets", "--db", str(registry_db), "--indicator", "non_fossil_share", "--year", "2030")
    assert done.returncode == 0, done.stderr
    got = list(csv.DictReader(done.stdout.splitlines()))
    assert got == [r for r in target_rows if r["indicator"] == "non_fossil_share" and r["year"] == "2030"]
    done = run_cli("targets", "--db", str(registry_db), "--doc", "shiyan_420300", "--format", "json")
    assert json.loads(done.stdout) == [as_api(r) for r in target_rows if r["source_doc"] == "shiyan_420300"]


def test_cli_targets_bad_value_is_one_line(registry_db):
    done = run_cli("targets", "--db", str(registry_db), "--indicator", "solar")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: --indicator: unknown indicator 'solar'") and done.stderr.count("\n") == 1


def test_build_refuses_an_unknown_indicator_naming_line_and_column(tmp_path, registry_db, target_rows):
    from registry.rows.schema import RowError
    from registry.store.store import build

    rows = [dict(r) for r in target_rows]
    rows[6]["indicator"] = "solar_capacity"
    bad = write_rows(tmp_path / "targets.csv", rows)
    db = tmp_path / "registry.db"
    db.write_bytes(registry_db.read_bytes())
    before = db.read_bytes()
    with pytest.raises(RowError) as caught:
        build(ROOT / "projects.csv", db, targets_csv=bad)
    assert str(caught.value).startswith(f"{bad}:8: column 'indicator': unknown indicator 'solar_capacity'")
    assert db.read_bytes() == before
