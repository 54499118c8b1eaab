"""The input corpus: plan texts and their metadata (`plans/documents.csv`), split into sections."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLANS_DIR = PROJECT_ROOT / "plans"
DOCUMENT_COLUMNS = ("doc_id", "file", "title", "city", "city_code", "parent_city", "province",
                    "issuer", "doc_number", "published", "status")

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
    sections = []
    for i, (start, level, heading) in enumerate(found):
        end = next((s for s, lv, _ in found[i + 1:] if lv <= level), len(text))
        sections.append(Section(heading, level, start, end))
    return sections


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The innermost section containing the offset."""
    best = None
    for section in sections:
        if section.start <= offset < section.end and (best is None or section.start >= best.start):
            best = section
    return best


def _is_table_of_contents_line(line: str) -> bool:
    # 目录 entries end with a tab and a page number: "三、重点任务\t3".
    return bool(re.search(r"\t\s*\d+\s*$", line))
