"""Finding project names in cleaned plan text.

A project name ends in a head word (电站, 项目, 工程, 基地, 产业园 …) and starts after the
verb that governs it (推进, 加快, 建设 …) or after the previous name in the sentence.
A name that enumerates places or owners before a shared suffix ("南漳张家坪、保康后坪
抽水蓄能电站", "谷城县、南漳县生活垃圾焚烧发电项目") is one project per item; so is a
generic name whose sentence lists the places it applies to ("支持襄州、枣阳、宜城等…地区
建设百万千瓦级新能源示范基地").
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from registry.extract.places import PlaceIndex
from registry.extract.units import CAPACITY_RE
from registry.extract.vocab import GENERIC_STARTS, GENERIC_WORDS, LIST_GENERIC_STARTS, HEAD_RE, LEAD_RE, NOT_PROJECTS, TYPE_RULES

_SENTENCE_SPLIT = re.compile(r"[。；！？\n：:]")
_CLAUSE_BREAK = "，,"
_NAME_BREAK = "，,在于的"  # a project name never runs across these ("废旧材料在公路养护工程中", "覆盖全岛的…环网")
# Lines named without a head noun: a ring at a voltage ("500千伏口字型环网", "华中交流特高压环网") and a
# direct-current line named by its two ends' first characters ("祁韶直流", "雅江直流"); 直流配电 and
# 直流输电工程 are no such name (the latter's head is 工程).
_LINE_HEAD = re.compile(r"(?:(?<=千伏)|(?<=kV)|(?<=KV)|(?<=高压))[^，,。；、\s（）()]{0,10}?(?P<ring>环网)(?!工程|项目|建设方案)"
                        r"|(?<=[\u4e00-\u9fff]{2})(?P<dc>直流)(?!配电|供电|用电|微|充电|技术|系统|电网|侧|电|输电|工程|线路|通道|等)")
_NAMED_DC_LINE = re.compile(r"^[\u4e00-\u9fff]{2}直流$|千伏直流$")
# Numbering, counts, and the bracketed capacity of the previous name in a list ("…电站（10万千瓦）、乙电站").
_LEADING_NOISE = re.compile(r"^(?:[（(]\d+[）)]|\d+[．.、](?!\d)|\d+[座个处条]"
                            r"|[（(]\d+(?:\.\d+)?\s*(?:亿千瓦|万千瓦|MWp?|兆瓦|GW|千瓦|kWp?)[^（）()]{0,20}[）)]、?"
                            r"|[一二三四五六七八九十两多]+[区环点带轴核心廊群片][（(])+")  # "一区（…）、一环（…）": a layout's parts
_VOLTAGE_LINE = re.compile(r"(?:千伏|kV|KV).{0,20}(?:通道|线路)")
_POWER_IMPORT = re.compile(r"[^\W\d_外]电入[\u4e00-\u9fff]")  # “疆电入鄂”: a channel; 外电入湘 (power from outside) is none
# A clause that forbids or excepts ("原则上不新建…", "除…外") names no project of the plan.
_FORBIDS = re.compile(r"不新建|原则上不|禁止|严禁|不再新建|不得新建|不予|停止建设|淘汰")
_EXCEPT_OPEN = re.compile(r"除(?!尘|湿|险|冰|雪|臭|磷|氮|硫)")
_EXCEPT_CLOSE = re.compile(r"^[^，,。；]{0,8}外")
# "以甲示范区为依托，…": a place the clause builds on, named as the means of something else; where
# the plan builds it, another sentence names it as a project.
_BASIS_CLOSE = re.compile(r"为(?:依托|载体|支撑|平台)")
_BY_MEANS = re.compile(r"(?<![可所加予难得足])以(?![及上下来后前内外便免期])")  # the 以 of 以…为依托, not 以及, 可以
# Words between 等 and the shared head that qualify the items rather than name them.
_QUALIFIERS = r"已核准|已备案|已批复|已纳规|在建|拟建|新建|续建|已建成|现有|重点|大型|规划"
# Words right after 等 that close an enumeration of places or qualify it: 等地, 等乡镇, 等已核准.
_AREA_WORDS = re.compile(r"^(?:地区|地方|地|区域|乡镇|县市区|企业|的|" + _QUALIFIERS + ")+")
_JOINERS = re.compile(r"以及|和|及|与")
# "光伏＋水面", "新能源+储能": a technology combined with a use is a mode of development, not a project.
_TECHNOLOGY_PLUS = re.compile(r"(?:光伏|风电|储能|新能源|氢能|生物质|地热)\s*[+＋]")
_VOLTAGE_LINE_SHORTEST = re.compile(r"(?:千伏|kV|KV).{0,20}?(?:通道|线路)")  # the match that ends first
_VOLTAGE_STATION = re.compile(r"(?<!\d)\d++(?:千伏|kV|KV)\S{1,6}变$")
_CONNECTORS = "、和及与并对在将把由为以的等同时"
_PHASE_TAIL = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+期[）)]|[一二三四五六七八九十]期)")
_MAX_GAP_BETWEEN_HEADS = 12  # "风电场二期项目", "基地一期100MW风电项目", "天钢循环产业园报废机动车拆解处理项目"
_MAX_ITEM_LENGTH = 30
_MAX_LIST_GAP = 60  # the rest of an enumeration after an item with its own head: a few items and 等
# "推进甲、乙、丙等项目建设": a list of the plan's key projects; its items are projects even with no
# head noun. Only a verb that builds governs such a list: firms a plan supports, encourages or
# courts ("支持甲、乙等储能电池项目建设") are not named projects (README, Scope).
_KEY_LIST_TAIL = re.compile(r"等(?:重点|重大)?项目")
_BUILD_VERBS = frozenset(("统筹有序推进", "有序推进", "重点推进", "加快推进", "大力推进", "积极推进", "推进",
                          "加快建设", "加快", "开工建设", "建设", "实施", "重点实施", "重点建设", "新建"))
_MANUFACTURING = re.compile(r"制造|材料|零部件|整车|装备|组件|叶片|电池|电机")
_MAX_CONJUNCT = 40  # the words either side of a 和 that can belong to one name
_MAX_LISTED_PLACES = 60  # more places in one run than any plan lists; bounds the walk back per name
_MAX_SUBJECT_WINDOW = 40  # "支持十堰经济技术开发区打造…": the subject is a short phrase just before the verb


@dataclass
class Mention:
    """One project as the text names it: cleaned-text span, the clause it sits in, its places."""

    name: str
    start: int  # cleaned-text offsets of the words that support the name
    end: int
    clause_start: int
    sentence_end: int
    context_type: str | None = None  # the type the sentence suggests when the name alone does not
    sentence_start: int = 0
    listed_kind: tuple[str, str] | None = None  # type and subtype of an item of a key-project list with no type word


def keyword_type(name: str) -> tuple[str, str] | None:
    if NOT_PROJECTS.search(name):
        return None
    if _VOLTAGE_LINE.search(name) or _POWER_IMPORT.search(name) or _NAMED_DC_LINE.search(name):
        return "transmission", ""
    if _VOLTAGE_STATION.search(name):
        return "substation", ""
    for type_, subtype, keywords in TYPE_RULES:
        if any(k in name for k in keywords):
            return type_, subtype
    return None


class _TypeBefore:
    """keyword_type(sentence[:h]) for every h of one sentence, in one pass over the sentence.

    A prefix holds a keyword exactly when the keyword's first occurrence ends inside it, so the
    first occurrences, found once, answer every head of a long sentence (issue 15: per-head
    prefixes made a sentence of n names cost n²).
    """

    def __init__(self, sentence: str):
        self.sentence = sentence
        forbidden = NOT_PROJECTS.search(sentence)
        self.forbidden_end = forbidden.end() if forbidden else None
        lines = [m.end() for m in (_VOLTAGE_LINE_SHORTEST.search(sentence), _POWER_IMPORT.search(sentence)) if m]
        self.line_end = min(lines) if lines else None
        self.rule_ends = []
        for type_, subtype, keywords in TYPE_RULES:
            ends = [at + len(k) for k in keywords for at in (sentence.find(k),) if at != -1]
            if ends:
                self.rule_ends.append((min(ends), type_, subtype))

    def __call__(self, h: int) -> tuple[str, str] | None:
        if self.forbidden_end is not None and self.forbidden_end <= h:
            return None
        if self.line_end is not None and self.line_end <= h:
            return "transmission", ""
        if _VOLTAGE_STATION.search(self.sentence, max(0, h - 40), h):
            return "substation", ""
        for end, type_, subtype in self.rule_ends:
            if end <= h:
                return type_, subtype
        return None


def _first_keyword_position(text: str) -> int:
    positions = [text.find(k) for _, _, keywords in TYPE_RULES for k in keywords if k in text]
    capacity = CAPACITY_RE.search(text)
    if capacity:
        positions.append(capacity.end())
    return min(positions) if positions else -1


def sentences(text: str):
    """(start, end) of each sentence of the cleaned text."""
    start = 0
    for match in _SENTENCE_SPLIT.finditer(text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _head_matches(sentence: str) -> list[tuple[int, int]]:
    """Head words in order: HEAD_RE's, and the ring or DC line of a line named without one (_LINE_HEAD)."""
    found = [m.span() for m in HEAD_RE.finditer(sentence)]
    lines = [m.span(m.lastgroup) for m in _LINE_HEAD.finditer(sentence)]
    if not lines:
        return found
    merged: list[tuple[int, int]] = []
    for span in sorted(found + lines):
        if not merged or span[0] >= merged[-1][1]:
            merged.append(span)
    return merged


