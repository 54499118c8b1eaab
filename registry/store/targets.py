"""Read the plans and their targets: one filter and one query path for `registry targets`, the API and the plan pages.

    with Registry(db) as registry:
        rows = targets(registry.conn, TargetFilter.from_params({"city": ["孝感市"], "indicator": ["non_fossil_share"]}))
        plan = plan_detail(registry.conn, "xiaogan_420900")

A capacity target is shown beside the plan's own listed projects of the types its indicator
counts (registry/targets/indicators.py): the sum of their known capacities, and how many of them
state a capacity at all, so a planner sees both the gap and how much of it is unknown.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Iterable, Iterator

from registry.exports.export import _safe_cell
from registry.targets.indicators import INDICATORS
from registry.store.query import FilterError, parameter_values
from registry.rows.schema import TARGET_COLUMNS, format_cell

TARGET_FILTER_PARAMETERS = ("city", "county", "doc", "indicator", "year")
_YEAR_RE = re.compile(r"^\d{4}$", re.ASCII)
_DRAFT_WORDS = ("征求意见稿", "draft")
_NUMERIC_COLUMNS = frozenset({"value", "value_normalised", "year", "source_start", "source_end"})


def unknown_indicator(value: str, vocabulary) -> FilterError:
    """The error for an indicator outside `vocabulary`, naming the closest one if any (targets and /targets)."""
    close = difflib.get_close_matches(value, vocabulary, n=1)
    if close:
        return FilterError("indicator", "unknown indicator %(value)r; did you mean %(close)r? the vocabulary: "
                           "registry/targets/indicators.py", value=value[:40], close=close[0])
    return FilterError("indicator", "unknown indicator %(value)r; the vocabulary: registry/targets/indicators.py",
                       value=value[:40])


@dataclass(frozen=True)
class TargetFilter:
    cities: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    years: tuple[int, ...] = ()

    @classmethod
    def from_params(cls, params, known_docs: Iterable[str] | None = None) -> "TargetFilter":
        """From a query string (werkzeug MultiDict, or a mapping of name -> list of values); FilterError if bad."""
        def values(name: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(parameter_values(params, name)))

        indicators = values("indicator")
        for key in indicators:
            if key not in INDICATORS:
                raise unknown_indicator(key, INDICATORS)
        years = []
        for year in values("year"):
            if not _YEAR_RE.match(year) or not 1990 <= int(year) <= 2100:
                raise FilterError("year", "%(value)r is not a year (1990..2100)", value=year[:40])
            years.append(int(year))
        docs = values("doc")
        if known_docs is not None:
            known = set(known_docs)
            for doc in docs:
                if doc not in known:
                    raise FilterError("doc", "unknown document %(value)r; expected one of %(expected)s", value=doc[:40],
                                      expected=", ".join(sorted(known)))
        return cls(values("city"), values("county"), docs, indicators, tuple(dict.fromkeys(years)))

    def to_params(self) -> list[tuple[str, str]]:
        pairs = []
        for name, items in (("city", self.cities), ("county", self.counties), ("doc", self.docs),
                            ("indicator", self.indicators), ("year", self.years)):
            pairs.extend((name, str(v)) for v in items)
        return pairs

    def where(self) -> tuple[str, list]:
        clauses, params = [], []
        for column, items in (("city", self.cities), ("county", self.counties), ("source_doc", self.docs),
                              ("indicator", self.indicators), ("year", self.years)):
            if items:
                clauses.append(f"{column} IN ({', '.join('?' * len(items))})")
                params.extend(items)
        return (" AND ".join(clauses) or "1"), params


def document_ids(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT doc_id FROM documents ORDER BY doc_id")]


def targets(conn: sqlite3.Connection, target_filter: TargetFilter = TargetFilter()) -> list[dict]:
    """The filtered targets in targets.csv's columns and order (each plan's in the order of its text, as review
    appends them), so the unfiltered list is the file itself."""
    where, params = target_filter.where()
    columns = ", ".join(f'"{c}"' for c in TARGET_COLUMNS)
    rows = conn.execute(f"SELECT {columns} FROM targets WHERE {where} ORDER BY rowid",
                        params)
    return [dict(zip(TARGET_COLUMNS, row)) for row in rows]


def target_anchor(target: dict) -> str:
    """The id of a target's span on its plan page."""
    return f"t-{target['source_start']}-{target['source_end']}"


