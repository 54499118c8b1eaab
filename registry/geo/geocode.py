"""Offline geocoding of project rows: as precise as the text allows, and saying how precise.

Resolution is always scoped to the plan's own city (taken from `source_doc`, e.g.
jinshi_430781 -> 津市市 in 常德市), so a misprinted 天津市 can never send a Jinshi project to
Tianjin, and an ambiguous town name (there are many 大新镇) is only looked for among the towns
of the project's county. Points come from, best first: a place named like the site (GeoNames,
then a sizhi extent), the town's GeoNames point, the centre of the town's sizhi extent, the
county's seat, the city's seat (registry/geo/seats.py), and a polygon's representative point only
where no seat is known. Every point lies inside the county it is attributed to, and
`location_method` says which of these it is. Lines (LINE_TYPES) become LineStrings through the
places their name links (A至B, A－B－C); where they cannot be drawn, the method says why.

A row that names no place the plan's scope can fix (a province plan's "陇东能源基地", whose clause
names no city or county; a national plan's row naming nothing below 全国) gets no point at all:
empty lon, lat and precision, `location_method` = `unlocated:<why>` (names-no-city-or-county,
county-not-in-province(…), city-not-in-province(…), names-no-province-city-or-county,
city-not-in-gazetteer(…)), and the province's code as `division_code` where it lies in one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from registry.geo.gazetteer import Gazetteer, Place, name_stem, normalize_name
from registry.rows.schema import LINE_TYPES, PRECISIONS
from registry.geo.seats import city_seat, county_seat

_PLAN_CODE = re.compile(r"_(\d{6})$")
# Line names: 孝昌至安陆天然气管道工程, 500千伏卧龙－编钟－仙女山通道 (NFKC turns － into -).
_LINE_SPLIT = re.compile(r"至|到|-|—|–|~|～")
_VOLTAGE = re.compile(r"[±]?\d+(?:\.\d+)?\s*(?:千伏|kV|KV|kv|Kv)")
# Why a row with a named site sits at its town, county or city instead.
_SITE_MISSING = "site-not-in-geonames-or-sizhi"
# What follows a line's last place in its name (…临空天然气管道工程 -> 临空), for messages.
_LINE_TAIL = re.compile(r"(?:天然气|燃气|输气|输电|输变电|管道|管网|通道|线路|工程|项目).*$")
# The `city` of a national plan's row that names no province, city or county.
NATIONAL = "全国"
# How every row without a point begins its location_method: listed everywhere, drawn nowhere.
UNLOCATED = "unlocated:"

@dataclass(frozen=True)
class Located:
    lon: float
    lat: float
    precision: str  # one of PRECISIONS
    method: str
    code: str  # the most precise MCA code resolved
    county_code: str  # the county polygon the point lies in ("" for a city point)


_DEFAULT: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Gazetteer.load()
    return _DEFAULT


class RowGeocoder:
    """Resolves one row's place words inside its plan's city."""

    def __init__(self, gaz: Gazetteer, row: dict):
        self.gaz, self.row = gaz, row
        # The province the row lies in when its plan is a province's (or a national plan's row names
        # one), and why no city could be fixed when none is: for the `unlocated:` method.
        self.province, self.unlocated_reason = None, ""
        self.city_code, self.plan_county = self._scope()

    def _scope(self) -> tuple[str | None, str | None]:
        match = _PLAN_CODE.search(self.row.get("source_doc") or "")
        plan = self.gaz.division(match.group(1)) if match else None
        if plan is not None and plan.level == 3:
            return self.gaz.city_code_of(plan), plan.code
        if plan is not None and plan.level == 2:
            return plan.code, None
        city_text = self.row.get("city") or ""
        named_province = self.gaz.divisions.province_named(city_text)
        if plan is not None and plan.level == 1:
            # A province plan (anhui_340000): the row's city by name among that province's cities,
            # and its county-level cities under the province itself (仙桃市).
            self.province = plan
            if named_province is not None and named_province.code != plan.code:
                # Another province named in this one's plan: the plan's scope cannot place it.
                self.province, self.unlocated_reason = None, f"city-not-in-plan-province({city_text})"
                return None, None
        elif named_province is not None:
            self.province = named_province  # a national plan's row that names a province
        if self.province is not None and (named_province is not None or not city_text.strip()):
            # The row names its province, not a city (吉林省 is no 吉林市): a county it names, found among
            # the province's, fixes the city; otherwise it is listed, and not drawn at an invented point.
            return self._county_in_province()
        if self.province is not None:
            cities = [d for d in self.gaz.divisions.children.get(self.province.code, ()) if d.level in (2, 3)]
        else:
            # No plan code: among all prefecture-level cities (天津市 is a province-level city, found above).
            cities = [d for d in self.gaz.divisions.by_code.values() if d.level == 2 and d.code[:2] in self.gaz.provinces]
        city = self.gaz.match_name(city_text, cities)
        if city is None:
            self.unlocated_reason = (f"city-not-in-province({city_text})" if self.province is not None
                                     else f"city-not-in-gazetteer({city_text})" if city_text.strip() not in ("", NATIONAL)
                                     else "names-no-province-city-or-county")
            return None, None
        if city.level == 3:
            return city.code, city.code
        return city.code, None

    def _county_in_province(self) -> tuple[str | None, str | None]:
        county_text = self.row.get("county") or ""
        if county_text.strip():
            counties = self.gaz.divisions.descendants(self.province.code, 3)
            county = self.gaz.match_name(county_text, counties)
            if county is not None:
                return self.gaz.city_code_of(county), county.code
            self.unlocated_reason = f"county-not-in-province({county_text})"
            return None, None
        self.unlocated_reason = "names-no-city-or-county"
        return None, None

    # -- pieces ------------------------------------------------------------------------------
    def county(self):
        counties = self.gaz.counties_of(self.city_code)
        named = self.gaz.match_name(self.row.get("county") or "", counties)
        if named is not None:
            return named
        if self.plan_county:
            return self.gaz.division(self.plan_county)
        town = self.gaz.match_name(self.row.get("town") or "", self.gaz.towns_of(c.code for c in counties))
        if town is not None:
            return self.gaz.division(town.parent_code)
        hits = self.gaz.scan((self.row.get("site") or "") + " " + (self.row.get("name") or ""), counties)
        return min(hits, key=lambda h: h[0])[2] if hits else None

    def town(self, county):
        scope = [county.code] if county else [c.code for c in self.gaz.counties_of(self.city_code)]
        towns = self.gaz.towns_of(scope)
        for field in ("town", "site"):
            named = self.gaz.match_name(self.row.get(field) or "", towns)
            if named is not None:
                return named
        if county is None:
            return None
        # No town field: a town the name mentions (临湘白羊田…光伏 -> 白羊田镇), longest first. The county's own
        # name is no town's (瓜州县… names the county, not its seat 瓜州镇).
        text = normalize_name((self.row.get("site") or "") + " " + (self.row.get("name") or ""))
        hits = self.gaz.scan(text.replace(county.name, " " * len(county.name)), towns)
        return max(hits, key=lambda h: (h[1] - h[0], -h[0]))[2] if hits else None

    def site_point(self, county_codes: list[str], town_code: str | None) -> Located | None:
        """A place named like the site, in exactly one county of the scope: GeoNames, then sizhi."""
        site = normalize_name(self.row.get("site") or "")
        if len(site) < 2:
            return None
        found = {}
        for code in county_codes:
            county = self.gaz.counties.get(code)
            places = [p for p in self.gaz.places_by_county.get(code, ())
                      if any(n == site or name_stem(n) == name_stem(site) for n in p.names) and county.covers(p.lon, p.lat)]
            if places:
                best = max(places, key=lambda p: (p.population, -p.geonameid))
                found[code] = Located(best.lon, best.lat, "site", "site:geonames-in-county-polygon", town_code or code, code)
        if not found:
            for code in county_codes:
                towns = {t.name for t in self.gaz.towns_of([code])}  # a town's box is no site
                extents = [e for e in self.gaz.extents_named(code, site) if e.name not in towns]
                if extents:
                    best = min(extents, key=lambda e: e.name)
                    found[code] = Located(best.lon, best.lat, "site", "site:sizhi-extent-centre-in-county", town_code or code, code)
        return next(iter(found.values())) if len(found) == 1 else None

    # -- points -------------------------------------------------------------------------------
    def county_point(self, code: str, reason: str = "", resolved_code: str | None = None) -> Located:
        """The county's seat, or its polygon's representative point where no seat is known."""
        prefix = f"county:{reason};" if reason else "county:"
        seat = self.gaz.memo(("county-seat", code), lambda: county_seat(self.gaz, code))
        if seat is not None:
            return Located(seat.lon, seat.lat, "county", prefix + seat.method, resolved_code or code, code)
        lon, lat = self.gaz.counties[code].point
        return Located(lon, lat, "county", prefix + "polygon-representative-point(no-seat-known)", resolved_code or code, code)

    def city_point(self, reason: str = "") -> Located | None:
        if not self.city_code:
            return None
        prefix = f"city:{reason};" if reason else "city:"
        seat = self.gaz.memo(("city-seat", self.city_code), lambda: city_seat(self.gaz, self.city_code))
        if seat is not None:
            county = next((c for c in self.gaz.counties_of(self.city_code) if c.code in self.gaz.counties
                           and self.gaz.counties[c.code].covers(seat.lon, seat.lat)), None)
            return Located(seat.lon, seat.lat, "city", prefix + seat.method, self.city_code, county.code if county else "")
        point = self.gaz.city_point(self.city_code)
        if point is None:
            return None
        return Located(point[0], point[1], "city", prefix + "polygon-representative-point(no-seat-known)", self.city_code, "")

    def town_point(self, town, county_code: str, also: str = "") -> Located:
        place = self.gaz.town_place(town)
        if place is not None:
            return Located(place.lon, place.lat, "town", "town:geonames-in-county-polygon", town.code, county_code)
        extent = self.gaz.town_extent(town)
        if extent is not None:
            return Located(extent.lon, extent.lat, "town", "town:sizhi-extent-centre-in-county", town.code, county_code)
        return self.county_point(county_code, ";".join(filter(None, ("town-not-in-geonames-or-sizhi", also))), town.code)

    def point(self) -> Located | None:
        county = self.county()
        town = self.town(county)
        if town is not None and county is None:
            county = self.gaz.division(town.parent_code)
        if county is not None and county.code not in self.gaz.counties:
            county = None  # a county the polygons lack: only the city can be placed honestly
        site_name = normalize_name(self.row.get("site") or "")
        if county is None:
            city_counties = [c.code for c in self.gaz.counties_of(self.city_code) if c.code in self.gaz.counties]
            site = self.site_point(city_counties, None)
            if site is not None:
                return site
            return self.city_point("place-not-resolved" if (self.row.get("county") or self.row.get("town"))
                                   else _SITE_MISSING if len(site_name) >= 2 else "")
        site_missing = ""
        if len(site_name) >= 2 and (town is None or name_stem(site_name) != name_stem(town.name)):
            site = self.site_point([county.code], town.code if town else None)
            if site is not None:
                return site
            site_missing = _SITE_MISSING
        if town is not None:
            return self.town_point(town, county.code, also=site_missing)
        return self.county_point(county.code, site_missing)

    # -- lines --------------------------------------------------------------------------------
    def vertex(self, text: str, first: bool) -> Located | None:
        """Where one end or via point of a line name is: in the city first, then the province."""
        text = _VOLTAGE.sub("", text)
        pick = (lambda hits: max(hits, key=lambda h: (h[1], h[1] - h[0]))) if first else \
               (lambda hits: min(hits, key=lambda h: (h[0], h[0] - h[1])))
        city_counties = tuple(c.code for c in self.gaz.counties_of(self.city_code))
        province_counties = tuple(c for c in self.gaz.counties if c[:2] == self.city_code[:2])
        for scope in (city_counties, province_counties):
            counties, towns, places = self.gaz.candidates(scope)
            hits = self.gaz.scan(text, counties) + self.gaz.scan(text, towns) + \
                self.gaz.scan(text, places, key=lambda p: p.names)
            if not hits:
                continue
            found = pick(hits)[2]
            if isinstance(found, Place):
                return Located(found.lon, found.lat, "site", "site:geonames", str(found.county_code), found.county_code)
            if found.level == 3:
                return self.county_point(found.code)
            return self.town_point(found, found.parent_code)
        return None

    def line(self) -> tuple[list[Located], str]:
        """The line's vertices and a note; no vertices, and the note says why, if it cannot be drawn."""
        parts = [p for p in _LINE_SPLIT.split(normalize_name(self.row.get("name") or "")) if p]
        if len(parts) < 2:
            return [], "line-not-drawn(no-ends-named)"
        vertices = [self.vertex(part, first=(i == 0)) for i, part in enumerate(parts)]
        missing = [_LINE_TAIL.sub("", _VOLTAGE.sub("", part)) or part for part, v in zip(parts, vertices) if v is None]
        if vertices[0] is None or vertices[-1] is None:
            return [], f"line-not-drawn(end-not-located:{'/'.join(missing)})"
        distinct = []
        for v in vertices:
            if v is not None and (not distinct or (v.lon, v.lat) != (distinct[-1].lon, distinct[-1].lat)):
                distinct.append(v)
        if len(distinct) < 2:
            return [], "line-not-drawn(ends-at-one-point)"
        return distinct, f"via-not-located({'/'.join(missing)})" if missing else ""


