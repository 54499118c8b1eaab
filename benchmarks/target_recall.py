"""Recall and precision of `registry extract`'s targets against the reviewed targets.csv, per plan.

    python benchmarks/target_recall.py [targets.csv]

Runs extract_files on every plan in plans/ and matches its targets to targets.csv one-to-one:
same document, same value, and overlapping raw-text spans. Also reports how many matched
targets got the reviewed indicator (the extractor's first guess, registry.targets.indicator_words.classify).
The project figures are benchmarks/extract_recall.py's; this script leaves them alone.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.extract import extract_files  # noqa: E402


def match_targets(found: list[dict], reviewed: list[dict]) -> list[tuple[dict, dict]]:
    pairs, used = [], set()
    for r in reviewed:
        r0, r1, value = int(r["source_start"]), int(r["source_end"]), float(r["value"])
        for i, f in enumerate(found):
            if i in used or f["source_doc"] != r["source_doc"] or abs(float(f["value"]) - value) > 1e-9:
                continue
            if int(f["source_start"]) < r1 and r0 < int(f["source_end"]):
                used.add(i)
                pairs.append((f, r))
                break
    return pairs


def main(targets_csv: Path = ROOT / "targets.csv") -> None:
    with open(targets_csv, newline="", encoding="utf-8") as handle:
        reviewed = list(csv.DictReader(handle))
    _, found = extract_files(sorted((ROOT / "plans").glob("*.txt")), ROOT / "plans" / "documents.csv")
    totals = [0, 0, 0, 0]
    for doc in sorted({r["source_doc"] for r in reviewed}):
        mine = [f for f in found if f["source_doc"] == doc]
        theirs = [r for r in reviewed if r["source_doc"] == doc]
        pairs = match_targets(mine, theirs)
        same = sum(1 for f, r in pairs if f.get("indicator") == r["indicator"])
        totals = [totals[0] + len(pairs), totals[1] + len(theirs), totals[2] + len(mine), totals[3] + same]
        print(f"{doc:18s} reviewed {len(theirs):3d}  found {len(mine):3d}  matched {len(pairs):3d}  "
              f"recall {len(pairs) / len(theirs):6.1%}  precision {len(pairs) / max(1, len(mine)):6.1%}  "
              f"indicator right {same}/{len(pairs)}")
    matched, n_reviewed, n_found, same = totals
    print(f"{'all plans':18s} reviewed {n_reviewed:3d}  found {n_found:3d}  matched {matched:3d}  "
          f"recall {matched / n_reviewed:6.1%}  precision {matched / max(1, n_found):6.1%}  indicator right {same}/{matched}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "targets.csv")
