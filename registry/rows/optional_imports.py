"""Import a library with one of its optional dependencies hidden, or one of its dependencies deferred.

sqlite-utils and folium import pandas when it is installed, to accept DataFrames this project never passes.
pandas is installed with geopandas (the test and geodata extras), and its import costs ~0.3 s and ~40 MB of every
process that merely builds a registry or serves a map. Hidden for the length of one import only: `import
pandas` works as before afterwards.

folium imports `requests` at module level (for a GeoJSON layer given a URL), which the map page never uses:
~6 MB of every server worker. `deferred`
puts a stand-in in sys.modules whose first attribute read runs the real module, so `import requests`
costs nothing until `requests.get` is called, and then everything works as usual. (importlib's LazyLoader
does not serve: on Python 3.11 the import statement itself reads the module's `__spec__`, which runs it.)
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
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


class _DeferredModule(types.ModuleType):
    """Stands in sys.modules for a module not run yet; reading any attribute it lacks runs the module."""

    def __getattr__(self, attr: str):
        return getattr(_run_deferred(self), attr)


_deferred_lock = threading.RLock()  # two threads reading a deferred module's first attribute run it once


def _run_deferred(stand_in: _DeferredModule) -> types.ModuleType:
    name = stand_in.__name__
    with _deferred_lock:
        module = sys.modules.get(name)
        if module is stand_in or module is None:
            del sys.modules[name]
            try:
                module = importlib.import_module(name)
            except BaseException:
                sys.modules[name] = stand_in
                raise
        return module


def deferred(name: str) -> None:
    """Make `import NAME` cheap until an attribute of NAME is read; then NAME runs, once, and all works as usual.

    The stand-in carries the module's spec (found, not run), so `import NAME` returns it without running
    anything; `NAME.attr` runs the real module and reads `attr` from it, and from then on `import NAME` gives the
    real module. Nothing changes if NAME is imported already or not installed (its importer fails as it would)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = _DeferredModule(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in


def import_hiding(module: str, *optional: str):
    """`importlib.import_module(module)` with the `optional` libraries hidden (see `hidden`) while it runs.

    pyogrio imports geopandas, pandas and pyproj at its own import when they are installed (the test extras pull
    them in), 0.5 s and ~90 MB that the GeoPackage and KML exports, written through `pyogrio.raw`, never use.
    Once pyogrio is imported this way, `pyogrio.read_dataframe` in the same process says geopandas is missing:
    import geopandas (or pyogrio) first where both are wanted, as a test module does at its top."""
    from contextlib import ExitStack

    if module in sys.modules:
        return sys.modules[module]
    with ExitStack() as stack:
        for name in optional:
            stack.enter_context(hidden(name))
        return importlib.import_module(module)
