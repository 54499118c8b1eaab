"""The rows a reviewer makes: a passage the extractor missed, several candidates merged, one split.

    locate(review, "START:END" or the passage's words) -> (start, end)
    propose_add(review, start, end, overrides)        -> Change   (nothing stored yet)
    propose_merge(review, [key, key, ...], overrides) -> Change
    propose_split(review, key, [cut, ...], overrides) -> Change
    commit(review, change, decision)                   stores the change in plans/<doc_id>.review.json
    undo(review, key), dismiss(review, ref)

A passage's fields come from registry/extract/passage.py, the extractor's own parsers; overrides
(a reviewer's --type, --capacity-mw …) come last. Every row a change makes passes the registry's
row rules (schema.validate_project) and is compared with the plan's rows already there before
anything is stored: a ReviewError names the problem and nothing changes.

A merged row covers its candidates' words when no sentence ends between them ("粤东" and "粤西
海上风电基地" become one span); candidates in different sentences (one project named twice) merge
into the first one's span, and the others' spans are kept in the record ("spans"). A split cuts a
candidate's span at the reviewer's cut points (offsets, or words of the span where a part starts);
each part is read as a passage, named by its own words with the list's shared head added where they
have no type word ("七里坪镇及高桥镇渔光互补光伏电站" at 高桥镇: 七里坪镇渔光互补光伏电站 and
高桥镇渔光互补光伏电站), and takes the type, stage and year of the candidate where its words give none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from registry.extract.passage import MAX_PASSAGE, PassageError, PlanText, check_span, passage_row
from registry.extract.rules import keyword_type
from registry.extract.vocab import TYPE_RULES
from registry.intake.files import read_csv_rows
from registry.intake.review import EDITABLE, Candidate, Review, ReviewError, row_problem, sentence_around
from registry.rows.root import PLANS, PROJECTS_CSV

_SPAN = re.compile(r"\s*(\d+)\s*[:：]\s*(\d+)\s*")
_JOINERS = "及和与"
_SENTENCE_END = re.compile(r"[。；！？!?;\n]")
_NAME_NOISE = re.compile(r"[（()）“”\"\s]|国家级?|省级")
# Fields a part of a split candidate takes from the candidate when its own words give none.
_INHERITED = ("stage", "target_year", "source_section")


@dataclass
class Change:
    """Rows a reviewer's action makes (`new`) and the candidates they replace (`sources`)."""

    kind: str  # "added", "merged" or "split"
    new: list[Candidate]
    sources: list[Candidate] = field(default_factory=list)


def locate(review: Review, passage: str) -> tuple[int, int]:
    """START:END as given, or where the words occur in the plan (blanks and line breaks between them allowed)."""
    span = _SPAN.fullmatch(passage)
    if span:
        return int(span.group(1)), int(span.group(2))
    words = passage.strip()
    if not words:
        raise ReviewError("the passage is empty; give START:END or the words as the plan writes them")
    if len(words) > MAX_PASSAGE:
        raise ReviewError(f"the passage is {len(words)} characters long; give the project's name or the clause "
                          f"that names it (at most {MAX_PASSAGE}), or START:END")
    found = _occurrences(review.text, words)
    if not found:
        compact = re.sub(r"\s+", "", words)
        pattern = re.compile(r"\s*".join(map(re.escape, compact)))
        found = [m.span() for m in pattern.finditer(review.text)]
    if not found:
        raise ReviewError(f"「{words}」 is not in the text of {review.doc_id} ({PLANS}/{review.document['file']}); "
                          "copy the words as the plan writes them, or give START:END")
    if len(found) > 1:
        where = ", ".join(f"{s}:{e}" for s, e in found[:10]) + (" …" if len(found) > 10 else "")
        times = len(found) if len(found) <= 10 else max(review.text.count(words), len(found))
        raise ReviewError(f"「{words}」 occurs {times} times in {review.doc_id}, at {where}; "
                          "pass the one you mean as START:END")
    return found[0]


def _occurrences(text: str, words: str) -> list[tuple[int, int]]:
    found, at = [], text.find(words)
    while at != -1 and len(found) <= 10:
        found.append((at, at + len(words)))
        at = text.find(words, at + 1)
    return found


