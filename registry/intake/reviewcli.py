"""`registry review` in the terminal beyond accepting candidates one by one: the rows a reviewer makes
(--add, --merge, --split, --undo), the recall net's possible projects (--possible, --dismiss), the
rows with their keys (--list) and what became of every candidate (--summary).

Each making action shows the rows it would make and asks before storing anything ([a]ccept, [e]dit,
[k]eep undecided, [c]ancel; --yes accepts); a refusal is one `error:` line and changes nothing.
"""
from __future__ import annotations

import click

from registry.rows.failures import describe_os_error
from registry.intake.echo import describe, fail
from registry.intake.files import RegistryBusy
from registry.intake.review import EDITABLE, TARGET_EDITABLE
from registry.rows.root import PLANS, PROJECTS_CSV, TARGETS_CSV

# The review's field options: --name, --type, --capacity-mw … (EDITABLE), each setting a column of the new rows.
FIELD_OPTIONS = {column: "--" + column.replace("_", "-") for column in EDITABLE}


def field_options(command):
    for column in reversed(EDITABLE):
        command = click.option(FIELD_OPTIONS[column], column, default=None, metavar="VALUE",
                               help=f"Set {column} of the rows --add, --merge or --split make." if column == "name" else f"Set {column} of those rows.")(command)
    return command


# The target fields --add-target sets: --indicator, --metric, --value, --unit, --year.
TARGET_FIELD_OPTIONS = {column: "--" + column for column in TARGET_EDITABLE}


def target_field_options(command):
    for column in reversed(TARGET_EDITABLE):
        command = click.option(TARGET_FIELD_OPTIONS[column], f"target_field_{column}", default=None, metavar="VALUE",
                               help=f"Set {column} of the target --add-target makes.")(command)
    return command


def add_target(review, root, argument: str, overrides: dict, yes: bool) -> None:
    """--add-target: the passage as a target, shown and confirmed like a made project row."""
    from registry.intake import handmade
    from registry.intake.handmade_targets import propose_add_target
    from registry.intake.review import ReviewError

    try:
        start, end = handmade.locate(review, argument)
        change = propose_add_target(review, start, end, overrides)
    except ReviewError as exc:
        fail(str(exc))
    row = change.new[0].edited()
    click.echo(f"{review.doc_id}: add-target makes {row['indicator']}: {row['metric']} = {row['value']} {row['unit']}"
               + (f" by {row['year']}" if row.get("year") else "") + f"  [{start}:{end}]")
    click.echo(f"    {marked(review, start, end)}")
    if not yes and not click.confirm("  accept it?", default=True):
        click.echo("cancelled; nothing was changed")
        return
    handmade.commit(review, change, "accept")
    click.echo(f"saved {change.new[0].key} as accepted in {PLANS}/{review.path.name}")
    apply_accepted(review, root)


def apply_accepted(review, root) -> None:
    """Review.apply, printed: the rows added, or one error line and nothing added."""
    from registry.intake import ReviewError

    try:
        projects, targets = review.apply()
    except ReviewError as exc:
        fail(f"{exc}\nnothing was added; {PROJECTS_CSV} and {TARGETS_CSV} are unchanged")
    except (OSError, RegistryBusy) as exc:  # a full disk, a read-only folder: rows and review file are one change
        fail(f"{exc if isinstance(exc, RegistryBusy) else describe_os_error(exc)}; nothing was added or saved, "
             f"{PROJECTS_CSV}, {TARGETS_CSV} and {PLANS}/{review.path.name} are unchanged")
    for row in projects:
        click.echo(f"  + {row['id']} {row['name']} ({row.get('precision') or 'not located'})")
    left = len(review.pending())
    click.echo(f"added {len(projects)} projects to {PROJECTS_CSV} and {len(targets)} targets to {TARGETS_CSV}"
               + (f"; {left} candidates still to review" if left else "") + "; next: registry build")