def _head_spans(sentence: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for start, end in _head_matches(sentence):
        phase = _PHASE_TAIL.match(sentence[end:])
        if phase:
            end += phase.end()
        gap = sentence[spans[-1][1]:start] if spans else None
        verb = LEAD_RE.search(gap.replace("建设", "")) if gap else None
        bracketed = re.fullmatch(r"[（(][^（）()、，,]{1,10}[）)]", gap) if gap else None  # "电站（大悟县）项目"
        # "甲二期、乙电厂、丙二期等煤电项目": the list goes on past an item with a head of its own to the
        # head all its items share, so it is one enumeration (items without a head take the shared one).
        list_goes_on = (gap is not None and gap.startswith("、") and "等" in gap and len(gap) <= _MAX_LIST_GAP
                        and not verb and not re.search(r"[，,；：:]", gap))
        if (gap is not None and len(gap) <= _MAX_GAP_BETWEEN_HEADS and not verb
                and (bracketed or not re.search(r"[、，,（(）)等和及]", gap))) or list_goes_on:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _name_start(sentence: str, floor: int, head_start: int) -> int:
    """Where the name before head_start begins: after the last clause break and the last governing verb."""
    start = floor
    for i in range(head_start - 1, floor - 1, -1):
        if sentence[i] in _NAME_BREAK:
            start = i + 1
            break
    for match in LEAD_RE.finditer(sentence, start, head_start):
        inside_name = match.group(0) in ("建设", "开发", "规划", "应用", "配套")  # "…体系建设项目"
        if head_start - match.end() >= (2 if inside_name else 0):
            start = max(start, match.end())
    while start < head_start and sentence[start] in _CONNECTORS:
        start += 1
    return start


def is_specific(name: str, places: PlaceIndex, listed: bool = False) -> bool:
    """A named project rather than a category of projects; every entry of a 专栏 table (`listed`) is one."""
    if listed and not name.startswith(LIST_GENERIC_STARTS):
        return True  # a table entry ("大型物件回收厂建设项目") names one project even when it opens like a category
    if name.startswith(GENERIC_STARTS) or _TECHNOLOGY_PLUS.search(name):
        return False
    if any(p.division.level >= 3 or p.division == places.city for p in places.find(name)):
        return True
    residue = CAPACITY_RE.sub("", name)
    residue = GENERIC_WORDS.sub("", residue)
    residue = re.sub(r"[\W\d_a-zA-Z]|[一二三四五六七八九十]期|[个座批条]|入[\u4e00-\u9fff](?=通道|工程|$)", "", residue)
    return len(residue) >= 2


def _one_system(left: str, right: str) -> bool:
    """"甲回收网络体系和乙收转运体系建设项目": a left side that is a system (体系, 网络, 系统) with no
    head of its own, of the same kind as the right side, is one more part of the project the shared
    head names, not a project of its own; a facility on the left ("甲处理中心和乙利用项目") still is.

    Only the words next to the 和 are read (a name is at most a few dozen characters), so a phrase
    with many 和 stays linear.
    """
    left, right = left[-_MAX_CONJUNCT:], right[:_MAX_CONJUNCT]
    if not left.endswith(("体系", "网络", "系统")) or HEAD_RE.search(left[-6:]) or _VOLTAGE_STATION.search(left):
        return False
    left_type, right_type = keyword_type(left), keyword_type(right)
    return left_type is not None and left_type == right_type


def _conjuncts(phrase: str) -> list[tuple[str, int]]:
    """Split "A和B" / "A及B" when both sides are long enough to be names of their own.

    Whether the text right of a 和 carries a type keyword is read off the last occurrence of each
    keyword, found once, so a phrase with many 和 stays linear.
    """
    joins = list(re.finditer(r"[和及](?!以)", phrase))
    if not joins:
        return [(phrase, 0)]
    enumeration_marks = [i for i, c in enumerate(phrase) if c == "、"]
    last_forbidden = max((m.start() for m in NOT_PROJECTS.finditer(phrase)), default=-1)
    last_typed = max([phrase.rfind(k) for _, _, keywords in TYPE_RULES for k in keywords]
                     + [at for at in range(len(phrase)) if _VOLTAGE_LINE.match(phrase, at)]
                     + [m.start() for m in _POWER_IMPORT.finditer(phrase)])
    station = _VOLTAGE_STATION.search(phrase)
    if station:
        last_typed = max(last_typed, station.start())
    pieces, at = [], 0
    for match in joins:
        right_at = match.end()
        mark = bisect_left(enumeration_marks, at)
        if mark < len(enumeration_marks) and enumeration_marks[mark] < match.start() or phrase.startswith("等", right_at):
            continue  # "泽东化工、华邦保和等…": the 和 is inside an enumerated name
        typed = right_at <= last_typed and right_at > last_forbidden
        if typed and _one_system(phrase[at:match.start()], phrase[right_at:]):
            continue
        if match.start() - at >= 6 and len(phrase) - right_at >= 6 and typed:
            pieces.append((phrase[at:match.start()], at))
            at = right_at
    pieces.append((phrase[at:], at))
    return pieces


def _enumerated_parts(phrase: str) -> list[tuple[str, int]]:
    """The items of "A、B、C…" as (text, position); before a 等, "A、B和C等" and "A及B等" list items too."""
    stop = phrase.find("等")
    parts, at = [], 0
    separators = [m for m in re.finditer(r"(?<![\d一二三四五六七八九十])、|、(?![\d一二三四五六七八九十])", phrase)]  # not "5、6号机组"
    if stop > 0:
        separators += [m for m in _JOINERS.finditer(phrase, 0, stop)
                       if m.end() < stop and m.start() > 0 and phrase[m.start() - 1] != "、"]  # "华邦保和等": a name
        separators.sort(key=lambda m: m.start())
    for match in separators:
        if match.start() < at:
            continue
        parts.append((phrase[at:match.start()], at))
        at = match.end()
    parts.append((phrase[at:], at))
    return parts


def _own_noun(item: str) -> bool:
    """An item that ends in its own type word ("东山热电", "新河气电二期"), so the shared head is not added."""
    item = re.sub(r"[一二三四五六七八九十]期$|[（(][一二三四五六七八九十]期[）)]$", "", item)
    return len(item) >= 4 and any(item.endswith(k) for _, _, keywords in TYPE_RULES for k in keywords
                                  if len(k) >= 2 and k not in ("回收", "再生", "综合利用"))


def _split_items(phrase: str, offset: int, separate: bool) -> list[tuple[str, int, int]]:
    """Items of an enumeration "A、B、C等SUFFIX" or "A、B SUFFIX" as (name, start, end).

    `separate`: the enumeration is followed by 等项目, so its items are whole names.
    """
    parts = _enumerated_parts(phrase)
    head = HEAD_RE.search(phrase[-8:])
    head_word = head.group(0) if head else ""
    if len(parts) == 1:
        if "等" in phrase and keyword_type(phrase[:phrase.index("等")]):
            own = phrase[:phrase.index("等")]
            return [(own + ("" if HEAD_RE.search(own[-6:]) else head_word), offset, offset + len(phrase))]
        if "等" in phrase:  # "宣化店镇等地农光互补光伏电站": 等地 says "and other places", it names nothing
            own, rest = phrase[:phrase.index("等")], phrase[phrase.index("等") + 1:]
            suffix = _AREA_WORDS.sub("", rest)
            if own and suffix != rest and HEAD_RE.search(suffix):
                return [(own + suffix, offset, offset + len(phrase))]
        return [(phrase, offset, offset + len(phrase))]
    if separate or any(len(p) > _MAX_ITEM_LENGTH or not p for p, _ in parts[:-1]):
        return [(p, offset + at, offset + at + len(p)) for p, at in parts]
    last, last_at = parts[-1]
    if "等" in last:
        cut = last.index("等")
        own, suffix = last[:cut], _AREA_WORDS.sub("", last[cut + 1:])
    else:
        cut = _first_keyword_position(last)
        if cut <= 0:
            return [(p, offset + at, offset + at + len(p)) for p, at in parts]
        own, suffix = last[:cut], last[cut:]
    suffix = re.sub(r"等(?=项目|工程)", "", suffix)
    items = []
    for part, at in parts[:-1] + [(own, last_at)]:
        standalone = (len(suffix) <= 3 or HEAD_RE.search(part[-6:]) is not None
                      or _VOLTAGE_STATION.search(part) is not None or _own_noun(part))
        name = part if standalone else part + suffix
        end = offset + (at + len(part) if standalone else len(phrase))
        items.append((name, offset + at, end))
    return items


def _places_listed_before(sentence: str, found: list, starts: list[int], floor: int, limit: int) -> list[tuple[str, int]]:
    """The last run "P1、P2、P3等" of place names in sentence[floor:limit], as (place, position).

    `found` is the sentence's places (not the city itself) in order and `starts` their starts: the
    run is walked back from the last place before `limit`, at most _MAX_LISTED_PLACES of them.
    """
    i = bisect_left(starts, limit) - 1
    while i >= 0 and found[i].end > limit:
        i -= 1
    lowest = max(bisect_left(starts, floor), i - 4 * _MAX_LISTED_PLACES)
    best: list = []
    while i >= lowest and not best:
        run = [found[i]]
        while (i - 1 >= lowest and len(run) < _MAX_LISTED_PLACES
               and sentence[found[i - 1].end:run[-1].start] == "、"):
            i -= 1
            run.append(found[i])
        i -= 1
        if len(run) >= 2:
            best = run[::-1]
    return [(p.name, p.start) for p in best]


def _subject_before(sentence: str, clause_start: int, name_start: int, places: PlaceIndex) -> tuple[str, int]:
    """The area a clause names before its verb ("支持十堰经济技术开发区打造氢能产业园")."""
    lead = None
    for match in LEAD_RE.finditer(sentence, max(clause_start, name_start - _MAX_SUBJECT_WINDOW), name_start):
        lead = match
    if lead is None or lead.end() != name_start or lead.start() - clause_start > _MAX_SUBJECT_WINDOW:
        return "", 0
    subject = re.sub(r"^(?:支持|鼓励|推动|引导|在|以|由)+", "", sentence[clause_start:lead.start()])
    subject = re.sub(r"等(?:地区|地方|地|区域|乡镇)$", "", subject)  # "在宣化店镇等地建设…"
    if "、" in subject or LEAD_RE.search(subject):
        return "", 0
    if 2 <= len(subject) <= 12 and (places.find(subject) or re.search(r"(?:新区|开发区|园区|工业园|县|市|区)$", subject)):
        return subject, lead.start() - len(subject)
    return "", 0


def _is_key_list(sentence: str, verbs: list, clause_start: int, start: int, head_end: int, phrase: str,
                 items: list) -> bool:
    """Whether the items are a list of the plan's key projects: several items, closed by 等项目,
    governed by a verb that builds."""
    if len(items) < 2 or not (_KEY_LIST_TAIL.match(sentence, head_end) or _KEY_LIST_TAIL.search(phrase[-6:])):
        return False
    # The clause's last verb before the items governs the whole list, even when earlier items of it
    # ended in heads of their own ("推进甲产业园、乙新材料、丙产业园等项目建设").
    at = bisect_right(verbs, (start, "\uffff")) - 1
    return at >= 0 and verbs[at][0] - len(verbs[at][1]) >= clause_start and verbs[at][1] in _BUILD_VERBS


def _listed_item_kind(name: str, key_list: bool, places: PlaceIndex) -> tuple[str, str] | None:
    """`other`/制造 for a factory in a key-project list that names no type ("乙新材料", "丙风机制造");
    other untyped items (roads, stations, renovations) are outside the registry and stay out."""
    if not key_list or len(name) < 4 or not _MANUFACTURING.search(name) or not is_specific(name, places):
        return None
    return "other", "制造"


def _is_basis(sentence: str, start: int, end: int, clause_start: int, clause_breaks: list[int], verbs: list,
              by_means: list[int], bases: list[int]) -> bool:
    """Whether the item stands in "以…为依托" of its clause ("以甲示范区、乙示范区为依托"): a 以 before it
    in the clause, and a 为依托 after it with no clause break and no verb in between."""
    if not _occurs_within(by_means, clause_start, max(start, clause_start) + 1):
        return False
    at = bisect_left(bases, end)
    if at == len(bases):
        return False
    basis = bases[at]
    if _occurs_within(clause_breaks, end, basis):
        return False
    verb_at = bisect_right(verbs, (end, "\uffff"))  # the first verb that ends after the item
    return verb_at == len(verbs) or verbs[verb_at][0] > basis


def _occurs_within(starts: list[int], low: int, high: int) -> bool:
    """Whether a sorted list of positions has one in [low, high)."""
    i = bisect_left(starts, low)
    return i < len(starts) and starts[i] < high


def _balance_brackets(name: str) -> str:
    """The name without brackets that open or close nothing ("孝昌县（小河镇光伏电站" -> "孝昌县小河镇光伏电站")."""
    open_at: list[int] = []
    drop: set[int] = set()
    for i, c in enumerate(name):
        if c in "（(":
            open_at.append(i)
        elif c in "）)":
            if open_at:  # "（一期)": OCR mixes full- and half-width brackets
                open_at.pop()
            else:
                drop.add(i)
    drop.update(open_at)
    return "".join(c for i, c in enumerate(name) if i not in drop) if drop else name


def find_mentions(text: str, places: PlaceIndex, in_box=lambda offset: False) -> list[Mention]:
    """Project mentions of a cleaned plan; `in_box(offset)` tells whether an offset is inside a 专栏 table."""
    mentions = []
    for s_start, s_end in sentences(text):
        sentence = text[s_start:s_end]
        heads = _head_spans(sentence)
        if not heads:
            continue
        type_before = _TypeBefore(sentence)
        clause_breaks = [i for i, c in enumerate(sentence) if c in _CLAUSE_BREAK]
        sentence_places = [p for p in places.find(sentence) if p.division != places.city]
        place_starts = [p.start for p in sentence_places]
        forbid_starts = [m.start() for m in _FORBIDS.finditer(sentence)]
        except_starts = [m.start() for m in _EXCEPT_OPEN.finditer(sentence)]
        verbs = [(m.end(), m.group(0)) for m in LEAD_RE.finditer(sentence)]  # by where each verb ends
        by_means = [m.start() for m in _BY_MEANS.finditer(sentence)]
        bases = [m.start() for m in _BASIS_CLOSE.finditer(sentence)]
        table_title = re.search(r"专栏\s*\d+\s*[：:]?$", text[max(0, s_start - 10):s_start])
        if sentence.startswith("专栏") or table_title or (text[s_end:s_end + 1] in "：:" and len(sentence) <= 20):
            continue  # a table title or an item label, not a project
        floor = 0
        for head_start, head_end in heads:
            start = _name_start(sentence, floor, head_start)
            noise = _LEADING_NOISE.match(sentence[start:head_start])
            start += noise.end() if noise else 0
            phrase = sentence[start:head_end]
            floor = head_end
            before_start = bisect_left(clause_breaks, start)
            clause_start = clause_breaks[before_start - 1] + 1 if before_start else 0
            separate = sentence[head_end:head_end + 1] == "等"
            items = [item for piece, at in _conjuncts(phrase)
                     for item in _split_items(piece, start + at, separate)]
            if len(items) == 1 and not places.find(phrase):
                listed = _places_listed_before(sentence, sentence_places, place_starts, clause_start, start)
                subject, subject_at = _subject_before(sentence, clause_start, start, places)
                if listed:
                    items = [(name + phrase.lstrip("等"), at, head_end) for name, at in listed]
                elif subject:
                    items = [(subject + phrase, subject_at, head_end)]
            context = type_before(head_start)
            forbidden = _occurs_within(forbid_starts, clause_start, head_end)
            key_list = _is_key_list(sentence, verbs, clause_start, start, head_end, phrase, items)
            for name, i_start, i_end in items:
                if forbidden or (_occurs_within(except_starts, clause_start, i_end)
                                 and _EXCEPT_CLOSE.match(sentence[i_end:i_end + 9])):
                    continue
                if _is_basis(sentence, i_start, i_end, clause_start, clause_breaks, verbs, by_means, bases):
                    continue
                name = _balance_brackets(name.strip(_CONNECTORS))
                own_name = re.sub(r"等(?:重点|重大)?项目$", "", name)
                listed_kind = (_listed_item_kind(own_name, key_list, places)
                               if keyword_type(own_name) is None and HEAD_RE.search(own_name) is None else None)
                if listed_kind:
                    name = own_name  # the plan's own words: "甲新材料" is the project, not "甲新材料项目"
                elif (not name.endswith(("项目", "工程")) and HEAD_RE.search(name) is None and not _VOLTAGE_STATION.search(name)
                      and not _LINE_HEAD.search(name)):
                    name += "项目"  # "襄阳市建筑垃圾循环回收再利用和…等项目": the head is shared
                plant = context and ("电站" in name or "电厂" in name)
                if not listed_kind and (len(name) < 4 or keyword_type(name) is None and not plant):
                    continue
                if not listed_kind and not is_specific(name, places, in_box(s_start + i_start)):
                    continue
                mentions.append(Mention(name, s_start + max(i_start, 0), s_start + i_end, s_start + clause_start,
                                        s_end, context[0] if context else None, s_start, listed_kind))
    return mentions
