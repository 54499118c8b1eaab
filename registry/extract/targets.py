"""City-wide targets ("到 2025 年，光伏发电装机达到 320 万千瓦"): numbers a plan commits to that are not projects.

A target is a metric, a value with its unit and a year, in one sentence of the cleaned text.
The forms the plans use, each found here:
- with a verb: "光伏发电装机达到320万千瓦", "…不低于50%", "…小于2公里", "…突破300家";
- without one, when the metric ends in a measure word or is an installed capacity:
  "林地保有量9.42万公顷", "新能源新增装机容量368万千瓦", "新增光伏装机20万千瓦";
- a count after its noun: "新扩建110千伏及以上变电站55座"; an area before it: "建成2万亩优质油茶丰产林";
- one value per item: "A、B分别达到90%、75%" / "分别达A%和B%", and "A、B均达到50%";
- a later year for the same metric: "…替代率达到10%，2030年达到15%";
- "全部/全面…实施/执行/完成…" and "实现全覆盖" as 100 %.
The year is the last year named before the value in the sentence, never a baseline ("比2020年提升").
Each target gets the indicator the metric most likely means (registry.targets.indicator_words.classify) and
its value in normalised units, for review; targets.csv is the reviewed result.
"""
from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from pathlib import Path

from registry.rows.documents import section_at, split_sections
from registry.extract.text import CleanText, fix_heading
from registry.extract.years import YearIndex
from registry.extract.units import number_value as _value
from registry.targets.indicator_words import classify
from registry.targets.indicators import UNIT_CONVERSIONS, normalise
from registry.rows.schema import TARGET_COLUMNS, format_cell

# Longest first where one unit begins another (万千瓦时 before 万千瓦); 克标准煤/千瓦时 is written for 克标煤/千瓦时
# and 个百分点 for a share (both mapped in add()).
_UNITS = (r"亿千瓦时|万千瓦时|亿千瓦|万千瓦|万千伏安|万立方米|亿立方米|亿吨标准煤|万吨标准煤|亿吨|万吨|万公顷|公顷|万亩"
          r"|亿平方米|万平方米|平方米|立方米|克标准煤/千瓦时|克标煤/千瓦时|克/千瓦时|千米|公里|亿元|万辆|辆|万台|台|万个|万户|户|座|个百分点"
          r"|个|家|名|处|条|％|%")
_VERBS = (r"(?:力争)?(?:进一步)?(?:持续)?(?:提高到|提高至|提升到|提升至|增加到|降低至|降低到|减少至|减少到|稳定在|保持在|"
          r"不低于|不少于|少于|小于|大于|低于|超过|突破|均达到|达到|降至|下降到|下降至|提升|提高|增加|下降|降低|"
          r"年均增长约|年均增长率达到|"
          r"年均增长|约为|约|为|达)")
# A value in digits or in Chinese numerals ("三十万千瓦", read by units.number_value).
# A number is matched only from the first character of its run and never gives characters back, so a
# long run of digits or Chinese numerals costs its length once (issue 15).
# (The cheap test for a digit or numeral comes first: the lookbehind runs only where one starts.)
_NUMBER = r"(?=[\d一二两三四五六七八九十百千点])(?<![一二两三四五六七八九十百千点\d.])(?:\d++(?:\.\d++)?|[一二两三四五六七八九十百千点]++)"
# "13.5 ％", "2－3个", "3%-5%" (a range: its lower end is the commitment)
_VALUE = (r"(?P<value>" + _NUMBER + r")(?:\s*[－-]\s*\d+)?[ \u3000]?(?P<unit>" + _UNITS + r")"
          r"(?:(?<=[%％])\s*[－\-~～至]\s*\d+(?:\.\d+)?\s*[%％])?")
