"""How faithfully `registry add-plan` reads a PDF: print each shipped plan to PDF with headless
Chromium (A4, a running header, "— N —" page numbers, paragraphs indented two characters, as
published plans are), read it back with registry.intake, and compare with the text printed.

    python benchmarks/pdf_roundtrip.py [plans/xiangyang_420600.txt …]

Reports per plan: pages, seconds to read the PDF, and the share of the printed text's characters
(whitespace aside) that come back in order (difflib's matching blocks), plus any furniture left.
"""
from __future__ import annotations

import difflib
import html
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from registry.intake.sources import read_plan  # noqa: E402

CSS = """body { font-family: 'Noto Serif CJK SC', serif; font-size: 16pt; line-height: 1.7; }
p { text-indent: 2em; margin: 0; text-align: justify; }"""


def printable(text: str) -> list[str]:
    # The shipped texts carry their own page numbers and line breaks from an earlier PDF: drop
    # those, so that what is printed is the plan's paragraphs.
    text = re.sub(r"^[ \t]*[—-]+\s*\d+\s*[—-]+[ \t]*$", "", text, flags=re.M)
    return [re.sub(r"\s+", "", p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def main(paths: list[str]) -> None:
    from playwright.sync_api import sync_playwright

    paths = paths or sorted(str(p) for p in (ROOT / "plans").glob("*.txt"))
    work = Path(tempfile.mkdtemp(prefix="pdf-roundtrip-"))
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page()
            print("| plan | pages | read s | characters back in order | furniture left |")
            print("|---|---|---|---|---|")
            for path in paths:
                paragraphs = printable(Path(path).read_text(encoding="utf-8"))
                body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
                page.set_content(f"<!doctype html><meta charset=utf-8><style>{CSS}</style>{body}")
                pdf = work / (Path(path).stem + ".pdf")
                page.pdf(path=str(pdf), format="A4", display_header_footer=True,
                         margin={"top": "3.7cm", "bottom": "3.5cm", "left": "2.8cm", "right": "2.6cm"},
                         header_template='<div style="font-size:10pt;width:100%;text-align:center">碳达峰实施方案</div>',
                         footer_template='<div style="font-size:12pt;width:100%;text-align:center">— <span class="pageNumber"></span> —</div>')
                started = time.perf_counter()
                back = read_plan(str(pdf)).text
                seconds = time.perf_counter() - started
                import pdfplumber
                with pdfplumber.open(pdf) as document:
                    pages = len(document.pages)
                printed, got = "".join(paragraphs), re.sub(r"\s+", "", back)
                matcher = difflib.SequenceMatcher(None, printed, got, autojunk=False)
                same = sum(block.size for block in matcher.get_matching_blocks()) / len(printed)
                furniture = len(re.findall(r"—\d+—", got)) + got.count("碳达峰实施方案碳达峰")
                print(f"| {Path(path).stem} | {pages} | {seconds:.2f} | {same:.2%} | {furniture} |", flush=True)
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
