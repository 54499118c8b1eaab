"""The build's fast path for lines (registry/store/line_wkt.py) writes what shapely's path writes, or steps aside."""
import csv

import pytest
from conftest import ROOT

from registry.rows.schema import RowError
from registry.store.line_wkt import line_geojson
from registry.store.store import _geometry_geojson


def shapely_geojson(wkt: str) -> str | None:
    try:
        return _geometry_geojson({"geometry_wkt": wkt, "lon": None}, "x.csv", 1)
    except RowError:
        return None


PLAIN = [
    "LINESTRING (113.46286 30.11567, 113.3038 29.75255)",
    "linestring(1 2,3 4)",
    "  LINESTRING  ( 1   2 ,  3 4 )  ",
    "LINESTRING (1\t2,\n3 4)",
    "LINESTRING (007 -0, -0.0 2.50)",
    "LINESTRING (0.1 0.2, 0.30000000000000004 1.0000000000000002)",
    "LINESTRING (113.46286123456789123 30.1, 1 2)",  # more digits than a double holds: rounded as strtod rounds
    "LINESTRING (1 2, 1 2)",
    "MULTILINESTRING ((1 2, 3 4), (5 6, 7 8, 9 10))",
    "multilinestring(( 1 2,3 4 ))",
]
NOT_PLAIN = [
    "LINESTRING (1 2)",  # one point: GEOS refuses it
    "LINESTRING EMPTY",
    "LINESTRING (1 2 3, 4 5 6)",
    "LINESTRING (1e5 2, 3 4)",
    "LINESTRING (+1 2, 3 4)",
    "LINESTRING (.5 2, 3 4)",
    "LINESTRING (1 2, 3 4))",
    "LINESTRING (1 2, 3 4",
    "LINESTRING (1 2,, 3 4)",
    "MULTILINESTRING ((1 2, 3 4), EMPTY)",
    "MULTILINESTRING ((1 2, 3 4) (5 6, 7 8))",
    "POINT (1 2)",
    "POLYGON ((0 0, 1 0, 1 1, 0 0))",
    "LINESTRING (１ 2, 3 4)",  # a full-width digit: Python's float reads it, GEOS does not
    "LINESTRING (1" + "0" * 400 + " 30, 113 31)",  # Infinity to GEOS and to float: the build refuses it
    "LINESTRING\v(113 30, 114 31)",  # \v and \f: white space to Python's \s, not to GEOS
    "LINESTRING (1 2\f,3 4)",
    "MULTILINESTRING (\f(1 2, 3 4))",
]


@pytest.mark.parametrize("wkt", PLAIN)
def test_a_plain_line_is_written_as_shapely_writes_it(wkt):
    assert line_geojson(wkt) is not None
    assert line_geojson(wkt) == shapely_geojson(wkt)


@pytest.mark.parametrize("wkt", NOT_PLAIN)
def test_anything_else_is_left_to_shapely(wkt):
    assert line_geojson(wkt) is None


@pytest.mark.parametrize("wkt", ["LINESTRING (1" + "0" * 400 + " 30, 113 31)", "LINESTRING (1e999 1, 2 3)",
                                 "LINESTRING (112 31, NaN 31.4)", "LINESTRING\v(113 30, 114 31)"])
def test_the_reference_path_refuses_what_the_fast_path_leaves_it_in_words_without_a_warning(wkt, recwarn):
    assert shapely_geojson(wkt) is None
    assert not recwarn.list


def test_every_line_of_the_shipped_registry_takes_the_fast_path_to_the_same_text():
    with open(ROOT / "projects.csv", encoding="utf-8-sig", newline="") as handle:
        lines = [row["geometry_wkt"] for row in csv.DictReader(handle) if row["geometry_wkt"]]
    assert lines
    assert [line_geojson(w) for w in lines] == [shapely_geojson(w) for w in lines]
