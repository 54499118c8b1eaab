"""The input corpus: plan texts and their metadata (`plans/documents.csv`), split into sections."""
from __future__ import annotations

import csv
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
PLANS_DIR = PROJECT_ROOT / "plans"
DOCUMENT_COLUMNS = ("doc_id", "file", "title", "city", "city_code", "parent_city", "province",
                    "issuer", "doc_number", "published", "status", "source", "text_note")

# Headings of the plans: 一、… / （一）… / 专栏 1 … / 1.… at the start of a line. A heading line
# of these documents is short; longer lines starting so are paragraphs with a lead-in phrase,
# cut at the first full stop so that the section name stays a name.
_HEADING_RE = re.compile(
    r"^[ \t\u3000]*(?P<heading>"
    r"(?P<l1>[一二三四五六七八九十]+、)"
    r"|(?P<l2>[（(][一二三四五六七八九十]+[）)])"
    r"|(?P<box>专栏\s*\d+)"
    r")[^\n]*$",
    re.M,
)


@dataclass(frozen=True)
class Section:
    heading: str
    level: int  # 1 = 一、  2 = （一）  3 = 专栏
    start: int  # character offsets into the document text
    end: int


def read_documents(plans_dir: str | Path = PLANS_DIR) -> dict[str, dict]:
    """Metadata rows of documents.csv, each with its full `text`, keyed by doc_id."""
    plans_dir = Path(plans_dir)
    with open(plans_dir / "documents.csv", newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    documents = {}
    for row in rows:
        doc = {c: (row.get(c) or "").strip() for c in DOCUMENT_COLUMNS}
        doc["text"] = (plans_dir / doc["file"]).read_text(encoding="utf-8")
        documents[doc["doc_id"]] = doc
    return documents


def split_sections(text: str) -> list[Section]:
    """The headings of a plan, each section running to the next heading of the same or a higher level."""
    found = []
    for match in _HEADING_RE.finditer(text):
        line = match.group(0).strip()
        level = 1 if match.group("l1") else 2 if match.group("l2") else 3
        if _is_table_of_contents_line(line):
            continue
        heading = re.split(r"[。：:]", line, maxsplit=1)[0] if len(line) > 40 else line
        found.append((match.start(), level, heading.strip()))
    # One pass from the end: for each level, where the next heading of that level or a higher one starts.
    ends: list[int] = [0] * len(found)
    next_at_or_above = {1: len(text), 2: len(text), 3: len(text)}
    for i in range(len(found) - 1, -1, -1):
        start, level, _ = found[i]
        ends[i] = next_at_or_above[level]
        for lv in range(level, 4):
            next_at_or_above[lv] = start
    return Sections(Section(heading, level, start, end) for (start, level, heading), end in zip(found, ends))


class Sections(list):
    """split_sections' result: the sections in text order, with what section_at needs to bisect."""

    def __init__(self, sections=()):
        super().__init__(sections)
        self.starts = [s.start for s in self]
        # parent[i]: the nearest earlier section of a higher level (a lower level number), or -1.
        self.parent, stack = [], []
        for i, section in enumerate(self):
            while stack and self[stack[-1]].level >= section.level:
                stack.pop()
            self.parent.append(stack[-1] if stack else -1)
            stack.append(i)


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The innermost section containing the offset: O(log n) on split_sections' result.

    Only the last section starting at or before the offset and its enclosing sections can contain
    it (any other earlier section ends at a later heading of its level), so a bisect and a walk up
    at most three levels find it.
    """
    if not isinstance(sections, Sections):
        sections = Sections(sorted(sections, key=lambda s: s.start))
    i = bisect_right(sections.starts, offset) - 1
    while i >= 0:
        if offset < sections[i].end:
            return sections[i]
        i = sections.parent[i]
    return None


def _is_table_of_contents_line(line: str) -> bool:
    # 目录 entries end with a tab and a page number: "三、重点任务\t3".
    return bool(re.search(r"\t\s*\d+\s*$", line))
