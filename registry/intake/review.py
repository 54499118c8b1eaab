"""`registry review`: a plan's candidates, decided one by one, into projects.csv and targets.csv.

Every decision (accept, with the planner's edits, or reject) is saved at once in
plans/<doc_id>.review.json, so a review stopped half way resumes where it stopped. The rows a
reviewer makes (registry/intake/handmade.py) are saved there too, each under a key of its own:
`added:START:END` a passage the extractor missed, `merged:START:END` one row made of several
candidates, `split:START:END` a part of a candidate that named several projects; the candidates
they replace keep their key with the decision "merged" or "split". `possible:START:END` records
what became of a sentence of the recall net (plans/<doc_id>.possible.csv): "dismiss" or "added". Accepted
projects get ids continuing their series (<prefix>-NNN), are geocoded, validated with the
registry's own row rules, and appended to projects.csv in one atomic write; a row that is
already there (same plan, same span) is never added twice.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from registry.intake.add import candidate_targets_path, candidates_path, possible_path
from registry.intake.files import appended_csv_bytes, json_bytes, read_csv_rows, registry_lock, replace_together
from registry.rows.root import DOCUMENTS_CSV, PLANS, PROJECTS_CSV, TARGETS_CSV
from registry.rows.schema import PROJECT_COLUMNS, TARGET_COLUMNS, RowError, validate_project

# What a planner may change; the place columns feed the geocoder, which runs after the edits.
# `city` too: a province plan's row may name only its prefecture, which the reviewer reads off the clause.
EDITABLE = ("name", "type", "subtype", "capacity_mw", "capacity_text", "voltage_kv", "stage", "phase",
            "target_year", "city", "county", "town", "site")
TARGET_EDITABLE = ("indicator", "metric", "value", "unit", "year")
HANDMADE = ("added", "merged", "split")  # key prefixes of the project rows a reviewer makes
TARGET_HANDMADE = "added-target"  # key prefix of a target a reviewer adds (registry/intake/handmade_targets.py)
_MADE = ("row", "from", "spans")  # what a made row stores besides its decision
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
    # {"decision": "accept"|"reject"|"merged"|"split", "edits": {...}, "id": ...}; "into" and "was" when replaced
    decision: dict = field(default_factory=dict)
    made: dict = field(default_factory=dict)  # a made row's {"row": ..., "from": [keys], "spans": [[s, e]]}

    @property
    def origin(self) -> str:
        """"extracted" for the extractor's candidates, else how the reviewer made the row (HANDMADE)."""
        prefix = self.key.split(":", 1)[0]
        return prefix if prefix in HANDMADE or prefix == TARGET_HANDMADE else "extracted"

    @property
    def decided(self) -> bool:
        return self.decision.get("decision") in ("accept", "reject", "merged", "split")

    @property
    def replaced(self) -> bool:
        return self.decision.get("decision") in ("merged", "split")

    @property
    def in_registry(self) -> bool:
        return bool(self.decision.get("id") or self.decision.get("added"))

    @property
    def span(self) -> tuple[int, int]:
        row = self.edited()
        return int(row.get("source_start") or 0), int(row.get("source_end") or 0)

    def edited(self) -> dict:
        return {**self.row, **self.decision.get("edits", {})}

    def record(self) -> dict:
        return {**self.decision, **self.made}


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
        self._saved = json.loads(json.dumps(saved))  # what the file holds, to write only what changed
        target_file = candidate_targets_path(self.plans_dir, doc_id)
        self.candidates = [self._candidate(f"project:{row.get('id') or i}", "project", row, saved, project_file, i)
                           for i, row in enumerate(read_csv_rows(project_file), 2)]
        made = sorted((key for key, value in saved.items() if key.split(":", 1)[0] in HANDMADE
                       and isinstance(value, dict) and isinstance(value.get("row"), dict)),
                      key=lambda key: (int(saved[key]["row"].get("source_start") or 0), key))
        self.candidates += [self._candidate(key, "project", saved[key]["row"], saved, self.path, 0) for key in made]
        self.candidates += [self._candidate(f"target:{i}", "target", row, saved, target_file, i + 1)
                            for i, row in enumerate(read_csv_rows(target_file) if target_file.exists() else [], 1)]
        added_targets = sorted((key for key, value in saved.items() if key.split(":", 1)[0] == TARGET_HANDMADE
                                and isinstance(value, dict) and isinstance(value.get("row"), dict)),
                               key=lambda key: (int(saved[key]["row"].get("source_start") or 0), key))
        self.candidates += [self._candidate(key, "target", saved[key]["row"], saved, self.path, 0) for key in added_targets]
        self.possible = self._possible(saved)

    def _candidate(self, key, kind, row, saved, path: Path, line: int) -> Candidate:
        try:
            start, end = int(row.get("source_start") or 0), int(row.get("source_end") or 0)
        except ValueError:
            raise ReviewError(f"{PLANS}/{path.name}:{line}: source_start/source_end are not whole numbers") from None
        value = dict(saved.get(key, {}))
        made = {k: value.pop(k) for k in _MADE if k in value}
        return Candidate(key, kind, row, sentence_around(self.text, start, end), value, made)

    def _possible(self, saved: dict) -> list[dict]:
        """The recall net's sentences (plans/<doc_id>.possible.csv; worked out now for a plan added before it)."""
        path = possible_path(self.plans_dir, self.doc_id)
        if path.exists():
            rows = read_csv_rows(path)
        else:
            from registry.extract.net import possible_projects

            extracted = [c.row for c in self.candidates if c.origin == "extracted" and c.kind == "project"]
            try:
                rows = possible_projects(self.text, {**self.document, "doc_id": self.doc_id}, extracted)
            except ValueError:
                rows = []
        possible = []
        for row in rows:
            try:
                start, end = int(row["source_start"]), int(row["source_end"])
                suggest = (int(row["suggest_start"]), int(row["suggest_end"]))
            except (KeyError, ValueError):
                raise ReviewError(f"{PLANS}/{path.name} is damaged (offsets that are not whole numbers); "
                                  f"delete it to review {self.doc_id} without it") from None
            key = f"possible:{start}:{end}"
            possible.append({**row, "key": key, "start": start, "end": end, "suggest": suggest,
                             "decision": dict(saved.get(key, {}))})
        return possible

    # -- decisions ----------------------------------------------------------------------------
    def pending(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.decided]

    def decide(self, candidate: Candidate, decision: str, edits: dict | None = None, save: bool = True) -> None:
        """Record a decision; `save=False` keeps it in memory for apply(), which saves it with the rows it adds."""
        if decision not in ("accept", "reject"):
            raise ValueError(decision)
        candidate.decision = {**candidate.decision, "decision": decision,
                              "edits": dict(edits or candidate.decision.get("edits", {}))}
        if save:
            self.save()

    def find(self, key: str) -> Candidate | None:
        return next((c for c in self.candidates if c.key == key), None)

    def counts(self) -> dict[str, int]:
        """What became of the plan's candidates and possible projects: the table of `review --summary`."""
        extracted = [c for c in self.candidates if c.kind == "project" and c.origin == "extracted"]
        made = [c for c in self.candidates if c.origin in HANDMADE]
        targets = [c for c in self.candidates if c.kind == "target" and c.origin == "extracted"]

        def decided(rows, decision, edited=None):
            return sum(1 for c in rows if c.decision.get("decision") == decision
                       and (edited is None or bool(c.decision.get("edits")) == edited))

        return {
            "proposed": len(extracted), "accepted": decided(extracted, "accept", False),
            "edited": decided(extracted, "accept", True), "rejected": decided(extracted, "reject"),
            "merged": decided(self.candidates, "merged"), "split": decided(self.candidates, "split"),
            "undecided": sum(1 for c in extracted if not c.decided),
            "added": sum(1 for c in made if c.origin == "added" and c.decision.get("decision") == "accept"),
            "merged_rows": sum(1 for c in made if c.origin == "merged" and c.decision.get("decision") == "accept"),
            "split_rows": sum(1 for c in made if c.origin == "split" and c.decision.get("decision") == "accept"),
            "made_open": sum(1 for c in made if not c.decided),
            "in_registry": sum(1 for c in self.candidates if c.kind == "project" and c.decision.get("id")),
            "targets_proposed": len(targets), "targets_accepted": decided(targets, "accept"),
            "targets_rejected": decided(targets, "reject"), "targets_undecided": sum(1 for c in targets if not c.decided),
            "targets_added": sum(1 for c in self.candidates if c.origin == TARGET_HANDMADE
                                 and c.decision.get("decision") == "accept"),
            "possible": len(self.possible),
            "possible_added": sum(1 for p in self.possible if p["decision"].get("decision") == "added"),
            "possible_dismissed": sum(1 for p in self.possible if p["decision"].get("decision") == "dismiss"),
        }

    def check_edit(self, candidate: Candidate, column: str, value: str) -> str | None:
        """Why the edit would make an invalid row, or None when it is fine."""
        row = {**candidate.edited(), column: value}
        if candidate.kind == "target":
            try:
                checked_target({**row, "source_doc": self.doc_id}, self.doc_id)
            except ReviewError as exc:
                return str(exc)
            return None
        return row_problem(row)

    def save(self) -> None:
        """Write this review's changes to plans/<doc_id>.review.json, unless there are none.

        Another reviewer of the same plan (a second terminal, the web page) may have saved since this
        one read the file: under the registry's lock the file is read again and only the keys this
        review changed are written over it, so neither loses the other's decisions.
        """
        with registry_lock(self.root):
            change = self._review_file()
            if change is not None:
                replace_together({self.path: change[0]})
                self._saved = change[1]

    def _review_file(self) -> tuple[bytes, dict] | None:
        """The review file's new bytes (the file as it is now, with this review's changed keys written over it)
        and what this review then has saved; None when nothing changed. Called under the registry's lock."""
        ours = {c.key: c.record() for c in self.candidates if c.decision or c.made}
        ours.update({p["key"]: p["decision"] for p in self.possible if p["decision"]})
        if ours == self._saved:
            return None
        try:
            merged = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else {}
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ReviewError(f"{PLANS}/{self.path.name} is damaged ({exc}); nothing was saved") from None
        for key in set(ours) | set(self._saved):
            if ours.get(key) != self._saved.get(key):
                if key in ours:
                    merged[key] = ours[key]
                else:
                    merged.pop(key, None)
        return json_bytes(merged), json.loads(json.dumps(ours))

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
        """Append the accepted, not yet added rows to projects.csv and targets.csv; return them.

        Under the registry's lock: another plan's review applying at the same time appends its rows
        before or after these, never over them (ids are numbered from the file as it is then)."""
        with registry_lock(self.root):
            return self._apply()

    def _apply(self) -> tuple[list[dict], list[dict]]:
        from registry.geo.geocode import geocode_rows

        projects_csv, targets_csv = self.root / PROJECTS_CSV, self.root / TARGETS_CSV
        existing = read_csv_rows(projects_csv) if projects_csv.exists() else []
        present = {(r.get("source_doc"), r.get("source_start"), r.get("source_end"), r.get("name")): r["id"] for r in existing}
        prefix = self.id_prefix(existing)
        numbers = [int(m.group(1)) for r in existing if (m := re.fullmatch(re.escape(prefix) + r"-(\d+)", r["id"]))]
        next_number = max(numbers, default=0) + 1
        new_projects, new_candidates = [], []
        # In the order of the plan's text, so ids and rows follow it whatever the order of the decisions.
        for candidate in sorted(self.candidates, key=lambda c: (c.span, c.key)):
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
        files = {}
        if new_projects:
            files[projects_csv] = appended_csv_bytes(projects_csv, new_projects, PROJECT_COLUMNS)
        if new_targets:
            files[targets_csv] = appended_csv_bytes(targets_csv, [t for _, t in new_targets], TARGET_COLUMNS)
        before = [(c, dict(c.decision)) for c in self.candidates]
        for candidate, row in zip(new_candidates, new_projects):
            candidate.decision["id"] = row["id"]
        for candidate, _ in new_targets:
            candidate.decision["added"] = True
        # projects.csv, targets.csv and the review file as one change: a full disk or a read-only folder
        # leaves all three as they were, never the rows without the review's record of them.
        try:
            change = self._review_file()
            if change is not None:
                files[self.path] = change[0]
            replace_together(files)
        except BaseException:
            for candidate, decision in before:
                candidate.decision = decision
            raise
        if change is not None:
            self._saved = change[1]
        return new_projects, [t for _, t in new_targets]

    def _with_city(self, row: dict) -> dict:
        """A province plan's row placed in a county gets that county's city, which the geocoder scopes by."""
        from registry.geo.divisions import load_divisions

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
        for candidate in sorted(self.candidates, key=lambda c: (c.span, c.key)):  # in the order of the text
            if candidate.kind != "target" or candidate.decision.get("decision") != "accept":
                continue
            row = {c: candidate.edited().get(c, "") for c in TARGET_COLUMNS}
            row["source_doc"] = self.doc_id
            if (self.doc_id, str(row["source_start"]), str(row["source_end"]), row["metric"]) in present:
                continue
            accepted.append((candidate, checked_target(row, self.doc_id)))
        return accepted


