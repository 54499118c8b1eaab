"""Folium, imported without pandas.

folium.utilities imports pandas when it is installed (it accepts DataFrames as data, which the map never
passes: the projects come from the app's JSON API). pandas is installed with geopandas (test extras), and its
import would take ~25 MB of every server worker's memory. The name is hidden from folium's import only:
`import pandas` works as before afterwards.
"""
from __future__ import annotations

from registry.rows.optional_imports import hidden

with hidden("pandas"):  # folium.utilities' optional import (registry/rows/optional_imports.py)
    import folium  # noqa: E402
    from branca.element import MacroElement  # noqa: E402
    from folium.template import Template  # noqa: E402

__all__ = ["folium", "MacroElement", "Template"]