def _plan(review: Review) -> PlanText:
    """The plan read once per Review (its cleaned text and places), for all the passages of one action."""
    if getattr(review, "_plan_text", None) is None:
        try:
            review._plan_text = PlanText.of(review.text, {**review.document, "doc_id": review.doc_id})
        except PassageError as exc:
            raise ReviewError(str(exc)) from None
    return review._plan_text


def _passage(review: Review, start: int, end: int) -> dict:
    try:
        return passage_row(review.text, start, end, review.document, _plan(review))
    except PassageError as exc:
        raise ReviewError(str(exc)) from None


def _override(row: dict, overrides: dict | None) -> dict:
    unknown = sorted(set(overrides or {}) - set(EDITABLE))
    if unknown:
        raise ReviewError(f"cannot set {', '.join(unknown)}; the fields a reviewer sets are {', '.join(EDITABLE)}")
    return {**row, **{k: v.strip() if isinstance(v, str) else v for k, v in (overrides or {}).items() if v is not None}}


def _made(review: Review, kind: str, row: dict, **made) -> Candidate:
    start, end = int(row["source_start"]), int(row["source_end"])
    row = {k: ("" if v is None else v) for k, v in row.items()}
    return Candidate(f"{kind}:{start}:{end}", "project", row, sentence_around(review.text, start, end), {},
                     {"row": row, **made})


def _key(name: str) -> str:
    return re.sub(r"(建设)?(项目|工程)$", "", _NAME_NOISE.sub("", name or ""))


def duplicate_of(review: Review, row: dict, ignore: set[str] = frozenset()) -> str | None:
    """The plan's row that the new row repeats, described, or None: a row of projects.csv from this plan
    or a candidate not rejected (the extractor's or a made one), whose span overlaps the new row's, of
    the same type, and whose name contains the new one's or is contained in it (or whose span is the same)."""
    start, end, key = int(row["source_start"]), int(row["source_end"]), _key(row["name"])
    projects = review.root / PROJECTS_CSV
    existing = [(r, f"{r['id']} in {PROJECTS_CSV}") for r in (read_csv_rows(projects) if projects.exists() else [])
                if r.get("source_doc") == review.doc_id]
    for candidate in review.candidates:
        decision = candidate.decision.get("decision")
        if candidate.kind != "project" or candidate.key in ignore or candidate.replaced or decision == "reject":
            continue
        state = "accepted" if decision == "accept" else "not yet decided: accept or edit it instead"
        existing.append((candidate.edited(), f"{candidate.key}, {state}"))
    for other, where in existing:
        try:
            low, high = int(other["source_start"]), int(other["source_end"])
        except (KeyError, ValueError):
            continue
        if not (low < end and start < high) or other.get("type") != row["type"]:
            continue
        other_key = _key(other.get("name", ""))
        if (low, high) == (start, end) or (key and other_key and (key in other_key or other_key in key)):
            return f"{other.get('name')} ({other.get('type')}, {low}:{high}; {where})"
    return None


def checked(review: Review, change: Change) -> Change:
    """The change, when each new row is valid and repeats no row of the plan; else ReviewError."""
    ignore = {c.key for c in change.sources}
    keys = set()
    for candidate in change.new:
        row = candidate.edited()
        problem = row_problem(row)
        if problem:
            raise ReviewError(f"{row.get('name') or candidate.key}: {problem}; nothing was changed")
        repeated = duplicate_of(review, row, ignore)
        if repeated:
            hint = ("; to make one candidate several projects use --split" if change.kind == "added" else "")
            raise ReviewError(f"{row['name']} ({row['source_start']}:{row['source_end']}) repeats {repeated}{hint}; "
                              "nothing was changed")
        existing = review.find(candidate.key)
        if candidate.key in keys or (existing is not None and not existing.replaced
                                     and existing.decision.get("decision") != "reject"):
            raise ReviewError(f"there is already a row {candidate.key}; nothing was changed")
        keys.add(candidate.key)
    return change


