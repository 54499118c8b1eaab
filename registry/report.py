"""The registry's figures as Markdown, for the README and the manual: `cog -r README.md docs/manual/*.md`
regenerates them from the data.

    glance(root)         plans by level, projects (on the map or not, by location precision), targets
    review_table(root)   per plan added through review: what the extractor proposed and what became of it
    reviewed_before(root) the plans that are not in that table, in one sentence
    type_rows(root)      rows of the project-type table (type, 中文, English, rows)
    indicator_rows(root) rows of the indicator table (…, targets, plans)
    town_precision(root) how many rows that name a town or a site are placed that precisely
    cli_example(root, …) a command of the CLI and what it prints, run on a throwaway registry

Everything is read from the registry folder's CSV files and review files (plans/<doc>.review.json),
never from a database, so a figure cannot be older than the data it describes; `cog --check
README.md docs/manual/*.md` (a test) fails when one is. A cog block finds its registry with
`root_of(cog.inFile)`, so the figures are the repository's whatever $REGISTRY_ROOT says.
"""
from __future__ import annotations

import contextlib
import csv
import json
import shlex
import tempfile
from collections import Counter
from pathlib import Path

from registry.targets.indicators import FAMILY_UNITS, INDICATORS
from registry.rows.labels import type_label
from registry.geo.provinces import plan_level
from registry.rows.root import DOCUMENTS_CSV, PLANS, PROJECTS_CSV, TARGETS_CSV, is_registry
from registry.rows.schema import PROJECT_TYPES

LEVEL_NAMES = {"national": "全国 national", "province": "省级 province", "city": "市级 city", "county": "县级 county"}


def root_of(document: str | Path) -> Path:
    """The registry folder a document of it describes: the nearest folder above it that is one."""
    here = Path(document).resolve()
    for folder in here.parents:
        if is_registry(folder):
            return folder
    raise FileNotFoundError(f"{document} is in no registry folder (none above it has projects.csv)")


