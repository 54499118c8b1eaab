"""Import a library with one of its optional dependencies hidden.

sqlite-utils and folium import pandas when it is installed, to accept DataFrames this project never passes.
pandas is installed with geopandas (the test and geodata extras), and its import costs ~0.3 s and ~40 MB of every
process that merely builds a registry or serves a map. Hidden for the length of one import only: `import
pandas` works as before afterwards.
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


def import_hiding(module: str, *optional: str):
    """`importlib.import_module(module)` with the `optional` libraries hidden (see `hidden`) while it runs.

    pyogrio imports geopandas, pandas and pyproj at its own import when they are installed (the test extras pull
    them in), 0.5 s and ~90 MB that the GeoPackage and KML exports, written through `pyogrio.raw`, never use.
    Once pyogrio is imported this way, `pyogrio.read_dataframe` in the same process says geopandas is missing:
    import geopandas (or pyogrio) first where both are wanted, as a test module does at its top."""
    import importlib
    from contextlib import ExitStack

    if module in sys.modules:
        return sys.modules[module]
    with ExitStack() as stack:
        for name in optional:
            stack.enter_context(hidden(name))
        return importlib.import_module(module)
