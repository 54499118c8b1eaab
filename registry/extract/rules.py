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

from registry.extract.actions import action_heads, distributive
from registry.extract.citysections import CitySections
from registry.extract.kinds import (LAYOUT, LAYOUT_HEAD, LINE_HEAD, QUALIFIER_START, VOLTAGE_STATION, TypeBefore, is_specific,
                                    keyword_type)
from registry.extract.lists import after_description, conjuncts, places_listed_before, split_items, subject_before
from registry.extract.places import PlaceIndex
from registry.extract.spread import spread_items
from registry.extract.units import number_value
from registry.extract.vocab import HEAD_RE, LEAD_RE

__all__ = ["Mention", "find_mentions", "is_specific", "keyword_type", "sentences"]

_SENTENCE_SPLIT = re.compile(r"[。；！？\n：:]")
_CLAUSE_BREAK = "，,"
_NAME_BREAK = "，,在于"  # a project name never runs across these ("废旧材料在公路养护工程中")
_QUALIFIER_ZAI = re.compile(r"在(?:运|役|建(?!筑|设))")  # 在运核电站: a qualifier of the name, not the preposition 在
# Numbering, counts, and the bracketed capacity of the previous name in a list ("…电站（10万千瓦）、乙电站").
_LEADING_NOISE = re.compile(r"^(?:[（(]\d+[）)]|\d+[．.、](?!\d)|\d+[座个处条]"
                            r"|[（(]\d+(?:\.\d+)?\s*(?:亿千瓦|万千瓦|MWp?|兆瓦|GW|千瓦|kWp?)[^（）()]{0,20}[）)]、?"
                            r"|[一二三四五六七八九十两多]+[区环点带轴核心廊群片][（(])+")  # "一区（…）、一环（…）": a layout's parts
# A clause that forbids or excepts ("原则上不新建…", "除…外") names no project of the plan.
_FORBIDS = re.compile(r"不新建|原则上不|禁止|严禁|不再新建|不得新建|不予|停止建设|淘汰|严格控制|严控|控制新增|压减|关停")
_EXCEPT_OPEN = re.compile(r"除(?!尘|湿|险|冰|雪|臭|磷|氮|硫)")
_EXCEPT_CLOSE = re.compile(r"^[^，,。；]{0,8}外")
# "以甲示范区为依托，…": a place the clause builds on, named as the means of something else; where
# the plan builds it, another sentence names it as a project.
_BASIS_CLOSE = re.compile(r"为(?:依托|载体|支撑|平台|重点)")
_BY_MEANS = re.compile(r"(?<![可所加予难得足])以(?![及上下来后前内外便免期])")  # the 以 of 以…为依托, not 以及, 可以
_CONNECTORS = "、和及与并对在将把由为以的等同时"
# "积极推进甲核电二期顺利建设": a phase right before the verb ends a name that has no head word.
_PHASE_BEFORE_VERB = re.compile(r"(?<=[\u4e00-\u9fff])[一二三四五六七八九十]期"
                                r"(?=(?:顺利|加快|尽快|全面|开工)?(?:建设|开工|投产|投运|并网|建成))")
_PHASE_TAIL = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+期[）)]|[一二三四五六七八九十]期)")
_MAX_GAP_BETWEEN_HEADS = 12  # "风电场二期项目", "基地一期100MW风电项目", "天钢循环产业园报废机动车拆解处理项目"
_COUNT_CLOSE = re.compile(r"(?:[两二三四五六七八九十]|(?<!\d)\d{1,2})(?:大|个|座|处)(?=[\u4e00-\u9fff])")  # "…、丙3个…基地"
_MAX_LIST_GAP = 60
_SERVING = re.compile(r"(?:[、和及][^，,。；、]{1,20})*配套")  # "…甲、乙通道配套煤电": the list's items are served  # the rest of an enumeration after an item with its own head: a few items and 等
_VOLTAGE_BEFORE = re.compile(r"(?:千伏|kV|KV)$")
# "推进甲、乙、丙等项目建设": a list of the plan's key projects; its items are projects even with no
# head noun. Only a verb that builds governs such a list: firms a plan supports, encourages or
# courts ("支持甲、乙等储能电池项目建设") are not named projects (README, Scope).
_KEY_LIST_TAIL = re.compile(r"等(?:重点|重大)?项目")
_BUILD_VERBS = frozenset(("统筹有序推进", "有序推进", "重点推进", "加快推进", "大力推进", "积极推进", "推进",
                          "加快建设", "加快", "开工建设", "建设", "实施", "重点实施", "重点建设", "新建"))
