"""A plain line's WKT as GeoJSON text, without GEOS: the build's fast path for the registry's lines.

The registry's lines (transmission lines, pipelines) are written `LINESTRING (lon lat, lon lat, …)` or
`MULTILINESTRING ((…), (…))` with plain decimal numbers. For those, `line_geojson` writes the text that
`store._geometry_geojson` (shapely.wkt.loads, mapping, json.dumps) writes, byte for byte (tests/test_line_wkt.py):
each number read by Python's correctly rounded `float` as GEOS's reader reads it with `strtod`, and written by
`repr`, as json.dumps writes a float. At 100,000 synthetic projects (7 % lines) the shapely path was a tenth of the
rows' CPU; this one takes a sixth of its time.

Anything else (a third coordinate, an exponent, a number too long for a double, white space GEOS does not take,
a lone point, EMPTY, a polygon, a malformed text) returns None, and
the build goes through shapely, which also words any error.
"""
from __future__ import annotations

import re

# At most 300 digits before the point: a finite double (GEOS reads 400 as Infinity, which the build refuses).
_NUMBER = r"-?\d{1,300}(?:\.\d+)?"
_PAIR = rf"{_NUMBER}[ \t]+{_NUMBER}"
_S = r"[ \t\n\r]*"  # the white space GEOS takes anywhere in the text (not \v or \f, which Python's \s includes)
_LINE = rf"\({_S}{_PAIR}(?:{_S},{_S}{_PAIR})+{_S}\)"  # two points or more: GEOS refuses a line of one
_LINESTRING = re.compile(rf"{_S}LINESTRING{_S}({_LINE}){_S}", re.I | re.A).fullmatch
_MULTILINESTRING = re.compile(rf"{_S}MULTILINESTRING{_S}\({_S}({_LINE}(?:{_S},{_S}{_LINE})*){_S}\){_S}", re.I | re.A).fullmatch
_PAIRS = re.compile(rf"({_NUMBER})[ \t]+({_NUMBER})", re.A).findall
_LINES = re.compile(r"\([^()]*\)").findall


def _coordinates(line: str) -> str:
    return "[" + ",".join(f"[{float(x)!r},{float(y)!r}]" for x, y in _PAIRS(line)) + "]"


def line_geojson(wkt: str) -> str | None:
    """The GeoJSON geometry of a plain LINESTRING or MULTILINESTRING, as json.dumps(mapping(shape)) writes it
    (separators ",", ":"); None for any other text."""
    if match := _LINESTRING(wkt):
        return '{"type":"LineString","coordinates":' + _coordinates(match[1]) + "}"
    if match := _MULTILINESTRING(wkt):
        return '{"type":"MultiLineString","coordinates":[' + ",".join(map(_coordinates, _LINES(match[1]))) + "]}"
    return None
