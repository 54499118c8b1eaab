"""What `registry extract` accepts as a plan: UTF-8 text of bounded size that is about a place in China.

Anything else is refused with a PlanInputError whose message is one line naming the file and the
problem, which the command line prints as `error: …` (exit status 1) instead of a traceback.
"""
from __future__ import annotations

import re
from pathlib import Path

# A plan is 30-60 KB of text; 10 MB is two hundred of them. A larger file is almost certainly
# something else (a database dump, a video), and extraction of it would take minutes.
DEFAULT_MAX_BYTES = 10_000_000
_HAN = re.compile(r"[\u4e00-\u9fff]")


class PlanInputError(ValueError):
    """A file or text the extractor refuses; str() is one line saying which and why."""


def check_plan_text(text: str, label: str = "the plan") -> str:
    """The text itself, or PlanInputError when it cannot be a plan's text."""
    if not text.strip():
        raise PlanInputError(f"{label} is empty")
    if "\x00" in text:
        raise PlanInputError(f"{label} contains NUL characters: a binary file, not a plan's text "
                             "(convert a PDF or DOCX to UTF-8 text first)")
    if not _HAN.search(text):
        raise PlanInputError(f"{label} contains no Chinese text, so it is not a plan")
    return text


def read_plan_text(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """A plan file's text, decoded as UTF-8 (a BOM is allowed), after the checks above and a size cap."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PlanInputError(f"{path}: {size:,} bytes is over the {max_bytes:,}-byte limit for one plan; "
                                 "raise it with --max-bytes if the file really is a plan")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat()
    except OSError as error:
        raise PlanInputError(f"{path}: cannot read it ({error.strerror or error})") from None
    if len(data) > max_bytes:
        raise PlanInputError(f"{path}: over the {max_bytes:,}-byte limit for one plan; raise it with --max-bytes")
    if b"\x00" in data:
        raise PlanInputError(f"{path}: contains NUL bytes: a binary file, not a plan's text "
                             "(convert a PDF or DOCX to UTF-8 text first)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PlanInputError(f"{path}: not UTF-8 text (byte {error.start} cannot be decoded); "
                             "save the plan as UTF-8") from None
    return check_plan_text(text, str(path))
