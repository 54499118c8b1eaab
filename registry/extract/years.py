"""The years a plan's sentences name, found once per text and looked up by position (targets.py).

    years = YearIndex(text)
    years.before(position, floor)        -> the target year of a value at `position` in the sentence from `floor`
    years.last_named(floor, position, k) -> the last k years named in text[floor:position] ("十四五" = 2025)

A target's year is looked up for every value of a sentence: a regex over the sentence up to the
value each time made a sentence of N targets cost N² (issue 22). Here each pattern runs over the
text once and a lookup is a bisection.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

# "较2020年下降", "在2020年基础上": a baseline, not a target year
YEAR = re.compile(r"(?<![比较])(20\d\d)年(?!基础上|为基)")
FIVE_YEAR_PLAN_ENDS = {"十四五": 2025, "十五五": 2030}
# "十四五期间", "十五五”末": the year the five-year plan ends
_FIVE_YEAR_PERIOD = {words: re.compile(words + r"”?(?:末|期间|时期)") for words in FIVE_YEAR_PLAN_ENDS}
_YEARS_NAMED = re.compile(r"(?<![比较])20\d\d年(?!基础上|为基)|十四五|十五五")


class _Mentions:
    """Non-overlapping matches of one pattern, by start and end (both ascending), with their year."""

    def __init__(self, pattern: re.Pattern, text: str, year_of):
        found = list(pattern.finditer(text))
        self.starts = [m.start() for m in found]
        self.ends = [m.end() for m in found]
        self.years = [year_of(m) for m in found]

    def within(self, floor: int, position: int) -> range:
        """Indexes of the mentions wholly inside text[floor:position]."""
        return range(bisect_left(self.starts, floor), bisect_right(self.ends, position))


class YearIndex:
    def __init__(self, text: str):
        self._years = _Mentions(YEAR, text, lambda m: int(m.group(1)))
        self._periods = {words: _Mentions(pattern, text, lambda m, year=FIVE_YEAR_PLAN_ENDS[words]: year)
                         for words, pattern in _FIVE_YEAR_PERIOD.items()}
        self._named = _Mentions(_YEARS_NAMED, text, lambda m: FIVE_YEAR_PLAN_ENDS.get(m.group(0)) or int(m.group(0)[:4]))

    def before(self, position: int, floor: int) -> int | None:
        """The last year named in text[floor:position]; a five-year plan's period named there wins (十五五 over
        十四五), as a sentence that names one states its targets for its end."""
        for words in reversed(FIVE_YEAR_PLAN_ENDS):
            if self._periods[words].within(floor, position):
                return FIVE_YEAR_PLAN_ENDS[words]
        inside = self._years.within(floor, position)
        return self._years.years[inside[-1]] if inside else None

    def last_named(self, floor: int, position: int, count: int) -> list[int] | None:
        """The last `count` years named in text[floor:position] ("十四五、十五五期间分别…": 2025, 2030), None if
        fewer are named there."""
        inside = self._named.within(floor, position)
        return [self._named.years[i] for i in inside[-count:]] if count and len(inside) >= count else None
