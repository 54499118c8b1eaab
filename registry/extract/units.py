"""Capacities and voltages as the plans write them, converted to MW and kV.

亿千瓦 is 100,000 MW; 万千瓦 is 10 MW; MW, MWp and 兆瓦 are MW; 千瓦/kW are 0.001 MW; GW is 1000 MW.
千伏/kV is a voltage, never a capacity. 万千伏安 (transformer MVA) is not a generating
capacity either, so it is left out of capacity_mw.
"""
from __future__ import annotations

import re

# The lookbehind starts a number only at the first digit of a run and the possessive quantifiers
# never give digits back: a run of N digits costs O(N), not O(N²) (issue 15).
_NUMBER = r"(?<![\d.])(?P<number>\d++(?:\.\d++)?)"
CAPACITY_RE = re.compile(_NUMBER + r"\s*+(?P<unit>亿千瓦(?!时)|万千瓦(?!时)|MWp|MW|兆瓦|GW|吉瓦|千瓦(?!时)|kWp|kW)(?!h)", re.I)
VOLTAGE_RE = re.compile(_NUMBER + r"\s*+(?P<unit>千伏(?!安)|kV|KV|kv)")

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


def find_capacity(text: str) -> tuple[float, str, tuple[int, int]] | None:
    """The first capacity in the text: (MW, the words as written, their span)."""
    match = CAPACITY_RE.search(text)
    if not match:
        return None
    return to_mw(float(match.group("number")), match.group("unit")), match.group(0), match.span()


def find_voltage(text: str) -> tuple[float, tuple[int, int]] | None:
    """The highest voltage named in the text, in kV, and its span."""
    found = [(float(m.group("number")), m.span()) for m in VOLTAGE_RE.finditer(text)]
    if not found:
        return None
    return max(found, key=lambda item: item[0])
