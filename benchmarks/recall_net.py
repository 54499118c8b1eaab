"""How well the recall net (registry/extract/net.py) surfaces what the extractor missed, per plan.

    python benchmarks/recall_net.py [--dev /work/shared/dev-plans] [-v]

Dev plans (/work/shared/dev-plans, each with a hand-made gold.csv): the extractor's candidates are
scored with the dev set's own score.py; a gold item without a candidate is a miss (optional items
counted apart). A miss is surfaced when a sentence the net lists holds the gold item's keys (the
same NFKC, whitespace-free match score.py uses for names). Shipped plans (plans/): a reviewed row
of projects.csv that no candidate's span overlaps is a miss; surfaced when a listed sentence's
span overlaps the row's.

Per plan: misses (required + optional), surfaced at any rank and in the top 10, sentences listed,
and how many of the top 10 name a missed project. The extractor misses few projects of these plans,
so each plan is also read with each of its found projects taken out of the candidates in turn, as if
the rules had missed that one ("leave one out"): is its sentence listed, and in the top 10? Then the
time of the net alone on the largest shipped plan repeated 1, 4 and 16 times (median of 3): it
should grow linearly.
"""
from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.extract import extract_text  # noqa: E402
from registry.extract.net import possible_projects  # noqa: E402
from registry.extract.passage import PlanText  # noqa: E402

# Division codes of the dev plans (their README's table).
DEV_CODES = {"anhua": "430923", "zhangjiajie": "430800", "hainan": "460000", "guangdong": "440000",
             "hunan": "430000", "jiangxi": "360000"}


