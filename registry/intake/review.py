"""`registry review`: a plan's candidates, decided one by one, into projects.csv and targets.csv.

Every decision (accept, with the planner's edits, or reject) is saved at once in
plans/<doc_id>.review.json, so a review stopped half way resumes where it stopped. Accepted
projects get ids continuing their series (<prefix>-NNN), are geocoded, validated with the
registry's own row rules, and appended to projects.csv in one atomic write; a row that is
already there (same plan, same span) is never added twice.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from registry.intake.add import candidate_targets_path, candidates_path
from registry.intake.files import append_csv_rows, read_csv_rows, write_json
from registry.root import DOCUMENTS_CSV, PLANS, PROJECTS_CSV, TARGETS_CSV
from registry.schema import PROJECT_COLUMNS, TARGET_COLUMNS, RowError, validate_project

# What a planner may change; the place columns feed the geocoder, which runs after the edits.
EDITABLE = ("name", "type", "subtype", "capacity_mw", "capacity_text", "voltage_kv", "stage", "phase",
            "target_year", "county", "town", "site")
TARGET_EDITABLE = ("metric", "value", "unit", "year")
_SENTENCE_END = re.compile(r"[。；！？\n]")


class ReviewError(ValueError):
    """The review cannot start or its result would not be a valid registry."""


def review_path(plans_dir: Path, doc_id: str) -> Path:
    return plans_dir / f"{doc_id}.review.json"


def sentence_around(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence a span sits in, cut to `limit` characters around the span."""
    before = [m.end() for m in _SENTENCE_END.finditer(text, max(0, start - limit), start)]
    after = _SENTENCE_END.search(text, end, end + limit)
    return text[before[-1] if before else max(0, start - limit): after.end() if after else end + limit].strip()


@dataclass
class Candidate:
    key: str
    kind: str  # "project" or "target"
    row: dict
    sentence: str
    decision: dict = field(default_factory=dict)  # {"decision": "accept"|"reject", "edits": {...}, "id": ...}

    @property
    def decided(self) -> bool:
        return self.decision.get("decision") in ("accept", "reject")

    def edited(self) -> dict:
        return {**self.row, **self.decision.get("edits", {})}


