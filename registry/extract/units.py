"""Capacities and voltages as the plans write them, converted to MW and kV.

亿千瓦 is 100,000 MW; 万千瓦 is 10 MW; MW, MWp and 兆瓦 are MW; 千瓦/kW are 0.001 MW; GW is 1000 MW.
千伏/kV is a voltage, never a capacity. 万千伏安 (transformer MVA) is not a generating
capacity either, so it is left out of capacity_mw.

Numbers come in Arabic digits (30万千瓦) or Chinese numerals (三十万千瓦, 一百二十万千瓦), read with
cn2an; a count of units before them multiplies ("两台六十万千瓦机组" and "2×66万千瓦" are 1200 and
1320 MW). A number followed by 级 names a class, not a capacity ("百万千瓦级基地", "千万千瓦级海上风电基地").
"""
from __future__ import annotations

import re

import cn2an

_CN_DIGITS = "零〇一二两三四五六七八九十百千点"
# The lookbehind starts a number only at the first character of a run and the possessive quantifiers
# never give digits back: a run of N digits costs O(N), not O(N²) (issue 15). A run of Chinese numerals
# is matched greedily from its first character and gives back at most the characters of a unit
# ("五千千瓦" is 五千 + 千瓦), so it stays linear too.
_START = rf"(?<![\d.{_CN_DIGITS}第])"  # 第二台 is an ordinal, not a count
_COUNT = r"(?:(?P<count>\d{1,3}|[一二两三四五六七八九十]{1,3})\s*(?:台|×|x|X|\*|＊)\s*)?"
_NUMBER = rf"(?P<number>\d++(?:\.\d++)?|[{_CN_DIGITS}]+)"
_UNIT = r"\s*+(?P<unit>亿千瓦(?!时)|万千瓦(?!时)|MWp|MW|兆瓦|GW|吉瓦|千瓦(?!时)|kWp|kW)(?!h|级)"
CAPACITY_RE = re.compile(_START + _COUNT + _NUMBER + _UNIT, re.I)
VOLTAGE_RE = re.compile(_START + _NUMBER + r"\s*+(?P<unit>千伏(?!安)|kV|KV|kv)")

MW_PER_UNIT = {
    "亿千瓦": 100_000.0,
    "万千瓦": 10.0,
    "mwp": 1.0,
    "mw": 1.0,
    "兆瓦": 1.0,
    "gw": 1000.0,
    "吉瓦": 1000.0,
    "千瓦": 0.001,
    "kwp": 0.001,
    "kw": 0.001,
}


def to_mw(number: float, unit: str) -> float:
    factor = MW_PER_UNIT.get(unit) or MW_PER_UNIT.get(unit.lower())
    if factor is None:
        raise ValueError(f"unknown capacity unit {unit!r}")
    return round(number * factor, 6)


def number_value(text: str) -> float | None:
    """30, 2.5, 三十, 一百二十, 两, 一点五 -> their value; None for what is no number (a lone 百)."""
    if text[:1].isdigit():
        return float(text)
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def find_capacity(text: str) -> tuple[float, str, tuple[int, int]] | None:
    """The first capacity in the text: (MW, the words as written, their span)."""
    for match in CAPACITY_RE.finditer(text):
        number = number_value(match.group("number"))
        count = number_value(match.group("count")) if match.group("count") else 1
        if number is None or count is None:
            continue
        return to_mw(number * count, match.group("unit")), match.group(0), match.span()
    return None


def find_voltage(text: str) -> tuple[float, tuple[int, int]] | None:
    """The highest voltage named in the text, in kV, and its span."""
    found = [(value, m.span()) for m in VOLTAGE_RE.finditer(text)
             for value in (number_value(m.group("number")),) if value is not None]
    if not found:
        return None
    return max(found, key=lambda item: item[0])
