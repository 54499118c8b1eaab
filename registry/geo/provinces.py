"""Each project's province, derived at build: a database column (`projects.province`), not a CSV one.

The province is a fact the row already implies, so projects.csv does not repeat it (a reviewer
could then contradict it). Best evidence first:

1. the row's `division_code` (its first two digits are the province's: 4209 -> 湖北省); a province
   plan's row that names no city or county carries the province's own code (registry/geo/geocode.py);
2. its `city` field, when that names a province (甘肃省, 宁夏: the row names nothing below it) or is
   the name of exactly one prefecture (or county-level city under a province) in China;
3. its `county` field, when exactly one county-level division in China has that name;
4. the province of its plan in plans/documents.csv.

A national plan's row that names no province gets "" (and is listed, filtered by the other fields).
The value is always an official name from the division list (湖北省, 宁夏回族自治区), or "".
"""
from __future__ import annotations

from registry.geo.divisions import DivisionList, load_divisions


# A national plan's area: no code, or one commonly used for all of China (100000, GB/T 2260's 156 …),
# or an area called so.
NATIONAL_CODES = frozenset({"", "000000", "100000", "156"})
NATIONAL_NAMES = frozenset({"全国", "中国", "中华人民共和国"})
LEVELS = ("national", "province", "city", "county")
_DIVISION_LEVELS = {1: "province", 2: "city", 3: "county"}


def plan_level(city_code: str, name: str = "") -> str:
    """national, province, city or county, from a plan's area code (documents.csv `city_code`).

    The division list decides where it knows the code (a municipality such as 北京市 is a province;
    仙桃市, a county-level city directly under its province, is a county); a code it does not know
    (newer or older than the list) is read by its form: a province's ends in 0000, a prefecture's
    in 00. Anything else is the whole country.
    """
    code = (city_code or "").strip()
    if code in NATIONAL_CODES or (name or "").strip() in NATIONAL_NAMES:
        return "national"
    division = load_divisions().by_code.get(code)
    if division is not None and division.level in _DIVISION_LEVELS:
        return _DIVISION_LEVELS[division.level]
    if len(code) != 6 or not code.isdigit():
        return "national"
    return "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"


class ProvinceOf:
    """Callable: a validated project record -> its province's official name, or ""."""

    def __init__(self, documents: dict[str, dict], divisions: DivisionList | None = None):
        # Provinces, cities and counties decide a project's province, never a town: the list without them loads in
        # a fifth of the time, in every process of a build (registry/store/project_insert.py).
        self.divisions = divisions or load_divisions(max_level=3)
        self.plan_province = {doc_id: self._named(doc.get("province") or "") for doc_id, doc in documents.items()}
        self._memo: dict[tuple, str] = {}

    def _named(self, text: str) -> str:
        province = self.divisions.province_named(text)
        return province.name if province is not None else ""

    def _unique(self, name: str, levels: tuple[int, ...]) -> str:
        found = [d for d in self.divisions.by_name.get(name.strip(), ()) if d.level in levels]
        if len(found) != 1:
            return ""
        province = self.divisions.province_of(found[0].code)
        return province.name if province is not None else ""

    def __call__(self, record: dict) -> str:
        code = (record.get("division_code") or "")[:2]
        key = (code, record.get("city") or "", record.get("county") or "", record.get("source_doc") or "")
        if key not in self._memo:
            self._memo[key] = self._derive(*key)
        return self._memo[key]

    def _derive(self, code: str, city: str, county: str, source_doc: str) -> str:
        if code:
            province = self.divisions.province_of(code + "0000")
            if province is not None:
                return province.name
        return (self._named(city) or self._unique(city, (2, 3)) if city else "") or \
            (self._unique(county, (3,)) if county else "") or self.plan_province.get(source_doc, "")


def read_places(conn) -> list[tuple[str, str, str, int]]:
    """(province, city, county, projects) of every place the registry's rows name, from the table the build
    writes (`project_places`): the filter form lists provinces, then their cities and counties, from it."""
    import sqlite3

    try:
        return [tuple(r) for r in conn.execute("SELECT province, city, county, projects FROM project_places")]
    except sqlite3.OperationalError:  # a registry built before the table existed
        return [tuple(r) for r in conn.execute(
            "SELECT province, city, county, count(*) FROM projects GROUP BY province, city, county")]


def division_order(divisions: DivisionList | None = None):
    """A sort key for place names: the official order (by code: 北京市, 天津市, 河北省 …; 武汉市, 黄石市 …),
    names the list does not know after them, by name."""
    divisions = divisions or load_divisions()

    def key(name: str, within: str = "") -> tuple:
        """`within`: a name of the province (or city) the place lies in, when the name alone is ambiguous."""
        found = divisions.by_name.get(name, ())
        scope = divisions.by_name.get(within, ())
        prefix = scope[0].code.rstrip("0")[:4] if scope else ""
        codes = [d.code for d in found if d.code.startswith(prefix)] or [d.code for d in found]
        return (0, codes[0], name) if codes else (1, "", name)
    return key
