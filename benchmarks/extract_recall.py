"""Recall and precision of `registry extract` against the reviewed projects.csv, per plan.

    python benchmarks/extract_recall.py [projects.csv]

Runs extract_files on every plan in plans/ (nothing is read from candidates.csv) and
matches its rows to projects.csv with registry.extract.evaluate.match_rows: same document,
overlapping raw-text spans, and the same type or names sharing half their character
bigrams; one-to-one. Recall = matched / reviewed rows; precision = matched / candidates.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.extract import extract_files  # noqa: E402
from registry.extract.evaluate import recall_precision  # noqa: E402


def main(projects_csv: Path = ROOT / "projects.csv") -> None:
    with open(projects_csv, newline="", encoding="utf-8") as handle:
        reviewed = list(csv.DictReader(handle))
    plans = sorted((ROOT / "plans").glob("*.txt"))
    candidates, _ = extract_files(plans, ROOT / "plans" / "documents.csv")
    candidates = [{k: str(v) if v is not None else "" for k, v in row.items()} for row in candidates]
    totals = [0, 0, 0]
    for doc in sorted({r["source_doc"] for r in reviewed}):
        mine = [c for c in candidates if c["source_doc"] == doc]
        theirs = [r for r in reviewed if r["source_doc"] == doc]
        recall, precision, matched = recall_precision(mine, theirs)
        totals = [totals[0] + matched, totals[1] + len(theirs), totals[2] + len(mine)]
        print(f"{doc:18s} reviewed {len(theirs):3d}  candidates {len(mine):3d}  matched {matched:3d}  "
              f"recall {recall:6.1%}  precision {precision:6.1%}")
    matched, n_reviewed, n_candidates = totals
    print(f"{'all plans':18s} reviewed {n_reviewed:3d}  candidates {n_candidates:3d}  matched {matched:3d}  "
          f"recall {matched / n_reviewed:6.1%}  precision {matched / n_candidates:6.1%}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "projects.csv")
