"""`registry` command line: each subcommand is one call of the library.

    registry build    -> registry.store.build
    registry export   -> registry.query.Registry + registry.export
    registry extract  -> registry.extract.extract_files
    registry geocode  -> registry.geocode.geocode_rows
    registry serve    -> webmap.create_app
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from registry.documents import PLANS_DIR
from registry.schema import RowError
from registry.store import DEFAULT_CSV, DEFAULT_DB

db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                         default=lambda: os.environ.get("REGISTRY_DB", str(DEFAULT_DB)),
                         show_default="registry.db at the project root, or $REGISTRY_DB",
                         help="SQLite registry database.")


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group()
@click.version_option(package_name="carbon-peak-registry")
def cli():
    """Carbon-peak project registry (碳达峰重点项目库)."""


@cli.command()
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_CSV,
              show_default="projects.csv at the project root", help="Reviewed registry CSV.")
@click.option("--plans", "plans_dir", type=click.Path(file_okay=False, path_type=Path), default=PLANS_DIR,
              show_default="plans/", help="Folder with the plan texts and documents.csv.")
@click.option("--targets", "targets_csv", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="City-wide targets CSV (default: targets.csv beside --csv, if there is one).")
@db_option
def build(csv_path, plans_dir, targets_csv, db_path):
    """Validate the CSV and build the SQLite registry, replacing the old one atomically."""
    from registry.store import build as build_registry

    try:
        report = build_registry(csv_path, db_path, plans_dir, targets_csv)
    except RowError as exc:
        fail(f"{exc}\nnothing was written; {db_path} is unchanged")
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        fail(f"{exc}")
    click.echo(f"built {report.db_path}: {report.projects} projects, {report.documents} documents, "
               f"{report.sections} sections, {report.targets} targets, {report.boundaries} county boundaries")


def filter_options(command):
    options = [
        click.option("--type", "types", multiple=True, help="Project type (repeatable, or comma-separated)."),
        click.option("--city", "cities", multiple=True, help="City, e.g. 孝感市 (repeatable)."),
        click.option("--county", "counties", multiple=True, help="County, e.g. 大悟县 (repeatable)."),
        click.option("--stage", "stages", multiple=True, help="Stage: announced, pre-construction, construction, operating, …"),
        click.option("--min-mw", "min_mw", help="Minimum capacity in MW."),
        click.option("--max-mw", "max_mw", help="Maximum capacity in MW."),
        click.option("--q", "q", help="Text search in names and places (Chinese substrings)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def filter_from_cli(types, cities, counties, stages, min_mw, max_mw, q):
    from registry.query import FilterError, ProjectFilter

    params = {"type": list(types), "city": list(cities), "county": list(counties), "stage": list(stages),
              "min_mw": [min_mw] if min_mw is not None else [], "max_mw": [max_mw] if max_mw is not None else [],
              "q": [q] if q else []}
    try:
        return ProjectFilter.from_params(params)
    except FilterError as exc:
        option = "--" + exc.parameter.replace("_", "-")
        fail(f"{option}: {exc.message}")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["geojson", "csv"]), required=True)
@filter_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: stdout).")
@db_option
def export(fmt, types, cities, counties, stages, min_mw, max_mw, q, output, db_path):
    """Export the filtered registry as GeoJSON (RFC 7946, WGS-84) or CSV."""
    from registry.export import csv_chunks, geojson_chunks
    from registry.query import Registry

    project_filter = filter_from_cli(types, cities, counties, stages, min_mw, max_mw, q)
    try:
        registry = Registry(db_path)
    except FileNotFoundError as exc:
        fail(str(exc))
    with registry:
        rows = registry.features(project_filter) if fmt == "geojson" else registry.projects(project_filter)
    chunks = geojson_chunks(rows) if fmt == "geojson" else csv_chunks(rows)
    if output is None:
        for chunk in chunks:
            sys.stdout.write(chunk)
        return
    tmp = output.with_name(f".{output.name}.partial")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        for chunk in chunks:
            handle.write(chunk)
    os.replace(tmp, output)
    click.echo(f"wrote {len(rows)} projects to {output}", err=True)


@cli.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Candidate projects CSV (projects.csv columns).")
@click.option("--targets", "targets_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the city-wide targets found to this CSV.")
@click.option("--documents", "documents_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Metadata of the plans (default: plans/documents.csv).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: when stderr is a terminal).")
def extract(plans, output, targets_out, documents_csv, progress):
    """Extract candidate projects (and targets) from plan texts: the first pass before review."""
    from registry.extract import extract_files, write_targets_csv
    from registry.schema import write_projects_csv

    show = sys.stderr.isatty() if progress is None else progress
    projects, targets = extract_files(list(plans), documents_csv or PLANS_DIR / "documents.csv", progress=show)
    write_projects_csv(projects, output)
    if targets_out:
        write_targets_csv(targets, targets_out)
    click.echo(f"{len(projects)} candidate projects -> {output}" + (f", {len(targets)} targets -> {targets_out}" if targets_out else ""), err=True)


@cli.command()
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=DEFAULT_CSV,
              show_default="projects.csv at the project root")
@click.option("--check", is_flag=True, help="Report what would change; write nothing. Exit 1 if anything would.")
def geocode(csv_path, check):
    """Fill lon, lat, precision, location_method, division_code and geometry, offline."""
    from registry.geocode import geocode_rows
    from registry.schema import GEOCODE_COLUMNS, format_cell, read_csv_table, write_projects_csv

    try:
        table = read_csv_table(csv_path)
    except RowError as exc:
        fail(str(exc))
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
        tmp = csv_path.with_name(f".{csv_path.name}.partial")
        write_projects_csv(geocoded, tmp)
        os.replace(tmp, csv_path)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Flask debug mode (never on a shared server).")
def serve(db_path, host, port, debug):
    """Serve the web map, list, project pages, exports and JSON API (development server)."""
    from webmap import create_app

    if not Path(db_path).is_file():
        fail(f"no registry database at {db_path}; run `registry build` first")
    try:
        app = create_app({"REGISTRY_DB": str(db_path)})
    except ValueError as exc:  # a bad REGISTRY_TILES or REGISTRY_BASEMAP setting
        fail(str(exc))
    app.wsgi_app = _utf8_query_string(app.wsgi_app)
    app.run(host=host, port=port, debug=debug)


def _utf8_query_string(wsgi_app):
    """Undo the development server's second encoding of a raw (not %-encoded) query string.

    http.server reads the request line as Latin-1 and Werkzeug's server then encodes that text
    as UTF-8 again, so `curl 'http://…/api/facets?county=大悟县'` would search for mojibake and
    find nothing. gunicorn, the production server, rejects such request lines with a 400.
    """
    def app(environ, start_response):
        try:
            environ["QUERY_STRING"] = environ.get("QUERY_STRING", "").encode("latin-1").decode("utf-8")
        except UnicodeError:
            pass  # not the development server's doing: leave it for the app to judge
        return wsgi_app(environ, start_response)
    return app


def main():
    cli()


if __name__ == "__main__":
    main()
