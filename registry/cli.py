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
"""
from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import click

from registry.lazy_commands import LazyGroup
from registry.rows.root import db_default, root_default, root_option
from registry.rows.schema import RowError

db_option = click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                         default=db_default,
                         show_default="registry.db of the registry folder, or $REGISTRY_DB",
                         help="SQLite registry database.")


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.group(cls=LazyGroup)  # init, add-plan, review: imported when used (registry/lazy_commands.py)
@click.version_option(package_name="carbon-peak-registry")
@root_option
def cli():
    """Carbon-peak project registry (碳达峰重点项目库)."""


@cli.command()
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


# (option, its parameter in URLs and ProjectFilter.from_params, whether it repeats, help)
FILTER_OPTIONS = (
    ("--type", "type", True, "Project type (repeatable, or comma-separated)."),
    ("--province", "province", True, "Province, e.g. 湖北省 (repeatable)."),
    ("--city", "city", True, "City, e.g. 孝感市 (repeatable)."),
    ("--county", "county", True, "County, e.g. 大悟县 (repeatable)."),
    ("--doc", "doc", True, "Plan, a doc_id of plans/documents.csv, e.g. xiaogan_420900 (repeatable)."),
    ("--stage", "stage", True, "Stage: announced, pre-construction, construction, operating, …"),
    ("--located", "located", False, "yes: only projects drawn on the map; no: only those listed but not on the map (未上图)."),
    ("--min-mw", "min_mw", False, "Minimum capacity in MW."),
    ("--max-mw", "max_mw", False, "Maximum capacity in MW."),
    ("--q", "q", False, "Text search in names and places (Chinese substrings)."),
)


def filter_options(command):
    for option, name, repeatable, help_text in reversed(FILTER_OPTIONS):
        command = click.option(option, f"filter_{name}", multiple=repeatable, help=help_text)(command)
    return command


def filter_from_cli(options: dict):
    """The ProjectFilter of the filter options (`filter_<parameter>` keyword arguments), or one error line."""
    from registry.store.query import FilterError, ProjectFilter

    params = {}
    for _option, name, _repeatable, _help in FILTER_OPTIONS:
        value = options.get(f"filter_{name}")
        params[name] = list(value) if isinstance(value, tuple) else [value] if value else []
    try:
        return ProjectFilter.from_params(params)
    except FilterError as exc:
        option = "--" + exc.parameter.replace("_", "-")
        fail(f"{option}: {exc.message}")


# Formats that are not text: written to a file or a pipe, never to a terminal (as gzip refuses to).
BINARY_FORMATS = ("xlsx", "gpkg")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["geojson", "csv", "xlsx", "gpkg", "kml"]), required=True,
              help="geojson: RFC 7946 FeatureCollection, WGS-84 (QGIS, geopandas, web maps); csv: the registry's "
                   "columns, UTF-8 (--bom for Excel); kml: Google Earth; xlsx: Excel workbook with an About sheet; "
                   "gpkg: GeoPackage for QGIS/ArcGIS (points and lines layers). xlsx and gpkg are binary: give "
                   "-o FILE or pipe them.")
@filter_options
@click.option("--bom", is_flag=True, help="CSV only: start with a UTF-8 byte-order mark, so that Excel reads UTF-8.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="CSV only: name the columns in Chinese or English, as the web's download does (default: the "
                   "column codes of projects.csv).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Write here; - or none: standard output.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: when stderr is a terminal; never when it is piped).")
@db_option
@root_option
def export(fmt, bom, lang, output, progress, db_path, **filters):
    """Export the filtered registry as GeoJSON (RFC 7946, WGS-84), CSV, Excel (xlsx), GeoPackage or KML.

    \b
    registry export --format csv -o - | head
    registry export --format xlsx --city 孝感市 -o 孝感.xlsx
    registry export --format gpkg > projects.gpkg"""
    import sqlite3

    from registry.about import export_counts, export_metadata, registry_info
    from registry.rows.atomic import Terminated, atomic_output, terminate_as_interrupt, write_stdout
    from registry.exports.export import CSV_SELECT, csv_chunks, geojson_chunks
    from registry.rows.failures import describe_os_error, is_corruption
    from registry.rows.progress import progress_bar, stderr_is_terminal, ticking
    from registry.store.query import Registry, RegistryError

    project_filter = filter_from_cli(filters)
    if bom and fmt != "csv":
        fail("--bom: only for --format csv")
    if lang and fmt != "csv":
        fail("--lang: only for --format csv")
    if output is not None and str(output) == "-":
        output = None  # standard output, as every Unix tool reads -o -
    if output is None and fmt in BINARY_FORMATS and sys.stdout.isatty():
        fail(f"{fmt} is binary and is not written to a terminal; give -o FILE or pipe it (> projects.{fmt})")
    show = stderr_is_terminal() if progress is None else progress
    written = 0

    def counted(rows):
        nonlocal written
        for row in rows:
            written += 1
            yield row

    def counted_batches(batches):  # counted and ticking (registry/rows/progress.py), a batch of rows at a time
        nonlocal written
        for batch in batches:
            yield batch
            written += len(batch)
            if bar is not None and not bar.disable:
                bar.update(len(batch))

    try:
        with terminate_as_interrupt(), Registry(db_path) as registry, \
                progress_bar(registry.count(project_filter) if show else None, "export", "project", show) as bar:
            if fmt in ("xlsx", "gpkg", "kml"):
                _export_file(registry, project_filter, fmt, output, bar)
                return
            # Rows stream from the database cursor to the output: constant memory at any size.
            if fmt == "geojson":
                metadata = export_metadata(registry_info(registry), project_filter, *export_counts(registry, project_filter))
                chunks = geojson_chunks(ticking(counted(registry.iter_features(project_filter)), bar), metadata=metadata)
            else:
                header = None
                if lang:  # the web's header, from its gettext catalog (webmap.i18n imports Flask: only when asked)
                    from webmap.i18n import csv_header

                    header = csv_header(lang)
                batches = registry.iter_projects(project_filter, columns=CSV_SELECT, batches=True)
                chunks = csv_chunks(counted_batches(batches), bom=bom, header=header, batched=True)
            if output is None:
                for chunk in chunks:
                    write_stdout(chunk)
                return
            with atomic_output(output, encoding="utf-8", newline="") as handle:
                for chunk in chunks:
                    handle.write(chunk)
    except (FileNotFoundError, RegistryError) as exc:
        fail(str(exc))
    except KeyboardInterrupt as exc:
        click.echo(f"error: interrupted ({'SIGTERM' if isinstance(exc, Terminated) else 'Ctrl-C'})"
                   + (f"; {output} was not written" if output else ""), err=True)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    except BrokenPipeError:
        if output is not None:
            raise
        _reader_went_away()
    except OSError as exc:
        fail(describe_os_error(exc, output) + (f"; {output} was not written" if output else ""))
    except sqlite3.DatabaseError as exc:
        if not is_corruption(exc):
            raise
        fail(f"{db_path}: the registry database is damaged or not a registry ({exc}); rebuild it with `registry build`"
             + (f"; {output} was not written" if output else ""))
    click.echo(f"wrote {written} projects to {output}", err=True)


def _reader_went_away() -> None:
    """The reader of standard output closed it (`| head`): stop quietly with SIGPIPE's status, as cat and gzip do."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's flush at exit must not fail again
    sys.exit(141)


