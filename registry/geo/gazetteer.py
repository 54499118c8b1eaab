"""The offline gazetteer: divisions, county polygons and named points, loaded from geodata/.

Everything here is read from the compact files `python -m registry.geo.geodata build` writes, so
loading never touches the large package data (GeoNames' JSON alone takes seconds to parse).
The files cover all of China; loading reads their lines and parses a county's polygon, places
and town boxes only when a row asks for that county, so a registry from two provinces never
pays for the other thirty.
Name lookups are scoped: a caller always says in which city or county it looks, because a
bare Chinese place name is ambiguous across the country (four 大新 in China; 天津市 vs 津市市).
"""
from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import prep

from registry.geo.divisions import GEODATA_DIR, Division, DivisionList, load_divisions, read_divisions_csv

# Characters OCR confuses in the plans' county names (郟 for 郧: 郟阳区, 郟西县).
OCR_FIXES = str.maketrans({"郟": "郧"})
# Old or informal names -> the official name now in force.
ALIASES = {
    "郧县": "郧阳区",  # renamed 2014
    "襄樊市": "襄阳市", "襄樊": "襄阳",  # city renamed 2010
    "襄阳区": "襄州区", "襄阳县": "襄州区",  # renamed 2010
}
_SUFFIXES = ("街道办事处", "街道", "自治县", "林区", "镇", "乡", "县", "区", "市")
# Stems too generic to find by scanning free text (they would match inside ordinary words).
GENERIC_STEMS = frozenset({"城关", "城区", "城东", "城西", "城南", "城北", "东城", "西城", "南城", "北城",
                           "新城", "中心", "环城", "开发区", "经济开发区", "高新区", "新区", "工业园"})


def normalize_name(text: str) -> str:
    """NFKC (full-width to half-width), no spaces, OCR fixes, old names replaced by current ones."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).translate(OCR_FIXES)
    for old, new in ALIASES.items():
        text = text.replace(old, new)
    return text


def name_stem(name: str) -> str:
    """大新镇 -> 大新, 津市市 -> 津市, 郧阳区 -> 郧阳; never shorter than two characters."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Place:
    """A GeoNames point (WGS-84) with its Chinese names and the county whose polygon holds it."""

    geonameid: int
    county_code: str
    lon: float
    lat: float
    population: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class Extent:
    """A sizhi township bounding box (WGS-84) and its centre, in the county holding the centre."""

    name: str
    county_code: str
    lon: float
    lat: float
    box: tuple[float, float, float, float]  # west, north, east, south


# A town's name in sizhi: the official one first, then its stem with each town-level suffix
# (the MCA's 坦渡镇 is sizhi's 坦渡乡: it was a 乡 when sizhi's data was drawn).
TOWN_SUFFIXES = ("镇", "乡", "街道")


@dataclass
class County:
    code: str
    name: str
    city_code: str
    point: tuple[float, float]  # pole of inaccessibility: deep inside the polygon
    source: object  # a shapely geometry, or its GeoJSON text (parsed on first use)
    _prepared: object = None

    @property
    def geometry(self):
        if isinstance(self.source, str):
            self.source = shape(json.loads(self.source))
        return self.source

    def covers(self, lon: float, lat: float) -> bool:
        if self._prepared is None:
            self._prepared = prep(self.geometry)
        return self._prepared.covers(Point(lon, lat))