_METRIC_CHARS = r"[\u4e00-\u9fffA-Za-z0-9（）()、&“”]"
# A metric starts with a word, not a digit: inside a run of digits no start is tried 48 times.
_TARGET = re.compile(r"(?P<metric>(?!\d)" + _METRIC_CHARS + r"{2,48}?)(?P<verb>" + _VERBS + r")?" + _VALUE)
# A metric may stand without a verb when it ends in a measure word or names an installed capacity.
# unit family -> metric endings that may stand without a verb before a value in that unit
_BARE_METRIC = {
    "share": re.compile(r"(?:率|比重|占比|比例)$|占.+面积$"),
    "capacity": re.compile(r"(?:装机|装机容量|容量|装机规模)$"),
    "stock": re.compile(r"(?:保有量|蓄积量|造林|抚育)$"),
    "count": re.compile(r"(?:站|工厂|企业|平台|园区|示范|人才)$"),
    "length": re.compile(r"(?:线路|管道|管网)$"),
}
_UNIT_FAMILY = {"%": "share", "％": "share", "万千瓦": "capacity", "亿千瓦": "capacity", "万千伏安": "capacity", "万亩": "stock", "亩": "stock",
                "万公顷": "stock", "万立方米": "stock", "座": "count", "个": "count", "家": "count", "名": "count",
                "千米": "length", "公里": "length"}
# "城镇新建建筑100%执行绿色建筑标准": the metric goes on after the value.
_SHARE_THEN_VERB = re.compile(r"(?:执行|实行)(?P<rest>[\u4e00-\u9fff]{2,12})")
_SHARE_OF = re.compile(r"(?P<verb>达到|不低于|不少于|超过|达|占)(?P<of>[\u4e00-\u9fff]{2,10}?)的?$")
# "建成2万亩优质油茶丰产林": the metric is the noun after the value.
_VERB_ONLY = re.compile(r"^(?:.*[，,])?(?:建成|新建|完成|实施|营造)$")
_NOUN_AFTER = re.compile(_METRIC_CHARS.replace("、", "") + r"{2,20}")
_ALL = re.compile(r"(?P<metric>" + _METRIC_CHARS + r"{2,30}?)(?:全部|全面)(?P<rest>(?:实现|完成|实施|执行|实行|采用|购置|使用|达到)"
                  + _METRIC_CHARS.replace("、", "") + r"{1,14})")
# "…实现全覆盖", "实现高速公路服务区快充站全覆盖", "化肥农药减量增效全覆盖"
_FULL_COVERAGE = re.compile(r"(?P<metric>" + _METRIC_CHARS + r"{2,30}?)(?:实现)?全覆盖")
# "…替代率达到10%，2030年达到15%" (a later year) and "…超过5000万千瓦、力争达到5500万千瓦" (a stretch goal, the same year)
_CONTINUATION = re.compile(r"(?:以上|以下|左右)?[，,、]\s*(?:(?:到|至)?(?P<year>20\d\d)年(?:底)?[，,]?|(?=力争))(?P<verb>"
                           + _VERBS + r")" + _VALUE)
_RESPECTIVELY = re.compile(r"分别(?:比20\d\d年)?$")
_EACH = re.compile(r"均$")
_MEASURE = re.compile(r"(?:率|比重|占比|比例|量|数)$")
# An item that is a whole rate of its own (a subject of two characters or more before the rate's word).
_WHOLE_RATE = re.compile(r"^[\u4e00-\u9fff]{2,}(?:率|比重|占比|比例)$")
_BASELINE_TAIL = re.compile(r"(?:分别)?(?:比|较)20\d\d年(?:分别)?(?:下降|降低|提升|提高|增加)?$")
# Where the words all items of "A、B…强度" share begin in the last item ("船舶换算周转量碳排放强度").
_SHARED_MEASURE = re.compile(r"换算周转量|单位|碳排放|能耗|综合利用率|利用率|占比|比例|覆盖率|装机")
_PER_UNIT_SUBJECT = re.compile(r"^.*?(?:生产总值|增加值)")
_METRIC_TAIL = re.compile(r"(?:分别|均|力争|进一步|持续|原则上|基本)+$")
# "电化学储能装机2025年达到600万千瓦": a year at the end of the metric is the target's, not part of its words.
_YEAR_AT_END = re.compile(r"(?<!比)(?<!较)(20\d\d)年(?:底|前|末)?$")
# "完成林草生态建设10800万亩", "新增绿色建筑5亿平方米": a metric that opens with what the plan will do needs no verb.
_ACHIEVE_START = re.compile(r"^(?:全[省区市])?(?:完成|建成|新增|创建|培育|做强|累计建成|建设)")
# Reductions written with another verb are reductions all the same.
_REDUCTION_VERBS = ("下降", "降低")
# A share with no year, as the plans state a rule for every new channel: "原则上不低于50%".
_STANDING_RULE = ("不低于", "不少于", "不高于", "不超过")
_MORE_VALUES = re.compile(r"(?:以上|左右)?[和、](?P<value>" + _NUMBER + r")(?:" + _UNITS + r")")
_METRIC_NOISE = re.compile(r"^(?:年|底|前|末|，|全市|全县|我市|新增和更新|力争|确保|累计|基本|实现|“十四五”期间|期间"
                           r"|(?:十[四五]五、?)+(?:期间|时期|末)?)+")
