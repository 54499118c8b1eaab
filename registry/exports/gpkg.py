"""The filtered projects as a GeoPackage (one layer per geometry kind, WGS-84, UTF-8), or as KML.

GDAL's Shapefile writer stops at the first line of a mixed layer, and QGIS draws one geometry
type per layer, so points (`projects_points`), lines (`projects_lines`) and, if any, areas (`projects_areas`) are
separate layers; projects without a location are in none, and the About facts travel as GeoPackage metadata.

Rows stream from the database cursor to GDAL in chunks of CHUNK_ROWS through `pyogrio.raw.write` (numpy
columns, WKB geometry; `append=True` after a layer's first chunk), so memory stays flat at any size and no
GeoPandas/pandas is imported (0.5 s and ~100 MB of every export's start-up). GDAL's KML driver cannot append:
the KML is staged as a one-layer GeoPackage the same way, then copied into KML by GDAL as one Arrow stream
(`pyogrio.raw.open_arrow` → `write_arrow`, batch by batch: pyarrow is not needed for this).
"""
from __future__ import annotations

import json
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

GPKG_MIMETYPE = "application/geopackage+sqlite3"
POINT_LAYER, LINE_LAYER, POLYGON_LAYER = "projects_points", "projects_lines", "projects_areas"
# (layer, shapely type ids it takes, its GeoPackage geometry type)
LAYERS = ((POINT_LAYER, (0,), "Point"), (LINE_LAYER, (1, 5), "MultiLineString"), (POLYGON_LAYER, (3, 6), "MultiPolygon"))
# The attribute columns (FEATURE_PROPERTIES: every CSV column but the coordinates, which the geometry carries)
# that are numbers; the others are text. Integers are 64-bit in a GeoPackage (Integer64), 32-bit in KML: GDAL's KML
# driver declares a 64-bit integer field type="string" in its <Schema>, and years and text offsets fit 32 bits.
FLOAT_COLUMNS = frozenset({"capacity_mw", "voltage_kv"})
INTEGER_COLUMNS = frozenset({"target_year", "source_start", "source_end"})
# Rows per pyogrio write (and per Arrow batch of the KML copy): at 100,000 projects 5,000 kept the peak at ~105 MB
# (libraries ~80 MB), 10,000 at ~125 MB for no less CPU; 2,000 cost 50 % more CPU (a dataset opened per write).
CHUNK_ROWS = 5000
CRS = "EPSG:4326"


def write_gpkg(rows: Iterable[tuple], about: dict, path: str | Path) -> dict[str, int]:
    """Write the layers to `path` (a new file); returns the number of features per layer.

    `rows`: tuples of FEATURE_PROPERTIES and the stored GeoJSON geometry (None: not located), in that order."""
    metadata = {"title": about["title"], "version": about["version"], "citation": about["citation"],
                "filter": json.dumps(about["filter"], ensure_ascii=False),
                "not_located": f"{about['projects_not_located']} of the {about['projects_in_file']} projects of "
                               f"this filter are in no layer. {about['not_located_note']}",
                "sources": " ".join(s["attribution"] for s in about["sources"])}
    import numpy

    written: dict[str, int] = {}
    for fields, geometries, kinds in _chunks(rows, "int64"):
        for layer, type_ids, geometry_type in LAYERS:
            keep = numpy.isin(kinds, type_ids)
            if layer == POLYGON_LAYER and layer not in written and not keep.any():
                continue  # the registry has no areas yet: no empty third layer to puzzle over
            if layer in written and not keep.any():
                continue
            # promote_to_multi: one geometry type per layer, as QGIS and the GeoPackage spec want.
            # VERSION 1.2: older GDALs (Debian 12's 3.6, QGIS LTRs) warn on the 1.4 that pyogrio's writes.
            _write(path, layer, fields, geometries, keep, driver="GPKG", geometry_type=geometry_type,
                   promote_to_multi=geometry_type.startswith("Multi"), append=layer in written,
                   **({} if layer in written else {"layer_metadata": metadata, "dataset_options": {"VERSION": "1.2"}}))
            written[layer] = written.get(layer, 0) + int(keep.sum())
    return written


