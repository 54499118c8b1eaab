"""MkDocs hook: the manual's links to files of the repository outside docs/manual/.

A page links such a file by its path from the page (`../../benchmarks/RESULTS.md`), which is right
where the Markdown is read in the repository. MkDocs knows only the manual's own files and would
call these links broken, so this hook takes them over: it checks that each target is a file of the
repository (a missing one is a warning, so `mkdocs build --strict` fails on it), copies the file
into the site under `repository/` and points the link there, so the built manual is whole offline.
The raw `<img src>` tags of the phone screenshots are checked here too (MkDocs checks only
Markdown images).
"""
from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.repository_links")

COPY_DIR = "repository"  # the copies' folder in the site
# MkDocs leaves a link with a scheme alone; the page's HTML then gets the copy's relative URL.
PLACEHOLDER = "repository-file:"
LINK = re.compile(r"(\]\()([^)\s]+)(\))")  # [text](target)
RAW_IMAGE = re.compile(r'<img\s[^>]*?src="([^"]+)"')
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|#|/)", re.IGNORECASE)
_copies: dict[str, Path] = {}


def on_page_markdown(markdown: str, page, config, files) -> str:
    docs = Path(config["docs_dir"]).resolve()
    repository = docs.parent.parent
    here = Path(page.file.abs_src_path).parent

    def take_over(match: re.Match) -> str:
        target = match.group(2)
        if EXTERNAL.match(target):
            return match.group(0)
        path, _, anchor = target.partition("#")
        resolved = (here / path).resolve()
        if resolved.is_relative_to(docs):
            return match.group(0)  # the manual's own pages and images: MkDocs checks them
        if not (resolved.is_relative_to(repository) and resolved.is_file()):
            log.warning("Doc file '%s' links '%s', which is no file of the repository", page.file.src_uri, target)
            return match.group(0)
        relative = resolved.relative_to(repository).as_posix()
        _copies[relative] = resolved
        return f"{match.group(1)}{PLACEHOLDER}{relative}{'#' + anchor if anchor else ''}{match.group(3)}"

    for src in RAW_IMAGE.findall(markdown):
        if not EXTERNAL.match(src) and not (here / src).is_file():
            log.warning("Doc file '%s' shows the image '%s', which is not there", page.file.src_uri, src)
    return LINK.sub(take_over, markdown)


def on_page_content(html: str, page, config, files) -> str:
    return re.sub(f'href="{PLACEHOLDER}([^"#]*)(#[^"]*)?"',
                  lambda m: f'href="{get_relative_url(f"{COPY_DIR}/{m.group(1)}", page.file.url)}{m.group(2) or ""}"',
                  html)


def on_post_build(config) -> None:
    for relative, source in _copies.items():
        copy = Path(config["site_dir"]) / COPY_DIR / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
