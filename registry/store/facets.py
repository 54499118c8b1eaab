"""Count and total MW of a filtered set, overall and by type, province, city and county.

The total also says how many of the set the map can draw (`located`: they have a point) and how
many are listed but not drawn (`not_located`: registry/geo/geocode.py's `unlocated:` rows).

One function for the request path (`Registry.facets`) and the build, which stores the
unfiltered facets so the default page reads them instead of grouping the whole table.
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

FACET_COLUMNS = ("type", "province", "city", "county")


PLACE_COLUMNS = ("province", "city", "county")


def compute(conn, where: str, params: list, scan_once: bool = False) -> dict:
    """Facets of `SELECT … FROM projects WHERE where`.

    Two grouped queries give every facet: by type, and by place (province, city, county), each
    read off a covering index (`(type, capacity_mw)`, `(province, city, county, capacity_mw)`,
    or `(type, province, city, county, capacity_mw)` for a type filter) rather than one query per
    facet column; the place groups (a few thousand at national scale) are summed up here. With
    `scan_once` the matching rows themselves are read once and grouped in Python: a filter that
    can only be answered by scanning the table (a two-character search).
    """
    if scan_once:
        return _grouped_in_python(conn.execute(
            f"SELECT {', '.join(FACET_COLUMNS)}, capacity_mw, lon FROM projects WHERE {where}", params))
    by_type = conn.execute(f"SELECT type, count(*), total(capacity_mw), count(capacity_mw) FROM projects "
                           f"WHERE {where} GROUP BY type", params).fetchall()
    by_place = conn.execute(f"SELECT {', '.join(PLACE_COLUMNS)}, count(*), total(capacity_mw), count(capacity_mw) "
                            f"FROM projects WHERE {where} GROUP BY {', '.join(PLACE_COLUMNS)}", params).fetchall()
    # Few rows lack a location, and the (lon, lat) index finds them: no second pass over the matches.
    not_located = conn.execute(f"SELECT count(*) FROM projects WHERE ({where}) AND lon IS NULL", params).fetchone()[0]
    return _summed(by_type, by_place, not_located)


def _summed(by_type, by_place, not_located: int) -> dict:
    """Facets from (type, n, MW, known) and (province, city, county, n, MW, known) groups."""
    def facet(groups, i, width):
        sums: dict[str, list] = defaultdict(lambda: [0, 0.0, 0])
        for group in groups:
            entry = sums[group[i] or ""]
            for k in range(3):
                entry[k] += group[width + k]
        ordered = sorted(sums.items(), key=lambda item: (-item[1][0], item[0]))
        return [{"value": value, "count": n, "capacity_mw": round(total, 3), "capacity_known": known_n}
                for value, (n, total, known_n) in ordered]

    count, mw, known = (sum(g[k] for g in by_type) for k in (1, 2, 3))
    result = {"total": _total(count, mw, known, count - not_located), "type": facet(by_type, 0, 1)}
    for i, column in enumerate(PLACE_COLUMNS):
        result[column] = facet(by_place, i, len(PLACE_COLUMNS))
    return result


def _total(count: int, mw: float, known: int, located: int) -> dict:
    return {"count": count, "capacity_mw": round(mw, 3), "capacity_known": known, "located": located,
            "not_located": count - located}


def _grouped_in_python(rows) -> dict:
    """The facets of (type, province, city, county, capacity_mw, lon) rows, read once."""
    width = len(FACET_COLUMNS)
    by_type: dict[tuple, list] = defaultdict(lambda: [0, 0.0, 0])
    by_place: dict[tuple, list] = defaultdict(lambda: [0, 0.0, 0])
    not_located = 0
    for row in rows:
        capacity = row[width]
        for entry in (by_type[row[:1]], by_place[row[1:width]]):
            entry[0] += 1
            entry[1] += capacity or 0.0
            entry[2] += capacity is not None
        not_located += row[width + 1] is None
    return _summed([(*k, *v) for k, v in by_type.items()], [(*k, *v) for k, v in by_place.items()], not_located)


def store_unfiltered(conn) -> None:
    """Write the facets of the whole registry into `registry_facets` (one JSON row)."""
    facets = compute(conn, "1", [])
    conn.execute("CREATE TABLE registry_facets (key TEXT PRIMARY KEY, facets TEXT)")
    conn.execute("INSERT INTO registry_facets VALUES ('all', ?)", (json.dumps(facets, ensure_ascii=False),))


def read_unfiltered(conn) -> dict | None:
    try:
        row = conn.execute("SELECT facets FROM registry_facets WHERE key = 'all'").fetchone()
    except sqlite3.OperationalError:  # a registry built before the table existed
        return None
    return json.loads(row[0]) if row else None
