"""`registry compare`: one indicator and target year across every plan, as /targets shows it.

A thin wrapper of registry.store.target_compare.compare; registry/cli.py adds it to the `registry` group.

    registry compare --indicator non_fossil_share --year 2025            a table, highest first
    registry compare --indicator non_fossil_share --format csv           one row per plan
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from registry.rows.root import db_default, root_option

CSV_COLUMNS = ("doc_id", "title", "level", "area_code", "area_name", "province", "value", "unit", "value_plan",
               "unit_plan", "year", "metric", "source_start", "source_end", "section", "values_differ", "on_map")


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


@click.command("compare")
@click.option("--indicator", help="Indicator key (registry/targets/indicators.py); default: the one most plans set.")
@click.option("--year", help="Target year; default: the indicator's most common one.")
@click.option("--sort", type=click.Choice(["value", "plan", "level", "area"]), default="value", show_default=True)
@click.option("--order", type=click.Choice(["asc", "desc"]), default="desc", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True)
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=db_default,
              show_default="registry.db of the registry folder, or $REGISTRY_DB", help="SQLite registry database.")
@root_option
def compare_command(indicator, year, sort, order, fmt, db_path):
    """One indicator and target year across every plan: value, level, area, the plan's words, its span."""
    from registry.store.query import FilterError, Registry, RegistryError
    from registry.store.target_compare import CompareQuery, compare, describe

    params = {"indicator": [indicator] if indicator else [], "year": [year] if year else [],
              "sort": [sort], "order": [order]}
    try:
        query = CompareQuery.from_params(params)
        with Registry(db_path) as registry:
            result = compare(registry.conn, query)
    except FilterError as exc:
        fail(f"--{exc.parameter}: {exc.message}")
    except (FileNotFoundError, RegistryError) as exc:
        fail(str(exc))
    result["description"] = describe(result)
    if fmt == "json":
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        from registry.rows.schema import format_cell

        writer.writerows({k: format_cell(v) if isinstance(v, float) else v for k, v in plan.items()}
                         for plan in result["plans"])
        sys.stdout.write(buffer.getvalue())
    else:
        sys.stdout.write(as_text(result))


def as_text(result: dict) -> str:
    from registry.store.target_compare import LEVEL_LABELS

    def padded(text: str, width: int) -> str:  # a CJK character is two columns wide in a terminal
        return text + " " * max(0, width - sum(2 if ord(c) >= 0x2E80 else 1 for c in text))

    lines = [result["description"]]
    for plan in result["plans"]:
        value = f"{plan['value']:,.10g} {plan['unit']}"
        where = "  (not on the map)" if not plan["on_map"] else ""
        lines.append(f"  {padded(LEVEL_LABELS[plan['level']][0], 6)}{padded(plan['area_name'], 12)}{value:>10}  "
                     f"{plan['metric']}  {plan['doc_id']}#t-{plan['source_start']}-{plan['source_end']}{where}")
    if result["other_years"]:
        lines.append("set for another year: " + "; ".join(
            f"{p['doc_id']} ({', '.join(map(str, p['years'])) or 'no year'})" for p in result["other_years"]))
    if result["indicator"]:
        lines.append("set none: " + (", ".join(p["doc_id"] for p in result["without"]) or "—"))
    return "\n".join(lines) + "\n"
