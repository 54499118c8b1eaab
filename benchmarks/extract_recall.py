"""Recall and precision of `registry extract` against the reviewed projects.csv, per plan, against
the hand-written expectations of our own test paragraphs, per paragraph, and against the gold lists
of the development set of real plans (../shared/dev-plans), per plan, when that folder exists.

    python benchmarks/extract_recall.py [projects.csv] [-v]

-v lists every miss and every extra candidate of the shipped plans and of the development set.

Unseen check: benchmarks/unseen_plans, laid out like the development set and scored by its score.py
(passages the rules were not written on when issue 19 measured them; their README says which).

Development set: every folder of ../shared/dev-plans with plan.txt and gold.csv, scored by that
folder's own score.py (imported, not copied: its matching rule is the one the set is measured
by); the area code of each plan is the one its README's table gives, as a documents.csv row would.

Paragraphs: tests/fixtures/paragraphs/index.csv lists each paragraph file, the code of the area
its plan covers (province, city or county) and its style; NAME.expected.csv lists the projects a
reviewer would record. They have no text spans, so rows match by name (half their character
bigrams shared, one-to-one); "fields" counts matched rows whose type, city, county and capacity
all agree with the expectation.

Runs extract_files on every plan in plans/ (nothing is read from candidates.csv) and
matches its rows to projects.csv with registry.extract.evaluate.match_rows: same document,
overlapping raw-text spans, and the same type or names sharing half their character
bigrams; one-to-one. Recall = matched / reviewed rows; precision = matched / candidates; capacity =
matched rows whose reviewed capacity the candidate states (to 1e-6 MW) / matched rows with a capacity.
"""
from __future__ import annotations

import csv
import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.extract import extract_files  # noqa: E402
from registry.extract.evaluate import match_by_name, recall_precision  # noqa: E402

PARAGRAPHS = ROOT / "tests" / "fixtures" / "paragraphs"
DEV_PLANS = ROOT.parent / "shared" / "dev-plans"
UNSEEN_PLANS = ROOT / "benchmarks" / "unseen_plans"


def _capacity_equal(found, expected: str) -> bool:
    if not expected:
        return found in (None, "")
    return found not in (None, "") and abs(float(found) - float(expected)) < 1e-6


def paragraph_scores(folder: Path = PARAGRAPHS) -> list[dict]:
    """Per paragraph: style, expected, candidates, matched, fields right, recall, precision."""
    from registry.extract import extract_text

    with open(folder / "index.csv", newline="", encoding="utf-8") as handle:
        index = list(csv.DictReader(handle))
    scores = []
    for entry in index:
        path = folder / entry["file"]
        with open(path.with_suffix(".expected.csv"), newline="", encoding="utf-8") as handle:
            expected = list(csv.DictReader(handle))
        found, _ = extract_text(path.read_text(encoding="utf-8"), f"{path.stem}_{entry['area_code']}",
                                {"city_code": entry["area_code"]})
        matched = match_by_name(found, expected)
        fields = sum(c["type"] == e["type"] and c["city"] == e["city"] and c["county"] == e["county"]
                     and _capacity_equal(c["capacity_mw"], e["capacity_mw"]) for c, e in matched)
        scores.append({
            "paragraph": path.stem, "style": entry["style"], "expected": len(expected), "candidates": len(found),
            "matched": len(matched), "fields": fields,
            "recall": len(matched) / len(expected) if expected else 1.0,
            "precision": len(matched) / len(found) if found else 1.0,
            "missed": [e["name"] for e in expected if all(e is not m for _, m in matched)],
            "extra": [c["name"] for c in found if all(c is not m for m, _ in matched)],
            "wrong": [f"{c['name']}: " + ", ".join(f"{k} {c[k] if c[k] is not None else ''} (expected {e[k]})"
                                                 for k in ("type", "city", "county", "capacity_mw")
                                                 if (not _capacity_equal(c[k], e[k]) if k == "capacity_mw" else c[k] != e[k]))
                      for c, e in matched],
        })
    return scores


