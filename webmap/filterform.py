"""The filter form's place pickers: what each shows before any script runs.

A picker (province, city, county) is rendered as the values already chosen (checked boxes, which
a planner unticks to drop) and one text box of the same parameter name. With the script
(static/picker.js) the box becomes a type-ahead list fed by /api/places (registry/store/placesearch.py):
name or pinyin, grouped province → city → county, nothing listed in the page. Without it the form
still works as a plain form: a name typed in the box is submitted as `county=…`, and a value the
registry does not know (a typo, pinyin) is shown with the places it may mean, as links.
So the page carries no list of every county, however large the registry.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from registry.store import placesearch

LEVELS = placesearch.LEVELS


@dataclass
class Picker:
    level: str
    chosen: list[str] = field(default_factory=list)
    # value the registry does not know -> places it may mean
    unknown: dict[str, list[placesearch.Place]] = field(default_factory=dict)


def pickers(conn, form: dict) -> dict[str, Picker]:
    """One Picker per level, from the form's values (form['provinces'], ['cities'], ['counties'])."""
    chosen = {"province": form["provinces"], "city": form["cities"], "county": form["counties"]}
    result = {}
    for level in LEVELS:
        values = sorted(chosen[level], key=placesearch.sort_key)
        known = placesearch.known(conn, level, values) if values else set()
        result[level] = Picker(level, values, {v: placesearch.suggestions(conn, level, v)
                                               for v in values if v not in known})
    return result