KML_MIMETYPE = "application/vnd.google-earth.kml+xml"
STAGING_SUFFIX = ".staging.gpkg"


def write_kml(rows: Iterable[tuple], about: dict, path: str | Path) -> int:
    """The located projects as one KML document (KML is WGS-84 by definition; mixed geometries
    are allowed in one folder), placemarks named by the project name. Returns the count.

    `rows` as for `write_gpkg`. The staging GeoPackage lies beside `path`, named after it (STAGING_SUFFIX): on the
    same disk, so a full one fails the export as it would the KML, and the CLI's sweep of a killed export's temp
    files (registry/export_command.py) finds it."""
    raw = import_pyogrio().raw
    path = Path(path)
    staging = path.parent / f"{path.name}{STAGING_SUFFIX}"
    count = 0
    try:
        for fields, geometries, kinds in _chunks(rows, "int32"):
            keep = kinds >= 0
            _write(staging, "projects", fields, geometries, keep, driver="GPKG", geometry_type="Unknown",
                   append=count > 0, layer_options={"SPATIAL_INDEX": "NO"})
            count += int(keep.sum())
        with raw.open_arrow(staging, layer="projects", batch_size=CHUNK_ROWS) as (meta, stream):
            raw.write_arrow(stream, path, layer="projects", driver="KML", crs=CRS, geometry_name=meta["geometry_name"],
                            geometry_type="Unknown", dataset_options={"NameField": "name"})
    finally:
        staging.unlink(missing_ok=True)
    return count


def import_pyogrio():
    """pyogrio, imported without the geopandas, pandas and pyproj it would load (0.5 s and ~90 MB, unused here)."""
    from registry.rows.optional_imports import import_hiding

    return import_hiding("pyogrio", "geopandas", "pandas", "pyproj")


def _write(path, layer: str, fields: list, geometries, keep, **options) -> None:
    import shapely

    from registry.exports.export import FEATURE_PROPERTIES

    values = [(array[keep], None if mask is None else mask[keep]) for array, mask in fields]
    masks = [mask for _, mask in values]
    import_pyogrio().raw.write(path, shapely.to_wkb(geometries[keep]), [array for array, _ in values],
                               list(FEATURE_PROPERTIES), field_mask=masks if any(m is not None for m in masks) else None,
                               layer=layer, crs=CRS, encoding="UTF-8", **options)


def _chunks(rows: Iterable[tuple], integer_dtype: str) -> Iterator[tuple[list, object, object]]:
    """Per chunk of rows: the attribute columns as (numpy array, null mask or None), the shapely geometries and
    their type ids (-1 none, 0 point, 1 line, 3 polygon, 5 multiline, 6 multipolygon). Always at least one chunk
    (maybe empty): the layers exist, with their fields, in a file of no project."""
    import numpy
    import shapely

    from registry.exports.export import FEATURE_PROPERTIES

    rows = iter(rows)
    first = True
    while (chunk := list(islice(rows, CHUNK_ROWS))) or first:
        first = False
        columns = list(zip(*chunk)) if chunk else [()] * (len(FEATURE_PROPERTIES) + 1)
        fields = []
        for name, values in zip(FEATURE_PROPERTIES, columns):
            if name in FLOAT_COLUMNS:
                fields.append((numpy.array(values, dtype="float64"), None))  # None → NaN → null (nan_as_null)
            elif name in INTEGER_COLUMNS:
                mask = numpy.fromiter((v is None for v in values), dtype=bool, count=len(values))
                fields.append((numpy.array([0 if v is None else v for v in values], dtype=integer_dtype),
                               mask if mask.any() else None))
            else:
                fields.append((numpy.array(values, dtype=object), None))
        geometries = shapely.from_geojson(numpy.array(columns[-1], dtype=object))
        yield fields, geometries, shapely.get_type_id(geometries)
        if len(chunk) < CHUNK_ROWS:
            return

