"""A plan rebuilt from a sentence-split corpus: `registry add-plan CORPUS.json --entry NAME`.

Some public collections of policy texts keep each document as a list of sentences rather than as
the document: ccccchaoo/carbon-policy-analysis (`data/structured_query/*.json`, one file per
policy family) maps each document's file name to its chapters (一, 二 … and 空 for the text before
the first chapter), and each chapter to its sentences in order, each sentence mapped to the
chapter's heading ("（一）指导思想": "总体要求"). The sentences were cut at 。！？ and stored without
that end mark, and most quotation marks were stripped (“十四五” reads 十四五).

The rebuilt text puts back only what the structure itself says, and says what it could not:
- a chapter heading line "一、<heading>" before each chapter's sentences (the heading is the
  value every sentence of the chapter carries);
- headings of the lower levels (（一）…, 1．…, ——…, 专栏…) on lines of their own, as they are
  sentences of their own in the corpus;
- "。" after every other sentence that does not already end in a mark, and the sentences of one
  run joined into one paragraph (the corpus keeps no paragraph breaks);
- nothing else: quotation marks, the plan's own 。 inside a heading line, and a sentence that
  occurred twice in one chapter (a JSON object keeps one key) are lost, and `note` says which.
Offsets of the registry's rows point into this rebuilt text, which is what plans/<doc>.txt holds.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from registry.intake.pdftext import NotAPlan

# A sentence that is a heading of its own: （一）…, 1．…/1.…/(1)…, ——…, 专栏…, 附件….
_HEADING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[）)]|\d{1,2}\s*[．.、](?!\d)|[（(]\d{1,2}[）)]|——|专栏\s*\d*|附件\s*\d*)")
_ENDS_IN_MARK = re.compile(r"[。！？；：:;!?…]$")
_NO_CHAPTER = {"空", ""}
_NO_HEADING = {"无上级标题", ""}
# Longest heading line a plan writes: a longer "1．…" sentence is a paragraph's lead-in with its text.
_MAX_HEADING = 40
# The numbered openings whose sequence shows a lost passage when a number is skipped.
_NUMBERED = (re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]"), re.compile(r"^(\d{1,2})\s*[．.、](?!\d)"))
_CN_DIGITS = "一二三四五六七八九"


@dataclass(frozen=True)
class RebuiltPlan:
    text: str
    title: str
    sentences: int
    headings: int
    repeated: int  # sentences the corpus held once although the chapter had them more than once
    note: str  # what the rebuilt text lacks, for documents.csv's text_note


def _pairs_with_repeats(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object as a dict that remembers how many of its keys were repeated (json keeps the last)."""
    seen: dict = {}
    repeats = 0
    for key, value in pairs:
        if key in seen:
            repeats += 1
        seen[key] = value
    if repeats:
        seen["\x00repeated"] = repeats
    return seen


def read_corpus(data: bytes, origin: str) -> dict:
    """The corpus file's documents (name -> chapters), or NotAPlan when it is not such a file."""
    try:
        corpus = json.loads(data.decode("utf-8-sig"), object_pairs_hook=_pairs_with_repeats)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAPlan(f"is not a JSON sentence corpus ({exc})") from None
    if not isinstance(corpus, dict) or not all(isinstance(v, dict) for k, v in corpus.items() if not k.startswith("\x00")):
        raise NotAPlan("is JSON but not a sentence corpus (expected {document: {chapter: {sentence: heading}}})")
    return {k: v for k, v in corpus.items() if not k.startswith("\x00")}


def pick_entry(corpus: dict, entry: str | None, origin: str) -> tuple[str, dict]:
    """The document `entry` names: its exact key, or the one key that contains it."""
    if not entry:
        names = ", ".join(list(corpus)[:8])
        raise NotAPlan(f"is a corpus of {len(corpus)} documents; choose one with --entry (e.g. {names})")
    if entry in corpus:
        return entry, corpus[entry]
    found = [name for name in corpus if entry in name]
    if len(found) == 1:
        return found[0], corpus[found[0]]
    if not found:
        raise NotAPlan(f"has no document {entry!r} (it has {len(corpus)}; e.g. {', '.join(list(corpus)[:5])})")
    raise NotAPlan(f"has {len(found)} documents matching {entry!r}: {', '.join(found)}; give the whole name")