def preview(review: Review, start: int, end: int, overrides: dict | None = None) -> tuple[dict, str | None]:
    """The row a passage would make and what would stop it being added (row rules, a repeat), or None."""
    row = _override(_passage(review, start, end), overrides)
    problem = row_problem(row)
    repeated = None if problem else duplicate_of(review, row)
    return row, problem or (f"it repeats {repeated}" if repeated else None)


def propose_add(review: Review, start: int, end: int, overrides: dict | None = None) -> Change:
    row = _override(_passage(review, start, end), overrides)
    return checked(review, Change("added", [_made(review, "added", row)]))


def _sources(review: Review, keys: list[str], action: str) -> list[Candidate]:
    sources = []
    for key in keys:
        candidate = review.find(key)
        if candidate is None or candidate.kind != "project":
            known = ", ".join(c.key for c in review.candidates if c.kind == "project" and not c.replaced)
            raise ReviewError(f"no project candidate {key!r} in the review of {review.doc_id} (keys: {known})")
        if candidate.in_registry:
            raise ReviewError(f"{key} is in {PROJECTS_CSV} already as {candidate.decision.get('id')}; "
                              f"edit that row itself to {action} it")
        if candidate.replaced:
            raise ReviewError(f"{key} was {candidate.decision['decision']} already (into "
                              f"{', '.join(candidate.decision.get('into', []))}); undo that first")
        sources.append(candidate)
    return sources


def propose_merge(review: Review, keys: list[str], overrides: dict | None = None) -> Change:
    keys = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if len(keys) < 2:
        raise ReviewError("name two or more candidates to merge (KEY,KEY)")
    sources = sorted(_sources(review, keys, "merge"), key=lambda c: c.span)
    spans = [c.span for c in sources]
    together = all(not _SENTENCE_END.search(review.text, a[1], b[0]) for a, b in zip(spans, spans[1:]))
    start, end = spans[0][0], max(e for _, e in spans)
    if together and end - start <= MAX_PASSAGE:
        row = _passage(review, start, end)
        fallback = [c.edited() for c in sources]
    else:
        row = dict(sources[0].edited())
        fallback = [c.edited() for c in sources[1:]]
    for other in fallback:
        for column in EDITABLE:
            if row.get(column) in (None, "") and other.get(column) not in (None, ""):
                row[column] = other[column]
        if row.get("type") == "other" and other.get("type") not in (None, "", "other"):
            row["type"], row["subtype"] = other["type"], other.get("subtype", "")
    row = _override({**row, "id": ""}, overrides)
    made = _made(review, "merged", row, **{"from": [c.key for c in sources], "spans": [list(s) for s in spans]})
    return checked(review, Change("merged", [made], sources))


def _cut(review: Review, candidate: Candidate, cut: str) -> int:
    start, end = candidate.span
    cut = cut.strip()
    if cut.isdigit():
        at = int(cut)
    else:
        inside = review.text[start:end]
        at = inside.find(cut)
        if at == -1 or not cut:
            raise ReviewError(f"「{cut}」 is not in the words of {candidate.key} (「{inside}」, {start}:{end})")
        if inside.find(cut, at + 1) != -1:
            raise ReviewError(f"「{cut}」 occurs more than once in 「{inside}」; give the offset where the part starts")
        at += start
    if not start < at < end:
        raise ReviewError(f"cut {at} is not inside {candidate.key} ({start}:{end}); a cut falls between its first "
                          "and last character")
    return at


def _shared_head(words: str) -> str:
    """The words a list's last item shares with the others: from its first type word on (渔光互补光伏电站)."""
    first = min((at for _, _, keywords in TYPE_RULES for k in keywords if (at := words.find(k)) != -1), default=0)
    return words[first:] if first > 0 else ""  # a last part that opens with its type word is no list's item