def _rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def glance(root: Path) -> str:
    """One table: plans, projects and targets, by the plans' level."""
    documents = _rows(Path(root) / DOCUMENTS_CSV)
    projects = _rows(Path(root) / PROJECTS_CSV)
    targets = _rows(Path(root) / TARGETS_CSV)
    level_of = {d["doc_id"]: plan_level(d.get("city_code") or "", d.get("city") or "") for d in documents}
    lines = ["| plans | level | projects | on the map | of them at town or site | not on the map | targets |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    totals = Counter()
    for level, label in LEVEL_NAMES.items():
        docs = [d for d, lv in level_of.items() if lv == level]
        if not docs:
            continue
        rows = [p for p in projects if level_of.get(p.get("source_doc")) == level]
        located = [p for p in rows if p.get("precision")]
        fine = [p for p in located if p["precision"] in ("town", "site")]
        count = Counter(plans=len(docs), projects=len(rows), located=len(located), fine=len(fine),
                        targets=sum(1 for t in targets if level_of.get(t.get("source_doc")) == level))
        totals.update(count)
        lines.append(_glance_line(label, count))
    lines.append(_glance_line("**all**", totals))
    return "\n".join(lines)


def _glance_line(label: str, c: Counter) -> str:
    return (f"| {c['plans']} | {label} | {c['projects']} | {c['located']} ({_percent(c['located'], c['projects'])}) | "
            f"{c['fine']} | {c['projects'] - c['located']} | {c['targets']} |")


# An accepted candidate whose edits touch these was misread (another project's name, another kind);
# edits of the other fields complete or correct its details (stage, places, capacity, subtype).
IDENTITY_FIELDS = ("name", "type")


def review_counts(root: Path, doc_id: str) -> dict | None:
    """What review did with a plan's candidates, from its review file; None for a plan reviewed before
    `registry review` existed (the five seed plans, reviewed in projects.csv directly). Beside
    Review.counts(): `renamed` (accepted with its name or type changed) of the `edited` ones."""
    from registry.intake.review import Review, ReviewError

    if not (Path(root) / PLANS / f"{doc_id}.review.json").exists():
        return None
    try:
        review = Review(Path(root), doc_id)
    except ReviewError:
        return None
    counts = review.counts()
    counts["renamed"] = sum(1 for c in review.candidates if c.kind == "project" and c.origin == "extracted"
                            and c.decision.get("decision") == "accept"
                            and set(c.decision.get("edits", {})) & set(IDENTITY_FIELDS))
    return counts


def review_table(root: Path) -> str:
    """Per plan added through `registry review`: the extractor's proposals and the review's decisions."""
    documents = _rows(Path(root) / DOCUMENTS_CSV)
    lines = ["| plan | proposed | accepted as proposed | accepted, details edited | accepted, renamed or retyped "
             "| rejected | added by hand | in the registry | targets proposed | accepted | added by hand |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    total = Counter()
    for doc in documents:
        counts = review_counts(root, doc["doc_id"])
        if counts is None:
            continue
        made = counts["added"] + counts["merged_rows"] + counts["split_rows"]
        row = Counter(proposed=counts["proposed"], accepted=counts["accepted"],
                      edited=counts["edited"] - counts["renamed"], renamed=counts["renamed"],
                      rejected=counts["rejected"] + counts["merged"] + counts["split"], added=made,
                      in_registry=counts["accepted"] + counts["edited"] + made,  # edited counts the renamed too
                      targets_proposed=counts["targets_proposed"], targets_accepted=counts["targets_accepted"],
                      targets_added=counts.get("targets_added", 0))
        total.update(row)
        lines.append(_review_line(f"{doc['doc_id']} {doc.get('city') or ''}", row))
    lines.append(_review_line("**all**", total))
    return "\n".join(lines)


def reviewed_before(root: Path) -> str:
    """The plans review_table leaves out, named in one sentence ('' when there are none)."""
    documents = [d for d in _rows(Path(root) / DOCUMENTS_CSV) if review_counts(root, d["doc_id"]) is None]
    if not documents:
        return ""
    names = ", ".join(d.get("city") or d["doc_id"] for d in documents)
    return (f"Not in the table: {len(documents)} plan{'s' if len(documents) != 1 else ''} ({names}) reviewed "
            f"without `registry review`, in `projects.csv` and `targets.csv` directly; no review file records "
            f"what the extractor proposed for {'them' if len(documents) != 1 else 'it'}.")


def _review_line(label: str, c: Counter) -> str:
    return (f"| {label} | {c['proposed']} | {c['accepted']} | {c['edited']} | {c['renamed']} | {c['rejected']} | {c['added']} | "
            f"{c['in_registry']} | {c['targets_proposed']} | {c['targets_accepted']} | {c['targets_added']} |")


def type_rows(root: Path) -> str:
    counts = Counter(p.get("type") for p in _rows(Path(root) / PROJECTS_CSV))
    return "\n".join(f"| `{code}` | {type_label(code).split(' ', 1)[0]} | {type_label(code).split(' ', 1)[-1]} | "
                     f"{counts[code]} |" for code in PROJECT_TYPES)


def indicator_rows(root: Path) -> str:
    counts = Counter(t.get("indicator") for t in _rows(Path(root) / TARGETS_CSV))
    plans = {key: len({t["source_doc"] for t in _rows(Path(root) / TARGETS_CSV) if t.get("indicator") == key})
             for key in counts}
    lines = []
    for key, indicator in INDICATORS.items():
        types = ", ".join(f"`{t}`" for t in indicator.counts_types)
        units = FAMILY_UNITS[indicator.unit_family]
        unit = next(iter(units)) if len(units) == 1 else "any"
        lines.append(f"| `{key}` | {indicator.label_zh} | {indicator.label_en} | {unit} | {types} | "
                     f"{counts[key]} | {plans.get(key, 0)} |")
    return "\n".join(lines)


def town_precision(root: Path) -> str:
    """How many of the rows whose plan names a town or a site the geocoder placed that precisely."""
    named = [p for p in _rows(Path(root) / PROJECTS_CSV) if p.get("town") or p.get("site")]
    fine = sum(1 for p in named if p.get("precision") in ("town", "site"))
    return (f"Of the {len(named)} rows whose plan names a town or a site, {fine} ({_percent(fine, len(named))}) "
            f"are placed at town or site precision.")


def cli_example(root: Path, *args: str) -> str:
    """`$ registry ARGS` and what it prints, run in the registry folder `root` (paths in ARGS are read
    from there) against a throwaway empty registry, so a command that would write changes nothing."""
    from click.testing import CliRunner

    from registry.cli import cli

    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(root):
        CliRunner().invoke(cli, ["init", scratch])
        result = CliRunner().invoke(cli, ["--root", scratch, *args])
    return f"$ registry {shlex.join(args)}\n{result.output.rstrip()}"


def as_json(root: Path) -> str:
    """The same figures as JSON, for scripts."""
    documents = _rows(Path(root) / DOCUMENTS_CSV)
    return json.dumps({doc["doc_id"]: review_counts(root, doc["doc_id"]) for doc in documents}, ensure_ascii=False)