# A metric that is only a measure word takes its subject from the clause before: "非化石能源消费比例逐步提升，比重达到20%".
_SUBJECTLESS = {"比重", "占比", "比例"}
_SUBJECT_OF_SHARE = re.compile(r"([\u4e00-\u9fff]{2,12}?)(?:比例|比重|占比)")
# The subject a later metric of one sentence shares: "新能源新增装机容量368万千瓦，总装机容量超过500万千瓦".
_SUBJECT_END = re.compile(r"新增|总|综合|装机|利用|处理")
_REDUCTION_VERB = "下降"
_INHERITS_SUBJECT = ("总", "无害化")
_OPENING_YEAR = re.compile(r"(?:到|至)20\d\d年|十[四五]五”?(?:末|期间|时期)")
_YEAR_REACH = 4
# "…年利用量达到9000万吨；到2030年提高到1.1亿吨": a clause with only a year goes on with the metric before it
_ONLY_A_YEAR = re.compile(r"(?:^|[，,；。])(?:到|至)?20\d\d年(?:底|前|末)?(?:力争)?$")
_MAX_YEAR_CLAUSE_GAP = 40
# "具备5%以上的尖峰负荷响应能力", "完成3000万千瓦左右的煤电机组灵活性改造", "建设200个低碳示范美丽乡村":
# the value comes before the noun it counts.
_VALUE_FIRST = re.compile(r"(?P<lead>具备|形成|完成|建成|建设|培育|创建)(?P<pre>[^，,。；：\d]{0,14}?)" + _VALUE
                          + r"(?:以上|左右)?(?P<of>的)?(?P<metric>[\u4e00-\u9fff][\u4e00-\u9fff\d（）()]{1,19}?)(?=[，,。；、]|$)")
# "新建城镇居住建筑全面执行75%以上节能设计标准": the share a standard sets, after 全面执行
_ALL_AT = re.compile(r"(?:执行|实行)(?P<value>\d+(?:\.\d+)?)(?:%|％)(?:以上)?(?P<noun>[\u4e00-\u9fff]{2,14})")


def _opening_year(text: str, sentence_start: int, sentences: "_Sentences") -> int | None:
    """The year a paragraph's opening sentence sets for the sentences after it ("到2025年，…。…；森林覆盖率达到8%"):
    the sentences before are walked back, at most _YEAR_REACH of them, never past a line break."""
    at = sentence_start
    for _ in range(_YEAR_REACH):
        if at <= 1 or text[at - 1] == "\n":
            return None
        previous = sentences.start(at - 1)
        if _OPENING_YEAR.match(text, previous):
            return sentences.years.before(at, previous)
        at = previous
    return None


class _Sentences:
    """Where the sentence holding a position starts, by bisection over the text's breaks
    (an rfind per target was quadratic on a long text without 。；), and the years the text names
    (a regex over the sentence per target was quadratic in a sentence of many targets)."""

    def __init__(self, text: str):
        self.breaks = [i for i, c in enumerate(text) if c in "。；\n"]
        self.commas = [i for i, c in enumerate(text) if c in "，,"]
        self.years = YearIndex(text)

    def start(self, position: int) -> int:
        before = bisect_left(self.breaks, position)
        return self.breaks[before - 1] + 1 if before else 0

    def clause_start(self, position: int) -> int:
        """Just after the last comma before `position` (0 if none)."""
        before = bisect_left(self.commas, position)
        return self.commas[before - 1] + 1 if before else 0


class _Covered:
    """The text the targets found so far cover, as sorted disjoint intervals: whether a match overlaps
    any of them is one bisection (testing every target taken per match was quadratic in a text of many
    "…全覆盖" targets)."""

    def __init__(self):
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, start: int, end: int) -> None:
        first = bisect_left(self.ends, start)  # the intervals this one touches or overlaps are first..last-1
        last = bisect_right(self.starts, end)
        if first < last:
            start, end = min(start, self.starts[first]), max(end, self.ends[last - 1])
        self.starts[first:last] = [start]
        self.ends[first:last] = [end]

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self.starts, end)  # the last interval starting before `end` is the only candidate
        return before > 0 and self.ends[before - 1] > start


