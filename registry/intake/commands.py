"""The CLI of adding plans: `registry init`, `registry add-plan`, `registry review`.

Thin wrappers of registry.root.init_registry, registry.intake.add_plan and registry.intake.Review;
registry/cli.py adds them to the `registry` group.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.schema import format_cell
from registry.root import PROJECTS_CSV, TARGETS_CSV, current_root, init_registry, root_option


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder):
    """Create an empty registry folder (projects.csv, targets.csv, plans/documents.csv)."""
    try:
        created = init_registry(folder)
    except OSError as exc:
        fail(f"cannot create {folder}: {exc.strerror or exc}")
    click.echo(f"created an empty registry in {created}; add a plan with `registry --root {folder} add-plan PLAN.pdf`")


def _describe(row: dict) -> str:
    parts = [row.get("type") or "?"]
    if row.get("capacity_mw"):
        parts.append(f"{format_cell(row['capacity_mw'])} MW")
    elif row.get("voltage_kv"):
        parts.append(f"{format_cell(row['voltage_kv'])} kV")
    place = "".join(row.get(c) or "" for c in ("county", "town")) or row.get("city") or ""
    if place:
        parts.append(place)
    if row.get("stage"):
        parts.append(row["stage"])
    return ", ".join(parts)


@click.command("add-plan")
@click.argument("source")
@click.option("--doc-id", help="Id of the plan, <name>_<area code> (e.g. dawu_421156); default plan_<area code>.")
@click.option("--title", help="Title (default: read from the text).")
@click.option("--area-code", help="Division code of the plan's province, city or county (default: from the title).")
@click.option("--status", type=click.Choice(["draft", "in-force"]), help="Consultation draft or in force (default: from the text).")
@click.option("--timeout", default=30.0, show_default=True, help="Seconds to wait for a URL.")
@click.option("--entry", help="The document to take from a JSON sentence corpus (its name, or a unique part of it).")
@click.option("--source", "cite", help="Where the text comes from, for documents.csv (default: the URL or file name).")
@root_option
def add_plan_command(source, doc_id, title, area_code, status, timeout, entry, cite):
    """Add a plan (a .txt, .pdf, .html or .docx file, an http(s) URL, or a document of a JSON sentence
    corpus with --entry) and extract its candidates for review."""
    from registry.intake import NotAPlan, PlanRefused, add_plan

    root = current_root()
    try:
        added = add_plan(source, root, doc_id=doc_id, title=title, area_code=area_code, status=status, timeout=timeout,
                         entry=entry, cite=cite)
    except NotAPlan as exc:
        fail(f"{source}: {exc}")
    except PlanRefused as exc:
        fail(str(exc))
    doc = added.document
    area = " ".join(dict.fromkeys(p for p in (doc["province"], doc["parent_city"], doc["city"]) if p))
    click.echo(f"added {doc['doc_id']}: {doc['title']} ({area}, {doc['city_code']}; "
               f"{doc['issuer'] or 'issuer unknown'}{' ' + doc['doc_number'] if doc['doc_number'] else ''}; "
               f"{doc['published'] or 'date unknown'}; {doc['status']})")
    click.echo(f"text from {added.kind}: {added.text_path.relative_to(root)} ({len(added.text_path.read_text(encoding='utf-8'))} characters)")
    if doc.get("text_note"):
        click.echo(f"  note: {doc['text_note']}")
    click.echo(f"{len(added.candidates)} candidate projects -> {added.candidates_path.relative_to(root)}")
    for row in added.candidates:
        click.echo(f"  {row['name']} ({_describe(row)})")
    click.echo(f"{len(added.targets)} candidate targets -> {added.targets_path.relative_to(root)}")
    for row in added.targets:
        click.echo(f"  {row['metric']} {format_cell(row['value'])}{row['unit']}" + (f" by {row['year']}" if row.get("year") else ""))
    click.echo(f"next: registry review {doc['doc_id']}")


def _show(candidate, position: int, total: int) -> None:
    row = candidate.edited()
    if candidate.kind == "project":
        click.echo(f"\n[{position}/{total}] project: {row['name']}")
        click.echo(f"  {_describe(row)}" + (f"; site {row['site']}" if row.get("site") else "")
                   + (f"; section {row['source_section']}" if row.get("source_section") else ""))
    else:
        click.echo(f"\n[{position}/{total}] target: {row['metric']} = {row['value']} {row['unit']}"
                   + (f" by {row['year']}" if row.get("year") else ""))
    click.echo(f"  「{candidate.sentence}」")
    if candidate.decision.get("edits"):
        click.echo(f"  edited: {candidate.decision['edits']}")


def _edit(review, candidate) -> None:
    from registry.intake.review import EDITABLE, TARGET_EDITABLE

    columns = EDITABLE if candidate.kind == "project" else TARGET_EDITABLE
    column = click.prompt("  field", type=click.Choice(columns), show_choices=True)
    value = click.prompt(f"  {column}", default=str(candidate.edited().get(column) or ""), show_default=True)
    problem = review.check_edit(candidate, column, value.strip())
    if problem:
        click.echo(f"  not changed: {problem}")
        return
    candidate.decision = {**candidate.decision, "edits": {**candidate.decision.get("edits", {}), column: value.strip()}}
    review.save()


@click.command("review")
@click.argument("doc_id")
@click.option("--accept-all", is_flag=True, help="Accept every undecided candidate (for scripts).")
@click.option("--reject-all", is_flag=True, help="Reject every undecided candidate.")
@click.option("--web", is_flag=True, help="Review in the browser: a form on http://127.0.0.1:PORT/.")
@click.option("--port", default=5001, show_default=True, type=int, help="Port of the --web page.")
@root_option
def review_command(doc_id, accept_all, reject_all, web, port):
    """Accept, edit or reject a plan's candidates; accepted rows go into projects.csv and targets.csv."""
    from registry.intake import Review, ReviewError

    root = current_root()
    try:
        review = Review(root, doc_id)
    except ReviewError as exc:
        fail(str(exc))
    if web:
        from registry.intake.webreview import create_review_app

        click.echo(f"reviewing {doc_id} on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        create_review_app(root, doc_id).run(host="127.0.0.1", port=port)  # writes files: loopback only
        return
    pending = review.pending()
    decided = len(review.candidates) - len(pending)
    click.echo(f"{doc_id}: {len(review.candidates)} candidates, {decided} decided before, {len(pending)} to review")
    for position, candidate in enumerate(pending, decided + 1):
        if accept_all or reject_all:
            review.decide(candidate, "accept" if accept_all else "reject")
            continue
        try:
            if _ask(review, candidate, position) == "quit":
                break
        except click.Abort:  # end of input (Ctrl-D, or a script's stdin ran out): keep what was decided
            click.echo("\n  (no more input)")
            break
    _apply(review, root)


def _ask(review, candidate, position: int) -> str:
    while not candidate.decided:
        _show(candidate, position, len(review.candidates))
        answer = click.prompt("  [a]ccept, [e]dit, [r]eject, [s]kip, [q]uit and add what is accepted",
                              type=click.Choice(["a", "e", "r", "s", "q"]), show_choices=False, default="a")
        if answer == "a":
            review.decide(candidate, "accept")
        elif answer == "r":
            review.decide(candidate, "reject")
        elif answer == "e":
            _edit(review, candidate)
        elif answer == "s":
            return "skip"
        else:
            return "quit"
    return "decided"


def _apply(review, root) -> None:
    from registry.intake import ReviewError

    try:
        projects, targets = review.apply()
    except ReviewError as exc:
        fail(f"{exc}\nnothing was added; {PROJECTS_CSV} and {TARGETS_CSV} are unchanged")
    for row in projects:
        click.echo(f"  + {row['id']} {row['name']} ({row.get('precision') or 'not located'})")
    left = len(review.pending())
    click.echo(f"added {len(projects)} projects to {PROJECTS_CSV} and {len(targets)} targets to {TARGETS_CSV}"
               + (f"; {left} candidates still to review" if left else "") + "; next: registry build")