_NOT_BUILDING = frozenset(("探索", "支持", "鼓励", "谋划", "争取", "引导", "研究论证", "谋划研究"))
_MANUFACTURING = re.compile(r"制造|材料|零部件|整车|汽车|装备|组件|叶片|电池|电机")
# A list that goes on past a head to 等…企业 lists companies ("甲电厂、乙水泥等重点行业企业开展改造").
_FIRM_LIST = re.compile(r"、[^，,。；：:]{0,60}?等[^，,。；：:、]{0,8}企业")
# "建成10座…汇集站", "新建两个…站": a count of plants the plan does not name
_COUNT_START = re.compile(r"(\d+|[两二三四五六七八九十]+)\s*[座个处](?!乡|镇|县|村|城|地区|区县|社区|园区)")
# "围绕甲清洁能源基地，推进…": the base the clause works around, named as a project elsewhere (依托 is not: plans
# write "依托甲项目建设乙" of a project they build too)
_AROUND = re.compile(r"围绕$")
_MAX_COMMA_GROUPS = 6  # "新建甲江乙、丙，丁江戊，己江庚等水电站": groups of a list written with commas
_MAX_COMMA_GROUP = 14
_SPREAD_HINT = re.compile(r"[、和及等].{0,40}?(?:建设|建成|布局|打造|开展|创建|发展|推进|推广|开发)|为重点")  # cheap test before spread.py  # a place or an owner: 外高桥, 南汇, 某某水泥
_TRANSPORT = re.compile(r"铁路|公路|高速|车站|东站|西站|南站|北站|机场|港口|航道|轨道|地铁|城际|桥梁|隧道")
# The work a project of an owner names: "乙水泥节能降碳改造项目" is 节能降碳改造.
_WORK = re.compile(r"节能降碳改造|节能改造|超低排放改造|提质改造|技术改造|循环化改造|提级扩能|扩能改造|改扩建")


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


