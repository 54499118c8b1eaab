"""The filter form's place lists: province first, then the cities and counties of what is chosen.

At national scale the registry names some 3,000 counties: one select of them all is slow to
render and useless to scroll. So the form lists every province, the cities of the chosen
provinces (all cities, grouped by province, when none is chosen), and the counties of the
chosen cities or provinces; with nothing chosen it lists every county only while there are few
(COUNTY_LIST_MAX). Narrowing happens on the server when the form is applied: no script.
Values already chosen always stay listed, so a filter is never silently dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from registry.provinces import division_order, read_places

# Above this many counties, the county select waits for a province or city to be chosen.
COUNTY_LIST_MAX = 300


@dataclass
class PlaceOptions:
    provinces: list[tuple[str, int]] = field(default_factory=list)  # (province, projects)
    cities: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)  # (province, [(city, projects)])
    counties: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)  # (city, [(county, projects)])
    counties_withheld: int = 0  # counties not listed until a province or city is chosen


def place_options(conn, provinces=(), cities=(), counties=()) -> PlaceOptions:
    places = read_places(conn)
    order = division_order()
    chosen_provinces, chosen_cities, chosen_counties = set(provinces), set(cities), set(counties)

    province_counts: dict[str, int] = {}
    city_counts: dict[tuple[str, str], int] = {}
    county_counts: dict[tuple[str, str], int] = {}
    for province, city, county, n in places:
        province_counts[province] = province_counts.get(province, 0) + n
        if not chosen_provinces or province in chosen_provinces or city in chosen_cities:
            city_counts[(province, city)] = city_counts.get((province, city), 0) + n
        if county and (chosen_cities and city in chosen_cities
                       or not chosen_cities and chosen_provinces and province in chosen_provinces
                       or county in chosen_counties):
            county_counts[(city, county)] = county_counts.get((city, county), 0) + n
    everywhere = {(city, county) for _, city, county, _ in places if county}
    withheld = 0
    if not chosen_provinces and not chosen_cities:
        if len(everywhere) <= COUNTY_LIST_MAX:
            county_counts = {}
            for _, city, county, n in places:
                if county:
                    county_counts[(city, county)] = county_counts.get((city, county), 0) + n
        else:
            withheld = len(everywhere - set(county_counts))
    for value in chosen_provinces - set(province_counts):
        province_counts[value] = 0  # chosen but in no row (a typo in a URL): shown, so it can be unselected
    for value in chosen_cities - {c for _, c in city_counts}:
        city_counts[("", value)] = 0
    for value in chosen_counties - {c for _, c in county_counts}:
        county_counts[("", value)] = 0

    options = PlaceOptions(counties_withheld=withheld)
    options.provinces = sorted(province_counts.items(), key=lambda item: (item[0] == "", order(item[0])))
    by_province: dict[str, list[tuple[str, int]]] = {}
    for (province, city), n in city_counts.items():
        by_province.setdefault(province, []).append((city, n))
    options.cities = [(province, sorted(items, key=lambda item: (item[0] != province, order(item[0], province))))
                      for province, items in sorted(by_province.items(), key=lambda item: (item[0] == "", order(item[0])))]
    by_city: dict[str, list[tuple[str, int]]] = {}
    for (city, county), n in county_counts.items():
        by_city.setdefault(city, []).append((county, n))
    options.counties = [(city, sorted(items, key=lambda item: order(item[0], city)))
                        for city, items in sorted(by_city.items(), key=lambda item: (item[0] == "", order(item[0])))]
    return options