def _clean_metric(raw_metric: str) -> str:
    metric = re.split(r"[，,。；]", raw_metric)[-1]
    at_end = _YEAR_AT_END.search(metric)
    if at_end and at_end.start() >= 2:
        metric = metric[:at_end.start()]
    return _METRIC_NOISE.sub("", re.sub(r"^.*?(?<!比)(?<!较)20\d\d年", "", metric)).lstrip("、")


def find_targets(clean: CleanText, raw: str, *, city: str, county: str, doc_id: str, own_place: str) -> list[dict]:
    text = clean.text
    sections = split_sections(raw)
    found: list[dict] = []
    taken: list[tuple[int, int]] = []
    covered = _Covered()

    def add(metric: str, value: float | None, unit: str, year: int | None, start: int, end: int) -> None:
        if value is None:
            return  # "百万千瓦": no number
        unit = {"％": "%", "个百分点": "%", "克标准煤/千瓦时": "克标煤/千瓦时", "克/千瓦时": "克标煤/千瓦时"}.get(unit, unit)
        if unit == "立方米" and metric.startswith("亩均"):
            unit = "立方米/亩"
        raw_start, raw_end = clean.raw_span(start, end)
        section = section_at(sections, raw_start)
        normalised = normalise(value, unit) if unit in UNIT_CONVERSIONS else (None, "")
        found.append({
            "city": city, "county": county, "indicator": classify(metric, unit), "metric": metric,
            "value": value, "unit": unit, "value_normalised": normalised[0], "unit_normalised": normalised[1],
            "year": year, "source_doc": doc_id,
            "source_section": fix_heading(section.heading, own_place) if section else "",
            "source_start": raw_start, "source_end": raw_end,
        })
        taken.append((start, end))
        covered.add(start, end)

    last = {"sentence": None, "metric": "", "end": -1}
    sentences = _Sentences(text)
    for match in _TARGET.finditer(text):
        if not any(s <= match.start("value") < e for s, e in taken[-3:]):  # a continuation already taken
            _numeric_target(text, match, add, last, sentences)
    spans = sorted(taken)
    starts = [s for s, _ in spans]
    for match in _VALUE_FIRST.finditer(text):
        at = bisect_left(starts, match.end("unit"))  # the targets that start before this value ends
        if not (at and max(e for _, e in spans[max(0, at - 3):at]) > match.start("value")):
            _value_first_target(text, match, add, sentences)
    for pattern in (_ALL, _FULL_COVERAGE):
        for match in pattern.finditer(text):
            if covered.overlaps(match.start(), match.end()):
                continue
            metric = _clean_metric(match.group("metric"))
            share = _ALL_AT.match(text, match.start("rest")) if match.groupdict().get("rest") else None
            rest = match.groupdict().get("rest") or "覆盖"
            rest = re.sub(r"^(?:实现|完成|实施|执行|实行|采用|购置|使用|达到)", "", rest)
            sentence_start = sentences.start(match.start())
            year = sentences.years.before(match.start("metric") + len(match.group("metric")), sentence_start)
            if len(metric) < 2 or year is None or metric.endswith("基本"):
                continue  # "基本实现全覆盖" hedges: not a commitment to 100 %
            start = match.start("metric") + match.group("metric").rfind(metric) if metric in match.group("metric") else match.start()
            if share:  # "全面执行75%以上节能设计标准": the standard's share, not 100 %
                add(metric + "执行" + share.group("noun"), float(share.group("value")), "%", year, start, share.end())
                continue
            add(metric + rest, 100.0, "%", year, start, match.end())
    found.sort(key=lambda t: (t["source_start"], t["source_end"]))
    return found


