"""Where the registry is: a folder holding projects.csv, targets.csv, plans/ and registry.db.

Every command works on one registry folder, found in this order:

1. `--root DIR` (on the `registry` group or on a command),
2. `$REGISTRY_ROOT`,
3. the current folder or the nearest parent that is a registry (like git finds its repository),
4. the registry shipped in this source tree (an editable install run from anywhere).

So `pip install .` works on any registry folder, and this repository is simply the shipped one.
`$REGISTRY_DB` (and `--db`) still override the database file alone.

For a click option whose default lives in the registry folder, use `root_default`:

    @click.option("--csv", default=root_default("projects.csv"), show_default="projects.csv of the registry")
"""
from __future__ import annotations

import csv
import os
from pathlib import Path

import click

SHIPPED_ROOT = Path(__file__).resolve().parent.parent.parent
PROJECTS_CSV = "projects.csv"
TARGETS_CSV = "targets.csv"
PLANS = "plans"
DOCUMENTS_CSV = "plans/documents.csv"
DATABASE = "registry.db"
_CONTEXT_KEY = "registry_root"
_EXPLICIT_KEY = "registry_root_explicit"


class NotARegistry(click.ClickException):
    """No registry folder where one was asked for or looked for."""

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)  # the CLI's one error-line style


def is_registry(folder: Path) -> bool:
    return (folder / PROJECTS_CSV).is_file() or (folder / DOCUMENTS_CSV).is_file()


def find_root(explicit: str | Path | None = None, cwd: Path | None = None, required: bool = True) -> Path:
    """The registry folder by the rules above; NotARegistry when an explicit one is not a registry,
    or when none is found and `required` (else the shipped root, registry or not)."""
    chosen = explicit or os.environ.get("REGISTRY_ROOT")
    if chosen:
        folder = Path(chosen).expanduser().resolve()
        if not is_registry(folder):
            source = "--root" if explicit else "$REGISTRY_ROOT"
            raise NotARegistry(f"{source}: {folder} is not a registry folder (no projects.csv or "
                               f"plans/documents.csv); create one with `registry init {chosen}`")
        return folder
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_registry(folder):
            return folder
    if required and not is_registry(SHIPPED_ROOT):  # an installed package, not a source tree
        raise NotARegistry(f"{here} is not in a registry folder; cd into one, pass --root DIR or set "
                           f"$REGISTRY_ROOT, or create one with `registry init DIR`")
    return SHIPPED_ROOT


def current_root() -> Path:
    """The root of the running command (its --root, else find_root()); find_root() outside click."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and _CONTEXT_KEY in ctx.meta:
        return ctx.meta[_CONTEXT_KEY]
    root = find_root()
    if ctx is not None:
        ctx.meta[_CONTEXT_KEY] = root
    return root


def root_default(relative: str):
    """A click `default=` callable: `relative` inside the current registry folder."""
    def default() -> str:
        return str(current_root() / relative)
    return default


def db_default() -> str:
    """The database: registry.db of an explicit --root, else $REGISTRY_DB, else registry.db of the folder."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.meta.get(_EXPLICIT_KEY):
        return str(current_root() / DATABASE)
    return os.environ.get("REGISTRY_DB") or str(current_root() / DATABASE)


def _set_root(ctx: click.Context, _param, value):
    if value is not None:
        ctx.meta[_CONTEXT_KEY] = find_root(value)
        ctx.meta[_EXPLICIT_KEY] = True
    return value


# Eager, so that the other options' defaults of the same command already see it; ctx.meta is
# shared down the command chain, so `registry --root DIR build` and `registry build --root DIR`
# mean the same.
root_option = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), is_eager=True, expose_value=False,
    callback=_set_root, help="Registry folder (default: $REGISTRY_ROOT, else the current folder or a parent "
                             "that has projects.csv or plans/documents.csv, else the shipped registry).")


def init_registry(folder: str | Path) -> Path:
    """An empty registry folder: projects.csv and targets.csv headers, plans/documents.csv header."""
    from registry.rows.documents import DOCUMENT_COLUMNS
    from registry.rows.schema import PROJECT_COLUMNS, TARGET_COLUMNS

    folder = Path(folder)
    if is_registry(folder):
        raise NotARegistry(f"{folder} is already a registry folder")
    (folder / PLANS).mkdir(parents=True, exist_ok=True)
    for relative, columns in ((PROJECTS_CSV, PROJECT_COLUMNS), (TARGETS_CSV, TARGET_COLUMNS),
                              (DOCUMENTS_CSV, DOCUMENT_COLUMNS)):
        with open(folder / relative, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerow(columns)
    return folder.resolve()
