"""A registry of plans at every level, for the target comparison's tests: the shipped one (the national
plan, the provincial plans, the cities and counties of 湖北/湖南), copied to a temporary folder and
built there; `hostile=True` gives 江西's plan a title and one target's words a careless page would run.

湖南 contains 津市 and 临湘 (counties), so province and county areas overlap on the map; the national
plan's area cannot be drawn. Nothing here is an expectation: tests compute theirs from the CSV files.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from conftest import ROOT, read_rows, write_rows

# The national 2030年前碳达峰行动方案 as the registry holds it (plans/china_100000.txt).
NATIONAL_TEXT = (ROOT / "plans" / "china_100000.txt").read_text(encoding="utf-8")
HOSTILE_DOC = "jiangxi_360000"
# For the hostile variant: a plan title and a target's words a careless page would run.
HOSTILE_TITLE = '江西省<img src=x onerror="document.title=1">碳达峰"实施方案</script><script>alert(1)</script>'
HOSTILE_METRIC = "非化石能源<b onmouseover=alert(2)>消费比重</b>\'\"`${1}"


def make_registry(folder: Path, hostile: bool = False) -> Path:
    """A copy of the shipped registry folder in `folder`, built; returns its registry.db.

    `hostile`: 江西's title is HOSTILE_TITLE and the words of its non-fossil-share targets HOSTILE_METRIC.
    """
    from registry.store.store import build

    plans = folder / "plans"
    shutil.copytree(ROOT / "plans", plans)
    documents = read_rows(plans / "documents.csv")
    targets = read_rows(ROOT / "targets.csv")
    if hostile:
        for doc in documents:
            if doc["doc_id"] == HOSTILE_DOC:
                doc["title"] = HOSTILE_TITLE
        for row in targets:
            if row["source_doc"] == HOSTILE_DOC and row["indicator"] == "non_fossil_share":
                row["metric"] = HOSTILE_METRIC
    write_rows(plans / "documents.csv", documents, list(documents[0]))
    write_rows(folder / "targets.csv", targets, list(targets[0]))
    shutil.copy(ROOT / "projects.csv", folder / "projects.csv")
    db = folder / "registry.db"
    build(folder / "projects.csv", db, plans_dir=plans, targets_csv=folder / "targets.csv")
    return db


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
