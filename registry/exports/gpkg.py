"""The filtered projects as a GeoPackage (one layer per geometry kind, WGS-84, UTF-8), or as KML.

GDAL's Shapefile writer stops at the first line of a mixed layer, and QGIS draws one geometry
type per layer, so points (`projects_points`), lines (`projects_lines`) and, if any, areas (`projects_areas`) are
separate layers; projects without a location are in none, and the About facts travel as GeoPackage metadata.
"""
from __future__ import annotations

import json
from pathlib import Path

GPKG_MIMETYPE = "application/geopackage+sqlite3"
POINT_LAYER, LINE_LAYER, POLYGON_LAYER = "projects_points", "projects_lines", "projects_areas"
# (layer, shapely type ids it takes, its GeoPackage geometry type)
LAYERS = ((POINT_LAYER, (0,), "Point"), (LINE_LAYER, (1, 5), "MultiLineString"), (POLYGON_LAYER, (3, 6), "MultiPolygon"))
# The attribute columns: every CSV column but the coordinates, which the geometry carries.
ATTRIBUTE_NUMBERS = {"capacity_mw": "float64", "voltage_kv": "float64", "target_year": "Int64",
                     "source_start": "Int64", "source_end": "Int64"}


def write_gpkg(rows: list[dict], about: dict, path: str | Path) -> dict[str, int]:
    """Write the layers to `path` (a new file); returns the number of features per layer."""
    import geopandas
    import numpy
    import pandas
    import shapely

    from registry.exports.export import FEATURE_PROPERTIES

    frame = pandas.DataFrame.from_records(rows, columns=[*FEATURE_PROPERTIES, "geometry"])
    for column, dtype in ATTRIBUTE_NUMBERS.items():
        frame[column] = frame[column].astype(dtype)
    geometries = _geometries(frame.pop("geometry"))
    kinds = shapely.get_type_id(geometries)  # -1 none, 0 point, 1 line, 3 polygon, 5 multiline, 6 multipolygon
    metadata = {"title": about["title"], "version": about["version"], "citation": about["citation"],
                "filter": json.dumps(about["filter"], ensure_ascii=False),
                "not_located": f"{about['projects_not_located']} of the {about['projects_in_file']} projects of "
                               f"this filter are in no layer. {about['not_located_note']}",
                "sources": " ".join(s["attribution"] for s in about["sources"])}
    written = {}
    for layer, type_ids, geometry_type in LAYERS:
        keep = numpy.isin(kinds, type_ids)
        if layer == POLYGON_LAYER and not keep.any():
            continue  # the registry has no areas yet: no empty third layer to puzzle over
        layer_frame = geopandas.GeoDataFrame(frame[keep].reset_index(drop=True), geometry=geometries[keep],
                                             crs="EPSG:4326")
        # promote_to_multi: one geometry type per layer, as QGIS and the GeoPackage spec want.
        # VERSION 1.2: older GDALs (Debian 12's 3.6, QGIS LTRs) warn on the 1.4 that pyogrio's writes.
        layer_frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio", encoding="UTF-8",
                            geometry_type=geometry_type, promote_to_multi=geometry_type.startswith("Multi"),
                            layer_metadata=metadata, dataset_options={"VERSION": "1.2"})
        written[layer] = len(layer_frame)
    return written


def _geometries(column):
    """Shapely geometries of a column of GeoJSON texts; a project with no location (pandas made its None a
    NaN) is a missing geometry, in no layer."""
    import numpy
    import shapely

    return shapely.from_geojson(numpy.array([g if isinstance(g, str) else None for g in column], dtype=object))


KML_MIMETYPE = "application/vnd.google-earth.kml+xml"
KML_INTEGER = "Int32"


def write_kml(rows: list[dict], about: dict, path: str | Path) -> int:
    """The located projects as one KML document (KML is WGS-84 by definition; mixed geometries
    are allowed in one folder), placemarks named by the project name. Returns the count."""
    import geopandas
    import pandas
    import shapely

    from registry.exports.export import FEATURE_PROPERTIES

    frame = pandas.DataFrame.from_records(rows, columns=[*FEATURE_PROPERTIES, "geometry"])
    for column, dtype in ATTRIBUTE_NUMBERS.items():
        # GDAL's KML driver declares a 64-bit integer field type="string" in its <Schema>: years and text
        # offsets are 32-bit integers (type="int"), which Google Earth and QGIS read as numbers.
        frame[column] = frame[column].astype(KML_INTEGER if dtype == "Int64" else dtype)
    geometries = _geometries(frame.pop("geometry"))
    located = ~shapely.is_missing(geometries)
    layer = geopandas.GeoDataFrame(frame[located].reset_index(drop=True), geometry=geometries[located], crs="EPSG:4326")
    layer.to_file(path, layer="projects", driver="KML", engine="pyogrio",
                  dataset_options={"NameField": "name"})
    return len(layer)