def sentences(text: str):
    """(start, end) of each sentence of the cleaned text."""
    start = 0
    for match in _SENTENCE_SPLIT.finditer(text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _head_matches(sentence: str, places: PlaceIndex) -> list[tuple[int, int, bool]]:
    """Head words in order as (start, end, shared): HEAD_RE's, the ring or DC line of a line named without
    one (LINE_HEAD), a layout's network, and the actions that end a name with no head (actions.py): the
    开发/建设/替代/改造 that closes a distributive list (shared), a named deposit's 开发 or 扩机, a kind before 前期."""
    found = [(*m.span(), False) for m in HEAD_RE.finditer(sentence)]
    found += [(*m.span(m.lastgroup), False) for m in LINE_HEAD.finditer(sentence)]
    found += [(*m.span("net"), False) for m in LAYOUT_HEAD.finditer(sentence)]
    found += [(*m.span(), False) for m in _PHASE_BEFORE_VERB.finditer(sentence)]
    found += action_heads(sentence, places)
    merged: list[tuple[int, int, bool]] = []
    for span in sorted(found, key=lambda f: (f[0], f[2], -f[1])):  # a head word wins over an action at its start
        if not merged or span[0] >= merged[-1][1]:
            merged.append(span)
    return merged


def _head_spans(sentence: str, places: PlaceIndex) -> list[tuple[int, int, bool]]:
    """Where names end, as (start, end, shared); shared: the head is an action a distributive list shares."""
    spans: list[tuple[int, int, bool]] = []
    for start, end, shared in _head_matches(sentence, places):
        phase = _PHASE_TAIL.match(sentence[end:])
        if phase:
            end += phase.end()
        gap = sentence[spans[-1][1]:start] if spans else None
        verb = LEAD_RE.search(gap.replace("建设", "")) if gap else None
        bracketed = re.fullmatch(r"[（(][^（）()、，,]{1,10}[）)]", gap) if gap else None  # "电站（大悟县）项目"
        # "甲二期、乙电厂、丙二期等煤电项目": the list goes on past an item with a head of its own to the
        # head all its items share, so it is one enumeration (items without a head take the shared one).
        list_goes_on = (gap is not None and gap.startswith("、") and ("等" in gap or _COUNT_CLOSE.search(gap))
                        and len(gap) <= _MAX_LIST_GAP
                        and not verb and not re.search(r"[，,；：:]", gap))
        layout = gap is not None and LAYOUT.search(gap)  # "各市管网为环的一核一圈多环管网": the layout opens a name
        if (gap is not None and len(gap) <= _MAX_GAP_BETWEEN_HEADS and not verb and not layout
                and (bracketed or not re.search(r"[、，,（(）)等和及]", gap))) or list_goes_on:
            spans[-1] = (spans[-1][0], end, shared)
        else:
            spans.append((start, end, shared))
    return spans


def _name_start(sentence: str, floor: int, head_start: int) -> int:
    """Where the name before head_start begins: after the last clause break and the last governing verb."""
    start = floor
    for i in range(head_start - 1, floor - 1, -1):
        if sentence[i] in _NAME_BREAK and not _QUALIFIER_ZAI.match(sentence, i):
            start = i + 1
            break
    for match in LEAD_RE.finditer(sentence, start, head_start):
        inside_name = match.group(0) in ("建设", "开发", "规划", "应用", "配套", "发展")  # "…体系建设项目", "融合发展基地"
        if head_start - match.end() >= (2 if inside_name else 0):
            start = max(start, match.end())
    while start < head_start and sentence[start] in _CONNECTORS and not _QUALIFIER_ZAI.match(sentence, start):
        start += 1
    return start


def _is_key_list(sentence: str, verbs: list, clause_start: int, start: int, head_end: int, phrase: str,
                 items: list) -> bool:
    """Whether the items are a list of the plan's key projects: several items, closed by 等项目,
    governed by a verb that builds."""
    # "加快推进甲新能源汽车等重大项目建设": one item is enough where the plan says it is a key project
    enough = 1 if re.search(r"等(?:重点|重大)项目", sentence[head_end - 6:head_end + 6]) else 2
    if len(items) < enough or not (_KEY_LIST_TAIL.match(sentence, head_end) or _KEY_LIST_TAIL.search(phrase[-6:])):
        return False
    # The clause's last verb before the items governs the whole list, even when earlier items of it
    # ended in heads of their own ("推进甲产业园、乙新材料、丙产业园等项目建设").
    return _governed_by_building(verbs, clause_start, start)


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
    means = by_means[bisect_right(by_means, start) - 1]
    built = bisect_left(verbs, (means + 1, ""))
    if built < len(verbs) and verbs[built][0] <= start and verbs[built][1] in _BUILD_VERBS | {"打造"}:
        return False  # "以建设甲产业园为重点": the plan builds what it puts first
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


def _comma_list_start(sentence: str, start: int) -> int:
    """Where a list whose groups are parted by commas begins: the groups before `start` are short, name no kind
    and hold no verb, and the first opens right after a verb ("新建金沙江甲、乙，雅砻江丙，大渡河丁等水电站")."""
    at = start
    for _ in range(_MAX_COMMA_GROUPS):
        floor = max(0, at - 2 - _MAX_COMMA_GROUP - 8)  # a group is short: the walk back is bounded
        low = max(sentence.rfind(c, floor, at - 1) for c in _CLAUSE_BREAK + "。；：") + 1
        if low == 0 and floor > 0:
            return start  # no break within reach: more than a short group
        group = sentence[low:at - 1]
        verb = None
        for verb in LEAD_RE.finditer(group):
            pass
        words = group[verb.end():] if verb else group
        if not words or len(words) > _MAX_COMMA_GROUP or keyword_type(words) or HEAD_RE.search(words) \
                or (verb and verb.start() > 0) or "等" in words:
            return start
        if verb:
            return low + verb.end()
        at = low
    return start


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


def _governed_by_building(verbs: list, clause_start: int, start: int) -> bool:
    """Whether the clause's last verb before `start` builds (推进, 加快, 实施 …) rather than supports or plans;
    a building verb right after one that explores, supports or encourages ("探索建设", "支持建设") does not build."""
    at = bisect_right(verbs, (start, "\uffff")) - 1
    if at < 0 or verbs[at][0] - len(verbs[at][1]) < clause_start or verbs[at][1] not in _BUILD_VERBS:
        return False
    return not (at > 0 and verbs[at - 1][0] == verbs[at][0] - len(verbs[at][1]) and verbs[at - 1][1] in _NOT_BUILDING)


def _neighbour_kind(name: str) -> tuple[str, str] | None:
    """`other` and the work it names (节能降碳改造 …) for an untyped item of a list whose neighbour is a
    project: a plant of a company ("乙水泥节能降碳改造项目"), a facility in a 专栏 list; transport
    (roads, stations) stays out of the registry (README, Scope)."""
    if _TRANSPORT.search(name):
        return None
    work = _WORK.search(name)
    return "other", work.group(0) if work else ""


def find_mentions(text: str, places: PlaceIndex, in_box=lambda offset: False) -> list[Mention]:
    """Project mentions of a cleaned plan; `in_box(offset)` tells whether an offset is inside a 专栏 table."""
    mentions = []
    spans = list(sentences(text))
    sections = CitySections(text, spans, places)
    for s_start, s_end in spans:
        mentions.extend(_sentence_mentions(text, s_start, s_end, places, in_box, sections.at(s_start)))
    return mentions


def _sentence_mentions(text: str, s_start: int, s_end: int, places: PlaceIndex, in_box,
                       section: str | None = None) -> list[Mention]:
    """The mentions of one sentence; `section` is the city whose own section of a province plan it is in."""
    sentence = text[s_start:s_end]
    heads = _head_spans(sentence, places)
    clause_breaks = [i for i, c in enumerate(sentence) if c in _CLAUSE_BREAK]
    spread = spread_items(sentence, places, clause_breaks) if _SPREAD_HINT.search(sentence) else []
    if not heads and not spread:
        return []
    table_title = re.search(r"专栏\s*\d+\s*[：:]?$", text[max(0, s_start - 10):s_start])
    if sentence.startswith("专栏") or table_title or (text[s_end:s_end + 1] in "：:" and len(sentence) <= 20):
        return []  # a table title or an item label, not a project
    type_before = TypeBefore(sentence)
    layouts = {m.start("net"): m.start() for m in LAYOUT_HEAD.finditer(sentence)}  # a network's head -> its layout
    sentence_places = [p for p in places.find(sentence) if p.division != places.city]
    place_starts = [p.start for p in sentence_places]
    forbid_starts = [m.start() for m in _FORBIDS.finditer(sentence)]
    except_starts = [m.start() for m in _EXCEPT_OPEN.finditer(sentence)]
    verbs = [(m.end(), m.group(0)) for m in LEAD_RE.finditer(sentence)]  # by where each verb ends
    by_means = [m.start() for m in _BY_MEANS.finditer(sentence)]
    bases = [m.start() for m in _BASIS_CLOSE.finditer(sentence)]
    mentions: list[Mention] = []
    # Items of one enumeration ("甲、乙、丙等…项目", or names each with its head joined by 、) form a group;
    # an untyped item waits for its group: it is a project when a neighbour is one.
    group, typed_groups, untyped = 0, set(), []
    floor = 0
    for head_start, head_end, shared in heads:
        start = _name_start(sentence, floor, head_start)
        count = _COUNT_START.match(sentence, start, head_start)
        if count and (number_value(count.group(1)) or 0) >= 2:
            floor = head_end
            continue  # "建成10座500千伏汇集站": a number of unnamed plants, a target
        noise = _LEADING_NOISE.match(sentence[start:head_start])
        start += noise.end() if noise else 0
        if (sentence.startswith("直流", head_start) and head_end == head_start + 2  # not a list going on past it
                and not _VOLTAGE_BEFORE.search(sentence, max(0, head_start - 4), max(0, head_start - 2))):
            start = max(start, head_start - 2)  # "提高昭沂直流利用率": a DC line is named by two characters
        elif head_start in layouts:  # "以甲为核…的一核一圈多环管网": the name starts after the 的 before its layout
            start = max(start, sentence.rfind("的", start, layouts[head_start]) + 1)
        elif sentence.startswith("环网", head_start):
            start = max(start, sentence.rfind("的", start, head_start) + 1)  # "覆盖全岛的500千伏…环网"
        if sentence[floor:start].strip("、和及与以") or not floor:
            group += 1
        if sentence[start - 1:start] in _CLAUSE_BREAK and "等" in sentence[start:head_start]:
            start = _comma_list_start(sentence, start)  # "新建甲江乙、丙，丁江戊，己江庚等水电站"
        start = after_description(sentence, start, head_start, places)
        phrase = sentence[start:head_end]
        floor = head_end
        if _FIRM_LIST.match(sentence, head_end) or _AROUND.search(sentence, max(0, start - 2), start):
            continue  # "推进甲、乙电厂、丙水泥等重点企业开展改造": firms the plan addresses, not named projects
        before_start = bisect_left(clause_breaks, start)
        clause_start = clause_breaks[before_start - 1] + 1 if before_start else 0
        # 等项目 closes a list of whole names; a list that goes on past the head ("甲、乙电厂、丙水泥") gives
        # the head to its last item only
        separate = sentence[head_end:head_end + 1] in ("等", "、")
        items = [item for piece, at in conjuncts(phrase)
                 for item in split_items(piece, start + at, separate)]
        if shared and not distributive([_full_name(name) for name, _, _ in items], places):
            continue
        if len(items) == 1 and not places.find(phrase):
            listed = places_listed_before(sentence, sentence_places, place_starts, clause_start, start)
            subject, subject_at = subject_before(sentence, clause_start, start, places)
            if listed:
                items = [(name + phrase.lstrip("等"), at, head_end) for name, at in listed]
            elif subject:
                items = [(subject + phrase, subject_at, head_end)]
        context = type_before(head_start)
        # "严控甲电送鄂通道配套煤电规模": what is restricted is the plant serving the channel, not the channel
        forbidden = (_occurs_within(forbid_starts, clause_start, head_end)
                     and not _SERVING.match(sentence, head_end, head_end + _MAX_LIST_GAP))
        key_list = _is_key_list(sentence, verbs, clause_start, start, head_end, phrase, items)
        builds = in_box(s_start + start) or _governed_by_building(verbs, clause_start, start)
        for name, i_start, i_end in items:
            if forbidden or (_occurs_within(except_starts, clause_start, i_end)
                             and _EXCEPT_CLOSE.match(sentence[i_end:i_end + 9])):
                continue
            if _is_basis(sentence, i_start, i_end, clause_start, clause_breaks, verbs, by_means, bases):
                continue
            name = _balance_brackets(name.rstrip(_CONNECTORS))
            name = name if _QUALIFIER_ZAI.match(name) else name.lstrip(_CONNECTORS)
            qualifier = QUALIFIER_START.match(name)
            if qualifier and is_specific(name, places):  # "存量甲东直流输电通道" is the line 甲东直流输电通道
                name = name[qualifier.end():]
                if sentence.startswith(qualifier.group(0), i_start):
                    i_start += qualifier.end()
            own_name = re.sub(r"等?(?:重点|重大)?项目$", "", name) if key_list else name
            listed_kind = (_listed_item_kind(own_name, key_list, places)
                           if keyword_type(own_name) is None and HEAD_RE.search(own_name) is None else None)
            if listed_kind:
                name = own_name  # the plan's own words: "甲新材料" is the project, not "甲新材料项目"
            else:
                name = _full_name(name)
            mention = Mention(name, s_start + max(i_start, 0), s_start + i_end, s_start + clause_start,
                              s_end, context[0] if context else None, s_start, listed_kind)
            specific = listed_kind or is_specific(name, places, in_box(s_start + i_start))
            if not specific and section and keyword_type(name) and is_specific(section + name, places):
                name = mention.name = section + name  # "海东市。…打造千亿级零碳产业园": the section's city's park
                specific = True
            plant = context and ("电站" in name or "电厂" in name)
            if len(name) < 4 or not specific:
                continue
            if listed_kind or keyword_type(name) is not None or plant:
                mentions.append(mention)
                typed_groups.add(group)
            elif builds and not shared and (HEAD_RE.search(name[-6:]) or name.endswith(("项目", "工程"))):
                untyped.append((group, mention))
    for at, mention in untyped:
        kind = _neighbour_kind(mention.name) if at in typed_groups else None
        if kind:
            mention.listed_kind = kind
            mentions.append(mention)
    if spread:
        mentions += _spread_mentions(spread, mentions, sentence, s_start, s_end, clause_breaks, forbid_starts)
    return sorted(mentions, key=lambda m: m.start) if untyped or spread else mentions


def _spread_mentions(spread: list, mentions: list[Mention], sentence: str, s_start: int, s_end: int,
                     clause_breaks: list[int], forbid_starts: list[int]) -> list[Mention]:
    """Mentions of a facility kind placed at several places (spread.py) that no head-word rule gave."""
    taken = {m.start for m in mentions} | {m.name for m in mentions}
    found = []
    for name, start, end in spread:
        if s_start + start in taken or name in taken or len(name) < 4:
            continue
        before = bisect_left(clause_breaks, start)
        clause_start = clause_breaks[before - 1] + 1 if before else 0
        clause_end = clause_breaks[before] if before < len(clause_breaks) else len(sentence)
        if _occurs_within(forbid_starts, clause_start, clause_end):
            continue
        found.append(Mention(name, s_start + start, s_start + end, s_start + clause_start, s_end, None, s_start))
    return found


def _full_name(name: str) -> str:
    """The name with the head its list shares: "襄阳市建筑垃圾循环回收再利用和…等项目"."""
    if (name.endswith(("项目", "工程")) or HEAD_RE.search(name) or VOLTAGE_STATION.search(name)
            or LINE_HEAD.search(name) or LAYOUT_HEAD.search(name)):
        return name
    return name + "项目"
