"""Recall and precision of `registry extract` on the registry's own plans, by group, for this tree and for
earlier revisions of the extractor, in one command:

    python benchmarks/extract_groups.py [--baseline REV ...] [-o benchmarks/EXTRACT_GROUPS.md]

Every revision reads the same plan texts (plans/*.txt, plans/documents.csv of this tree) and is scored
against the same reviewed rows (projects.csv, targets.csv of this tree); a baseline's `registry` and
`geodata` folders are taken from git (`git archive REV`) into a temporary folder and run there in a
subprocess of its own, so the two extractors never share a module.

Projects match as in benchmarks/extract_recall.py (same document, overlapping spans, same type or
half the name's bigrams; one to one). Targets match when their spans overlap and their values are
equal; "indicator" counts the matched ones whose indicator is the reviewed one.

The groups say what the rules have seen. `seed`: the five city and county plans the registry
shipped with. `provinces-fitted`: the 13 provincial plans extract2 fixed its rules on.
`provinces-held-out`: the 9 it never opened (only scored); extract3 then studied their misses, so
from extract3 on they are seen text too. `national`: the national plan, unseen until extract4.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.target_recall import match_targets  # noqa: E402  (the targets' matching rule of target_recall.py)
from registry.extract.evaluate import match_rows  # noqa: E402  (one matching rule for every revision)
from registry.intake.files import read_csv_rows  # noqa: E402

GROUPS = {
    "seed": ["jinshi_430781", "linxiang_430682", "shiyan_420300", "xiangyang_420600", "xiaogan_420900"],
    "provinces-fitted": ["anhui_340000", "guangdong_440000", "guizhou_520000", "hainan_460000", "hunan_430000",
                         "jiangsu_320000", "jiangxi_360000", "liaoning_210000", "neimenggu_150000", "qinghai_630000",
                         "shandong_370000", "shanxi_140000", "sichuan_510000"],
    "provinces-held-out": ["beijing_110000", "gansu_620000", "guangxi_450000", "hebei_130000", "jilin_220000",
                           "ningxia_640000", "shaanxi_610000", "tianjin_120000", "yunnan_530000"],
    "national": ["china_100000"],
}

# Run in the revision's own tree: its extractor over this tree's plans, one plan at a time (an older
# extractor may not read a plan: it then proposes nothing for it), the rows as JSON on stdout.
_EXTRACT = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from registry.extract import extract_files
plans = Path(sys.argv[2])
out = {"projects": [], "targets": [], "unread": []}
clean = lambda r: {k: (str(v) if v is not None else "") for k, v in r.items()}
for path in sorted(plans.glob("*.txt")):
    try:
        rows, targets = extract_files([path], plans / "documents.csv")
    except Exception as error:
        out["unread"].append(f"{path.stem}: {error}"[:200])
        continue
    out["projects"] += [clean(r) for r in rows]
    out["targets"] += [clean(t) for t in targets]
json.dump(out, sys.stdout)
"""


def extracted(tree: Path, plans: Path = ROOT / "plans") -> dict:
    result = subprocess.run([sys.executable, "-c", _EXTRACT, str(tree), str(plans)],
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"error: the extractor of {tree} failed: {result.stderr.strip().splitlines()[-1]}")
    return json.loads(result.stdout)


def extracted_at(revision: str) -> dict:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision, "registry", "geodata"],
                             capture_output=True, check=True).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        return extracted(Path(folder))


def score(found: dict, projects: list[dict], targets: list[dict]) -> dict[str, dict]:
    """Per group: reviewed, candidates and matched projects; reviewed, found, matched targets, indicator."""
    scores = {}
    for group, docs in GROUPS.items():
        s = dict.fromkeys(("reviewed", "candidates", "matched", "t_reviewed", "t_found", "t_matched", "t_indicator"), 0)
        for doc in docs:
            mine = [c for c in found["projects"] if c["source_doc"] == doc]
            theirs = [r for r in projects if r["source_doc"] == doc]
            s["reviewed"] += len(theirs)
            s["candidates"] += len(mine)
            s["matched"] += len(match_rows(mine, theirs))
            mine_t = [t for t in found["targets"] if t["source_doc"] == doc]
            theirs_t = [t for t in targets if t["source_doc"] == doc]
            pairs = match_targets(mine_t, theirs_t)
            s.update(t_reviewed=s["t_reviewed"] + len(theirs_t), t_found=s["t_found"] + len(mine_t),
                     t_matched=s["t_matched"] + len(pairs),
                     t_indicator=s["t_indicator"] + sum(f["indicator"] == r["indicator"] for f, r in pairs))
        s["unread"] = sum(any(u.startswith(doc + ":") for u in found["unread"]) for doc in docs)
        scores[group] = s
    return scores


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.3f}" if b else "–"


def table(results: list[tuple[str, dict]]) -> str:
    lines = ["| group | extractor | projects recall | projects precision | targets recall | targets precision "
             "| indicator right |", "|---|---|---|---|---|---|---|"]
    for group in GROUPS:
        for label, scores in results:
            s = scores[group]
            unread = f" ({s['unread']} plan{'s' if s['unread'] > 1 else ''} not read)" if s["unread"] else ""
            lines.append(f"| {group} ({len(GROUPS[group])}) | {label}{unread} | {_ratio(s['matched'], s['reviewed'])} "
                         f"| {_ratio(s['matched'], s['candidates'])} | {_ratio(s['t_matched'], s['t_reviewed'])} "
                         f"| {_ratio(s['t_matched'], s['t_found'])} | {s['t_indicator']}/{s['t_matched']} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", action="append", default=[], metavar="REV",
                        help="an earlier revision to score the same way (repeat for several)")
    parser.add_argument("-o", "--output", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args(argv)
    projects, targets = read_csv_rows(ROOT / "projects.csv"), read_csv_rows(ROOT / "targets.csv")
    results = [(f"`{rev}`", score(extracted_at(rev), projects, targets)) for rev in args.baseline]
    results.append(("this tree", score(extracted(ROOT), projects, targets)))
    text = table(results)
    print(text)
    if args.output:
        command = "python benchmarks/extract_groups.py " + " ".join(f"--baseline {r}" for r in args.baseline)
        args.output.write_text(f"# Extraction by group of plans\n\n`{command.strip()} -o {args.output}`; "
                               f"{len(projects)} reviewed projects and {len(targets)} reviewed targets of this tree.\n\n"
                               f"{text}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
