"""`registry export`: the filtered registry as GeoJSON, CSV, Excel, GeoPackage or KML, to a file or a pipe.

    registry export   -> registry.store.query.Registry + registry.exports.export (registry.files for xlsx, gpkg)

Its filter options are the web's URL parameters (ProjectFilter.from_params). GeoJSON and CSV stream
from the database cursor to the output; xlsx, GeoPackage and KML are written as files, then moved
into place or copied to standard output.
Every library is imported when the command runs, and only what its format needs
(tests/test_cli_conventions.py).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from registry.command_options import db_option, fail
from registry.rows.root import root_option


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

@click.command()
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