def is_draft(document: dict) -> bool:
    return any(word in (document.get("title") or "") + " " + (document.get("status") or "") for word in _DRAFT_WORDS)


def plan_summaries(conn: sqlite3.Connection) -> list[dict]:
    """Every document's metadata (not its text) with its counts of projects and targets."""
    projects = dict(conn.execute("SELECT source_doc, count(*) FROM projects GROUP BY source_doc").fetchall())
    target_counts = dict(conn.execute("SELECT source_doc, count(*) FROM targets GROUP BY source_doc").fetchall())
    summaries = []
    for row in conn.execute("SELECT * FROM documents ORDER BY province, city_code"):
        doc = {k: row[k] for k in row.keys() if k != "text"}
        doc.update(draft=is_draft(doc), projects=projects.get(doc["doc_id"], 0), targets=target_counts.get(doc["doc_id"], 0),
                   characters=len(row["text"]))
        summaries.append(doc)
    return summaries


def target_kind(target: dict) -> str:
    """`added` for a target of additions (新增…, an indicator ending in _added), `total` for an installed total."""
    return "added" if target["indicator"].endswith("_added") or "新增" in (target.get("metric") or "") else "total"


def capacity_comparison(conn: sqlite3.Connection, target: dict) -> dict | None:
    """A capacity target beside its plan's listed projects of the types it counts; None if not a capacity target.

    Like with like: the listed projects are new plants, so only a target of additions is set against
    them as a share (`share`), and only the projects due by the target's year (target_year <= year);
    projects with no year are counted apart (`undated_mw`), and those due later are left out. A target
    for the installed total includes the plants already running, which the registry does not know: its
    comparison carries no share, only the sums.
    """
    indicator = INDICATORS[target["indicator"]]
    if indicator.unit_family != "capacity":
        return None
    marks = ", ".join("?" * len(indicator.counts_types))
    rows = conn.execute(f"SELECT id, capacity_mw, target_year FROM projects WHERE source_doc = ? AND type IN ({marks})",
                        (target["source_doc"], *indicator.counts_types)).fetchall()
    year = target.get("year")

    def when(row) -> str:
        if row["target_year"] in (None, ""):
            return "undated"
        return "by_year" if year is None or int(row["target_year"]) <= int(year) else "later"

    groups: dict[str, list] = {"by_year": [], "undated": [], "later": []}
    for row in rows:
        groups[when(row)].append(row)

    def mw(group: str) -> float:
        return round(sum(r["capacity_mw"] or 0.0 for r in groups[group]), 3)

    kind = target_kind(target)
    target_mw = target["value_normalised"]
    by_year_mw = mw("by_year")
    return {"kind": kind, "target_mw": target_mw, "year": year,
            "listed_mw": round(by_year_mw + mw("undated"), 3), "by_year_mw": by_year_mw, "undated_mw": mw("undated"),
            "later_mw": mw("later"), "projects": len(rows),
            "projects_by_year": len(groups["by_year"]), "projects_undated": len(groups["undated"]),
            "projects_later": len(groups["later"]),
            "projects_with_capacity": sum(1 for r in rows if r["capacity_mw"] is not None),
            "share": round(by_year_mw / target_mw, 4) if kind == "added" and target_mw else None,
            "counts_types": list(indicator.counts_types)}


def plan_detail(conn: sqlite3.Connection, doc_id: str) -> dict | None:
    """A plan's metadata, text, targets (capacity ones with their comparison) and project spans; None if unknown."""
    row = conn.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    if row is None:
        return None
    document = dict(row)
    document["draft"] = is_draft(document)
    plan_targets = targets(conn, TargetFilter(docs=(doc_id,)))
    for target in plan_targets:
        target["anchor"] = target_anchor(target)
        target["capacity"] = capacity_comparison(conn, target)
    projects = [dict(r) for r in conn.execute(
        "SELECT id, name, type, capacity_mw, target_year, source_start, source_end FROM projects WHERE source_doc = ? "
        "ORDER BY source_start, id", (doc_id,))]
    return {"document": document, "targets": plan_targets, "projects": projects}