def geocode_row(row: dict, gazetteer: Gazetteer | None = None) -> dict:
    gaz = gazetteer or default_gazetteer()
    coder = RowGeocoder(gaz, row)
    out = dict(row)
    located = coder.point() if coder.city_code else None
    geometry, method = "", None
    if row.get("type") in LINE_TYPES and coder.city_code:
        vertices, note = coder.line()
        if vertices:
            geometry = "LINESTRING (" + ", ".join(f"{v.lon:.6f} {v.lat:.6f}" for v in vertices) + ")"
            # The row's point is the first vertex in its own county (or city), when there is one.
            own = [v for v in vertices if located is not None and located.county_code and v.county_code == located.county_code] \
                or [v for v in vertices if v.county_code and gaz.counties[v.county_code].city_code == coder.city_code]
            if own and (located is None or PRECISIONS.index(own[0].precision) <= PRECISIONS.index(located.precision)):
                located = own[0]
            # precision describes the point; the method says how precise each vertex of the line is.
            kind = "line:endpoints" if len(vertices) == 2 else "line:endpoints+via"
            method = f"{kind}({'/'.join(v.precision for v in vertices)})" + (f";{note}" if note else "")
        elif located is not None:
            method = f"{located.method};{note}"
    if located is None:
        # Listed (plan page, list, exports), never drawn: no point is invented for it. The province,
        # where the row lies in one, is its division code: the most precise division it names.
        reason = coder.unlocated_reason or f"city-not-in-gazetteer({row.get('city') or ''})"
        out.update(lon="", lat="", precision="", location_method=UNLOCATED + reason,
                   division_code=coder.province.code if coder.province is not None and not coder.city_code else "",
                   geometry_wkt="")
        return out
    out.update(lon=round(located.lon, 6), lat=round(located.lat, 6), precision=located.precision,
               location_method=method or located.method, division_code=located.code, geometry_wkt=geometry)
    return out


