"""A plan from a file or an http(s) URL, as text: .txt, .pdf, .html, .docx.

The format is told by the content (PDF and ZIP magic bytes, an HTML tag) before the name, so a
URL without an extension or a misnamed file still reads. Anything else is NotAPlan, with one
sentence saying why.
"""
from __future__ import annotations

import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from registry.intake.fetch import fetch
from registry.intake.htmltext import CJK, decode_html, docx_text, html_text, html_title
from registry.intake.limits import PlanLimits
from registry.intake.pdftext import NotAPlan, pdf_text

MIN_CHINESE = 200  # characters; a plan has thousands, an error page or a stub a few dozen
MIN_CHINESE_SHARE = 0.6  # the plans' letters are Chinese but for units (MW, kV) and names (5G)
PLAN_WORDS = re.compile(r"方案|规划|计划|意见|通知|纲要|行动|决定")  # a 市委 decision names projects too
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p)\b", re.I | re.S)


@dataclass(frozen=True)
class PlanSource:
    text: str
    kind: str  # txt, pdf, html, docx
    name: str  # file name (or the URL's last path segment)
    origin: str  # the path or URL given
    title_hint: str = ""  # the web page's <title>, when there is one
    note: str = ""  # what the text lacks against the published document (a rebuilt text says so)
    title: str = ""  # the title the source itself states (a corpus entry's first line), not a guess


def is_url(source: str) -> bool:
    return urlparse(source).scheme in ("http", "https")


def sniff(data: bytes, name: str, content_type: str = "") -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or name.lower().endswith(".docx"):
            return "docx"
        if b"OFD.xml" in data[:65536]:
            raise NotAPlan("is an OFD document; save it as PDF (the OFD reader's 另存为 PDF) and add that")
        raise NotAPlan("is a ZIP archive but not a Word (.docx) document")
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise NotAPlan("is an old Office file (.doc, .wps or .xls); save it as .docx or PDF and add that")
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotAPlan("is a binary file, not a plan (expected .txt, .pdf, .html or .docx)")
    if "html" in content_type or name.lower().endswith((".html", ".htm")) or _HTML_START.match(data[:2048]):
        return "html"
    return "txt"


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NotAPlan("is neither UTF-8 nor GB18030 text")


def to_text(data: bytes, kind: str, content_type: str = "", limits: PlanLimits = PlanLimits()) -> str:
    if kind == "txt":
        return decode_text(data)
    if kind == "html":
        return html_text(decode_html(data, content_type))
    with tempfile.TemporaryDirectory(prefix="registry-plan-") as folder:
        path = Path(folder) / f"plan.{kind}"
        path.write_bytes(data)
        if kind == "pdf":
            return pdf_text(path, limits.check_pages)
        limits.check_docx(path)  # before python-docx inflates anything
        return docx_text(path)


# PDF fonts often map common characters to radical code points (⼈⺠政府, 实施⽅案): they look
# the same and match nothing. Kangxi radicals and compatibility ideographs have NFKC forms; the
# CJK Radicals Supplement mostly has none, so its full-character radicals are listed here (as in
# Unicode's EquivalentUnifiedIdeograph data). NFKC is not applied to the whole text: it would
# turn the plans' full-width （，： into ASCII.
RADICALS = str.maketrans({
    "⺟": "母", "⺠": "民", "⻄": "西", "⻅": "见", "⻆": "角", "⻈": "讠", "⻉": "贝", "⻋": "车", "⻌": "辶",
    "⻐": "钅", "⻓": "长", "⻔": "门", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻠": "饣",
    "⻢": "马", "⻥": "鱼", "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻬": "齐", "⻮": "齿",
    "⻰": "龙", "⻳": "龟", "⻤": "鬼", "⻣": "骨", "⻝": "食", "⻗": "雨", "⺩": "王", "⺼": "月", "⻁": "虎",
    "⺶": "羊", "⻊": "足", "⺮": "竹",
    "⸺": "——",  # the plans' —— printed as one TWO-EM DASH glyph
})
# Kangxi radicals, compatibility ideographs, and 〈〉 as U+2329/U+232A.
_COMPATIBILITY = re.compile("[\u2f00-\u2fdf\uf900-\ufaff\u2329\u232a]")


def normalize(text: str) -> str:
    """Line ends as \\n, no control characters, radicals as the characters they stand for."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    text = _COMPATIBILITY.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text).translate(RADICALS)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def read_plan(source: str, limits: PlanLimits = PlanLimits(), entry: str | None = None) -> PlanSource:
    """The plan text of a path or URL; NotAPlan (one sentence) when it is not one.

    A .json source is a sentence-split corpus (registry.intake.sentences): `entry` names the
    document in it, whose text is rebuilt from its sentences. `limits` (registry.intake.limits)
    are checked before what they guard is read or parsed.
    """
    if is_url(source):
        data, content_type = fetch(source, limits)
        name = Path(unquote(urlparse(source).path)).name or "index.html"
    else:
        path = Path(source)
        if not path.is_file():
            raise NotAPlan("no such file" if not path.exists() else "is not a file")
        limits.check_size(path.stat().st_size)  # before reading: a 200 MB file is refused at once
        with open(path, "rb") as handle:
            data = handle.read(limits.max_bytes + 1)  # it may have grown since stat()
        limits.check_size(len(data))
        content_type, name = "", path.name
    if not data.strip():
        raise NotAPlan("is empty")
    note = title = ""
    if name.lower().endswith(".json") or "json" in content_type:
        from registry.intake.sentences import plan_from_corpus

        rebuilt = plan_from_corpus(data, source, entry)
        kind, note, text, title = "corpus", rebuilt.note, normalize(rebuilt.text), rebuilt.title
        name = f"{name}#{entry}"
    elif entry:
        raise NotAPlan("--entry chooses a document of a JSON sentence corpus; this source is not one")
    else:
        kind = sniff(data, name, content_type)
        text = normalize(to_text(data, kind, content_type, limits))
        limits.check_size(len(text.encode("utf-8")), "its text")  # a PDF's or DOCX's text may outgrow the file
    if kind == "pdf":
        # CJK fonts draw 户 with the glyph of the radical ⼾, which reads back as 戶: mainland plans write 户.
        text = text.replace("戶", "户")
    chinese = len(CJK.findall(text))
    if chinese < MIN_CHINESE:
        raise NotAPlan(f"has {'no' if chinese == 0 else f'only {chinese}'} Chinese characters; a plan has thousands")
    share = chinese / max(1, len(re.sub(r"[\s\d\W]", "", text)))  # of letters: markup and numbers don't count
    if share < MIN_CHINESE_SHARE:
        raise NotAPlan(f"is mostly not Chinese ({share:.0%} of its letters); a plan is written in Chinese")
    if not PLAN_WORDS.search(text[:3000]):
        raise NotAPlan("does not read like a plan: its first page has no 方案, 规划, 计划, 意见, 决定, 通知 or 纲要")
    title_hint = html_title(decode_html(data, content_type)) if kind == "html" else ""
    return PlanSource(text, kind, name, source, title_hint, note, title)
