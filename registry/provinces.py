"""Each project's province, derived at build: a database column (`projects.province`), not a CSV one.

The province is a fact the row already implies, so projects.csv does not repeat it (a reviewer
could then contradict it). Best evidence first:

1. the row's `division_code` (its first two digits are the province's: 4209 -> 湖北省); a province
   plan's row that names no city or county carries the province's own code (registry/geocode.py);
2. its `city` field, when that names a province (甘肃省, 宁夏: the row names nothing below it) or is
   the name of exactly one prefecture (or county-level city under a province) in China;
3. its `county` field, when exactly one county-level division in China has that name;
4. the province of its plan in plans/documents.csv.

A national plan's row that names no province gets "" (and is listed, filtered by the other fields).
The value is always an official name from the division list (湖北省, 宁夏回族自治区), or "".
"""
from __future__ import annotations

from registry.divisions import DivisionList, load_divisions


class ProvinceOf:
    """Callable: a validated project record -> its province's official name, or ""."""

    def __init__(self, documents: dict[str, dict], divisions: DivisionList | None = None):
        self.divisions = divisions or load_divisions()
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