def row_problem(row: dict) -> str | None:
    """Why a project row breaks the registry's row rules (schema.validate_project), or None. A row not
    yet in the registry has no id: it is checked with a stand-in."""
    cells = {c: "" if row.get(c) is None else str(row.get(c)) for c in PROJECT_COLUMNS}
    cells["id"] = cells["id"] or "new-001"
    try:
        validate_project(cells, "edit", 0)
    except RowError as exc:
        return f"{exc.column}: {exc.message}" if exc.column else exc.message
    return None


def checked_target(row: dict, doc_id: str) -> dict:
    """The target row with its normalised value worked out again (a reviewer may have changed its value,
    unit or indicator), or ReviewError when it breaks the registry's target rules."""
    from registry.targets.indicators import normalise
    from registry.targets.target_rows import validate_target

    row = {c: _cell(row.get(c)) for c in TARGET_COLUMNS}
    try:
        row["value"] = _cell(float(row["value"]))  # 2.20 as 2.2: the database and every export write it so
        value, row["unit_normalised"] = normalise(float(row["value"]), row["unit"])
        row["value_normalised"] = _cell(value)
    except (KeyError, ValueError):
        row["value_normalised"] = row["unit_normalised"] = ""  # validate_target names what is wrong
    try:
        validate_target(row, f"{doc_id} review", 0)
    except RowError as exc:
        raise ReviewError(f"target {row['metric']}: {exc.column} {exc.message}") from None
    return row


def _cell(value) -> str:
    from registry.rows.schema import format_cell
    return format_cell(value)