def _export_file(registry, project_filter, fmt: str, output: Path | None, bar) -> None:
    """XLSX, GeoPackage and KML are files: written beside the target (or to a temporary folder for stdout), then
    moved; `bar` (registry/rows/progress.py) is closed before the result line is printed."""
    from registry.rows.atomic import atomic_path, write_stdout
    from registry.files import TemporaryExport, write_export

    if output is None:
        export = TemporaryExport(fmt)
        write_export(registry, project_filter, fmt, export.path, bar)
        bar.close()
        for chunk in export.chunks():
            write_stdout(chunk)
        return
    if fmt == "kml":  # the staging GeoPackage beside the temp file (registry/exports/gpkg.py) of a killed export
        from registry.exports.gpkg import STAGING_SUFFIX
        from registry.rows.atomic import remove_stale_temp_files

        remove_stale_temp_files(output, f".partial.kml{STAGING_SUFFIX}")
    # GDAL picks the driver by the extension: the temp name keeps it (.out.kml.<pid>.<random>.partial.kml).
    with atomic_path(output, f".partial.{fmt}") as tmp:
        count = write_export(registry, project_filter, fmt, tmp, bar)
        bar.close()
    click.echo(f"wrote {count} projects to {output}", err=True)


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@root_option
def info(db_path, fmt):
    """Which registry this is: build time, CSV SHA-256, counts, sources and licences, how to cite it."""
    import json

    from registry.about import info_text, registry_info
    from registry.store.query import Registry

    try:
        registry = Registry(db_path)
    except FileNotFoundError as exc:
        fail(str(exc))
    with registry:
        facts = registry_info(registry)
    click.echo(json.dumps(facts, ensure_ascii=False, indent=2) if fmt == "json" else info_text(facts))


@cli.command()
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


@cli.command()
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=root_default("projects.csv"), show_default="projects.csv of the registry folder")
@click.option("--check", is_flag=True, help="Report what would change; write nothing. Exit 1 if anything would.")
@root_option
def geocode(csv_path, check):
    """Fill lon, lat, precision, location_method, division_code and geometry, offline."""
    from registry.geo.geocode import geocode_rows
    from registry.rows.schema import GEOCODE_COLUMNS, format_cell, read_csv_table, write_projects_csv

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
        from registry.rows.atomic import atomic_output, terminate_as_interrupt
        from registry.rows.failures import describe_os_error

        try:
            with terminate_as_interrupt(), atomic_output(csv_path, encoding="utf-8", newline="") as handle:
                write_projects_csv(geocoded, handle)
        except KeyboardInterrupt:
            fail(f"interrupted; {csv_path} is unchanged")
        except OSError as exc:
            fail(f"{describe_os_error(exc, csv_path)}; {csv_path} is unchanged")


@cli.command()
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


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Flask debug mode (never on a shared server).")
@click.option("--production", is_flag=True,
              help="nginx in front of gunicorn (webmap/production.py), for a shared server; needs nginx installed.")
@root_option
def serve(db_path, host, port, debug, production):
    """Serve the web map, list, project pages, exports and JSON API (development server, or --production)."""
    from webmap import create_app

    from registry.store.integrity import integrity_problem
    from registry.store.query import Registry, RegistryError

    try:
        with Registry(db_path) as registry:
            # Damaged pages behind a readable header would otherwise show up request by request.
            problem = integrity_problem(registry.conn, db_path)
    except (FileNotFoundError, RegistryError) as exc:
        fail(str(exc))
    except sqlite3.DatabaseError as exc:
        problem = str(exc)
    if problem is not None:
        fail(f"{db_path}: the registry database is damaged ({problem[:120]}); rebuild it with `registry build`")
    try:
        app = create_app({"REGISTRY_DB": str(db_path)})
    except ValueError as exc:  # a bad REGISTRY_TILES or REGISTRY_BASEMAP setting
        fail(str(exc))
    if production:
        from webmap.production import ProductionError, serve_production

        try:
            sys.exit(serve_production(f"[{host}]:{port}" if ":" in host else f"{host}:{port}", Path(db_path)))
        except ProductionError as exc:
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
