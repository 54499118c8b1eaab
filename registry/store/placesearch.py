"""Type-ahead search of the registry's places (province, city, county), by Chinese name or pinyin.

The filter form's pickers ask /api/places as the planner types, so the page never carries a
list of every county (3,000 at national scale). A place is found by any part of its name (襄),
or by the start of its pinyin, full or initials: `xiangyang` and `xy` both find 襄阳市. The
pinyin keys are computed once per name per process (pypinyin, cached) from the places the
build wrote (`project_places`). Polyphonic characters give every reading, so 长阳 is found by
`changyang` as well as by pypinyin's first guess.

Results come grouped as a planner reads them: by province in official order, then city, then
the names by pinyin (not by code point: 保康县 before 丹江口市 before 临湘市).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice, product

from registry.geo.provinces import division_order, read_places

LEVELS = ("province", "city", "county")
# Readings kept per name: a name of many polyphonic characters would otherwise multiply them.
MAX_READINGS = 16


@dataclass(frozen=True)
class Place:
    level: str
    name: str
    province: str
    city: str  # "" for a province
    projects: int


@lru_cache(maxsize=None)
def pinyin_keys(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(full readings, initials) of a name: ("xiangyangshi",), ("xys",); every reading of a polyphone."""
    # Imported here, on the first search: pypinyin's dictionaries take ~55 MB, which a server worker that
    # only draws the map and lists projects need not hold.
    from pypinyin import Style, lazy_pinyin, pinyin

    # The usual reading first (pypinyin reads a known phrase as a whole), then the other readings.
    usual = lazy_pinyin(name, errors=lambda s: list(s.lower()))
    syllables = pinyin(name, style=Style.NORMAL, heteronym=True, errors=lambda s: list(s.lower()))
    readings = [tuple(dict.fromkeys(s.lower() for s in options)) for options in syllables]
    full, initials = ["".join(usual)], ["".join(s[:1] for s in usual)]
    for combination in islice(product(*readings), MAX_READINGS):
        full.append("".join(combination))
        initials.append("".join(s[:1] for s in combination))
    return tuple(dict.fromkeys(full)), tuple(dict.fromkeys(initials))


def sort_key(name: str) -> str:
    """A name's place in a list read by pinyin (its first reading)."""
    return pinyin_keys(name)[0][0] if name else ""


def all_places(conn) -> list[Place]:
    """Every province, city and county the registry's rows name, with their numbers of projects."""
    counts: dict[tuple[str, str, str, str], int] = {}
    for province, city, county, n in read_places(conn):
        province, city, county = province or "", city or "", county or ""
        for key in (("province", province, province, ""), ("city", city, province, city),
                    ("county", county, province, city)):
            if key[1]:
                counts[key] = counts.get(key, 0) + n
    return [Place(level, name, province, city, n) for (level, name, province, city), n in counts.items()]


def matches(place: Place, query: str) -> int | None:
    """How well a place answers the typed text: 0 the name starts with it, 1 its usual pinyin does,
    2 its initials do, 3 another reading of a polyphone does (洋县 read xiangxian), 4 the name
    contains it; None if it does not."""
    if not query or place.name.startswith(query):
        return 0
    full, initials = pinyin_keys(place.name)
    folded = query.lower().replace(" ", "").replace("'", "")
    if folded.isascii():
        if full[0].startswith(folded):
            return 1
        if initials[0].startswith(folded):
            return 2
        if any(f.startswith(folded) for f in full[1:]) or any(i.startswith(folded) for i in initials[1:]):
            return 3
    return 4 if query in place.name else None


def search(conn, level: str, query: str = "", provinces=(), cities=(), limit: int = 50) -> tuple[list[Place], int]:
    """Places of `level` matching `query`, within the chosen provinces or cities; (first `limit`, how many in all).

    A county is looked for in the chosen cities if any, else in the chosen provinces; a city in the
    chosen provinces. Ordered by province (official order), city, then pinyin; names found only by a
    rarer reading of a polyphone, or only inside (…襄…), come after those that start with the text.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level[:20]!r}; expected one of {', '.join(LEVELS)}")
    query = query.strip()
    provinces, cities = set(provinces), set(cities)
    first, then = [], []
    for place in _ordered(conn)[level]:  # already in group order: one pass, no sort per keystroke
        if level == "county" and cities:
            if place.city not in cities:
                continue
        elif level != "province" and provinces and place.province not in provinces:
            continue
        rank = matches(place, query)
        if rank is not None:
            (first if rank < 3 else then).append(place)
    found = first + then
    return found[:limit], len(found)


def _ordered(conn) -> dict[str, list[Place]]:
    """Every place by level, in group order (province in official order, city, pinyin), cached per registry file
    (its path, size and modification time: a rebuilt registry is read again)."""
    path = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    try:
        stamp = os.stat(path)
        key = (path, stamp.st_size, stamp.st_mtime_ns)
    except OSError:  # an in-memory database: not cached
        return _order(all_places(conn))
    return _cached_order(key, conn)


_CACHE: dict[tuple, dict[str, list[Place]]] = {}


def _cached_order(key: tuple, conn) -> dict[str, list[Place]]:
    if key not in _CACHE:
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[key] = _order(all_places(conn))
    return _CACHE[key]


def _order(places: list[Place]) -> dict[str, list[Place]]:
    order = division_order()
    ordered = sorted(places, key=lambda p: (order(p.province), order(p.city, p.province) if p.city else (),
                                            sort_key(p.name)))
    return {level: [p for p in ordered if p.level == level] for level in LEVELS}


def suggestions(conn, level: str, value: str, limit: int = 5) -> list[Place]:
    """Places of `level` a value the registry does not know might mean (a typo, or pinyin typed with no script)."""
    places, _ = search(conn, level, value, limit=limit)
    return places


def known(conn, level: str, values) -> set[str]:
    """The values that name a place of `level` in the registry."""
    names = {p.name for p in _ordered(conn)[level]}
    return {v for v in values if v in names}
