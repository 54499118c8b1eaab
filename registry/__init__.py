"""Carbon-peak project registry: the library behind the `registry` command.

    from registry.store import build              # registry build
    from registry.query import Registry, ProjectFilter
    from registry.export import geojson_chunks, csv_chunks   # registry export
    from registry.extract import extract_files    # registry extract
    from registry.geocode import geocode_rows     # registry geocode
"""
