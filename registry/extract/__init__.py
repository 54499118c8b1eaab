"""`registry extract`: the first, rule-based pass over plan texts; projects.csv is its reviewed result.

    extract_files(paths, documents_csv, progress, max_bytes) -> (project candidate rows, target rows)

A file that is not a plan's text (binary, not UTF-8, empty, over `max_bytes`, naming no place
in China) raises PlanInputError (inputs.py) with a one-line message. The plan's area is its
documents.csv row's `city_code`, else the area its title, issuer or text names (area.py).

Per plan: repair the text keeping an offset map (text.py), find project names (rules.py),
fill the row fields (rows.py, units.py, places.py) and collect city-wide targets (targets.py).
"""
from __future__ import annotations

import csv
from bisect import bisect_right
from pathlib import Path

from tqdm import tqdm

from registry.geo.divisions import Division, load_divisions
from registry.rows.documents import split_sections
from registry.extract.inputs import DEFAULT_MAX_BYTES, PlanInputError, check_plan_text, read_plan_text
from registry.extract.places import PlaceIndex, infer_place, prefecture_of
from registry.extract.rows import PlanContext, build_rows, dedupe, number_rows
from registry.extract.rules import find_mentions
from registry.extract.targets import find_targets, write_targets_csv
from registry.extract.text import clean_text

__all__ = ["DEFAULT_MAX_BYTES", "PlanInputError", "extract_files", "extract_text", "write_targets_csv"]


def _read_documents(documents_csv: Path | None) -> dict[str, dict]:
    if documents_csv is None or not Path(documents_csv).is_file():
        return {}
    with open(documents_csv, newline="", encoding="utf-8-sig") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


def _plan_division(meta: dict | None, raw: str) -> Division:
    divisions = load_divisions()
    if meta and meta.get("city_code") in divisions.by_code:
        return divisions.by_code[meta["city_code"]]
    if meta and meta.get("city_code"):
        raise PlanInputError(f"area code {meta['city_code']!r} is not a province, city or county code of the division list")
    place = infer_place(raw.replace("\r", "\n"), divisions)  # the title is a line of its own in the raw text
    if place is None:
        raise PlanInputError("the text names no province, city or county of China, so its area is unknown; "
                             "pass --area-code (e.g. 510700 for 绵阳市) or give it a row in documents.csv")
    return place


def extract_text(raw: str, doc_id: str, meta: dict | None = None) -> tuple[list[dict], list[dict]]:
    """Candidate project rows and target rows of one plan's raw text."""
    check_plan_text(raw, doc_id)
    divisions = load_divisions()
    own = _plan_division(meta, raw)
    city = prefecture_of(own, divisions)
    own_county = own.name if own.level == 3 else ""
    clean = clean_text(raw, own_county or own.name)
    places = PlaceIndex(own, divisions)
    ctx = PlanContext(doc_id, doc_id.split("_")[0], city.name, own_county, places, clean, raw)
    boxes = [b for b in split_sections(raw) if b.level == 3]  # a 专栏 ends at the next heading: none overlap
    box_starts = [b.start for b in boxes]

    def in_box(offset: int) -> bool:
        raw_offset = clean.raw_offsets[min(offset, len(clean.raw_offsets) - 1)]
        i = bisect_right(box_starts, raw_offset) - 1
        return i >= 0 and raw_offset < boxes[i].end

    mentions = find_mentions(clean.text, places, in_box)
    rows = number_rows(dedupe(build_rows(mentions, ctx), places), ctx.id_prefix)
    targets = find_targets(clean, raw, city=city.name, county=own_county, doc_id=doc_id, own_place=own_county)
    return rows, targets


def extract_files(paths: list[Path], documents_csv: Path | None = None, progress: bool = False,
                  max_bytes: int = DEFAULT_MAX_BYTES, area_code: str | None = None) -> tuple[list[dict], list[dict]]:
    """Candidates and targets of several plans; a plan missing from documents.csv covers `area_code`
    when one is given, else the area its text names."""
    documents = _read_documents(documents_csv)
    projects: list[dict] = []
    targets: list[dict] = []
    for path in tqdm([Path(p) for p in paths], desc="extract", unit="plan", disable=not progress):
        meta = documents.get(path.name) or ({"city_code": area_code.strip()} if area_code else None)
        # <name>_<area code>, as add-plan names a plan: the geocoder scopes its projects by that code
        doc_id = (meta or {}).get("doc_id") or (f"{path.stem}_{area_code.strip()}" if area_code else path.stem)
        text = read_plan_text(path, max_bytes)
        try:
            rows, found = extract_text(text, doc_id, meta)
        except PlanInputError as error:
            raise PlanInputError(f"{path}: {error}") from None
        projects.extend(rows)
        targets.extend(found)
    return projects, targets
