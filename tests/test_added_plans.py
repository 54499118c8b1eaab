"""The plans added through `registry add-plan` and `registry review` (the provincial plans and the
national one): each row reads back at its offsets in its plan's stored text, each row is one the
review decided (plans/<doc>.review.json), the stored text is what the corpus rebuild gives, and
documents.csv says where each text came from and what it lacks. Expectations come from the files.
"""
from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, read_rows

DOCUMENTS = read_rows(ROOT / "plans" / "documents.csv")
REVIEWED = [d for d in DOCUMENTS if (ROOT / "plans" / f"{d['doc_id']}.review.json").exists()]
pytestmark = pytest.mark.skipif(not REVIEWED, reason="no plan of this registry was added through review")


def _text(doc: dict) -> str:
    return (ROOT / "plans" / doc["file"]).read_text(encoding="utf-8")


def _bigrams(words: str) -> set[str]:
    words = re.sub(r"\s+", "", words)
    return {words[i:i + 2] for i in range(len(words) - 1)} | ({words} if len(words) == 1 else set())


@pytest.mark.parametrize("doc", REVIEWED, ids=lambda d: d["doc_id"])
def test_every_project_reads_back_at_its_offsets(doc, registry_rows):
    text = _text(doc)
    rows = [r for r in registry_rows if r["source_doc"] == doc["doc_id"]]
    assert rows or doc["doc_id"].endswith("_100000"), f"{doc['doc_id']} has no projects"
    for row in rows:
        start, end = int(row["source_start"]), int(row["source_end"])
        words = text[start:end]
        assert 0 <= start < end <= len(text) and words.strip(), row["id"]
        # the span names the project: its words are part of the name, or share words with it
        assert words in row["name"] or _bigrams(words) & _bigrams(row["name"]), (row["id"], words, row["name"])


@pytest.mark.parametrize("doc", REVIEWED, ids=lambda d: d["doc_id"])
def test_every_target_reads_back_at_its_offsets(doc):
    text = _text(doc)
    for row in read_rows(ROOT / "targets.csv"):
        if row["source_doc"] != doc["doc_id"]:
            continue
        words = text[int(row["source_start"]):int(row["source_end"])]
        value = row["value"].rstrip("0").rstrip(".") if "." in row["value"] else row["value"]
        assert value in words or (row["unit"] == "%" and float(row["value"]) == 100), (row, words)


@pytest.mark.parametrize("doc", REVIEWED, ids=lambda d: d["doc_id"])
def test_every_row_is_one_the_review_decided(doc, registry_rows):
    decisions = json.loads((ROOT / "plans" / f"{doc['doc_id']}.review.json").read_text(encoding="utf-8"))
    ids = {d.get("id") for d in decisions.values() if d.get("decision") == "accept"}
    rows = {r["id"] for r in registry_rows if r["source_doc"] == doc["doc_id"]}
    assert rows == ids - {None}
    candidates = read_rows(ROOT / "plans" / f"{doc['doc_id']}.candidates.csv")
    undecided = [c["name"] for c in candidates if f"project:{c['id']}" not in decisions]
    assert undecided == [], "every candidate of an added plan is decided"


@pytest.mark.parametrize("doc", [d for d in REVIEWED if "corpus" in d.get("source", "") or
                                 d.get("text_note", "").startswith("rebuilt from a sentence-split corpus")],
                         ids=lambda d: d["doc_id"])
def test_a_rebuilt_text_says_where_it_comes_from_and_what_it_lacks(doc):
    assert doc["source"].startswith("github:ccccchaoo/carbon-policy-analysis")
    assert "end marks restored" in doc["text_note"] and "quotation marks" in doc["text_note"]
    text = _text(doc)
    lines = text.splitlines()
    assert lines[0] == doc["title"]  # the title line, then headings on lines of their own
    assert any(re.match(r"^[一二三四五六七八九十]+、", line) for line in lines)
    # every paragraph's sentences end in a mark (restored), so the extractor's sentence splitter can work
    assert all(re.search(r"[。！？；：…]$", line) or len(line) <= 40 for line in lines[1:] if line.strip())


def test_the_kept_aside_plans_are_not_in_the_registry():
    """河南 and 上海 measure the extractor on plans it never saw: they stay out of the registry."""
    assert not [d for d in DOCUMENTS if d.get("province") in ("河南省", "上海市") or d["city_code"] in ("410000", "310000")]