# A line break of the published text is kept for display after a sentence end or before a heading or list
# item; any other (a PDF's wrap inside a sentence, a name or a number) is joined, as a reader would.
_SENTENCE_END = set("。；：！？!?;:")
_ITEM_START = re.compile(r"[ \t\u3000]*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|专栏|\d+[．.、](?!\d)|——|[—-]+\s*\d)")
_LINE_BREAKS = re.compile(r"[ \t\u3000]*\n[\s\u3000]*")


def _is_heading_line(line: str) -> bool:
    """A short line that starts like a heading (二、主要目标, （一）…, 1. …) and has no punctuation after its
    number: the break after it is kept (the 、 of 二、 is the number's own, not the sentence's)."""
    marker = _ITEM_START.match(line)
    return len(line) <= 40 and marker is not None and not re.search("[。，、；]", line[marker.end():])


def display_breaks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) for every run of line breaks: a paragraph break, or '' where a line wraps."""
    runs = []
    for match in _LINE_BREAKS.finditer(text):
        before = text[:match.start()].rstrip()
        line_start = before.rfind("\n") + 1
        line = before[line_start:].strip()
        keep = (not before or before[-1] in _SENTENCE_END or match.end() == len(text)
                or _ITEM_START.match(text, match.end()) is not None
                or _is_heading_line(line))
        runs.append((match.start(), match.end(), "\n" if keep else ""))
    return runs


def text_segments(text: str, projects: list[dict], targets_: list[dict]) -> list[dict]:
    """The plan text cut into plain segments, each either unmarked or one project's / target's span.

    Spans may overlap (a target inside a project's sentence, two projects sharing words); a
    segment carries every span covering it, so the template can nest marks without ever
    building HTML from the text: it escapes each segment's `text`. Offsets stay those of the
    raw text; only the shown text joins the lines a PDF wrapped (display_breaks).
    """
    spans = [("project", p["id"], p["source_start"], p["source_end"]) for p in projects] + \
            [("target", target_anchor(t), t["source_start"], t["source_end"]) for t in targets_]
    spans = [s for s in spans if 0 <= s[2] < s[3] <= len(text)]
    cuts = sorted({0, len(text), *(s[2] for s in spans), *(s[3] for s in spans)})
    starts: dict[int, list] = {}
    for kind, key, start, _end in spans:
        starts.setdefault(start, []).append((kind, key))
    breaks = display_breaks(text)
    segments, next_break = [], 0
    for left, right in zip(cuts, cuts[1:]):
        pieces, position = [], left
        while next_break < len(breaks) and breaks[next_break][0] < right:
            start, end, replacement = breaks[next_break]
            if end <= left:
                next_break += 1
                continue
            pieces.append(text[position:max(position, start)])
            if start >= left:
                pieces.append(replacement)
            position = min(max(position, end), right)
            if end > right:
                break
            next_break += 1
        pieces.append(text[position:right])
        covering = [s for s in spans if s[2] <= left and right <= s[3]]
        segments.append({"text": "".join(pieces),
                         "projects": [s[1] for s in covering if s[0] == "project"],
                         "targets": [s[1] for s in covering if s[0] == "target"],
                         "anchors": [key if kind == "target" else f"p-{key}" for kind, key in starts.get(left, [])]})
    return segments


def targets_csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """targets.csv-shaped CSV, with cells a spreadsheet would run as formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(TARGET_COLUMNS)
    for row in rows:
        writer.writerow([format_cell(row.get(c)) if c in _NUMERIC_COLUMNS else _safe_cell(c, row.get(c))
                         for c in TARGET_COLUMNS])
    yield buffer.getvalue()


def targets_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def export_targets(db_path, params, fmt: str = "csv") -> str:
    """The filtered targets of a registry database as CSV (targets.csv columns) or a JSON array: `registry targets`."""
    from registry.store.query import Registry

    with Registry(db_path) as registry:
        target_filter = TargetFilter.from_params(params, known_docs=document_ids(registry.conn))
        rows = targets(registry.conn, target_filter)
    return "".join(targets_csv_chunks(rows)) if fmt == "csv" else targets_json(rows)