def _numeric_target(text: str, match: re.Match, add, last: dict, sentences: _Sentences) -> None:
    raw_metric = match.group("metric")
    metric = _clean_metric(raw_metric)
    verb = match.group("verb") or ""
    unit = match.group("unit")
    respectively = _RESPECTIVELY.search(metric) is not None or metric.startswith("分别")
    metric = metric[2:] if metric.startswith("分别") else metric  # "分别新增水电装机容量A、B"
    each = _EACH.search(metric) is not None or verb.startswith("均")
    metric = _METRIC_TAIL.sub("", metric)
    metric_start = match.start("metric") + max(0, raw_metric.rfind(metric)) if metric else match.start("metric")
    if not verb:
        if _VERB_ONLY.match(raw_metric) and unit in ("万亩", "亩", "万公顷"):
            noun = _NOUN_AFTER.match(text, match.end())
            if noun is None:
                return
            metric, metric_start, end = noun.group(0), match.start("value"), noun.end()
            year = sentences.years.before(match.start("value"), sentences.start(match.start()))
            if year is not None:
                add(metric, _value(match.group("value")), unit, year, metric_start, end)
            return
        family = _UNIT_FAMILY.get(unit)
        after = _SHARE_THEN_VERB.match(text, match.end()) if family == "share" else None
        share_of = _SHARE_OF.search(metric) if family == "share" else None
        if after is not None:
            metric += after.group("rest")
        elif share_of is not None and share_of.start() >= 2:
            # "削峰能力达到最高用电负荷3%", "储能设施容量不低于新能源装机规模的10%": a share of what the verb names
            verb = share_of.group("verb")
            metric = metric[:share_of.start()] + f"（占{share_of.group('of')}）"
        elif _ACHIEVE_START.match(metric) and len(_ACHIEVE_START.sub("", metric)) >= 2:
            pass  # "完成沙化土地综合治理面积2650万亩"
        elif family is None or not _BARE_METRIC[family].search(metric):
            return
    sentence_start = sentences.start(match.start())
    if len(metric) < 2 and _ONLY_A_YEAR.search(raw_metric) and last["metric"] \
            and 0 <= match.start() - last["end"] <= _MAX_YEAR_CLAUSE_GAP:
        metric, metric_start = last["metric"], match.start("metric") + raw_metric.rfind("20")
    if len(metric) < 2:
        return
    if metric in _SUBJECTLESS:
        # the clause before this one names it: "…比例逐步提升，比重达到20%" (only that clause is read: the
        # sentence up to every target of a long sentence was quadratic)
        clause_end = match.start("metric") - 1
        subject = _SUBJECT_OF_SHARE.search(text, max(sentences.clause_start(clause_end), sentence_start), clause_end) \
            if clause_end >= sentence_start and text[clause_end] in "，," else None
        if subject:
            metric = subject.group(1) + metric
    year = sentences.years.before(match.start("value"), sentence_start)
    if year is None:
        # "到2025年，…得到控制。能耗强度下降14.5%": a sentence opening with its year sets it for the next ones
        year = _opening_year(text, sentence_start, sentences)
    if year is None and not (verb.endswith(_STANDING_RULE) and unit in ("%", "％") and _MEASURE.search(metric)):
        return  # a number without a target year is a description, not a target
    if metric.startswith(_INHERITS_SUBJECT) and last["sentence"] == sentence_start:
        subject = _SUBJECT_END.search(last["metric"])
        metric = (last["metric"][:subject.start()] if subject else "") + metric
    last.update(sentence=sentence_start, metric=metric, end=match.end())
    if re.search(r"比20\d\d年$", metric):
        metric += verb  # "能效水平比2020年提升": the verb is the measure
    if verb in _REDUCTION_VERBS and not metric.endswith(_REDUCTION_VERBS):
        metric += verb
    if "年均增长" in verb and "年均增长" not in metric:
        metric += "年均增长"
    # "到 2025 年和 2030 年，…分别达到 21%和 25%" / "A、B分别达到 90%、75%": one target per value
    values, ends = [match.group("value")], [match.end()]
    if respectively:
        for more in _MORE_VALUES.finditer(text, match.end()):
            if more.start() != ends[-1] and not re.fullmatch(r"以上|左右", text[ends[-1]:more.start()]):
                break
            values.append(more.group("value"))
            ends.append(more.end())
    metrics, years = [metric] * len(values), [year] * len(values)
    parts, baseline = metric.split("、"), ""
    if len(values) > 1:
        # "能源消耗和二氧化碳排放分别比2020年下降A%、B%": the items before the baseline, which each of them takes
        found = _BASELINE_TAIL.search(metric)
        if found:
            metric, baseline = metric[:found.start()], re.sub("分别", "", found.group(0))
            parts = re.split(r"、|和", metric) if len(metric.split("、")) != len(values) else metric.split("、")
        if len(parts) == len(values):
            metrics = [m + baseline for m in _split_metrics(parts)]
        window_years = sentences.years.last_named(sentence_start, match.start("value"), len(values))  # "十四五、十五五期间分别…"
        if window_years is not None:
            years = window_years
    elif len(parts) == 1 and each and len(joined := metric.split("和")) == 2 and all(map(_WHOLE_RATE.search, joined)):
        # "一般工业固体废弃物综合利用率和主要农作物秸秆综合利用率均保持在98%以上": two rates, one value each
        for part, offset in zip(joined, (metric_start, metric_start + len(joined[0]) + 1)):
            add(part, _value(values[0]), unit, year, offset, ends[0])
        return
    elif len(parts) > 1 and ((each and (all(_MEASURE.search(p) for p in parts) or _SHARED_MEASURE.search(parts[-1])))
                             or all(map(_WHOLE_RATE.search, parts))):
        # "A、B均达到50%", "秸秆综合利用率、农膜回收率达到90%" (each item a whole rate): the same value for each
        # item, each span from its own words; "化肥、农药利用率达到43%" is one rate
        offset = metric_start
        for part in _split_metrics(parts):
            add(part, _value(values[0]), unit, year, offset, ends[0])
            offset = text.find("、", offset, ends[0]) + 1 or offset
        return
    for metric_i, value, year_i, end_i in zip(metrics, values, years, ends):
        add(metric_i, _value(value), unit, year_i, metric_start, end_i)
    # "…替代率达到10%，2030年达到15%": the same metric, a later year
    end = ends[-1]
    while (more := _CONTINUATION.match(text, end)) is not None:
        later = more.group("year")
        add(metrics[-1], _value(more.group("value")), more.group("unit"), int(later) if later else years[-1],
            more.start("year") if later else more.start("verb"), more.end())
        end = more.end()