class LinesByCounty(Mapping):
    """{county code: value} over a CSV file's lines grouped by county, each group parsed on first use.

    Loading only splits lines (a few ms for all of China); `parse` turns one county's CSV lines
    into its value when the geocoder first looks there.
    """

    def __init__(self, path: Path, column: int, parse: Callable[[list[list[str]]], object]):
        with open(path, encoding="utf-8", newline="") as handle:
            lines = handle.read().splitlines()[1:]
        self._lines: dict[str, list[str]] = {}
        for line in lines:
            fields = next(csv.reader([line])) if '"' in line else line.split(",", column + 1)
            self._lines.setdefault(fields[column], []).append(line)
        self._parse, self._parsed = parse, {}

    def __getitem__(self, code: str):
        if code not in self._parsed:
            self._parsed[code] = self._parse(list(csv.reader(self._lines[code])))
        return self._parsed[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


def _places(rows: list[list[str]]) -> list[Place]:
    return [Place(int(gid), county, float(lon), float(lat), int(pop), tuple(names.split("|")))
            for gid, county, lon, lat, pop, names in rows]


def _extents(rows: list[list[str]]) -> dict[str, Extent]:
    return {name: Extent(name, county, float(lon), float(lat), (float(w), float(n), float(e), float(s)))
            for name, county, lon, lat, w, n, e, s in rows}


class Gazetteer:
    def __init__(self, divisions: DivisionList, counties: dict[str, County],
                 city_points: dict[str, tuple[float, float]], places, extents=()):
        """`places` and `extents`: lists, or county-keyed mappings as `load` builds them."""
        self.divisions = divisions
        self.counties = counties
        self.city_points = city_points
        if isinstance(places, Mapping):
            self.places_by_county = places
        else:
            self.places_by_county = {}
            for place in places:
                self.places_by_county.setdefault(place.county_code, []).append(place)
        if isinstance(extents, Mapping):
            self.extents_by_county = extents
        else:
            self.extents_by_county = {}
            for extent in extents:
                self.extents_by_county.setdefault(extent.county_code, {})[extent.name] = extent
        self.provinces = {code[:2] for code in counties}
        self._candidates: dict[tuple[str, ...], tuple[list, list, list]] = {}
        self._memo: dict[tuple, object] = {}

    @classmethod
    def load(cls, geodata_dir: Path | None = None) -> "Gazetteer":
        directory = Path(geodata_dir) if geodata_dir else GEODATA_DIR
        # The shipped list is the one load_divisions() already holds for the build's provinces (20 MB as objects).
        divisions = load_divisions() if geodata_dir is None else DivisionList(read_divisions_csv(directory / "divisions.csv"))
        counties = {}
        with open(directory / "counties.geojson", encoding="utf-8") as handle:
            # One feature per line, properties before geometry (registry/geo/geodata.py writes it so):
            # the properties are parsed now, the polygon's text is kept for County.geometry.
            for line in handle:
                head, sep, geometry = line.rstrip().rstrip(",").partition(',"geometry":')
                if not sep:
                    continue  # the collection's first and last lines
                p = json.loads(head + "}")["properties"]
                counties[p["code"]] = County(p["code"], p["name"], p["city_code"], tuple(p["point"]), geometry[:-1])
        with open(directory / "cities.csv", newline="", encoding="utf-8") as handle:
            city_points = {r["code"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(handle)}
        places = LinesByCounty(directory / "places.csv", 1, _places)
        extents = LinesByCounty(directory / "town_extents.csv", 1, _extents)
        return cls(divisions, counties, city_points, places, extents)

    def memo(self, key: tuple, compute):
        """A value derived from this gazetteer's data (a seat), computed once."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # -- the hierarchy ---------------------------------------------------------------------
    def division(self, code: str) -> Division | None:
        return self.divisions.by_code.get(code)

    def counties_of(self, code: str) -> list[Division]:
        """County-level divisions of a city or a province, or the county itself for a county code."""
        division = self.division(code)
        if division is None:
            return []
        if division.level == 3:
            return [division]
        if division.level == 1:  # a province plan's map shows all its counties
            return sorted(self.divisions.descendants(code, 3), key=lambda d: d.code)
        return [d for d in self.divisions.children.get(code, ()) if d.level == 3]

    def towns_of(self, county_codes) -> list[Division]:
        return [d for c in county_codes for d in self.divisions.children.get(c, ()) if d.level == 4]

    def city_code_of(self, county: Division) -> str:
        """The prefecture of a county; a county directly under its province is its own city."""
        parent = self.divisions.parent(county)
        return parent.code if parent is not None and parent.level == 2 else county.code

    def city_point(self, code: str) -> tuple[float, float] | None:
        if code in self.city_points:
            return self.city_points[code]
        return self.counties[code].point if code in self.counties else None

    # -- names -----------------------------------------------------------------------------
    @staticmethod
    def match_name(text: str, candidates: list[Division]) -> Division | None:
        """The candidate a (normalised) name means: exact name, else the same stem, else unique
        containment of stems (天津市 contains 津市: within 常德市 that can only be 津市市)."""
        text = normalize_name(text)
        if not text:
            return None
        for test in (lambda d: d.name == text, lambda d: name_stem(d.name) == name_stem(text),
                     lambda d: len(name_stem(d.name)) >= 2 and name_stem(d.name) in text):
            found = [d for d in candidates if test(d)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                return None  # ambiguous within the scope: say so by finding nothing
        return None

    @staticmethod
    def scan(text: str, candidates, key=lambda d: d.name) -> list[tuple[int, int, object]]:
        """Every candidate whose stem occurs in free text, as (start, end, candidate)."""
        text = normalize_name(text)
        hits = []
        for candidate in candidates:
            for name in ([key(candidate)] if isinstance(key(candidate), str) else key(candidate)):
                stem = name_stem(name)
                if len(stem) < 2 or stem in GENERIC_STEMS:
                    continue
                full = text.find(name)
                start = full if full >= 0 else text.find(stem)
                if start >= 0:
                    hits.append((start, start + (len(name) if full >= 0 else len(stem)), candidate))
                    break
        return hits

    def town_place(self, town: Division) -> Place | None:
        """The GeoNames point of an MCA town: same stem, inside the town's county polygon."""
        county = self.counties.get(town.parent_code)
        stem = name_stem(town.name)
        # GeoNames sometimes prefixes the county to a common town name (竹山城关镇 for 竹山县's 城关镇).
        prefix = name_stem(county.name) if county else ""

        def variants(n):
            return (n, n[len(prefix):]) if prefix and n.startswith(prefix) and len(n) - len(prefix) >= 2 else (n,)

        found = [p for p in self.places_by_county.get(town.parent_code, ())
                 if any(v == town.name or name_stem(v) == stem for n in p.names for v in variants(n))]
        found = [p for p in found if county is not None and county.covers(p.lon, p.lat)]
        if not found:
            return None
        return max(found, key=lambda p: (town.name in p.names, p.population, -p.geonameid))

    def town_extent(self, town: Division) -> Extent | None:
        """sizhi's box of an MCA town: its official name, else stem + 镇/乡/街道, centre in its county."""
        extents = self.extents_by_county.get(town.parent_code, {})
        county = self.counties.get(town.parent_code)
        stem = name_stem(town.name)
        for name in dict.fromkeys((town.name, *(stem + suffix for suffix in TOWN_SUFFIXES))):
            extent = extents.get(name)
            if extent is not None and county is not None and county.covers(extent.lon, extent.lat):
                return extent
        return None

    def extents_named(self, county_code: str, name: str) -> list[Extent]:
        """sizhi boxes in a county named `name` (or with the same stem), centre inside the county."""
        county = self.counties.get(county_code)
        return [e for e in self.extents_by_county.get(county_code, {}).values()
                if (e.name == name or name_stem(e.name) == name_stem(name))
                and county is not None and county.covers(e.lon, e.lat)]

    def places_in(self, county_codes) -> list[Place]:
        return [p for c in county_codes for p in self.places_by_county.get(c, ())]

    def candidates(self, county_codes: tuple[str, ...]) -> tuple[list, list, list]:
        """Counties, towns and places of a scope, computed once per scope (lines ask often)."""
        if county_codes not in self._candidates:
            self._candidates[county_codes] = ([self.division(c) for c in county_codes],
                                              self.towns_of(county_codes), self.places_in(county_codes))
        return self._candidates[county_codes]
