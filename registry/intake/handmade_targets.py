"""A target the extractor missed, added in review: `registry review DOC --add-target START:END|WORDS`.

    propose_add_target(review, start, end, overrides) -> Change   (nothing stored yet; handmade.commit stores it)

The passage is read by the extractor's own target finder (registry/extract/targets.py): the target
it finds in the passage's sentence that overlaps the passage gives metric, value, unit, year and
the indicator's first guess; where it finds none, the first number with a unit of the vocabulary
in the passage does. The reviewer's fields (--indicator, --metric, --value, --unit, --year) come
last, and the row must pass the registry's target rules (registry.targets.target_rows.validate_target)
and repeat no target of the plan before anything is stored. It is kept in review.json under
`added-target:START:END[:YEAR]` and applied like an accepted candidate target.
"""
from __future__ import annotations

import re

from registry.targets.indicator_words import classify
from registry.targets.indicators import UNIT_CONVERSIONS
from registry.intake.files import read_csv_rows
from registry.intake.handmade import Change
from registry.intake.review import TARGET_EDITABLE, Candidate, ReviewError, sentence_around
from registry.rows.root import TARGETS_CSV
from registry.rows.schema import TARGET_COLUMNS, RowError, format_cell

KIND = "added-target"
_UNIT = "|".join(sorted(map(re.escape, UNIT_CONVERSIONS), key=len, reverse=True))
_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(" + _UNIT + r"|％)")
_YEAR = re.compile(r"(20\d\d)年")
_ALL = re.compile(r"全部|全面|全覆盖")


def _found_targets(review) -> list[dict]:
    """The extractor's targets of the whole plan, read once per review."""
    if getattr(review, "_all_targets", None) is None:
        from registry.extract import extract_text

        try:
            _, review._all_targets = extract_text(review.text, review.doc_id, {**review.document, "doc_id": review.doc_id})
        except ValueError:
            review._all_targets = []
    return review._all_targets


def target_from_passage(review, start: int, end: int) -> dict:
    """A target row for the passage, prefilled by the extractor's parsers."""
    for found in _found_targets(review):
        if int(found["source_start"]) < end and start < int(found["source_end"]):
            return {**found, "source_start": start, "source_end": end}
    words = review.text[start:end]
    value = _VALUE.search(words)
    before = review.text[max(0, start - 120):start]
    years = _YEAR.findall(before + words[:value.start() if value else len(words)])
    metric = re.sub(r"(?:达到|提高到|提高至|提升至|降低至|下降|力争|不低于|超过|突破)+$", "", words[:value.start()]) if value else words
    whole = value is None and _ALL.search(words)  # 全部 / 全面 / 全覆盖: 100 % (README, targets.csv)
    if whole:
        metric = words[:whole.start()]
    return {"city": review.document.get("city", ""), "county": "", "metric": metric.strip("，,"),
            "indicator": classify(metric, value.group(2) if value else "%" if whole else ""),
            "value": value.group(1) if value else "100" if whole else "",
            "unit": value.group(2).replace("％", "%") if value else "%" if whole else "",
            "year": years[-1] if years else "", "source_start": start, "source_end": end}


def _section(review, start: int) -> str:
    from registry.rows.documents import section_at, split_sections

    section = section_at(split_sections(review.text), start)
    return section.heading if section else ""


def propose_add_target(review, start: int, end: int, overrides: dict | None = None) -> Change:
    """The target a passage states, checked; ReviewError (one sentence) when it would be a bad row or a repeat."""
    from registry.targets.indicators import normalise
    from registry.targets.target_rows import validate_target

    if not (0 <= start < end <= len(review.text)):
        raise ReviewError(f"{start}:{end} is outside the text of {review.doc_id} (0:{len(review.text)})")
    unknown = sorted(set(overrides or {}) - set(TARGET_EDITABLE))
    if unknown:
        raise ReviewError(f"cannot set {', '.join(unknown)} of a target; its fields are {', '.join(TARGET_EDITABLE)}")
    row = {**target_from_passage(review, start, end),
           **{k: str(v).strip() for k, v in (overrides or {}).items() if v is not None}}
    row.update(source_doc=review.doc_id, source_section=row.get("source_section") or _section(review, start))
    try:
        row["value"] = format_cell(float(row["value"]))  # 60.0 as 60: as every export writes it
        value, unit = normalise(float(row["value"]), row["unit"])
        row.update(value_normalised=value, unit_normalised=unit)
    except (KeyError, ValueError):
        pass  # validate_target names the bad value or unit
    row = {c: "" if row.get(c) is None else row.get(c) for c in TARGET_COLUMNS}
    try:
        validate_target({c: str(v) for c, v in row.items()}, f"{review.doc_id} review", 0)
    except RowError as exc:
        raise ReviewError(f"{exc.column}: {exc.message}; set it with --{exc.column.replace('_', '-')}"
                          if exc.column in TARGET_EDITABLE else f"{exc.column}: {exc.message}") from None
    repeat = duplicate_target(review, row)
    if repeat:
        raise ReviewError(f"{row['metric']} {row['value']}{row['unit']} ({start}:{end}) repeats {repeat}; nothing was changed")
    # One passage can state two targets ("十四五、十五五期间分别新增…4000万千瓦"): the year tells their keys apart.
    key = f"{KIND}:{start}:{end}" + (f":{row['year']}" if row.get("year") else "")
    candidate = Candidate(key, "target", row, sentence_around(review.text, start, end), {}, {"row": row})
    return Change(KIND, [candidate])


def duplicate_target(review, row: dict) -> str | None:
    """A target of this plan (in targets.csv, or a candidate not rejected) whose span overlaps the new one's
    with the same value and year (under any indicator: one number of the plan is one target), described; None
    when there is none. One span can state two targets: two years ("十四五、十五五期间分别新增…4000万千瓦"), or two
    quantities the passage names before one value ("秸秆综合利用率、农膜回收率达到90%以上")."""
    start, end = int(row["source_start"]), int(row["source_end"])
    path = review.root / TARGETS_CSV
    others = [(r, f"a row of {TARGETS_CSV}") for r in (read_csv_rows(path) if path.exists() else [])
              if r.get("source_doc") == review.doc_id]
    others += [(c.edited(), c.key) for c in review.candidates
               if c.kind == "target" and c.decision.get("decision") != "reject"]
    for other, where in others:
        try:
            low, high = int(other["source_start"]), int(other["source_end"])
            same_value = abs(float(other["value"]) - float(row["value"])) < 1e-9
        except (KeyError, ValueError):
            continue
        years = {str(other.get("year") or ""), str(row.get("year") or "")} - {""}
        if low < end and start < high and same_value and len(years) <= 1 \
                and not _two_quantities(review.text[min(low, start):max(high, end)], other, row):
            return f"{where} ({other.get('metric')} {other.get('value')}{other.get('unit')}, {low}:{high})"
    return None


def _two_quantities(passage: str, one: dict, other: dict) -> bool:
    """Whether two targets of one value measure different things the passage lists: their metrics open with
    different words, and both openings are the passage's own ("市属公交车（…）、巡游出租车（…）…全面实现新能源化").
    A reworded metric opens as the other does and is the same target ("非化石能源比重" for 非化石能源消费比重)."""
    a, b = (str(t.get("metric") or "").strip()[:_OPENING] for t in (one, other))
    return len(a) == len(b) == _OPENING and a != b and a in passage and b in passage


_OPENING = 4  # characters: the subject a metric opens with (秸秆综合, 农膜回收, 市属公交)