def propose_split(review: Review, key: str, cuts: list[str], overrides: dict | None = None) -> Change:
    (source,) = _sources(review, [key], "split")
    if not [c for c in cuts if c.strip()]:
        raise ReviewError(f"give where {key} is cut: --at OFFSET or the words a part starts with")
    if overrides and overrides.get("name"):
        raise ReviewError("each part of a split gets the name of its own words; edit a part's name after splitting")
    points = sorted({_cut(review, source, c) for c in cuts if c.strip()})
    start, end = source.span
    original = source.edited()
    spans = []
    for low, high in zip([start, *points], [*points, end]):
        if high < end and review.text[high - 1] in _JOINERS:
            high -= 1  # "七里坪镇及高桥镇…": the 及 joins the parts, it belongs to neither
        try:
            spans.append(check_span(review.text, low, high))
        except PassageError as exc:
            raise ReviewError(f"a part of {key}: {exc}") from None
    head = _shared_head(review.text[spans[-1][0]:spans[-1][1]])
    parts = []
    for low, high in spans:
        row = _passage(review, low, high)
        if (low, high) != spans[-1] and head and keyword_type(row["name"]) is None:
            row["name"] += head  # 七里坪镇 of "七里坪镇及高桥镇渔光互补光伏电站" is 七里坪镇渔光互补光伏电站
        if row["type"] == "other" and original.get("type") not in (None, "", "other"):
            row["type"], row["subtype"] = original["type"], original.get("subtype", "")
        for column in _INHERITED:
            if row.get(column) in (None, "") and original.get(column) not in (None, ""):
                row[column] = original[column]
        parts.append(_made(review, "split", _override(row, overrides), **{"from": [key]}))
    return checked(review, Change("split", parts, [source]))


def commit(review: Review, change: Change, decision: str = "") -> list[Candidate]:
    """Store the change in the review: its rows `decision` ("accept" or "" for undecided), its sources replaced."""
    if decision not in ("", "accept"):
        raise ValueError(decision)
    into = [c.key for c in change.new]
    for source in change.sources:
        source.decision = {"decision": change.kind, "into": into, "was": source.decision}
    for candidate in change.new:
        existing = review.find(candidate.key)
        if existing is not None:  # a rejected row of the same span is made again
            review.candidates.remove(existing)
        candidate.decision = {"decision": decision} if decision else {}
        review.candidates.append(candidate)
        for possible in review.possible:
            low, high = candidate.span
            if possible["start"] <= low and high <= possible["end"] and not possible["decision"]:
                possible["decision"] = {"decision": "added", "as": candidate.key}
    review.save()
    return change.new


def undo(review: Review, key: str) -> list[str]:
    """Take back a made row (and the other parts of its split) not yet in the registry; its sources return."""
    candidate = review.find(key)
    if candidate is None or candidate.origin == "extracted":
        raise ReviewError(f"{key} is not a row made in review; reject a candidate instead")
    group = [c for c in review.candidates if c.origin == candidate.origin and c.made.get("from") == candidate.made.get("from")
             and (c.origin == "split" or c is candidate)]
    placed = [c.key for c in group if c.in_registry]
    if placed:
        raise ReviewError(f"{', '.join(placed)} is in {PROJECTS_CSV} already; edit or delete that row there")
    removed = {c.key for c in group}
    review.candidates = [c for c in review.candidates if c.key not in removed]
    for source in review.candidates:
        if source.replaced and set(source.decision.get("into", ())) & removed:
            source.decision = source.decision.get("was", {})
    for possible in review.possible:
        if possible["decision"].get("as") in removed:
            possible["decision"] = {}
    review.save()
    return sorted(removed)


def dismiss(review: Review, ref: str) -> dict:
    """Mark a possible project (its rank, START:END of its sentence, or key) as not a project."""
    ref = ref.strip()
    for possible in review.possible:
        if ref in (str(possible.get("rank")), f"{possible['start']}:{possible['end']}", possible["key"]):
            if possible["decision"].get("decision") == "added":
                raise ReviewError(f"possible project #{possible.get('rank')} was added as {possible['decision'].get('as')}; "
                                  "undo that row instead")
            possible["decision"] = {"decision": "dismiss"}
            review.save()
            return possible
    raise ReviewError(f"no possible project {ref!r} in {review.doc_id}: give its rank (1 to {len(review.possible)}) "
                      "or the START:END of its sentence, as `registry review DOC --possible` lists them")