def _number(numeral: str) -> int:
    """1-99 from Arabic or Chinese numerals (十二 -> 12); enough for a plan's headings."""
    if numeral.isdigit():
        return int(numeral)
    tens, _, ones = numeral.rpartition("十")
    if "十" not in numeral:
        return _CN_DIGITS.index(numeral) + 1
    return (_CN_DIGITS.index(tens) + 1 if tens else 1) * 10 + (_CN_DIGITS.index(ones) + 1 if ones else 0)


def skipped_numbers(sentences: list[str]) -> list[str]:
    """Where a chapter's numbered openings skip a number (（一）（三）, 1. 3.): a passage may be lost there."""
    gaps = []
    for pattern in _NUMBERED:
        numbers = [_number(m.group(1)) for s in sentences if (m := pattern.match(s))]
        gaps += [f"{a}→{b}" for a, b in zip(numbers, numbers[1:]) if b not in (a + 1, 1)]
    return gaps


def _is_heading(sentence: str) -> bool:
    return bool(_HEADING.match(sentence)) and len(sentence) <= _MAX_HEADING


def rebuild(chapters: dict, name: str) -> RebuiltPlan:
    """The plan's text from its chapters, as the module docstring describes."""
    lines: list[str] = []
    paragraph: list[str] = []
    sentences = headings = repeated = 0
    title = ""
    gaps: list[str] = []

    def close_paragraph() -> None:
        if paragraph:
            lines.append("".join(paragraph))
            paragraph.clear()

    for number, (chapter, content) in enumerate(chapters.items()):
        if chapter.startswith("\x00"):
            continue
        if not isinstance(content, dict):
            raise NotAPlan(f"document {name!r}: chapter {chapter!r} is not a list of sentences")
        repeated += int(content.get("\x00repeated", 0))
        items = [(s, h) for s, h in content.items() if not s.startswith("\x00")]
        gaps += [f"chapter {chapter}: {gap}" for gap in skipped_numbers([s for s, _ in items])]
        heading = next((str(h) for _, h in items if str(h) not in _NO_HEADING), "")
        if chapter not in _NO_CHAPTER and heading:
            close_paragraph()
            lines.append(f"{chapter}、{heading}")
            headings += 1
        for sentence, _ in items:
            sentence = sentence.strip()
            if not sentence:
                continue
            sentences += 1
            if number == 0 and chapter in _NO_CHAPTER and not title and not lines and not paragraph:
                title = sentence
                lines.append(sentence)
                headings += 1
                continue
            if _is_heading(sentence):
                close_paragraph()
                lines.append(sentence)
                headings += 1
                continue
            paragraph.append(sentence if _ENDS_IN_MARK.search(sentence) else sentence + "。")
    close_paragraph()
    lost = ["end marks restored as 。 (the corpus strips them)",
            "the corpus keeps no issuer, document number or date",
            "quotation marks stripped by the corpus are not restored",
            "paragraph breaks are not in the corpus: sentences of a run are one paragraph"]
    if repeated:
        lost.append(f"{repeated} repeated sentence(s) kept once by the corpus")
    if gaps:
        lost.append("numbered headings skip (" + ", ".join(gaps) + "): a passage may be missing there")
    note = f"rebuilt from a sentence-split corpus ({sentences} sentences, {headings} heading lines); " + "; ".join(lost)
    return RebuiltPlan("\n".join(lines) + "\n", title, sentences, headings, repeated, note)


def plan_from_corpus(data: bytes, origin: str, entry: str | None) -> RebuiltPlan:
    corpus = read_corpus(data, origin)
    name, chapters = pick_entry(corpus, entry, origin)
    return rebuild(chapters, name)
