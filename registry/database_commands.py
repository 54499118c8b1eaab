"""`registry build`, `registry info` and `registry targets`: the commands that make or read registry.db.

    registry build    -> registry.store.store.build
    registry info     -> registry.about.registry_info
    registry targets  -> registry.store.targets.export_targets

Each imports its library when it runs, not when the `registry` command starts (registry/cli.py).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.command_options import db_option, fail, failing_on
from registry.rows.root import root_default, root_option
from registry.rows.schema import RowError


@click.command()
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=root_default("projects.csv"),
              show_default="projects.csv of the registry folder", help="Reviewed registry CSV.")
@click.option("--plans", "plans_dir", type=click.Path(file_okay=False, path_type=Path), default=root_default("plans"),
              show_default="plans/ of the registry folder", help="Folder with the plan texts and documents.csv.")
@click.option("--targets", "targets_csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="City-wide targets CSV (default: targets.csv beside --csv, if there is one).")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal; never when it is piped).")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes that validate and insert the projects (default: one per core, for a CSV over 4 MiB).")
@db_option
@root_option
def build(csv_path, plans_dir, targets_csv, progress, jobs, db_path):
    """Validate the CSV and build the SQLite registry, replacing the old one atomically."""
    import sqlite3

    from registry.rows.atomic import Terminated, terminate_as_interrupt
    from registry.rows.failures import describe_os_error, describe_sqlite_write_error
    from registry.intake.files import reading_lock
    from registry.store.store import build as build_registry

    unchanged = f"nothing was written; {db_path} is unchanged"
    try:
        # Under the writers' lock: a review or add-plan finishing meanwhile is built whole or not at all.
        with terminate_as_interrupt(), reading_lock(Path(csv_path).parent):
            report = build_registry(csv_path, db_path, plans_dir, targets_csv, progress=progress, jobs=jobs)
    except RowError as exc:
        fail(f"{exc}\n{unchanged}")
    except KeyboardInterrupt as exc:
        # The build removed its temp file on the way out; the old registry was never touched.
        click.echo(f"error: interrupted ({'SIGTERM' if isinstance(exc, Terminated) else 'Ctrl-C'}); {unchanged}", err=True)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    except OSError as exc:
        fail(f"{describe_os_error(exc, db_path)}; {unchanged}")
    except sqlite3.Error as exc:
        fail(f"{describe_sqlite_write_error(exc, db_path)}; {unchanged}")
    click.echo(f"built {report.db_path}: {report.projects} projects, {report.documents} documents, "
               f"{report.sections} sections, {report.targets} targets, {report.boundaries} county boundaries, "
               f"{report.areas} plan areas")


@click.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@root_option
def info(db_path, fmt):
    """Which registry this is: build time, CSV SHA-256, counts, sources and licences, how to cite it."""
    import json

    from registry.about import info_text, registry_info
    from registry.store.query import Registry

    with failing_on(FileNotFoundError):
        registry = Registry(db_path)
    with registry:
        facts = registry_info(registry)
    click.echo(json.dumps(facts, ensure_ascii=False, indent=2) if fmt == "json" else info_text(facts))


@click.command()
@click.option("--city", "cities", multiple=True, help="City, e.g. 孝感市 (repeatable, or comma-separated).")
@click.option("--county", "counties", multiple=True, help="County-level unit, e.g. 津市市.")
@click.option("--doc", "docs", multiple=True, help="Plan doc_id, e.g. xiaogan_420900.")
@click.option("--indicator", "indicators", multiple=True, help="Indicator key, e.g. non_fossil_share (registry/targets/indicators.py).")
@click.option("--year", "years", multiple=True, help="Target year, e.g. 2025.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@db_option
@root_option
def targets(cities, counties, docs, indicators, years, fmt, db_path):
    """The plans' targets, filtered, as CSV (targets.csv columns) or JSON."""
    from registry.store.query import FilterError
    from registry.store.targets import export_targets

    params = {"city": cities, "county": counties, "doc": docs, "indicator": indicators, "year": years}
    try:
        sys.stdout.write(export_targets(db_path, params, fmt))
    except FilterError as exc:
        fail(f"--{exc.parameter}: {exc.message}")
    except FileNotFoundError as exc:
        fail(str(exc))