def print_paragraph_scores(scores: list[dict]) -> None:
    print()
    for s in scores:
        print(f"{s['paragraph']:22s} expected {s['expected']:2d}  candidates {s['candidates']:2d}  matched {s['matched']:2d}  "
              f"fields {s['fields']:2d}  recall {s['recall']:6.1%}  precision {s['precision']:6.1%}")
        for name in s["missed"]:
            print(f"{'':24s}missed: {name}")
        for name in s["extra"]:
            print(f"{'':24s}extra:  {name}")
        for wrong in s["wrong"]:
            if not wrong.endswith(": "):
                print(f"{'':24s}field:  {wrong}")
    expected = sum(s["expected"] for s in scores)
    candidates = sum(s["candidates"] for s in scores)
    matched = sum(s["matched"] for s in scores)
    fields = sum(s["fields"] for s in scores)
    print(f"{'all paragraphs':22s} expected {expected:2d}  candidates {candidates:2d}  matched {matched:2d}  fields {fields:2d}  "
          f"recall {matched / expected:6.1%}  precision {matched / candidates:6.1%}")


def _dev_scorer(folder: Path):
    spec = importlib.util.spec_from_file_location("dev_plans_score", folder / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dev_area_codes(folder: Path) -> dict[str, str]:
    """folder -> area code, from the README's table rows "| anhua | 安化县… (益阳, 湖南; 430923) | …"."""
    readme = (folder / "README.md").read_text(encoding="utf-8") if (folder / "README.md").is_file() else ""
    return {m.group(1): m.group(2) for m in re.finditer(r"^\|\s*(\w+)\s*\|[^|\n]*?\b(\d{6})\b", readme, re.M)}


def dev_scores(folder: Path = DEV_PLANS, scorer_folder: Path = DEV_PLANS) -> list[dict]:
    """Per plan of a folder laid out like the development set (plan.txt, gold.csv, README table of area
    codes): the development set's scorer's result plus the candidates, or [] without the scorer."""
    if not (scorer_folder / "score.py").is_file() or not folder.is_dir():
        return []
    from registry.extract import extract_text

    scorer, codes = _dev_scorer(scorer_folder), _dev_area_codes(folder)
    results = []
    for plan_dir in sorted(p for p in folder.iterdir() if (p / "plan.txt").is_file() and (p / "gold.csv").is_file()):
        code = codes.get(plan_dir.name)
        rows, _ = extract_text((plan_dir / "plan.txt").read_text(encoding="utf-8"), f"{plan_dir.name}_{code or 'dev'}",
                               {"city_code": code} if code else None)
        candidates = [{k: str(v) if v is not None else "" for k, v in row.items()} for row in rows]
        gold = scorer.read_csv(str(plan_dir / "gold.csv"))
        results.append({"plan": plan_dir.name, "code": code or "", "candidates": candidates,
                        **scorer.score(candidates, gold)})
    return results


def print_dev_scores(scores: list[dict], verbose: bool = False,
                     title: str = f"development set ({DEV_PLANS}; seen text: the rules were fixed on it)") -> None:
    if not scores:
        print(f"\n(no development set at {DEV_PLANS})")
        return
    print(f"\n{title}")
    print(f"{'plan':12s} {'code':6s}  gold  found  recall  capacity  candidates  matched  precision  extra")
    for s in scores:
        capacity = "n/a" if s["capacity"] is None else f"{s['cap_ok']}/{s['cap_n']}"
        print(f"{s['plan']:12s} {s['code']:6s}  {s['required']:4d}  {s['found']:5d}  {s['recall']:6.1%}  {capacity:>8s}  "
              f"{s['cands']:10d}  {s['matched_cands']:7d}  {s['precision'] or 0:9.1%}  {len(s['unmatched']):5d}")
        if verbose:
            for item in s["items"]:
                if item["cand"] is None and not item["optional"]:
                    print(f"{'':14s}miss:  {item['row']['keys']}  ({item['row'].get('note', '')})")
            for extra in s["unmatched"]:
                print(f"{'':14s}extra: {extra['name']}  [{extra['type']}]")
    gold, found = sum(s["required"] for s in scores), sum(s["found"] for s in scores)
    cands, matched = sum(s["cands"] for s in scores), sum(s["matched_cands"] for s in scores)
    print(f"{'all':12s} {'':6s}  {gold:4d}  {found:5d}  {found / gold:6.1%}  {'':8s}  {cands:10d}  {matched:7d}  "
          f"{matched / cands if cands else 0:9.1%}")


def main(projects_csv: Path = ROOT / "projects.csv", verbose: bool = False) -> None:
    from registry.extract.evaluate import match_rows

    with open(projects_csv, newline="", encoding="utf-8") as handle:
        reviewed = list(csv.DictReader(handle))
    plans = sorted((ROOT / "plans").glob("*.txt"))
    candidates, _ = extract_files(plans, ROOT / "plans" / "documents.csv")
    candidates = [{k: str(v) if v is not None else "" for k, v in row.items()} for row in candidates]
    totals, capacities = [0, 0, 0], [0, 0]
    for doc in sorted({r["source_doc"] for r in reviewed}):
        mine = [c for c in candidates if c["source_doc"] == doc]
        theirs = [r for r in reviewed if r["source_doc"] == doc]
        recall, precision, matched = recall_precision(mine, theirs)
        totals = [totals[0] + matched, totals[1] + len(theirs), totals[2] + len(mine)]
        pairs = match_rows(mine, theirs)
        with_capacity = [(c, r) for c, r in pairs if r["capacity_mw"]]
        capacity_right = sum(_capacity_equal(c["capacity_mw"], r["capacity_mw"]) for c, r in with_capacity)
        capacities[0] += capacity_right
        capacities[1] += len(with_capacity)
        print(f"{doc:18s} reviewed {len(theirs):3d}  candidates {len(mine):3d}  matched {matched:3d}  "
              f"recall {recall:6.1%}  precision {precision:6.1%}  capacity {capacity_right}/{len(with_capacity)}")
        if verbose:
            for row in theirs:
                if all(row is not r for _, r in pairs):
                    print(f"{'':20s}miss:  {row['name']}")
            for row in mine:
                if all(row is not c for c, _ in pairs):
                    print(f"{'':20s}extra: {row['name']}  [{row['type']}]")
    matched, n_reviewed, n_candidates = totals
    print(f"{'all plans':18s} reviewed {n_reviewed:3d}  candidates {n_candidates:3d}  matched {matched:3d}  "
          f"recall {matched / n_reviewed:6.1%}  precision {matched / n_candidates:6.1%}  "
          f"capacity {capacities[0]}/{capacities[1]}")
    print_paragraph_scores(paragraph_scores())
    print_dev_scores(dev_scores(), verbose)
    print_dev_scores(dev_scores(UNSEEN_PLANS), verbose,
                     f"unseen check ({UNSEEN_PLANS.relative_to(ROOT)}; unseen until issue 19 measured them, seen since)")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    main(Path(args[0]) if args else ROOT / "projects.csv", verbose="-v" in sys.argv[1:])


def glance(root: Path = ROOT) -> str:
    """The extractor's recall and precision in one table, for the README (a cog block): the registry's own
    plans by group against their reviewed rows, and the development set by its own scorer. Every group
    is seen text (the rules were fixed on it); the manual's Extraction page gives the unseen measures."""
    from benchmarks.extract_groups import GROUPS, extracted, score
    from registry.intake.files import read_csv_rows

    if not (root / "projects.csv").is_file() or not any((root / "plans").glob("*.txt")):
        return "(no plans in this registry to measure the extractor on)"
    scores = score(extracted(ROOT, root / "plans"), read_csv_rows(root / "projects.csv"), read_csv_rows(root / "targets.csv"))
    labels = {"seed": "the five city and county plans shipped first", "provinces-fitted": "13 provincial plans",
              "provinces-held-out": "9 provincial plans (held out in extract2)", "national": "the national plan"}
    lines = ["| plans | projects found (recall) | candidates right (precision) | targets found (recall) |",
             "|---|---:|---:|---:|"]
    for group in GROUPS:
        s = scores[group]
        if not (s["reviewed"] and s["candidates"] and s["t_reviewed"]):
            continue
        lines.append(f"| {labels[group]} | {s['matched']}/{s['reviewed']} = {s['matched'] / s['reviewed']:.0%} "
                     f"| {s['matched']}/{s['candidates']} = {s['matched'] / s['candidates']:.0%} "
                     f"| {s['t_matched']}/{s['t_reviewed']} = {s['t_matched'] / s['t_reviewed']:.0%} |")
    dev = dev_scores()
    if dev:
        found, gold = sum(s["found"] for s in dev), sum(s["required"] for s in dev)
        right, cands = sum(s["matched_cands"] for s in dev), sum(s["cands"] for s in dev)
        lines.append(f"| the 6 plans of the development set (`../shared/dev-plans`, their own gold lists) "
                     f"| {found}/{gold} = {found / gold:.0%} | {right}/{cands} = {right / cands:.0%} | |")
    return "\n".join(lines)
