"""`registry add-plan`: a plan file or URL into the registry folder, ready for review.

Stores the text as plans/<doc_id>.txt, writes its documents.csv row, and the extractor's
candidates into plans/<doc_id>.candidates.csv and plans/<doc_id>.candidate-targets.csv, which
`registry review` turns into projects.csv and targets.csv rows; beside them the recall net's
possible projects (registry/extract/net.py), plans/<doc_id>.possible.csv, which review shows.
documents.csv is written last, in one os.replace: if anything fails before, the files written so
far are removed and the registry is as it was.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from registry.rows.documents import DOCUMENT_COLUMNS
from registry.intake.files import appended_csv_bytes, csv_bytes, read_csv_rows, registry_lock, replace_together
from registry.intake.metadata import infer_metadata
from registry.intake.pdftext import NotAPlan
from registry.intake.limits import PlanLimits
from registry.intake.sources import read_plan
from registry.rows.root import DOCUMENTS_CSV, PLANS
from registry.rows.schema import PROJECT_COLUMNS, TARGET_COLUMNS

DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,47}$")


class PlanRefused(ValueError):
    """The plan is already in the registry, or the doc id cannot be used."""


@dataclass(frozen=True)
class AddedPlan:
    document: dict
    text_path: Path
    candidates_path: Path
    targets_path: Path
    candidates: list[dict]
    targets: list[dict]
    kind: str
    possible_path: Path
    possible: list[dict]


def candidates_path(plans_dir: Path, doc_id: str) -> Path:
    return plans_dir / f"{doc_id}.candidates.csv"


def candidate_targets_path(plans_dir: Path, doc_id: str) -> Path:
    return plans_dir / f"{doc_id}.candidate-targets.csv"


def possible_path(plans_dir: Path, doc_id: str) -> Path:
    return plans_dir / f"{doc_id}.possible.csv"


def text_fingerprint(text: str) -> str:
    """Same plan, same fingerprint: whitespace and line wrapping do not count."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


def _default_doc_id(document: dict, taken: set[str]) -> str:
    # <name>_<area code>: the geocoder scopes a plan's projects by the code after the last "_".
    code, year = document["city_code"], document["published"][:4]
    for stem in ("plan", f"plan{year}", *(f"plan{year}{suffix}" for suffix in "bcdefgh")):
        if f"{stem}_{code}" not in taken:
            return f"{stem}_{code}"
    raise PlanRefused("no free doc id; pass --doc-id")


def _check_new(text: str, doc_id: str | None, plans_dir: Path, existing: list[dict]) -> None:
    if doc_id is not None and not DOC_ID.match(doc_id):
        raise PlanRefused(f"--doc-id {doc_id!r}: use letters, digits, '_', '.', '-' (e.g. dawu_421156), at most 48")
    fingerprint = text_fingerprint(text)
    for row in existing:
        if doc_id is not None and row["doc_id"] == doc_id:
            raise PlanRefused(f"doc id {doc_id} is already in {DOCUMENTS_CSV} ({row['title']}); choose another --doc-id")
        path = plans_dir / row["file"]
        if path.is_file() and text_fingerprint(path.read_text(encoding="utf-8")) == fingerprint:
            raise PlanRefused(f"this plan is already in the registry as {row['doc_id']} ({row['file']}: {row['title']})")


def add_plan(source: str, root: Path, doc_id: str | None = None, title: str | None = None,
             area_code: str | None = None, status: str | None = None, limits: PlanLimits = PlanLimits(),
             entry: str | None = None, cite: str | None = None) -> AddedPlan:
    """Add one plan to the registry folder `root`; NotAPlan or PlanRefused (nothing written) if not.

    `entry` picks a document of a sentence-split corpus (a .json source); `cite` is where the text
    comes from as documents.csv's `source` (default: the URL, or the file's name). `limits` caps what
    is read (size, PDF pages, DOCX inflated size, download time: registry.intake.limits).
    """
    from registry.extract import extract_text
    from registry.extract.net import POSSIBLE_COLUMNS, possible_projects

    plans_dir = Path(root) / PLANS
    documents_csv = Path(root) / DOCUMENTS_CSV
    plan = read_plan(source, limits, entry)
    Path(root).mkdir(parents=True, exist_ok=True)
    # Under the registry's lock, so two add-plans cannot take one doc id or lose each other's documents.csv row.
    with registry_lock(root):
        existing = read_csv_rows(documents_csv) if documents_csv.exists() else []
        if existing and not {"doc_id", "file", "title"} <= set(existing[0]):
            raise PlanRefused(f"{DOCUMENTS_CSV} lacks the doc_id, file or title column; fix its header first")
        _check_new(plan.text, doc_id, plans_dir, existing)
        # A corpus entry's first line is its title: a preamble citing 《…行动方案》 must not be taken for it.
        document = infer_metadata(plan.text, plan.title_hint, area_code, title or plan.title or None, status)
        if plan.kind == "corpus":  # the corpus keeps no title page: an issuer, number or date read off the text
            document.update(issuer="", doc_number="", published="")  # would be a document it cites
        doc_id = doc_id or _default_doc_id(document, {row["doc_id"] for row in existing})
        document = {"doc_id": doc_id, "file": f"{doc_id}.txt", **document,
                    "source": cite or (source if plan.origin.startswith(("http://", "https://")) else plan.name),
                    "text_note": plan.note}
        paths = (plans_dir / document["file"], candidates_path(plans_dir, doc_id), candidate_targets_path(plans_dir, doc_id),
                 possible_path(plans_dir, doc_id))
        for path in paths:
            if path.exists():
                raise PlanRefused(f"{PLANS}/{path.name} exists but {doc_id} is not in {DOCUMENTS_CSV}; "
                                  f"remove it or choose another --doc-id")
        try:
            projects, targets = extract_text(plan.text, doc_id, document)
            possible = possible_projects(plan.text, document, projects)
        except ValueError as exc:
            raise NotAPlan(f"the extractor cannot read it: {exc}") from None
        except Exception as exc:  # an extractor bug must not leave a traceback or half a plan behind
            raise NotAPlan(f"the extractor failed on it ({type(exc).__name__}: {exc}); please report this plan") from None
        for row in projects:
            row["source_doc"] = doc_id
        plans_dir.mkdir(parents=True, exist_ok=True)
        files = dict(zip(paths, (plan.text.encode("utf-8"), csv_bytes(projects, PROJECT_COLUMNS),
                                 csv_bytes(targets, TARGET_COLUMNS), csv_bytes(possible, POSSIBLE_COLUMNS))))
        files[documents_csv] = appended_csv_bytes(documents_csv, [document], DOCUMENT_COLUMNS)  # last: the commit point
        replace_together(files)  # a full disk while writing leaves none of them
    return AddedPlan(document, paths[0], paths[1], paths[2], projects, targets, plan.kind, paths[3], possible)
