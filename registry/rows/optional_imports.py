"""Import a library with one of its optional dependencies hidden.

sqlite-utils and folium import pandas when it is installed, to accept DataFrames this project never passes.
pandas is installed for the GeoPackage export (geopandas), and its import costs ~0.3 s and ~40 MB of every
process that merely builds a registry or serves a map. Hidden for the length of one import only: `import
pandas` works as before afterwards (registry/exports/gpkg.py imports it when a GeoPackage is asked for).
"""
from __future__ import annotations

import sys
from contextlib import contextmanager


@contextmanager
def hidden(name: str):
    """Within the block, `import NAME` raises ImportError, unless NAME was imported already (then nothing changes).

    Use at module import time, before threads start: sys.modules is shared by the whole process."""
    hide = name not in sys.modules
    if hide:
        sys.modules[name] = None  # the import system's marker for "not importable"
    try:
        yield
    finally:
        if hide and sys.modules.get(name, 0) is None:
            del sys.modules[name]
