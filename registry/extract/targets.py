"""City-wide targets ("到 2025 年，光伏发电装机达到 320 万千瓦"): numbers a plan commits to that are not projects."""
from __future__ import annotations

import csv
import re
from bisect import bisect_left
from pathlib import Path

from registry.documents import section_at, split_sections
from registry.extract.text import CleanText, fix_heading
from registry.schema import TARGET_COLUMNS, format_cell

_UNITS = r"万千瓦|万千伏安|万立方米|亿立方米|万吨标准煤|万吨|万公顷|万亩|千米|公里|座|个|家|％|%"
_TARGET = re.compile(
    r"(?P<metric>[\u4e00-\u9fffA-Za-z0-9（）()、&]{2,36}?)"
    r"(?:达到|提高到|提高至|提升到|提升至|提升|增加到|超过|稳定在|保持在|降低至|降至|下降|不低于|达)"
    r"(?P<value>\d+(?:\.\d+)?)(?P<unit>" + _UNITS + r")"
)
_YEAR = re.compile(r"(?:到|至|力争到|“十四五”末|截至)?(20\d\d)年")
_RESPECTIVELY = re.compile(r"分别$")
_MEASURE = re.compile(r"(?:率|比重|占比|比例|量|数)$")
_METRIC_TAIL = re.compile(r"(?:分别|均|力争)+$")
_MORE_VALUES = re.compile(r"[和、](?P<value>\d+(?:\.\d+)?)(?:" + _UNITS + r")")
_FIVE_YEAR_PLAN_ENDS = {"十四五": 2025, "十五五": 2030}
_METRIC_NOISE = re.compile(r"^(?:年|底|前|末|，|全市|全县|我市|新增和更新|力争|确保|累计|基本)+")


def _year_before(text: str, position: int, floor: int) -> int | None:
    window = text[floor:position]
    years = [int(y) for y in _YEAR.findall(window)]
    for words, year in _FIVE_YEAR_PLAN_ENDS.items():
        if f"“{words}”末" in window or f"{words}”末" in window:
            years.append(year)
    return years[-1] if years else None


def find_targets(clean: CleanText, raw: str, *, city: str, county: str, doc_id: str, own_place: str) -> list[dict]:
    text = clean.text
    sections = split_sections(raw)
    targets = []
    sentence_breaks = [i for i, c in enumerate(text) if c in "。；\n"]  # bisected below: rfind per target was quadratic
    for match in _TARGET.finditer(text):
        metric = re.split(r"[，,。；]", match.group("metric"))[-1]
        metric = _METRIC_NOISE.sub("", re.sub(r"^.*?20\d\d年", "", metric))
        respectively = _RESPECTIVELY.search(metric) is not None
        metric = _METRIC_TAIL.sub("", metric)
        if len(metric) < 2:
            continue
        before = bisect_left(sentence_breaks, match.start())
        sentence_start = sentence_breaks[before - 1] + 1 if before else 0
        year = _year_before(text, match.start(), sentence_start)
        if year is None:
            continue  # a number without a target year is a description, not a target
        # "A、B分别达到 90%、75%" and "到 2025 年和 2030 年，…分别达到 21%和 25%": one target per value
        values, ends = [match.group("value")], [match.end()]
        if respectively:
            for more in _MORE_VALUES.finditer(text, match.end()):
                if more.start() != ends[-1]:
                    break
                values.append(more.group("value"))
                ends.append(more.end())
        metrics, years = [metric] * len(values), [year] * len(values)
        if len(values) > 1:
            parts = metric.split("、")
            if len(parts) == len(values) and all(_MEASURE.search(p) for p in parts):
                metrics = [parts[0]] + [_shared_subject(parts[0], p) + p for p in parts[1:]]
            window_years = [int(y) for y in re.findall(r"(20\d\d)年", text[sentence_start:match.start()])]
            if len(window_years) >= len(values):
                years = window_years[-len(values):]
        unit = match.group("unit").replace("％", "%")
        section_start = clean.raw_span(match.start("metric"), match.end())[0]
        section = section_at(sections, section_start)
        for metric_i, value, year_i, end_i in zip(metrics, values, years, ends):
            start, end = clean.raw_span(match.start("metric"), end_i)
            targets.append({
                "city": city, "county": county, "metric": metric_i, "value": float(value),
                "unit": unit, "year": year_i, "source_doc": doc_id,
                "source_section": fix_heading(section.heading, own_place) if section else "",
                "source_start": start, "source_end": end,
            })
    return targets


def _shared_subject(first: str, other: str) -> str:
    """The subject a later metric of "规模以上工业企业X率、Y率" shares with the first one ("规模以上工业企业")."""
    subject = re.match(r"^(.*?(?:企业|单位|行业|建筑|公路|城市|城区))", first)
    return subject.group(1) if subject and not other.startswith(subject.group(1)) and len(subject.group(1)) < len(first) - 2 else ""


def write_targets_csv(rows: list[dict], path: str | Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=TARGET_COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: format_cell(row.get(c)) for c in TARGET_COLUMNS})
