"""The `targets.csv` row contract: a plan's city-wide target, checked against the indicator vocabulary.

`registry build` loads targets through `load_targets`; a bad row stops the build with one line
naming file, line and column, as a bad project row does.
"""
from __future__ import annotations

from pathlib import Path

from registry.targets.indicators import FAMILY_UNITS, INDICATORS, UNIT_CONVERSIONS, normalise
from registry.rows.schema import TARGET_COLUMNS, RowError, _number, read_csv_table, source_span

REQUIRED_TARGET_COLUMNS = ("city", "indicator", "metric", "value", "unit", "source_doc", "source_start", "source_end")
# A normalised value may differ from value × factor by rounding in the CSV only.
_TOLERANCE = 1e-3


def validate_target(raw: dict[str, str], path: str, line: int, documents: dict[str, dict] | None = None) -> dict:
    """One targets.csv row as a typed record, or RowError naming line and column."""

    def err(column, message):
        return RowError(path, line, column, message)

    row = {c: (raw.get(c) or "").strip() for c in TARGET_COLUMNS}
    for column in ("city", "indicator", "metric", "value", "unit", "source_doc"):
        if not row[column]:
            raise err(column, "is empty")
    indicator = INDICATORS.get(row["indicator"])
    if indicator is None:
        raise err("indicator", f"unknown indicator {row['indicator'][:40]!r}; the vocabulary is in "
                               f"registry/targets/indicators.py (e.g. {', '.join(list(INDICATORS)[:4])}, …)")
    if row["unit"] not in UNIT_CONVERSIONS:
        raise err("unit", f"unknown unit {row['unit'][:20]!r}; expected one of {', '.join(UNIT_CONVERSIONS)}")
    record: dict = dict(row)
    record["value"] = _number(row["value"], "value", err, lo=0)
    record["year"] = _number(row["year"], "year", err, lo=1990, hi=2100, integer=True)
    record["source_start"], record["source_end"] = source_span(row, err)
    expected_value, expected_unit = normalise(record["value"], row["unit"])
    if expected_unit not in FAMILY_UNITS[indicator.unit_family]:
        raise err("unit", f"{row['unit']!r} is not a unit of {indicator.key} ({indicator.unit_family})")
    if row["unit_normalised"] and row["unit_normalised"] != expected_unit:
        raise err("unit_normalised", f"{row['unit_normalised'][:20]!r} should be {expected_unit!r} for {row['unit']!r}")
    record["unit_normalised"] = expected_unit
    given = _number(row["value_normalised"], "value_normalised", err, lo=0)
    if given is not None and abs(given - expected_value) > _TOLERANCE * max(1.0, abs(expected_value)):
        raise err("value_normalised", f"{given:g} should be {expected_value:g} ({record['value']:g} {row['unit']})")
    record["value_normalised"] = expected_value
    if documents is not None:
        doc = documents.get(row["source_doc"])
        if doc is None:
            raise err("source_doc", f"unknown document {row['source_doc'][:60]!r}; known: {', '.join(documents)}")
        if record["source_end"] > len(doc["text"]):
            raise err("source_end", f"{record['source_end']} is past the end of {row['source_doc']}")
    return record


def load_targets(csv_path: str | Path, documents: dict[str, dict] | None = None) -> list[dict]:
    """Validated target records of a targets.csv, or RowError for the first bad row."""
    table = read_csv_table(csv_path, columns_required=REQUIRED_TARGET_COLUMNS, columns_known=TARGET_COLUMNS)
    return [validate_target(raw, table.path, line, documents) for raw, line in zip(table.rows, table.lines)]
