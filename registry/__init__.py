"""Carbon-peak project registry: the library behind the `registry` command.

    from registry.store.store import build              # registry build
    from registry.store.query import Registry, ProjectFilter
    from registry.exports.export import geojson_chunks, csv_chunks   # registry export
    from registry.extract import extract_files    # registry extract
    from registry.geo.geocode import geocode_rows     # registry geocode
"""
