"""Folium, imported without pandas, and with requests deferred.

folium.utilities imports pandas when it is installed (it accepts DataFrames as data, which the map never
passes: the projects come from the app's JSON API). pandas is installed with geopandas (test extras), and its
import would take ~25 MB of every server worker's memory. The name is hidden from folium's import only:
`import pandas` works as before afterwards.

folium.features imports requests at module level, for a GeoJson layer read from a URL; the map gives its
GeoJson layer data. requests is deferred (registry/rows/optional_imports.py): its code, with urllib3,
charset_normalizer and idna, ~6 MB of every server worker, runs only if something calls it (the CLI's
`add-plan --url`). (xyzservices, for tile providers by name, cannot be: folium.raster_layers reads
`xyzservices.TileProvider` in an annotation as it is imported.)
"""
from __future__ import annotations

from registry.rows.optional_imports import deferred, hidden

deferred("requests")

with hidden("pandas"):  # folium.utilities' optional import (registry/rows/optional_imports.py)
    import folium  # noqa: E402
    from branca.element import MacroElement  # noqa: E402
    from folium.template import Template  # noqa: E402

__all__ = ["folium", "MacroElement", "Template"]