def geocode_rows(rows: list[dict], gazetteer: Gazetteer | None = None) -> list[dict]:
    """New dicts with lon, lat, precision, location_method, division_code, geometry_wkt filled."""
    gaz = gazetteer or default_gazetteer()
    return [geocode_row(row, gaz) for row in rows]


def point_in_county(lon, lat, county_code: str, gazetteer: Gazetteer | None = None) -> bool:
    """Whether (lon, lat), WGS-84, lies in (or on the edge of) the county's polygon."""
    county = (gazetteer or default_gazetteer()).counties.get(str(county_code)[:6])
    return county is not None and county.covers(float(lon), float(lat))


def county_boundaries(city_codes: list[str], gazetteer: Gazetteer | None = None, tolerance: float = 0.002) -> dict:
    """County polygons of prefecture (all its counties) or county codes, simplified for a map."""
    import shapely
    from shapely.geometry import mapping

    gaz = gazetteer or default_gazetteer()
    features, seen = [], set()
    for code in city_codes:
        for division in gaz.counties_of(str(code)):
            county = gaz.counties.get(division.code)
            if county is None or county.code in seen:
                continue
            seen.add(county.code)
            simple = shapely.set_precision(shapely.simplify(county.geometry, tolerance, preserve_topology=True), 1e-5)
            features.append({"type": "Feature", "geometry": mapping(simple),
                             "properties": {"code": county.code, "name": county.name, "city_code": county.city_code}})
    return {"type": "FeatureCollection", "features": features}


__all__ = ["Gazetteer", "geocode_rows", "geocode_row", "point_in_county", "county_boundaries", "Located"]
