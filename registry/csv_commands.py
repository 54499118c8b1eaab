"""`registry extract` and `registry geocode`: the commands that write the registry's CSVs, no database.

    registry extract  -> registry.extract.extract_files     plan texts -> candidate projects (and targets)
    registry geocode  -> registry.geo.geocode.geocode_rows  projects.csv's places -> points and lines, offline

Each imports its library when it runs, not when the `registry` command starts (registry/cli.py).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from registry.command_options import fail, failing_on
from registry.rows.root import root_default, root_option
from registry.rows.schema import RowError


@click.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Candidate projects CSV (projects.csv columns).")
@click.option("--targets", "targets_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the city-wide targets found to this CSV.")
@click.option("--documents", "documents_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Metadata of the plans (default: plans/documents.csv).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=10_000_000, show_default=True,
              help="Refuse a plan file larger than this.")
@root_option
@click.option("--area-code", help="Division code of the province, city or county of plans that have no "
              "documents.csv row (default: read from each plan's title and text).")
def extract(plans, output, targets_out, documents_csv, progress, max_bytes, area_code):
    """Extract candidate projects (and targets) from plan texts: the first pass before review."""
    from registry.extract import PlanInputError, extract_files, write_targets_csv
    from registry.rows.schema import write_projects_csv

    show = sys.stderr.isatty() if progress is None else progress
    from registry.rows.root import DOCUMENTS_CSV, current_root

    try:
        projects, targets = extract_files(list(plans), documents_csv or current_root() / DOCUMENTS_CSV,
                                          progress=show, max_bytes=max_bytes, area_code=area_code)
    except PlanInputError as error:
        fail(str(error))
    write_projects_csv(projects, output)
    if targets_out:
        write_targets_csv(targets, targets_out)
    click.echo(f"{len(projects)} candidate projects -> {output}" + (f", {len(targets)} targets -> {targets_out}" if targets_out else ""), err=True)


@click.command()
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=root_default("projects.csv"), show_default="projects.csv of the registry folder")
@click.option("--check", is_flag=True, help="Report what would change; write nothing. Exit 1 if anything would.")
@root_option
def geocode(csv_path, check):
    """Fill lon, lat, precision, location_method, division_code and geometry, offline."""
    from registry.geo.geocode import geocode_rows
    from registry.rows.schema import GEOCODE_COLUMNS, format_cell, read_csv_table, write_projects_csv

    with failing_on(RowError):
        table = read_csv_table(csv_path)
    geocoded = geocode_rows(table.rows)
    changed = [(old, new) for old, new in zip(table.rows, geocoded)
               if any((old.get(c) or "") != format_cell(new.get(c)) for c in GEOCODE_COLUMNS)]
    for old, new in changed:
        diffs = ", ".join(f"{c}: {old.get(c) or '∅'} -> {format_cell(new.get(c)) or '∅'}" for c in GEOCODE_COLUMNS
                          if (old.get(c) or "") != format_cell(new.get(c)))
        click.echo(f"{old['id']}: {diffs}")
    precisions = {}
    for row in geocoded:
        precisions[row["precision"]] = precisions.get(row["precision"], 0) + 1
    summary = ", ".join(f"{k or 'none'} {v}" for k, v in sorted(precisions.items()))
    click.echo(f"{len(changed)} of {len(geocoded)} rows {'would change' if check else 'changed'}; precision: {summary}", err=True)
    if check:
        sys.exit(1 if changed else 0)
    if changed:
        from registry.rows.atomic import atomic_output, terminate_as_interrupt
        from registry.rows.failures import describe_os_error

        try:
            with terminate_as_interrupt(), atomic_output(csv_path, encoding="utf-8", newline="") as handle:
                write_projects_csv(geocoded, handle)
        except KeyboardInterrupt:
            fail(f"interrupted; {csv_path} is unchanged")
        except OSError as exc:
            fail(f"{describe_os_error(exc, csv_path)}; {csv_path} is unchanged")
