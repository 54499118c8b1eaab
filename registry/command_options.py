"""What every `registry` subcommand shares: the --db option and the one-line error that ends a command.

Kept apart from the commands' modules (registry/cli.py assembles them) so that each of them, and
any command module added later, takes the same option and the same error line from one place.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from registry.rows.root import db_default

db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                         default=db_default,
                         show_default="registry.db of the registry folder, or $REGISTRY_DB",
                         help="SQLite registry database.")


def fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@contextmanager
def failing_on(*errors: type[BaseException]):
    """Any of `errors` (what a command expects to meet: a missing file, a bad row) ends the command with its words
    as the error line, never a traceback."""
    try:
        yield
    except errors as exc:
        fail(str(exc))
