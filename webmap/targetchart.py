"""The bar chart of one indicator across plans, as geometry for a server-drawn SVG (templates/targets.html).

Horizontal bars, longest first, on one axis from zero in the indicator's normalised unit; each
bar labelled with its area and level in Chinese and its value, coloured by its map class, and
linked to its target's span. The SVG is 360 units wide, the width of a phone's screen, so that
its 12-unit labels are read at about 12 px there; on a desktop it is drawn a little larger.
Only numbers and strings for Jinja to escape leave this module.
"""
from __future__ import annotations

import math

WIDTH = 360
ROW = 24  # per bar
BAR = 15
LABEL_WIDTH = 104  # area name and level, right-aligned before the bars
VALUE_WIDTH = 62  # the value written after the longest bar
TOP = 8
AXIS = 34  # tick labels and the unit under the bars
NAME_CHARACTERS = 6  # longer area names are cut (the full one is in the bar's title)


def nice_ticks(highest: float, most: int = 5) -> list[float]:
    """0, step, 2·step … up to the first tick at or above `highest`, with step 1, 2, 2.5 or 5 × 10ⁿ."""
    if highest <= 0:
        return [0.0, 1.0]
    raw = highest / (most - 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    count = math.ceil(highest / step - 1e-9)
    return [round(i * step, 10) for i in range(count + 1)]


def format_value(value: float, unit: str | None) -> str:
    number = f"{value:,.10g}"
    return f"{number}%" if unit == "%" else f"{number} {unit}" if unit else number


def short_name(name: str) -> str:
    return name if len(name) <= NAME_CHARACTERS else name[:NAME_CHARACTERS - 1] + "…"


def bar_chart(plans: list[dict], unit: str | None, level_names: dict) -> dict | None:
    """Geometry of the chart: {width, height, bars, ticks, axis_y, unit}; None without plans.

    `plans` carry value, area_name, level, colour, title, metric, span_url; `level_names` maps a
    level to its one-character Chinese name (省, 市, 县).
    """
    if not plans:
        return None
    ordered = sorted(plans, key=lambda p: (-p["value"], p["area_code"] or "", p["doc_id"]))
    ticks = nice_ticks(max(p["value"] for p in ordered))
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    scale = plot / ticks[-1]
    bars = []
    for index, plan in enumerate(ordered):
        y = TOP + index * ROW
        width = plan["value"] * scale
        bars.append({"y": y, "text_y": y + BAR - 3, "width": round(max(width, 1.0), 1),
                     "value_x": round(LABEL_WIDTH + width + 4, 1), "name": short_name(plan["area_name"]),
                     "level": level_names.get(plan["level"], ""), "value_text": format_value(plan["value"], unit),
                     "colour": plan["colour"], "href": plan["span_url"], "doc_id": plan["doc_id"],
                     "title": f"{plan['title']}: {plan['metric']} {format_value(plan['value'], unit)}, {plan['year']}"})
    axis_y = TOP + len(ordered) * ROW
    return {"width": WIDTH, "height": axis_y + AXIS, "x0": LABEL_WIDTH, "plot": plot, "bar": BAR, "bars": bars,
            "axis_y": axis_y, "unit": unit,
            "ticks": [{"x": round(LABEL_WIDTH + t * scale, 1), "label": f"{t:,.10g}"} for t in ticks]}
