"""The CLI of adding plans: `registry init`, `registry add-plan`, `registry review`.

Thin wrappers of registry.rows.root.init_registry, registry.intake.add_plan and registry.intake.Review;
registry/cli.py adds them to the `registry` group.
"""
from __future__ import annotations

from pathlib import Path

import click

from registry.intake import reviewcli
from registry.extract.inputs import DEFAULT_MAX_BYTES
from registry.rows.failures import describe_os_error
from registry.intake.echo import describe, fail
from registry.intake.files import RegistryBusy
from registry.intake.limits import DEFAULT_DEADLINE, DEFAULT_MAX_INFLATED, DEFAULT_MAX_PAGES, PlanLimits
from registry.rows.root import current_root, init_registry, root_option
from registry.rows.schema import format_cell


@click.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def init(folder):
    """Create an empty registry folder (projects.csv, targets.csv, plans/documents.csv)."""
    try:
        created = init_registry(folder)
    except OSError as exc:
        fail(f"cannot create {folder}: {exc.strerror or exc}")
    click.echo(f"created an empty registry in {created}; add a plan with `registry --root {folder} add-plan PLAN.pdf`")


@click.command("add-plan")
@click.argument("source")
@click.option("--doc-id", help="Id of the plan, <name>_<area code> (e.g. dawu_421156); default plan_<area code>.")
@click.option("--title", help="Title (default: read from the text).")
@click.option("--area-code", help="Division code of the plan's province, city or county (default: from the title).")
@click.option("--status", type=click.Choice(["draft", "in-force"]), help="Consultation draft or in force (default: from the text).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_DEADLINE, show_default=True,
              help="Seconds the whole download of a URL may take (connecting, waiting and reading).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Refuse a plan (file, download or its text) larger than this, as `registry extract` does.")
@click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT_MAX_PAGES, show_default=True,
              help="Refuse a PDF with more pages than this.")
@click.option("--max-inflated", type=click.IntRange(min=1), default=DEFAULT_MAX_INFLATED, show_default=True,
              help="Refuse a DOCX whose parts inflate to more bytes than this (read from the ZIP's directory).")
@click.option("--entry", help="The document to take from a JSON sentence corpus (its name, or a unique part of it).")
@click.option("--source", "cite", help="Where the text comes from, for documents.csv (default: the URL or file name).")
@root_option
def add_plan_command(source, doc_id, title, area_code, status, timeout, max_bytes, max_pages, max_inflated, entry, cite):
    """Add a plan (a .txt, .pdf, .html or .docx file, an http(s) URL, or a document of a JSON sentence
    corpus with --entry) and extract its candidates for review."""
    from registry.intake import NotAPlan, PlanRefused, add_plan

    root = current_root()
    try:
        limits = PlanLimits(max_bytes=max_bytes, max_pages=max_pages, max_inflated=max_inflated, timeout=timeout)
        added = add_plan(source, root, doc_id=doc_id, title=title, area_code=area_code, status=status, limits=limits,
                         entry=entry, cite=cite)
    except NotAPlan as exc:
        fail(f"{source}: {exc}")
    except PlanRefused as exc:
        fail(str(exc))
    except (OSError, RegistryBusy) as exc:  # a full disk, a read-only folder: the files were written as one change
        fail(f"{exc if isinstance(exc, RegistryBusy) else describe_os_error(exc)}; "
             "nothing was added, the registry folder is unchanged")
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
        click.echo(f"  {row['name']} ({describe(row)})")
    click.echo(f"{len(added.targets)} candidate targets -> {added.targets_path.relative_to(root)}")
    for row in added.targets:
        click.echo(f"  {row['metric']} {format_cell(row['value'])}{row['unit']}" + (f" by {row['year']}" if row.get("year") else ""))
    click.echo(f"{len(added.possible)} possible project{'' if len(added.possible) == 1 else 's'} the rules were unsure of "
               "(可能遗漏的项目) -> "
               f"{added.possible_path.relative_to(root)}")
    for row in added.possible[:5]:
        click.echo(f"  #{row['rank']} {row['suggestion']} ({row['reasons']})")
    if len(added.possible) > 5:
        click.echo(f"  … see registry review {doc['doc_id']} --possible")
    click.echo(f"next: registry review {doc['doc_id']}")