def load_scorer(dev: Path):
    spec = importlib.util.spec_from_file_location("dev_score", dev / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def dev_plan(dev: Path, name: str, scorer, verbose: bool) -> dict:
    raw = (dev / name / "plan.txt").read_text(encoding="utf-8")
    document = {"doc_id": f"{name}_{DEV_CODES[name]}", "city_code": DEV_CODES[name]}
    candidates, _ = extract_text(raw, document["doc_id"], document)
    with open(dev / name / "gold.csv", newline="", encoding="utf-8-sig") as handle:
        gold = list(csv.DictReader(handle))
    scored = scorer.score([dict(c) for c in candidates], gold)
    missed = [item for item in scored["items"] if item["cand"] is None]
    listed = possible_projects(raw, document, candidates)
    sentences = [scorer.norm(row["sentence"]) for row in listed]

    def rank_of(item) -> int | None:
        return next((i for i, s in enumerate(sentences, 1) if scorer.matches(s, item["alts"])), None)

    ranks = {id(item): rank_of(item) for item in missed}
    plan = PlanText.of(raw, document)
    loo = []
    for item in scored["items"]:
        if item["cand"] is not None and not item["optional"]:
            rest = [c for j, c in enumerate(candidates) if j != item["cand"]]
            again = possible_projects(raw, document, rest, plan)
            loo.append(next((r["rank"] for r in again if scorer.matches(scorer.norm(r["sentence"]), item["alts"])), None))
    top = sum(1 for s in sentences[:10] if any(scorer.matches(s, item["alts"]) for item in missed))
    if verbose:
        for item in missed:
            print(f"    miss {'(optional) ' if item['optional'] else ''}{item['row']['keys']}: rank {ranks[id(item)]}")
        for row in listed[:10]:
            print(f"    #{row['rank']} {row['score']} {row['suggestion']} | {row['reasons']}")
    return {"plan": name, "chars": len(raw), "candidates": len(candidates),
            "missed": sum(1 for i in missed if not i["optional"]), "missed_opt": sum(1 for i in missed if i["optional"]),
            "surfaced": sum(1 for i in missed if not i["optional"] and ranks[id(i)]),
            "surfaced_opt": sum(1 for i in missed if i["optional"] and ranks[id(i)]),
            "top10": sum(1 for i in missed if ranks[id(i)] and ranks[id(i)] <= 10),
            "listed": len(listed), "top10_real": top, "top10_n": min(10, len(listed)),
            "loo": len(loo), "loo_surfaced": sum(1 for r in loo if r), "loo_top10": sum(1 for r in loo if r and r <= 10)}


def shipped_plan(document: dict, reviewed: list[dict], verbose: bool) -> dict:
    raw = (ROOT / "plans" / document["file"]).read_text(encoding="utf-8")
    candidates, _ = extract_text(raw, document["doc_id"], document)
    spans = [(int(c["source_start"]), int(c["source_end"])) for c in candidates]

    def overlaps(a0, a1, spans) -> bool:
        return any(s < a1 and a0 < e for s, e in spans)

    rows = [r for r in reviewed if r["source_doc"] == document["doc_id"]]
    missed = [r for r in rows if not overlaps(int(r["source_start"]), int(r["source_end"]), spans)]
    listed = possible_projects(raw, document, candidates)
    ranks = [next((row["rank"] for row in listed if row["source_start"] < int(r["source_end"])
                   and int(r["source_start"]) < row["source_end"]), None) for r in missed]
    top = sum(1 for row in listed[:10] if overlaps(row["source_start"], row["source_end"],
                                                   [(int(r["source_start"]), int(r["source_end"])) for r in missed]))
    plan = PlanText.of(raw, document)
    loo = []
    for r in rows:
        low, high = int(r["source_start"]), int(r["source_end"])
        rest = [c for c, (s, e) in zip(candidates, spans) if not (s < high and low < e)]
        if len(rest) == len(candidates):
            continue  # a miss already, counted above
        again = possible_projects(raw, document, rest, plan)
        loo.append(next((row["rank"] for row in again if row["source_start"] < high and low < row["source_end"]), None))
    if verbose:
        for r, rank in zip(missed, ranks):
            print(f"    miss {r['name']}: rank {rank}")
        for row in listed[:10]:
            print(f"    #{row['rank']} {row['score']} {row['suggestion']} | {row['reasons']}")
    return {"plan": document["doc_id"], "chars": len(raw), "candidates": len(candidates), "missed": len(missed),
            "missed_opt": 0, "surfaced": sum(1 for r in ranks if r), "surfaced_opt": 0,
            "top10": sum(1 for r in ranks if r and r <= 10), "listed": len(listed), "top10_real": top,
            "top10_n": min(10, len(listed)),
            "loo": len(loo), "loo_surfaced": sum(1 for r in loo if r), "loo_top10": sum(1 for r in loo if r and r <= 10)}


def print_table(rows: list[dict]) -> None:
    print(f"{'plan':<20}{'chars':>7}{'cands':>6}{'missed':>9}{'surfaced':>10}{'in top 10':>10}{'listed':>8}"
          f"{'top-10 real':>13}{'leave one out: surfaced, top 10':>34}")
    for r in rows:
        missed = f"{r['missed']}+{r['missed_opt']}" if r["missed_opt"] else str(r["missed"])
        surfaced = f"{r['surfaced']}+{r['surfaced_opt']}" if r["missed_opt"] else str(r["surfaced"])
        print(f"{r['plan']:<20}{r['chars']:>7}{r['candidates']:>6}{missed:>9}{surfaced:>10}{r['top10']:>10}"
              f"{r['listed']:>8}{r['top10_real']:>8}/{r['top10_n']:<4}{r['loo_surfaced']:>17}/{r['loo']:<3}"
              f"{r['loo_top10']:>6}/{r['loo']}")
    total = {k: sum(r[k] for r in rows) for k in ("missed", "missed_opt", "surfaced", "surfaced_opt", "top10", "listed",
                                                  "loo", "loo_surfaced", "loo_top10")}
    print(f"{'all':<20}{'':>13}{total['missed']}+{total['missed_opt']:<5}{total['surfaced']:>6}+{total['surfaced_opt']:<3}"
          f"{total['top10']:>7}{total['listed']:>8}   ({total['listed'] / len(rows):.1f} listed per plan)"
          f"{total['loo_surfaced']:>10}/{total['loo']:<3}{total['loo_top10']:>6}/{total['loo']}")


def scaling() -> None:
    largest = max((ROOT / "plans").glob("*.txt"), key=lambda p: p.stat().st_size)
    raw = largest.read_text(encoding="utf-8")
    document = {"doc_id": largest.stem, "city_code": largest.stem.rsplit("_", 1)[1]}
    candidates, _ = extract_text(raw, document["doc_id"], document)
    print(f"\nthe net alone on {largest.name} repeated (median of 3; load average {os.getloadavg()[0]:.2f}):")
    for times in (1, 4, 16):
        text = raw * times
        shifted = [{**c, "source_start": int(c["source_start"]) + k * len(raw),
                    "source_end": int(c["source_end"]) + k * len(raw)} for k in range(times) for c in candidates]
        plan = PlanText.of(text, document)
        runs = []
        for _ in range(3):
            began = time.perf_counter()
            possible_projects(text, document, shifted, plan)
            runs.append(time.perf_counter() - began)
        print(f"  x{times:<3} {len(text):>8} characters  {statistics.median(runs) * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "dev-plans")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    rows = []
    if args.dev.is_dir():
        scorer = load_scorer(args.dev)
        print(f"dev plans ({args.dev}): missed = required+optional gold items with no candidate")
        for name in DEV_CODES:
            if args.verbose:
                print(f"  {name}")
            rows.append(dev_plan(args.dev, name, scorer, args.verbose))
        print_table(rows)
    with open(ROOT / "plans" / "documents.csv", newline="", encoding="utf-8-sig") as handle:
        documents = list(csv.DictReader(handle))
    with open(ROOT / "projects.csv", newline="", encoding="utf-8-sig") as handle:
        reviewed = list(csv.DictReader(handle))
    print("\nshipped plans: missed = reviewed rows of projects.csv that no candidate overlaps")
    shipped = []
    for document in documents:
        if args.verbose:
            print(f"  {document['doc_id']}")
        shipped.append(shipped_plan(document, reviewed, args.verbose))
    print_table(shipped)
    scaling()


if __name__ == "__main__":
    main()
