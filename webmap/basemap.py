"""The offline basemap: China's boundaries and place names, served by the app from geodata/basemap/.

    /basemap/<band>/<cx>/<cy>.geojson   one grid cell of one zoom band, a GeoJSON FeatureCollection

The files are built by `python -m registry.geo.geodata build` (registry/geo/basemap.py). Each band is
decoded once, on its first request, into one prebuilt and gzipped GeoJSON body per cell; a
cell's URL carries the data's version, so browsers may keep it for a year. `static/basemap.js`
draws the cells of the current view. `REGISTRY_BASEMAP=off` leaves the map without it (for
comparison in benchmarks/basemap.py); online tiles (REGISTRY_TILES) are drawn above its land fill.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import json
import threading
from functools import lru_cache

from flask import Blueprint, Flask, Response, abort, current_app, request, url_for

from registry.geo.basemap import BANDS, FORMAT, cell_of, decode_ring
from registry.geo.divisions import GEODATA_DIR
from webmap.labels import heading

BASEMAP_DIR = GEODATA_DIR / "basemap"
SETTINGS = ("on", "off")
# Zooms at which each label level is shown (the bands decide which levels are sent at all).
LABEL_ZOOMS = {"province": (3, 7), "prefecture": (6, 18), "county": (8, 18), "town": (10, 18)}
CACHE_SECONDS = 365 * 24 * 3600  # the URL changes with the data's version

bp = Blueprint("basemap", __name__)
_lock = threading.Lock()


def init_app(app: Flask) -> None:
    """Check REGISTRY_BASEMAP (`on`, the default, or `off`) and register the routes."""
    setting = str(app.config.get("REGISTRY_BASEMAP") or "on")
    if setting not in SETTINGS:
        raise ValueError(f"REGISTRY_BASEMAP must be 'on' or 'off'; got {setting!r}")
    app.config["REGISTRY_BASEMAP"] = setting
    app.register_blueprint(bp)


@lru_cache(maxsize=1)
def version() -> str:
    """A digest of the shipped files: part of every cell URL, so a rebuilt basemap is never stale."""
    digest = hashlib.sha256()
    for path in sorted(BASEMAP_DIR.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def frame_config() -> dict | None:
    """What basemap.js needs, for the map page's JSON config; None when the basemap is off."""
    if current_app.config.get("REGISTRY_BASEMAP", "on") == "off":
        return None
    return {
        "url": url_for("basemap.cell", band="__BAND__", cx=0, cy=0).replace("/0/0.", "/__CX__/__CY__."),
        "version": version(),
        "bands": [{"name": band.name, "minZoom": band.min_zoom, "maxZoom": band.max_zoom, "cellDeg": band.cell_deg,
                   "bounds": band_header(band.name)["bounds"]} for band in BANDS],
        "labelZooms": LABEL_ZOOMS,
        "tilesFailed": heading("tiles_failed"),
    }


@lru_cache(maxsize=1)
def _labels() -> list[dict]:
    with open(BASEMAP_DIR / "labels.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=len(BANDS))
def band_header(name: str) -> dict:
    """The first line of a band's file: format, scale, cell size, label levels, bounds [W, S, E, N]."""
    with open(BASEMAP_DIR / f"{name}.json", encoding="utf-8") as handle:
        header = json.loads(handle.readline())
    if header.get("format") != FORMAT:
        raise ValueError(f"{handle.name}: not a {FORMAT} file")
    return header


_bands: dict[str, dict[str, tuple[bytes, bytes, str]]] = {}


def band_cells(name: str) -> dict[str, tuple[bytes, bytes, str]]:
    """{"cx/cy": (GeoJSON bytes, the same gzipped, ETag)} for one band, decoded on first use."""
    with _lock:
        if name not in _bands:
            _bands[name] = _decode_band(name)
        return _bands[name]


def _decode_band(name: str) -> dict[str, tuple[bytes, bytes, str]]:
    with open(BASEMAP_DIR / f"{name}.json", encoding="utf-8") as handle:
        handle.readline()
        header = band_header(name)
        scale, features = header["scale"], {}
        for line in handle:
            record = json.loads(line)
            if record["kind"] == "land":
                geometry = {"type": "MultiPolygon",
                            "coordinates": [[decode_ring(r, scale) for r in polygon] for polygon in record["parts"]]}
                properties = {"kind": "land"}
            else:
                geometry = {"type": "MultiLineString", "coordinates": [decode_ring(p, scale) for p in record["parts"]]}
                properties = {"kind": "boundary", "level": record["level"]}
            features.setdefault(record["cell"], []).append({"type": "Feature", "properties": properties, "geometry": geometry})
    for label in _labels():
        if label["level"] in header["labels"]:
            lon, lat = float(label["lon"]), float(label["lat"])
            cell = "%d/%d" % cell_of(lon, lat, header["cell_deg"])
            features.setdefault(cell, []).append({
                "type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"kind": "label", "level": label["level"], "name": label["name"], "rank": int(label["rank"])}})
    cells = {}
    for cell, cell_features in features.items():
        body = json.dumps({"type": "FeatureCollection", "features": cell_features},
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        cells[cell] = (body, gzip.compress(body, compresslevel=6, mtime=0), hashlib.sha256(body).hexdigest()[:16])
    return cells


EMPTY = json.dumps({"type": "FeatureCollection", "features": []}).encode()


@bp.get("/basemap/<band>/<int(signed=True):cx>/<int(signed=True):cy>.geojson")
def cell(band: str, cx: int, cy: int):
    """One cell of a band; a cell with no land is an empty collection (the client asks by view)."""
    if band not in {b.name for b in BANDS} or not (-400 <= cx <= 400 and -200 <= cy <= 200):
        abort(404)
    body, zipped, etag = band_cells(band).get(f"{cx}/{cy}", (EMPTY, None, "empty"))
    response = Response(content_type="application/geo+json")
    response.set_etag(etag)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}, immutable"
    response.vary.add("Accept-Encoding")
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    if zipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        response.set_data(zipped)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.set_data(body)
    return response