def _show(candidate, position: int, total: int) -> None:
    row = candidate.edited()
    if candidate.kind == "project":
        made = {"added": " (added by hand)", "merged": " (merged)", "split": " (a part of a split)"}.get(candidate.origin, "")
        click.echo(f"\n[{position}/{total}] project{made}: {row['name']}")
        click.echo(f"  {describe(row)}" + (f"; site {row['site']}" if row.get("site") else "")
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
@click.argument("doc_id", required=False)
@click.option("--accept-all", is_flag=True, help="Accept every undecided candidate (for scripts).")
@click.option("--reject-all", is_flag=True, help="Reject every undecided candidate.")
@click.option("--web", is_flag=True, help="Review in the browser: a form on http://127.0.0.1:PORT/.")
@click.option("--port", default=5001, show_default=True, type=int, help="Port of the --web page.")
@click.option("--add", "add", metavar="START:END|WORDS",
              help="Make a passage a project: its offsets in plans/DOC.txt, or its words as the plan writes them.")
@click.option("--add-target", "add_target", metavar="START:END|WORDS",
              help="Make a passage a target the extractor missed (set --indicator, --value, --unit, --year as needed).")
@click.option("--merge", metavar="KEY,KEY,...", help="Make several candidates (keys from --list) one project.")
@click.option("--split", metavar="KEY", help="Make one candidate several projects, cut --at.")
@click.option("--at", "cuts", metavar="CUT[,CUT]", help="Where --split cuts: offsets, or the words a part starts with.")
@click.option("--undo", metavar="KEY", help="Take back a row made by --add, --merge or --split (not yet added).")
@click.option("--possible", is_flag=True, help="List the possible projects the rules were unsure of (可能遗漏的项目).")
@click.option("--dismiss", metavar="RANK|START:END", help="Mark a possible project as not a project.")
@click.option("--list", "list_rows", is_flag=True, help="List the rows of the review with their keys and decisions.")
@click.option("--summary", is_flag=True, help="What became of the candidates, per plan (all plans without DOC_ID).")
@click.option("-y", "--yes", is_flag=True, help="Accept the rows --add, --merge or --split make without asking.")
@reviewcli.field_options
@reviewcli.target_field_options
@root_option
def review_command(doc_id, accept_all, reject_all, web, port, add, add_target, merge, split, cuts, undo, possible, dismiss,
                   list_rows, summary, yes, **fields):
    """Accept, edit or reject a plan's candidates; add what the extractor missed; accepted rows go into
    projects.csv and targets.csv."""
    from registry.intake import Review, ReviewError

    root = current_root()
    if summary:
        reviewcli.summary(root, doc_id)
        return
    if not doc_id:
        fail("name the plan to review: registry review DOC_ID (registry review --summary lists them all)")
    actions = [name for name, given in (("--add", add), ("--add-target", add_target), ("--merge", merge), ("--split", split), ("--undo", undo),
                                        ("--possible", possible), ("--dismiss", dismiss), ("--list", list_rows),
                                        ("--web", web), ("--accept-all", accept_all), ("--reject-all", reject_all))
               if given]
    if len(actions) > 1:
        fail(f"{' and '.join(actions)} cannot be given together; give one at a time")
    target_fields = {column: fields.pop(f"target_field_{column}") for column in reviewcli.TARGET_FIELD_OPTIONS}
    target_overrides = {column: value for column, value in target_fields.items() if value is not None}
    if target_overrides and not add_target:
        fail(f"{', '.join(reviewcli.TARGET_FIELD_OPTIONS[c] for c in target_overrides)} set the fields of the target "
             "--add-target makes")
    overrides = {column: value for column, value in fields.items() if value is not None}
    if overrides and not (add or merge or split):
        fail(f"{', '.join(reviewcli.FIELD_OPTIONS[c] for c in overrides)} set the fields of the rows --add, "
             "--merge or --split make; edit a candidate in the interactive review")
    if cuts and not split:
        fail("--at says where --split cuts a candidate; give --split KEY with it")
    try:
        review = Review(root, doc_id)
    except ReviewError as exc:
        fail(str(exc))
    if add_target:
        reviewcli.add_target(review, root, add_target, target_overrides, yes)
    elif add or merge or split:
        action, argument = ("add", add) if add else ("merge", merge) if merge else ("split", split)
        reviewcli.make_rows(review, root, action, argument, cuts, overrides, yes)
    elif undo:
        reviewcli.undo_row(review, undo)
    elif possible:
        reviewcli.list_possible(review)
    elif dismiss:
        reviewcli.dismiss_possible(review, dismiss)
    elif list_rows:
        reviewcli.list_rows(review)
    elif web:
        from registry.intake.webreview import create_review_app

        click.echo(f"reviewing {doc_id} on http://127.0.0.1:{port}/ (Ctrl-C to stop)")
        create_review_app(root, doc_id).run(host="127.0.0.1", port=port)  # writes files: loopback only
    else:
        _review_one_by_one(review, root, accept_all, reject_all)


def _review_one_by_one(review, root, accept_all: bool, reject_all: bool) -> None:
    pending = review.pending()
    decided = len(review.candidates) - len(pending)
    click.echo(f"{review.doc_id}: {len(review.candidates)} candidates, {decided} decided before, {len(pending)} to review")
    open_possible = sum(1 for p in review.possible if not p["decision"])
    if open_possible and not (accept_all or reject_all):
        click.echo(f"  and {open_possible} possible projects the rules were unsure of: "
                   f"registry review {review.doc_id} --possible")
    for position, candidate in enumerate(pending, decided + 1):
        if accept_all or reject_all:
            review.decide(candidate, "accept" if accept_all else "reject", save=False)  # saved by apply, with the rows
            continue
        try:
            if _ask(review, candidate, position) == "quit":
                break
        except click.Abort:  # end of input (Ctrl-D, or a script's stdin ran out): keep what was decided
            click.echo("\n  (no more input)")
            break
    reviewcli.apply_accepted(review, root)


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