def _value_first_target(text: str, match: re.Match, add, sentences: _Sentences) -> None:
    """"具备5%以上的尖峰负荷响应能力", "完成3000万千瓦左右的煤电机组灵活性改造", "建设200个低碳示范美丽乡村"."""
    unit, value = match.group("unit"), _value(match.group("value"))
    family = _UNIT_FAMILY.get(unit)
    if value is None or family is None or (family != "count" and not match.group("of")):
        return  # a share or a capacity is joined to its noun by 的
    if family == "count" and value < 2:
        return  # "新建1座储气站" names one plant: a project, not a target
    sentence_start = sentences.start(match.start())
    year = sentences.years.before(match.start("value"), sentence_start) or _opening_year(text, sentence_start, sentences)
    if year is None:
        return
    metric = match.group("metric")
    if match.group("pre") and family == "share" and not match.group("pre").startswith("占"):
        metric += f"（占{match.group('pre')}）"  # "形成最大用电负荷5%的需求响应能力"
    elif match.group("pre") and family == "share":
        metric += f"（{match.group('pre')}）"  # "具备占年度最大用电负荷5%的…能力"
    add(metric, value, unit, year, match.start("value"), match.end())


def _split_metrics(parts: list[str]) -> list[str]:
    """Each item of "A、B…率" as a whole metric: items share the subject of the first or the head of the last."""
    if all(_MEASURE.search(p) for p in parts):
        return [parts[0]] + [_shared_subject(parts[0], p) + p for p in parts[1:]]
    last = parts[-1]
    anchor = parts[0][-2:]
    cut = last.find(anchor)
    tail = last[cut + len(anchor):] if cut >= 0 else ""
    if not tail and not _SHARED_MEASURE.search(parts[0]) and (shared := _SHARED_MEASURE.search(last)) and shared.start() > 0:
        tail = last[shared.start():]  # "营运车辆、船舶换算周转量碳排放强度": 营运车辆换算周转量碳排放强度
    subject = _PER_UNIT_SUBJECT.match(parts[0])
    if subject:  # "单位地区生产总值能源消耗和二氧化碳排放": both per unit of GDP
        return [parts[0]] + [p if p.startswith(subject.group(0)) else subject.group(0) + p for p in parts[1:]]
    return [p + tail for p in parts[:-1]] + [last]


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