def marked(review, start: int, end: int, limit: int = 60) -> str:
    """The passage in its sentence, 「…【passage】…」, on one line."""
    text = review.text
    low = max([text.rfind(c, max(0, start - limit), start) for c in "。；！？\n"] + [max(0, start - limit) - 1]) + 1
    ends = [at for c in "。；！？\n" if (at := text.find(c, end, end + limit)) != -1]
    high = min(ends, default=min(len(text), end + limit))
    flat = lambda s: " ".join(s.split())  # noqa: E731
    return f"「{flat(text[low:start])}【{flat(text[start:end])}】{flat(text[end:high + 1])}」"


def show_change(review, change) -> None:
    for position, candidate in enumerate(change.new, 1):
        row, (start, end) = candidate.edited(), candidate.span
        label = f"part {position}/{len(change.new)}" if len(change.new) > 1 else change.kind
        click.echo(f"  {label}: {row['name']}  [{start}:{end}]  ({describe(row)})"
                   + (f"; section {row['source_section']}" if row.get("source_section") else ""))
        click.echo(f"    {marked(review, start, end)}")
    if change.sources:
        click.echo("  replaces " + ", ".join(f"{c.key} {c.edited()['name']}" for c in change.sources))


def confirm_change(review, change, yes: bool) -> str | None:
    """"accept", "" (keep undecided) or None (cancel), asking unless --yes."""
    from registry.intake import handmade
    from registry.intake.review import ReviewError

    show_change(review, change)
    if yes:
        return "accept"
    while True:
        answer = click.prompt("  [a]ccept, [e]dit a field, [k]eep undecided, [c]ancel",
                              type=click.Choice(["a", "e", "k", "c"]), show_choices=False, default="a")
        if answer in ("a", "k"):
            return "accept" if answer == "a" else ""
        if answer == "c":
            return None
        part = 1
        if len(change.new) > 1:
            part = click.prompt("  part", type=click.IntRange(1, len(change.new)), default=1)
        row = change.new[part - 1].row
        column = click.prompt("  field", type=click.Choice(EDITABLE), show_choices=True)
        value = click.prompt(f"  {column}", default=str(row.get(column) or ""), show_default=True).strip()
        before = row.get(column)
        row[column] = value
        try:
            handmade.checked(review, change)
        except ReviewError as exc:
            row[column] = before
            click.echo(f"  not changed: {exc}")
        show_change(review, change)


def make_rows(review, root, action: str, argument, cuts: str | None, overrides: dict, yes: bool) -> None:
    from registry.intake import handmade
    from registry.intake.review import ReviewError

    try:
        if action == "add":
            start, end = handmade.locate(review, argument)
            change = handmade.propose_add(review, start, end, overrides)
        elif action == "merge":
            change = handmade.propose_merge(review, argument.split(","), overrides)
        else:
            change = handmade.propose_split(review, argument, (cuts or "").split(","), overrides)
    except ReviewError as exc:
        fail(str(exc))
    click.echo(f"{review.doc_id}: {action} makes {len(change.new)} row{'s' if len(change.new) > 1 else ''}")
    try:
        decision = confirm_change(review, change, yes)
    except click.Abort:
        decision = None
    if decision is None:
        click.echo("cancelled; nothing was changed")
        return
    handmade.commit(review, change, decision)
    click.echo(f"saved {', '.join(c.key for c in change.new)}" + (" as accepted" if decision else " undecided")
               + f" in {PLANS}/{review.path.name}")
    apply_accepted(review, root)


def undo_row(review, key: str) -> None:
    from registry.intake import handmade
    from registry.intake.review import ReviewError

    try:
        removed = handmade.undo(review, key)
    except ReviewError as exc:
        fail(str(exc))
    click.echo(f"took back {', '.join(removed)}; the candidates they replaced are as they were")