class Review:
    """One plan's review: its candidates, the decisions so far, and applying them."""

    def __init__(self, root: Path, doc_id: str):
        self.root, self.doc_id = Path(root), doc_id
        self.plans_dir = self.root / PLANS
        documents = {row["doc_id"]: row for row in read_csv_rows(self.root / DOCUMENTS_CSV)} \
            if (self.root / DOCUMENTS_CSV).exists() else {}
        if doc_id not in documents:
            known = ", ".join(documents) or "none"
            raise ReviewError(f"no plan {doc_id!r} in {DOCUMENTS_CSV} (known: {known}); add it with `registry add-plan`")
        self.document, self.documents = documents[doc_id], documents
        project_file = candidates_path(self.plans_dir, doc_id)
        if not project_file.exists():
            raise ReviewError(f"no candidates for {doc_id} ({PLANS}/{project_file.name}); run `registry add-plan` for it")
        self.text = (self.plans_dir / self.document["file"]).read_text(encoding="utf-8")
        self.path = review_path(self.plans_dir, doc_id)
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ReviewError(f"{PLANS}/{self.path.name} is damaged ({exc}); delete it to review {doc_id} again") from None
        target_file = candidate_targets_path(self.plans_dir, doc_id)
        self.candidates = [self._candidate(f"project:{row.get('id') or i}", "project", row, saved, project_file, i)
                           for i, row in enumerate(read_csv_rows(project_file), 2)]
        self.candidates += [self._candidate(f"target:{i}", "target", row, saved, target_file, i + 1)
                            for i, row in enumerate(read_csv_rows(target_file) if target_file.exists() else [], 1)]

    def _candidate(self, key, kind, row, saved, path: Path, line: int) -> Candidate:
        try:
            start, end = int(row.get("source_start") or 0), int(row.get("source_end") or 0)
        except ValueError:
            raise ReviewError(f"{PLANS}/{path.name}:{line}: source_start/source_end are not whole numbers") from None
        return Candidate(key, kind, row, sentence_around(self.text, start, end), dict(saved.get(key, {})))

    # -- decisions ----------------------------------------------------------------------------
    def pending(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.decided]

    def decide(self, candidate: Candidate, decision: str, edits: dict | None = None) -> None:
        if decision not in ("accept", "reject"):
            raise ValueError(decision)
        candidate.decision = {"decision": decision, "edits": dict(edits or candidate.decision.get("edits", {}))}
        self.save()

    def check_edit(self, candidate: Candidate, column: str, value: str) -> str | None:
        """Why the edit would make an invalid row, or None when it is fine."""
        row = {**candidate.edited(), column: value}
        if candidate.kind == "target":
            if column == "value":
                try:
                    float(value)
                except ValueError:
                    return f"value {value!r} is not a number"
            if column == "year" and value and not re.fullmatch(r"\d{4}", value):
                return f"year {value!r} is not a year"
            return None
        try:
            validate_project({c: "" if row.get(c) is None else str(row.get(c)) for c in PROJECT_COLUMNS},
                             "edit", 0)
        except RowError as exc:
            return exc.message
        return None

    def save(self) -> None:
        write_json(self.path, {c.key: c.decision for c in self.candidates if c.decision})

    # -- applying -----------------------------------------------------------------------------
    def id_prefix(self, existing: list[dict]) -> str:
        """`macheng` for macheng_421181 (as the shipped plans: xiaogan-010); the whole doc id, less its
        underscores, when that part is add-plan's default `plan` or another plan's prefix already."""
        short = self.doc_id.split("_")[0]
        if re.fullmatch(r"plan(\d{4})?[a-h]?", short):
            return self.doc_id.replace("_", "")
        shared = any(d != self.doc_id and d.split("_")[0] == short for d in self.documents) or any(
            row["id"].rsplit("-", 1)[0] == short and row.get("source_doc") != self.doc_id for row in existing)
        return self.doc_id.replace("_", "") if shared else short

    def apply(self) -> tuple[list[dict], list[dict]]:
        """Append the accepted, not yet added rows to projects.csv and targets.csv; return them."""
        from registry.geocode import geocode_rows

        projects_csv, targets_csv = self.root / PROJECTS_CSV, self.root / TARGETS_CSV
        existing = read_csv_rows(projects_csv) if projects_csv.exists() else []
        present = {(r.get("source_doc"), r.get("source_start"), r.get("source_end"), r.get("name")): r["id"] for r in existing}
        prefix = self.id_prefix(existing)
        numbers = [int(m.group(1)) for r in existing if (m := re.fullmatch(re.escape(prefix) + r"-(\d+)", r["id"]))]
        next_number = max(numbers, default=0) + 1
        new_projects, new_candidates = [], []
        for candidate in self.candidates:
            if candidate.kind != "project" or candidate.decision.get("decision") != "accept":
                continue
            row = {c: candidate.edited().get(c, "") for c in PROJECT_COLUMNS}
            row["source_doc"] = self.doc_id
            already = present.get((self.doc_id, str(row["source_start"]), str(row["source_end"]), row["name"]))
            if already:
                candidate.decision["id"] = already
                continue
            row["id"] = f"{prefix}-{next_number:03d}"
            next_number += 1
            new_projects.append(row)
            new_candidates.append(candidate)
        new_projects = geocode_rows([self._with_city(row) for row in new_projects]) if new_projects else []
        length = len(self.text)
        for line, row in enumerate(new_projects, 2):
            try:
                record = validate_project({c: _cell(row.get(c)) for c in PROJECT_COLUMNS}, f"{self.doc_id} review", line)
            except RowError as exc:
                raise ReviewError(f"{row['name']}: {exc}") from None
            if record["source_end"] > length:
                raise ReviewError(f"{row['name']}: source_end {record['source_end']} is past the end of the plan ({length})")
        new_targets = self._accepted_targets(targets_csv)
        if new_projects:
            append_csv_rows(projects_csv, new_projects, PROJECT_COLUMNS)
        if new_targets:
            append_csv_rows(targets_csv, [t for _, t in new_targets], TARGET_COLUMNS)
        for candidate, row in zip(new_candidates, new_projects):
            candidate.decision["id"] = row["id"]
        for candidate, _ in new_targets:
            candidate.decision["added"] = True
        self.save()
        return new_projects, [t for _, t in new_targets]

    def _with_city(self, row: dict) -> dict:
        """A province plan's row placed in a county gets that county's city, which the geocoder scopes by."""
        from registry.divisions import load_divisions

        divisions = load_divisions()
        area = divisions.by_code.get(self.document.get("city_code", ""))
        if area is None or area.level != 1 or row.get("city") not in ("", area.name) or not row.get("county"):
            return row
        for county in divisions.by_name.get(row["county"], ()):
            city = next((d for d in divisions.ancestors(county) if d.level == 2), None)
            if county.level == 3 and county.code[:2] == area.code[:2]:
                return {**row, "city": city.name if city else county.name}
        return row

    def _accepted_targets(self, targets_csv: Path) -> list[tuple[Candidate, dict]]:
        existing = read_csv_rows(targets_csv) if targets_csv.exists() else []
        present = {(r.get("source_doc"), r.get("source_start"), r.get("source_end"), r.get("metric")) for r in existing}
        accepted = []
        for candidate in self.candidates:
            if candidate.kind != "target" or candidate.decision.get("decision") != "accept":
                continue
            row = {c: candidate.edited().get(c, "") for c in TARGET_COLUMNS}
            row["source_doc"] = self.doc_id
            if (self.doc_id, row["source_start"], row["source_end"], row["metric"]) in present:
                continue
            problem = self.check_edit(candidate, "value", str(row["value"]))
            if problem:
                raise ReviewError(f"target {row['metric']}: {problem}")
            accepted.append((candidate, row))
        return accepted


def _cell(value) -> str:
    from registry.schema import format_cell
    return format_cell(value)
