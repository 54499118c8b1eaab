"""`registry` command line: each subcommand is one call of the library.

    registry build    -> registry.store.store.build
    registry export   -> registry.store.query.Registry + registry.exports.export (registry.files for xlsx, gpkg)
    registry info     -> registry.about.registry_info
    registry extract  -> registry.extract.extract_files
    registry geocode  -> registry.geo.geocode.geocode_rows
    registry serve    -> webmap.create_app
    registry targets  -> registry.store.targets.export_targets
    registry init     -> registry.rows.root.init_registry
    registry add-plan -> registry.intake.add_plan
    registry review   -> registry.intake.review

Every command works on one registry folder (registry.rows.root): --root, $REGISTRY_ROOT, the
current folder (or a parent) that is one, else the shipped registry.

The commands live in modules of their own, a few of them to a module (registry/database_commands.py,
registry/csv_commands.py, registry/export_command.py, registry/serve_command.py,
registry/compare_command.py); this module makes the group, adds them to it and runs it (`main`). Each
command imports its library when it runs: `registry --help` loads click and registry.rows, nothing heavier.
"""
from __future__ import annotations

import sys

import click

from registry.csv_commands import extract, geocode
from registry.database_commands import build, info, targets
from registry.export_command import export
from registry.lazy_commands import LazyGroup
from registry.rows.root import root_option
from registry.serve_command import serve


@click.group(cls=LazyGroup)  # init, add-plan, review: imported when used (registry/lazy_commands.py)
@click.version_option(package_name="carbon-peak-registry")
@root_option
def cli():
    """Carbon-peak project registry (碳达峰重点项目库)."""


# In the order they were once defined in this module: `cli.commands` lists them so (`--help` sorts them).
for _command in (build, export, info, extract, geocode, targets, serve):
    cli.add_command(_command)


def _add_compare_command():
    from registry.compare_command import compare_command

    cli.add_command(compare_command)


_add_compare_command()


def main():
    """The `registry` command. A writer waiting on another (the registry's lock) or a file system refusing
    a write the command did not foresee still ends in one line, exit status 1, not a traceback."""
    from registry.rows.failures import describe_os_error

    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.exceptions.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:
        click.echo(f"error: {describe_os_error(exc)}", err=True)
        sys.exit(1)
    except RuntimeError as exc:
        # registry.intake.files.RegistryBusy, looked up only if a command imported it: importing it here would
        # import the extractor (registry.intake's package) into every command's start-up.
        intake_files = sys.modules.get("registry.intake.files")
        if intake_files is None or not isinstance(exc, intake_files.RegistryBusy):
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