def dismiss_possible(review, ref: str) -> None:
    from registry.intake import handmade
    from registry.intake.review import ReviewError

    try:
        possible = handmade.dismiss(review, ref)
    except ReviewError as exc:
        fail(str(exc))
    click.echo(f"dismissed possible project #{possible['rank']} [{possible['start']}:{possible['end']}]")


def list_possible(review) -> None:
    open_ = [p for p in review.possible if not p["decision"]]
    click.echo(f"{review.doc_id}: {len(review.possible)} possible project{'' if len(review.possible) == 1 else 's'} "
               "the rules were unsure of "
               f"(可能遗漏的项目), {len(open_)} open")
    for possible in review.possible:
        state = possible["decision"].get("decision", "open")
        if state == "added":
            state = f"added as {possible['decision'].get('as')}"
        low, high = possible["suggest"]
        click.echo(f"#{possible['rank']} [{possible['start']}:{possible['end']}] score {possible['score']}, {state}: "
                   f"{possible['reasons']}")
        click.echo(f"    {marked(review, low, high, limit=120)}")
        if not possible["decision"]:
            click.echo(f"    add: registry review {review.doc_id} --add {low}:{high}    "
                       f"dismiss: registry review {review.doc_id} --dismiss {possible['rank']}")


def list_rows(review) -> None:
    click.echo(f"{review.doc_id}: rows of the review (pass a key to --merge, --split, --undo)")
    for candidate in review.candidates:
        row, (start, end) = candidate.edited(), candidate.span
        decision = candidate.decision.get("decision") or "undecided"
        if candidate.decision.get("id"):
            decision += f", in the registry as {candidate.decision['id']}"
        if candidate.replaced:
            decision += " into " + ", ".join(candidate.decision.get("into", []))
        if candidate.kind == "project":
            click.echo(f"  {candidate.key:<24} [{start}:{end}] {decision:<12} {row['name']} ({describe(row)})")
        else:
            click.echo(f"  {candidate.key:<24} [{start}:{end}] {decision:<12} {row['metric']} {row['value']}{row['unit']}")


SUMMARY_COLUMNS = (("proposed", "proposed"), ("accepted", "accepted"), ("edited", "edited"),
                   ("rejected", "rejected"), ("undecided", "undecided"), ("merged", "merged"), ("split", "split"),
                   ("added", "added"), ("merged_rows", "merged→"), ("split_rows", "split→"),
                   ("in_registry", "in-registry"), ("possible", "possible"), ("possible_open", "open"))


def summary(root, doc_id: str | None) -> None:
    """One line per plan: what became of its project candidates, the rows made in review, the possible projects."""
    from registry.intake.files import read_csv_rows
    from registry.intake.review import Review, ReviewError
    from registry.rows.root import DOCUMENTS_CSV

    documents = read_csv_rows(root / DOCUMENTS_CSV) if (root / DOCUMENTS_CSV).exists() else []
    doc_ids = [doc_id] if doc_id else [d["doc_id"] for d in documents]
    width = max([len(d) for d in doc_ids] + [4])
    click.echo(f"{'plan':<{width}}" + "".join(f"{label:>{max(len(label), 4) + 2}}" for _, label in SUMMARY_COLUMNS))
    for plan in doc_ids:
        try:
            counts = Review(root, plan).counts()
        except ReviewError as exc:
            if doc_id:
                fail(str(exc))
            click.echo(f"{plan:<{width}}  (not reviewed here: {exc})")
            continue
        counts["possible_open"] = counts["possible"] - counts["possible_added"] - counts["possible_dismissed"]
        click.echo(f"{plan:<{width}}" + "".join(f"{counts[key]:>{max(len(label), 4) + 2}}"
                                                for key, label in SUMMARY_COLUMNS))
    click.echo("proposed: the extractor's project candidates, each accepted as proposed, accepted edited, rejected, "
               "merged, split or undecided; added, merged→, split→: accepted rows made in review (added by hand, "
               "made of merged candidates, parts of split ones); possible: the recall net's sentences, open: "
               "neither added from nor dismissed")
