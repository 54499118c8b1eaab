"""The build's plan geometry (county boundaries, plan areas), kept between builds by content hash.

Dissolving each plan's area from its county polygons and simplifying the boundaries takes about a
second, plus half a second to load the gazetteer, on every `registry build`, though it depends only
on the plans' area codes and names, the shipped geodata and the code that draws them. The rows are
kept as JSON in the user's cache folder under a key that hashes all of those (the geodata files'
bytes, the drawing modules' source, shapely's and GEOS's versions), so a rebuild after a review
reuses them and any change to an input computes them afresh. The cache is an optimisation only: a
missing, unreadable or corrupt entry is recomputed, and a cache folder that cannot be written is
skipped; the database is the same either way.

    REGISTRY_CACHE_DIR   the folder (default $XDG_CACHE_HOME/carbon-peak-registry, or ~/.cache/...)
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from registry.geo.divisions import GEODATA_DIR

_GEODATA_FILES = ("divisions.csv", "counties.geojson", "cities.csv")
_SOURCES = ("geo/plan_areas.py", "geo/geocode.py", "geo/gazetteer.py", "geo/divisions.py", "geo/provinces.py",
            "store/store.py", "store/geo_cache.py")
_PACKAGE = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    if os.environ.get("REGISTRY_CACHE_DIR"):
        return Path(os.environ["REGISTRY_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "carbon-peak-registry"


def cached_rows(kind: str, inputs, compute) -> list[dict]:
    """compute() (a list of JSON-able dicts), or the same rows kept from an earlier call with equal inputs."""
    path = cache_dir() / f"{kind}-{_key(kind, inputs)}.json"
    try:
        with open(path, encoding="utf-8") as handle:
            rows = json.load(handle)
        if isinstance(rows, list):
            return rows
    except (OSError, ValueError):
        pass
    rows = compute()
    _store(path, rows)
    return rows


def _key(kind: str, inputs) -> str:
    digest = hashlib.sha256(json.dumps([kind, inputs], ensure_ascii=False, sort_keys=True).encode("utf-8"))
    digest.update(_installed_digest())
    return digest.hexdigest()[:32]


@lru_cache(maxsize=1)
def _installed_digest() -> bytes:
    """The digest of what installs with the tool (the geodata, the drawing code, shapely and GEOS): ~7 MB read
    once per process, not once per kind of row."""
    import shapely

    digest = hashlib.sha256(f"{shapely.__version__}\0{shapely.geos_version_string}".encode("utf-8"))
    for name in _GEODATA_FILES:
        with open(GEODATA_DIR / name, "rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    for name in _SOURCES:
        digest.update((_PACKAGE / name).read_bytes())
    return digest.digest()


def _store(path: Path, rows: list[dict]) -> None:
    """Write the entry atomically (a temp file renamed over it); a folder that cannot be written is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(rows, handle, ensure_ascii=False)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
