"""What the review page (templates/review.html) shows, worked out from a Review: the plan's text in
marked segments, the cards of the candidates, the add form, the counts.

The text is cut at every candidate's and possible project's boundary; each segment carries the raw
offsets of its first and last character (data-s, data-e: Python str indices into plans/<doc_id>.txt),
so the page's script turns a selection into raw offsets by counting code points from a segment's
start, whatever a browser's strings count. A carriage return is shown as a line break: one
character for one, so the counts hold (an HTML parser would fold "\\r\\n" into one character).
"""
from __future__ import annotations

from registry.intake import handmade
from registry.intake.review import Candidate, Review, ReviewError, sentence_around
from registry.rows.schema import format_cell

# The lead of what stops a passage being added; the reason after it is the review's own (the terminal's) words.
CANNOT_ADD = "不能添加 cannot add —"
_ORIGIN_LABELS = {"added": "手工添加 added by hand", "merged": "合并所得 merged", "split": "拆分所得 a part of a split"}


def _state(candidate: Candidate) -> str:
    if candidate.origin != "extracted" and not candidate.decision.get("decision"):
        return "made"
    return {"accept": "accept", "reject": "reject"}.get(candidate.decision.get("decision"), "open")


def segments(review: Review) -> list[dict]:
    """The plan's text as segments {s, e, text, cls, keys}: candidates' spans (by state) and possible projects."""
    text = review.text
    marks = [(c.span, "c-" + _state(c), c.key) for c in review.candidates if c.kind == "project" and not c.replaced]
    marks += [((p["start"], p["end"]), "p" if not p["decision"] else "p-done", p["key"]) for p in review.possible]
    marks = [((max(0, s), min(len(text), e)), cls, key) for (s, e), cls, key in marks if s < e and s < len(text)]
    cuts = sorted({0, len(text), *(s for (s, _), _, _ in marks), *(e for (_, e), _, _ in marks)})
    starts: dict[int, list] = {}
    for mark in marks:
        starts.setdefault(mark[0][0], []).append(mark)
    active: list = []
    found = []
    for low, high in zip(cuts, cuts[1:]):
        active = [m for m in active if m[0][1] > low] + starts.get(low, [])
        classes = sorted({cls for _, cls, _ in active})
        # The strongest state wins where candidates overlap: accepted over open over rejected.
        candidate_classes = [cls for cls in ("c-accept", "c-made", "c-open", "c-reject") if cls in classes]
        shown = candidate_classes[:1] + (["p"] if "p" in classes and not candidate_classes else [])
        found.append({"s": low, "e": high, "text": text[low:high].replace("\r", "\n"), "cls": " ".join(shown),
                      "marks": " ".join(key for _, cls, key in active if cls.startswith("c-"))})
    return found


def _pieces(review: Review, sentence: str, start: int, end: int) -> tuple[str, str, str]:
    span = review.text[start:end]
    if span and span in sentence:
        before, _, after = sentence.partition(span)
        return before, span, after
    return sentence, "", ""


def card(review: Review, candidate: Candidate, project_fields, target_fields) -> dict:
    row = candidate.edited()
    start, end = candidate.span
    before, span, after = _pieces(review, candidate.sentence, start, end)
    open_ = candidate.kind == "project" and not candidate.in_registry and not candidate.replaced
    return {"key": candidate.key, "kind": candidate.kind, "row": row, "origin": candidate.origin,
            "origin_label": _ORIGIN_LABELS.get(candidate.origin, ""), "start": start, "end": end,
            "fields": project_fields if candidate.kind == "project" else target_fields,
            "decision": candidate.decision.get("decision", ""), "replaced": candidate.replaced,
            "into": ", ".join(candidate.decision.get("into", [])),
            "added": candidate.decision.get("id") or ("yes" if candidate.decision.get("added") else ""),
            "before": before, "span": span, "after": after, "mergeable": open_, "splittable": open_,
            "undoable": candidate.origin != "extracted" and not candidate.in_registry}


def add_panel(review: Review, given: str, overrides: dict | None = None, form=None) -> dict:
    """The add form for a passage given as START:END or words: its offsets, words, sentence, the row the
    extractor's parsers make of it (None when there is none) and what would stop it being added."""
    submitted = {column[len("add|"):]: value for column, value in (form or {}).items() if column.startswith("add|")}
    panel = {"passage": given, "start": None, "end": None, "text": "", "sentence": "", "problem": None,
             "row": submitted or None, "decision": submitted.get("decision", "accept")}
    if not given.strip() or given.strip() == ":":
        return panel
    try:
        start, end = handmade.locate(review, given)
        row, problem = handmade.preview(review, start, end, overrides)
    except ReviewError as exc:
        return {**panel, "problem": f"{CANNOT_ADD} {exc}"}
    start, end = int(row["source_start"]), int(row["source_end"])
    cells = {**{column: format_cell(value) for column, value in row.items()}, **submitted}
    sentence = sentence_around(review.text, start, end)
    return {**panel, "passage": f"{start}:{end}", "start": start, "end": end, "text": review.text[start:end],
            "sentence": sentence, "row": cells, "problem": f"{CANNOT_ADD} {problem}" if problem else None}


def summary_line(review: Review) -> dict[str, str]:
    """The review's counts as a sentence in Chinese ("zh") and the same in English ("en")."""
    counts = review.counts()
    made = counts["added"] + counts["merged_rows"] + counts["split_rows"]
    open_possible = counts["possible"] - counts["possible_added"] - counts["possible_dismissed"]
    replaced = counts["merged"] or counts["split"]
    chinese = (f"项目候选 {counts['proposed']} 个：采纳 {counts['accepted'] + counts['edited']} 个"
               f"（其中修改 {counts['edited']} 个），不采纳 {counts['rejected']} 个，待定 {counts['undecided']} 个"
               + (f"，合并 {counts['merged']} 个，拆分 {counts['split']} 个" if replaced else "")
               + f"；审核中新增并采纳 {made} 行；已入库 {counts['in_registry']} 个；"
               f"可能遗漏的项目 {counts['possible']} 处，未处理 {open_possible} 处。")
    english = (f"{counts['proposed']} project candidates: {counts['accepted'] + counts['edited']} accepted "
               f"({counts['edited']} edited), {counts['rejected']} rejected, {counts['undecided']} undecided"
               + (f", {counts['merged']} merged, {counts['split']} split" if replaced else "")
               + f"; {made} accepted rows made in review; {counts['in_registry']} in the registry; "
               f"{counts['possible']} possible projects, {open_possible} open.")
    return {"zh": chinese, "en": english}
