"""How the intake commands print: a failure as one `error:` line (exit status 1), a row in a few words."""
from __future__ import annotations

import sys

import click

from registry.rows.schema import format_cell


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def describe(row: dict) -> str:
    """type, capacity or voltage, place, stage: "solar_pv, 50 MW, 麻城市福田河镇, construction"."""
    parts = [row.get("type") or "?"]
    if row.get("capacity_mw") not in (None, ""):
        parts.append(f"{format_cell(row['capacity_mw'])} MW")
    elif row.get("voltage_kv") not in (None, ""):
        parts.append(f"{format_cell(row['voltage_kv'])} kV")
    place = "".join(row.get(c) or "" for c in ("county", "town")) or row.get("city") or ""
    if place:
        parts.append(place)
    if row.get("stage"):
        parts.append(row["stage"])
    return ", ".join(parts)
