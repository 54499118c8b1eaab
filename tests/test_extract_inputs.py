"""`registry extract` on what is not a plan, and the linear-time rewrites checked against the plain algorithms.

Times are measured by benchmarks/extract_scaling.py, not here; these tests check that the fast
versions give what the slow, obvious versions give, on the real plans and on adversarial text.
"""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from registry.rows.documents import Section, section_at, split_sections
from registry.extract import PlanInputError, extract_files, extract_text
from registry.extract.rows import _dedupe_key, _phase_of, dedupe
from registry.extract.text import clean_text
from registry.extract.units import find_capacity, find_voltage

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"


def run_extract(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "registry.cli", "extract", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def documents() -> dict[str, dict]:
    with open(PLANS / "documents.csv", newline="", encoding="utf-8") as handle:
        return {row["doc_id"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize("content, problem", [
    (bytes(range(256)) * 8, "NUL bytes"),
    (b"", "is empty"),
    (b" \n\t\n", "is empty"),
    ("推进光伏电站".encode("gbk"), "not UTF-8"),
    (b"Solar farm and wind farm projects, no Chinese at all.\n", "no Chinese text"),
    ("加快推进光伏电站项目和风电项目建设。".encode(), "names no province, city or county"),
], ids=["binary", "empty", "blank", "gbk", "english", "no-area"])
def test_what_is_not_a_plan_is_refused_naming_the_file(tmp_path, content, problem):
    plan = tmp_path / "plan.txt"
    plan.write_bytes(content)
    with pytest.raises(PlanInputError) as refused:
        extract_files([plan], None)
    message = str(refused.value)
    assert "plan.txt" in message and problem in message and "\n" not in message


def test_the_command_prints_one_error_line_and_writes_nothing(tmp_path):
    plan = tmp_path / "scan.pdf"
    plan.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    result = run_extract(str(plan), "-o", "out.csv", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {plan}: contains NUL bytes: a binary file, not a plan's text (convert a PDF or DOCX to UTF-8 text first)"]
    assert not (tmp_path / "out.csv").exists()


def test_size_cap_and_max_bytes(tmp_path):
    plan = PLANS / "xiaogan_420900.txt"
    size = plan.stat().st_size
    small = run_extract(str(plan), "-o", "out.csv", "--max-bytes", str(size - 1), cwd=tmp_path)
    assert small.returncode == 1 and "--max-bytes" in small.stderr and f"{size:,} bytes" in small.stderr
    assert len(small.stderr.strip().splitlines()) == 1
    enough = run_extract(str(plan), "-o", "out.csv", "--max-bytes", str(size), cwd=tmp_path)
    assert enough.returncode == 0, enough.stderr
    with open(tmp_path / "out.csv", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) > 10


def _section_at_by_scan(sections: list[Section], offset: int) -> Section | None:
    best = None
    for section in sections:
        if section.start <= offset < section.end and (best is None or section.start >= best.start):
            best = section
    return best


def _split_by_scan(text: str) -> list[tuple[int, int]]:
    """Each section's end found the obvious way: the next heading of the same or a higher level."""
    found = [(s.start, s.level) for s in split_sections(text)]
    return [next((s for s, lv in found[i + 1:] if lv <= level), len(text)) for i, (_, level) in enumerate(found)]


@pytest.mark.parametrize("doc_id", sorted(documents()))
def test_sections_by_bisect_equal_the_scan(doc_id):
    text = (PLANS / f"{doc_id}.txt").read_text(encoding="utf-8")
    sections = split_sections(text)
    assert len(sections) > 5
    assert [s.end for s in sections] == _split_by_scan(text)
    for offset in range(0, len(text), 37):
        assert section_at(sections, offset) == _section_at_by_scan(sections, offset)
    assert section_at(list(sections), len(text) // 2) == _section_at_by_scan(sections, len(text) // 2)


def _dedupe_by_pairs(rows: list[dict], places) -> list[dict]:
    kept: list[dict] = []
    for row in sorted(rows, key=lambda r: r["source_start"]):
        key = _dedupe_key(row["name"], places)
        twin = next((k for k in kept if k["type"] == row["type"] and _phase_of(k["name"]) == _phase_of(row["name"]) and
                     (key in _dedupe_key(k["name"], places) or _dedupe_key(k["name"], places) in key) and
                     min(len(key), len(_dedupe_key(k["name"], places))) >= 4), None)
        if twin is None:
            kept.append(row)
        elif twin["capacity_mw"] is None and row["capacity_mw"] is not None:
            kept[kept.index(twin)] = row
    return kept


@pytest.mark.parametrize("doc_id", sorted(documents()))
def test_dedupe_by_index_equals_every_pair_compared(doc_id, monkeypatch):
    from registry import extract

    seen = {}
    real = extract.dedupe

    def spy(rows, places):
        seen["rows"], seen["places"] = list(rows), places
        return real(rows, places)

    monkeypatch.setattr(extract, "dedupe", spy)
    meta = documents()[doc_id]
    extract_text((PLANS / meta["file"]).read_text(encoding="utf-8"), doc_id, meta)
    rows, places = seen["rows"], seen["places"]
    assert rows
    assert dedupe(rows, places) == _dedupe_by_pairs(rows, places)


def test_long_digit_runs_and_blank_runs_keep_their_meaning():
    digits = "1" * 20_000
    assert find_capacity(f"甲{digits}万千瓦")[1] == f"{digits}万千瓦"
    assert find_capacity("装机1.5万千瓦") == (15.0, "1.5万千瓦", (2, 8))
    assert find_voltage("±800千伏直流和500千伏交流")[0] == 800
    assert find_capacity("新增装机1.2亿千瓦")[0] == 120_000
    assert clean_text("光伏" + " " * 40_000 + "电站").text == "光伏电站"
    assert clean_text("光伏" + " " * 40_000 + "\n电站").text == "光伏电站"
    assert clean_text("甲电站。" + " " * 500 + "\n（一）乙").text == "甲电站。\n（一）乙"


def test_windows_line_ends_give_the_same_projects_with_spans_into_the_crlf_text():
    meta = documents()["xiangyang_420600"]
    text = (PLANS / meta["file"]).read_text(encoding="utf-8")
    crlf = text.replace("\n", "\r\n")
    unix_rows, _ = extract_text(text, "xiangyang_420600", meta)
    crlf_rows, _ = extract_text(crlf, "xiangyang_420600", meta)
    assert [(r["name"], r["type"], r["capacity_mw"], r["source_section"]) for r in crlf_rows] == \
           [(r["name"], r["type"], r["capacity_mw"], r["source_section"]) for r in unix_rows]
    for row in crlf_rows:
        span = crlf[row["source_start"]:row["source_end"]].replace("\r\n", "")
        assert span == text[[r for r in unix_rows if r["name"] == row["name"]][0]["source_start"]:
                            [r for r in unix_rows if r["name"] == row["name"]][0]["source_end"]].replace("\n", "")
