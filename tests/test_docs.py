"""The README and the manual (docs/manual): every registry figure in them is current, and the manual builds.

The figures between cog's markers are generated from the data by registry/report.py; `cog --check`
fails while the data has changed and `cog -r README.md docs/manual/*.md` has not been run.
`mkdocs build --strict` fails on a broken link or anchor, to a page of the manual or to a file of
the repository (docs/repository_links.py), and on a missing image.
"""
from __future__ import annotations

import csv
import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, read_rows

MANUAL = ROOT / "docs" / "manual"
# What the README says to run, with the shell's expansion of docs/manual/*.md.
DOCUMENTS = ["README.md", *sorted(str(page.relative_to(ROOT)) for page in MANUAL.glob("*.md")),
             *sorted(str(page.relative_to(ROOT)) for page in (ROOT / "benchmarks").glob("*.md"))]


def run(tool: str, *args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """A console script of this environment (cog, mkdocs), run in `cwd`."""
    return subprocess.run([str(Path(sys.executable).with_name(tool)), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=240, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1",
                                                       "NO_MKDOCS_2_WARNING": "1", **(env or {})})


@pytest.fixture(scope="module")
def site(tmp_path_factory, registry_db) -> Path:
    """The manual, built strict; its API reference reads the plans of the tests' registry (REGISTRY_DB)."""
    site = tmp_path_factory.mktemp("manual") / "site"
    result = run("mkdocs", "build", "--strict", "-f", "docs/mkdocs.yml", "-d", str(site),
                 env={"REGISTRY_DB": str(registry_db)})
    assert result.returncode == 0, result.stderr
    return site


def page_text(path: Path) -> str:
    """The words of a built page's article, tags dropped and entities read (`<project_id>` as written)."""
    content = path.read_text(encoding="utf-8")
    content = content[content.index("<article"):content.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", content))


def test_every_figure_of_the_readme_and_the_manual_is_current():
    from benchmarks.extract_recall import DEV_PLANS

    # The README's extractor figures include the development set (../shared/dev-plans): without it beside this
    # checkout they cannot be regenerated, so the README is checked only where it is (CI has it).
    documents = DOCUMENTS if DEV_PLANS.is_dir() else DOCUMENTS[1:]
    result = run("cog", "--check", "--diff", *documents)
    assert result.returncode == 0, f"{result.stdout}{result.stderr}\nregenerate: cog -r README.md docs/manual/*.md"
    if not DEV_PLANS.is_dir():
        pytest.skip(f"README.md's figures not checked: no development set at {DEV_PLANS}")


def test_cog_check_fails_when_the_data_changes_under_a_figure(tmp_path):
    """A registry folder holding a copy of the README: one project fewer makes its glance stale."""
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    (tmp_path / "plans").mkdir()
    shutil.copy(ROOT / "plans" / "documents.csv", tmp_path / "plans" / "documents.csv")
    shutil.copy(ROOT / "targets.csv", tmp_path / "targets.csv")
    with open(ROOT / "projects.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(tmp_path / "projects.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows[1:])
    assert run("cog", "--check", "README.md", cwd=tmp_path).returncode != 0
    regenerated = run("cog", "-r", "README.md", cwd=tmp_path)
    assert regenerated.returncode == 0, regenerated.stderr
    assert f"| **all** | {len(rows) - 1} | " in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert run("cog", "--check", "README.md", cwd=tmp_path).returncode == 0


def test_the_manual_builds_offline_with_every_link_whole(site):
    assert {f"{page.stem}.html" for page in MANUAL.glob("*.md")} <= {page.name for page in site.glob("*.html")}
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        # Planners read it on intranets: no script, stylesheet or image from another host.
        assert not re.search(r'<(script|link|img)\b[^>]*\b(src|href)="(https?:)?//', text), page.name
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page.name
        assert "\\|" not in text, f"{page.name}: a table's escaped pipe shows its backslash"
        for target in re.findall(r'(?:href|src)="((?:repository|img)/[^"#]+)"', text):
            assert (site / target).is_file(), f"{page.name}: {target}"
    # The README is read in the repository: its links to files and to the manual's anchors hold too.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r'\]\(([^)\s]+)\)|<img src="([^"]+)"', readme):
        path, _, anchor = (target[0] or target[1]).partition("#")
        if re.match(r"[a-z]+:", path):
            continue
        assert (ROOT / path).is_file(), f"README.md links {path}, which is not there"
        if anchor:
            built = site / Path(path).relative_to("docs/manual").with_suffix(".html")
            assert f'id="{anchor}"' in built.read_text(encoding="utf-8"), f"README.md links {path}#{anchor}"


def test_every_command_and_route_is_in_the_reference(site, app):
    """The reference pages are generated from the click command tree and from the app; walking both here,
    each command (with each of its options) and each route of Flask's url_map is in the built pages."""
    import click

    from registry.cli import cli

    cli_page = page_text(site / "reference-cli.html")
    commands, stack = [], [("registry", cli)]
    while stack:
        name, command = stack.pop()
        commands.append((name, command))
        if isinstance(command, click.Group):
            stack += [(f"{name} {sub}", command.commands[sub]) for sub in command.commands]
    assert len(commands) > 10
    for name, command in commands:
        assert name in cli_page, f"`{name}` is not in the CLI reference"
        for option in (o for p in command.params if isinstance(p, click.Option) for o in p.opts):
            assert option in cli_page, f"`{name} {option}` is not in the CLI reference"

    http_page = page_text(site / "reference-http.html")
    rules = [rule.rule for rule in app.url_map.iter_rules()]
    assert "/api/projects/<project_id>" in rules
    missing = [rule for rule in rules if rule not in http_page]
    assert missing == [], f"routes not in the HTTP reference: {missing}"
    spec = app.test_client().get("/api/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in http_page, f"{method.upper()} {path} is not in the HTTP reference"

    csv_page = page_text(site / "reference-csv.html")
    from registry.targets.indicators import INDICATORS
    from registry.rows.schema import PROJECT_COLUMNS, PROJECT_TYPES, TARGET_COLUMNS

    for word in (*PROJECT_COLUMNS, *TARGET_COLUMNS, *PROJECT_TYPES, *INDICATORS):
        assert word in csv_page, f"{word} is not in the CSV reference"


def test_a_broken_link_or_anchor_fails_the_build(tmp_path, registry_db):
    """The same configuration on a copy of the manual, with a link to a missing file of the repository
    and one to a missing anchor: both are named and the strict build fails."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("site", "img", "example"))
    shutil.copytree(MANUAL / "img", docs / "manual" / "img")
    for page in MANUAL.glob("*.md"):  # the repository's files the pages link
        for target in re.findall(r"\]\(\.\./\.\./([^)#\s]+)", page.read_text(encoding="utf-8")):
            (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / target, tmp_path / target)
    # and the benchmarks' results the generated benchmarks page links
    shutil.copytree(ROOT / "benchmarks" / "results", tmp_path / "benchmarks" / "results", dirs_exist_ok=True)
    with open(docs / "manual" / "layout.md", "a", encoding="utf-8") as page:
        page.write("\nSee [the CLI](cli.md#no-such-section) and [the results](../../benchmarks/NO_SUCH.md).\n")
    result = run("mkdocs", "build", "--strict", "-f", "docs/mkdocs.yml", "-d", str(tmp_path / "broken"), cwd=tmp_path,
                 env={"REGISTRY_DB": str(registry_db)})
    assert result.returncode != 0
    assert "#no-such-section" in result.stderr and "NO_SUCH.md" in result.stderr
    # The copy is otherwise whole (no second build of it to show that): every warning is about the two links.
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert all("#no-such-section" in line or "NO_SUCH.md" in line for line in warnings), result.stderr


def test_the_review_table_says_what_review_did_with_a_plans_candidates(tmp_path):
    """A plan added and reviewed in a fresh registry, one passage added by hand and every candidate
    accepted: its row counts the candidates file, the hand-made row and what is in projects.csv."""
    from registry import report
    from registry.rows.root import init_registry
    from test_review_additions import DOC, MISSED, added_plan, review

    root = init_registry(tmp_path / "registry")
    added_plan(tmp_path, root)
    assert report.reviewed_before(root).startswith("Not in the table: 1 plan (")  # no review file yet
    assert review(root, "--add", MISSED, "--yes").exit_code == 0
    assert review(root, "--accept-all").exit_code == 0

    proposed = read_rows(root / "plans" / f"{DOC}.candidates.csv")
    targets_proposed = read_rows(root / "plans" / f"{DOC}.candidate-targets.csv")
    in_registry = [row for row in read_rows(root / "projects.csv") if row["source_doc"] == DOC]
    assert len(in_registry) == len(proposed) + 1
    line = next(line for line in report.review_table(root).splitlines() if line.startswith(f"| {DOC} "))
    cells = [cell.strip() for cell in line.strip("|").split("|")][1:]
    assert cells == [str(len(proposed)), str(len(proposed)), "0", "0", "0", "1", str(len(in_registry)),
                     str(len(targets_proposed)), str(len(targets_proposed)), "0"]
    assert report.reviewed_before(root) == ""
