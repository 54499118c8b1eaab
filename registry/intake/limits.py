"""What add-plan will read: a size cap on the source and its text (the same --max-bytes as `registry
extract`), a page cap on PDFs, a cap on what a DOCX inflates to, and a deadline on a whole download.

Each is checked before the parse that would cost the memory: a file's size by stat() before it is
read, a DOCX's inflated size from the ZIP's central directory before anything is inflated (Python's
zipfile never inflates an entry past the size the directory declares, so a lying directory cannot
get round it), a PDF's page count from its page tree before any page is laid out.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from registry.extract.inputs import DEFAULT_MAX_BYTES
from registry.intake.pdftext import NotAPlan

# The published plans have 10 to 150 pages; a provincial one with annexes under 300.
DEFAULT_MAX_PAGES = 1000
# A DOCX is XML, ten to twenty times its text: 200 MB inflated holds any plan and parses in ~2 GB less.
DEFAULT_MAX_INFLATED = 200_000_000
DEFAULT_DEADLINE = 60.0  # seconds for a whole download: connecting, waiting, reading


@dataclass(frozen=True)
class PlanLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pages: int = DEFAULT_MAX_PAGES
    max_inflated: int = DEFAULT_MAX_INFLATED
    timeout: float = DEFAULT_DEADLINE

    def check_size(self, size: int, what: str = "the file") -> None:
        if size > self.max_bytes:
            raise NotAPlan(f"{what} is {size:,} bytes, over the {self.max_bytes:,}-byte limit for one plan; "
                           "raise it with --max-bytes if it really is a plan")

    def check_docx(self, path: Path) -> None:
        """Refuse a DOCX whose entries inflate past max_inflated, reading only the central directory."""
        try:
            with zipfile.ZipFile(path) as archive:
                inflated = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise NotAPlan(f"cannot read the Word file ({type(exc).__name__}: {exc})") from None
        if inflated > self.max_inflated:
            raise NotAPlan(f"the Word file inflates to {inflated:,} bytes, over the {self.max_inflated:,}-byte limit "
                           "(a ZIP bomb, or a document with huge parts); raise it with --max-inflated if it really is a plan")

    def check_pages(self, pages: int) -> None:
        if pages > self.max_pages:
            raise NotAPlan(f"the PDF has {pages:,} pages, over the {self.max_pages:,}-page limit; "
                           "raise it with --max-pages if it really is a plan")
