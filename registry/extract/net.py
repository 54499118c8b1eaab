"""The recall net: sentences of a plan that look like they name a project the rules gave no candidate for.

    possible_projects(raw, document, candidates) -> rows of POSSIBLE_COLUMNS, best first

The extractor's rules are strict so that its candidates are mostly right; what they are unsure of
is shown to the reviewer here instead of being dropped. A sentence is listed when one of its
clauses holds a facility or project word (电站, 电厂, 工程, 项目, 风电, 直流, 环网 …) and the words
its candidates do not cover name something. The signs, with their weights:

- a place of the plan's area (3), a code (乌石17-2: 3), a phase (二期: 2), a capacity or voltage
  (1; not in a clause that reads like a target, "装机达到…万千瓦");
- the plan's own place opening a facility's name (津市市中心城区…管道: 2);
- a name: an item that ends in a facility word and opens with a pair of characters the plan
  writes at most three times (祁韶直流, 宁电入湘工程: 2), not a description (高能耗项目);
- an item of a list, named so, whose other items or shared head a candidate took ("瑞金二期、
  丰城三期、信丰电厂、□□□□等已核准清洁煤电项目": 2.5) or that ends in a shared head (2).

The score is the four strongest signs, plus one for signs inside a list, one for a building verb
and one and a half for a type word of the registry (光伏, 风电, 储能 … rather than only 项目); a ban
("原则上不新建") takes three off. Sentences scoring MIN_SCORE or more are listed, best first.
Each row suggests the passage most likely to be the project's name; the reviewer chooses the span.

One pass over the cleaned text, each sentence read a bounded number of times: linear in the plan.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from registry.extract.passage import SENTENCE_END, PlanText
from registry.extract.units import CAPACITY_RE, VOLTAGE_RE
from registry.extract.vocab import GENERIC_STARTS, HEADS, LEAD_RE, TYPE_RULES

POSSIBLE_COLUMNS = ("rank", "score", "source_start", "source_end", "suggest_start", "suggest_end", "suggestion",
                    "reasons", "sentence")
MIN_SCORE = 3.5
# Facility words the net looks for besides the extractor's heads and type words: the names of lines,
# fields and demonstration sites that the rules do not (yet) turn into candidates.
_NET_WORDS = ("直流", "环网", "特高压", "换流站", "油田", "气田", "油气田", "示范村", "示范站", "示范区", "机组", "线路",
              "管道", "管线", "电厂", "热电", "气电", "核电", "水电站", "抽水蓄能")
_NAMEABLE = sorted({*HEADS, *_NET_WORDS}, key=len, reverse=True)  # words a proper name stands before
_FACILITY_WORDS = sorted({*_NAMEABLE, *(k for _, _, keywords in TYPE_RULES for k in keywords if len(k) >= 2)},
                         key=len, reverse=True)
_FACILITY = re.compile("|".join(map(re.escape, _FACILITY_WORDS)))
_NAMED_FACILITY = re.compile("|".join(map(re.escape, _NAMEABLE)))
_ENERGY = re.compile("|".join(map(re.escape, sorted({*_NET_WORDS, *(k for _, _, keywords in TYPE_RULES for k in keywords)},
                                                    key=len, reverse=True))))
_PHASE = re.compile(r"(?<!十四)(?<!十五)[一二三四五六七八九十\d]期(?!间|限|末|初|内|待|望|刊)")  # not 十四五期间
# A field or unit code as plans write them (乌石17-2): digits joined by a dash right after a name, not a date.
_CODE = re.compile(r"(?<=[\u4e00-\u9fff])\d{1,3}[-－]\d{1,3}(?![\d名个家人次年月日天种批%％])")
_LIST = re.compile(r"(?:[^、，,。；]{2,12}、)+[^、，,。；]{2,12}等")
_TARGET = re.compile(r"到20\d\d年|装机约|达到|提高至|提升至|提高到|降低至|比重|占比|累计|总量|以上|左右|不低于|下降|新增|全省|全市|全县|全区")
_FORBIDS = re.compile(r"不新建|原则上不|禁止|严禁|不再新建|不得新建|淘汰|关停")
_BUILDS = re.compile(r"建设|推进|建成|开工|投产|投运|实施|打造|谋划|核准|前期|续建|新建|扩建|启动")
# Words that open a clause rather than a name: a proper name is looked for after them.
_OPENERS = re.compile(LEAD_RE.pattern + r"|力争|实现|提升|持续|有序|积极|全面|着力|适时|率先|做好|加大|以|在|对|将|把|由|为|和|及|与|等|的")
# Ordinary words of the plans that stand before a facility word without naming it (现役煤电机组, 国家碳达峰试点).
_ORDINARY = re.compile(r"现役|现有|存量|既有|在建|拟建|已建|已核准|落后|先进|高效|重点|重大|大型|小型|中型|传统|老旧|配套|相关|"
                       r"完善|提高|促进|扩大|推行|健全|聚焦|总结|拓宽|规范|强化|加强|培育|壮大|创新|优质|优秀|标杆|"
                       r"碳达峰|碳中和|双碳|国家|省级|市级|县级|全国|全省|全市|区域|城乡|农村|城市|园区|企业|行业|产业|"
                       r"科技|技术|数字|信息|智能|智慧|示范|试点|基础|公共|社会|集中|分散|超超临界|百万|千万|万千瓦|千瓦|"
                       r"保护|整治|治理|修复|改造|节能|降碳|减排|减碳|减煤|投资|政府|市政|消防|现代|建材|林业|碳汇|生态|环境|"
                       r"污染|监测|管理|服务|物流|交通|建筑|诊断|认证|评价|研发|研究|培养|发展|高质量|转型|融合|数字化|设施|"
                       r"平台|中心|模式|体系|制度|机制|政策|标准|项目|工程|建设|利用|开发|推广|应用|提质|提升|资源|能源|绿色|低碳|"
                       r"进度|负荷|网络|调节|参与")
_DESCRIPTION = re.compile(r"[各类的向除个在对将把由为以于接可其该此这那每]|新增|期间|符合|挖掘|构建|实现|提升|提高|加快|推动")
_SEPARATORS = "，,、；;：:（）()「」《》 \t"
_CLAUSE_BREAKS = "，,；;：:"
_MAX_SENTENCE = 400  # a "sentence" longer than this (lost end punctuation) is read in clause-bounded pieces
_PIECE = 200
_COVERED = "□"  # stands for a candidate's words, so no name runs across them
_RARE = 3  # a pair of characters a plan writes at most this often can belong to a proper name


def _pieces(text: str, start: int, end: int):
    """(start, end) of a sentence, or of its clause-bounded pieces when it is overlong."""
    if end - start <= _MAX_SENTENCE:
        yield start, end
        return
    while start < end:
        stop = min(end, start + _PIECE)
        if stop < end:
            breaks = [text.rfind(c, start + _PIECE // 2, stop) for c in "，,"]
            stop = max(breaks) + 1 if max(breaks) != -1 else stop
        yield start, stop
        start = stop


def _sentences(text: str):
    start = 0
    for at, char in enumerate(text):
        if char in SENTENCE_END:
            if at > start:
                yield from _pieces(text, start, at + 1)
            start = at + 1
    if start < len(text):
        yield from _pieces(text, start, len(text))


def _after_openers(part: str, limit: int) -> int:
    """Where an item's words start: after the verbs and connectives that open it (加快推进, 力争, 以)."""
    at = 0
    while True:
        opener = _OPENERS.match(part, at, limit)
        if opener is None or opener.end() == at:
            return at
        at = opener.end()


def _named_items(clause: str, bigrams: Counter) -> list[tuple[float, int, str]]:
    """Items of a clause (between separators) that end in a facility word and open, after their verb, with
    a pair of characters the plan seldom writes: a name (祁韶直流, 宁电入湘工程, 滨江工业园燃气管道工程),
    not a description (高能耗项目: 高能 is written all through a plan)."""
    signs, at = [], 0
    for part in re.split("([" + re.escape(_SEPARATORS + _COVERED) + "])", clause):
        facility = _NAMED_FACILITY.search(part) if len(part) > 1 else None
        if facility:
            openers = [m for m in _OPENERS.finditer(part, 0, facility.start()) if m.group(0) not in "等和及与"]
            head = openers[-1].end() if openers else 0
            words = part[head:facility.start()]
            if _rare_word(words, bigrams) and len(words) <= 14 and "等" not in words and not words.startswith(GENERIC_STARTS):
                signs.append((2.0, at + head, f"name {words}"))
        at += len(part)
    return signs[:2]


def _suggestion(sentence: str, at: int) -> tuple[int, int]:
    """The item around position `at` (between separators, after its opening verb), up to its facility word."""
    start = max([sentence.rfind(c, 0, at) for c in _SEPARATORS + _COVERED + SENTENCE_END]) + 1
    ends = [e for c in _SEPARATORS + _COVERED + SENTENCE_END if (e := sentence.find(c, at)) != -1]
    end = min(ends, default=len(sentence))
    for opener in _OPENERS.finditer(sentence, start, at):
        start = opener.end()
    facility = None
    for facility in _FACILITY.finditer(sentence, at, end):
        pass
    if facility is not None:
        tail = re.match(r"(?:[一二三四五六七八九十]期)?(?:示范)?(?:项目|工程)?", sentence[facility.end():end])
        end = facility.end() + tail.end()
    return start, max(end, at + 1)


def _clauses(sentence: str):
    start = 0
    for at, char in enumerate(sentence):
        if char in _CLAUSE_BREAKS:
            yield start, at
            start = at + 1
    yield start, len(sentence)


def _clause_signs(clause: str, masked: str, plan: PlanText, bigrams: Counter) -> list[tuple[float, int, str]]:
    """Signs that the uncovered words of one clause name a project: (weight, position, reason)."""
    if not _FACILITY.search(clause):
        return []
    uncovered_facility = _FACILITY.search(masked)
    signs = [(3.0, p.start, f"place {p.name}") for p in plan.places.find(masked) if p.division != plan.places.city]
    signs += [(2.0, m.start(), f"phase {m.group(0)}") for m in _PHASE.finditer(masked)]
    signs += [(3.0, m.start(), f"code {m.group(0)}") for m in _CODE.finditer(masked)]
    for own in (p for p in plan.places.find(masked) if p.division == plan.places.city):
        item_end = min([at for c in _SEPARATORS + _COVERED if (at := masked.find(c, own.end)) != -1] + [len(masked)])
        if _NAMED_FACILITY.search(masked, own.end, item_end):  # 津市市中心城区市政燃气管道: a county plan's own name
            signs.append((2.0, own.start, f"own place {own.name}"))
    signs += _named_items(masked, bigrams)
    if not _TARGET.search(clause):
        signs += [(1.0, m.start(), f"figure {m.group(0)}") for pattern in (CAPACITY_RE, VOLTAGE_RE)
                  for m in pattern.finditer(masked)]
    if uncovered_facility is None and not ("、" in masked and _COVERED in masked):
        signs = []  # the clause's facility words are all a candidate's: only a list's other items can be missed
    return signs + _list_items(masked, bigrams)


def _rare_word(words: str, bigrams: Counter) -> bool:
    """Whether the words open with a pair of characters the plan seldom writes, as names do (泽东化工, 久泽坪),
    and hold none of the function words and verbs a description has (深度挖掘各类机组, 可中断负荷)."""
    pair = re.search(r"[\u4e00-\u9fff]{2}", words)
    return (bool(pair) and bigrams[pair.group(0)] <= _RARE and not _ORDINARY.match(pair.group(0))
            and not _DESCRIPTION.search(words))


def _list_items(clause: str, bigrams: Counter) -> list[tuple[float, int, str]]:
    """Items of a list left uncovered while the rules took other items of it ("□□□、久泽坪、□□□等□□□□"),
    when they read like names (a run of characters the plan seldom writes)."""
    pieces, at = [], 0
    for part in re.split(r"([、和及与])", clause):
        if part and part not in "、和及与":
            pieces.append((at, part))
        at += len(part)
    taken = any(_COVERED in part for _, part in pieces)
    shared_head = len(pieces) >= 2 and "等" in pieces[-1][1] and _NAMED_FACILITY.search(pieces[-1][1].split("等", 1)[1])
    if len(pieces) < 2 or not (shared_head or taken):
        return []
    signs = []
    for at, part in pieces:
        item = part.split("等")[0].lstrip(_COVERED)
        at += len(part) - len(part.lstrip(_COVERED))
        head = _after_openers(item, len(item))
        at, item = at + head, item[head:]
        if _COVERED not in item and len(item) <= 12 and not item.startswith(GENERIC_STARTS) and _rare_word(item, bigrams):
            signs.append((2.5 if taken else 2.0, at, f"list item {item}"))
    return signs


def _score(sentence: str, masked: str, plan: PlanText, bigrams: Counter) -> tuple[float, list[str], int]:
    """Score, reasons and the position of the strongest sign of one sentence (`masked`: its candidates hidden)."""
    signs: list[tuple[float, int, str]] = []
    facilities: list[str] = []
    for low, high in _clauses(sentence):
        found = _clause_signs(sentence[low:high], masked[low:high], plan, bigrams)
        signs += [(weight, low + at, reason) for weight, at, reason in found]
        if found:
            facilities += [f.group(0) for f in _FACILITY.finditer(sentence, low, high)]
    if not signs:
        return 0.0, [], -1
    ordered = sorted(signs, key=lambda s: (-s[0], s[1]))
    score = sum(weight for weight, _, _ in ordered[:4])
    reasons = list(dict.fromkeys(reason for _, _, reason in ordered))[:5]
    reasons.append("facility " + "/".join(list(dict.fromkeys(facilities))[:3]))
    if any(m.start() <= at < m.end() for m in _LIST.finditer(masked) for _, at, _ in signs):
        score += 1.0
        reasons.append("a list")
    if _BUILDS.search(sentence):
        score += 1.0
    if _ENERGY.search(sentence):
        score += 1.5  # a type word of the registry (光伏, 风电, 储能, 管网 …), not only 项目 or 工程
        reasons.append("type word")
    if _FORBIDS.search(sentence):
        score -= 3.0
        reasons.append("forbids")
    return score, reasons, ordered[0][1]


def _masked(text: str, start: int, end: int, covered: list[tuple[int, int]], starts: list[int]) -> str:
    """text[start:end] with the characters inside candidates' spans replaced by _COVERED."""
    chars = list(text[start:end])
    i = max(0, bisect_left(starts, start) - 1)
    while i < len(covered) and covered[i][0] < end:
        low, high = max(covered[i][0], start), min(covered[i][1], end)
        for at in range(low, high):
            chars[at - start] = _COVERED
        i += 1
    return "".join(chars)


def _name_words(plan: PlanText, candidate: dict) -> list[tuple[int, int]]:
    """The cleaned spans of a candidate's own words. An item of a list shares its span with the items
    after it ("天子山、久泽坪、大峰山等风电项目" for 天子山风电项目): only the part of the span that
    starts like the name and the part that ends like it are the candidate's."""
    try:
        start, end = plan.to_clean(int(candidate["source_start"])), plan.to_clean(int(candidate["source_end"]))
    except (KeyError, TypeError, ValueError):
        return []
    words, name = plan.clean.text[start:end], candidate.get("name") or ""
    if not name or name in words:
        return [(start, end)]
    head = next((i for i, (a, b) in enumerate(zip(words, name)) if a != b), min(len(words), len(name)))
    tail = next((i for i, (a, b) in enumerate(zip(reversed(words[head:]), reversed(name[head:]))) if a != b),
                min(len(words) - head, len(name) - head))
    return [(start, start + head), (end - tail, end)]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def possible_projects(raw: str, document: dict, candidates: list[dict], plan: PlanText | None = None) -> list[dict]:
    """The sentences that look like they name a project but gave no candidate for it, best first."""
    plan = plan or PlanText.of(raw, document)
    text = plan.clean.text
    covered = _merged([span for c in candidates for span in _name_words(plan, c)])
    starts = [low for low, _ in covered]
    headings = {plan.to_clean(s.start) for s in plan.sections}
    bigrams = Counter(text[i:i + 2] for i in range(len(text) - 1))
    found = []
    for start, end in _sentences(text):
        sentence = text[start:end]
        if len(sentence.strip()) < 6 or start in headings:
            continue
        masked = _masked(text, start, end, covered, starts)
        score, reasons, at = _score(sentence, masked, plan, bigrams)
        if score < MIN_SCORE:
            continue
        low, high = _suggestion(masked, at)
        raw_start, raw_end = plan.clean.raw_span(start, end)
        suggest_start, suggest_end = plan.clean.raw_span(start + low, start + high)
        found.append({"score": round(score, 1), "source_start": raw_start, "source_end": raw_end,
                      "suggest_start": suggest_start, "suggest_end": suggest_end, "suggestion": sentence[low:high],
                      "reasons": "; ".join(reasons), "sentence": sentence.strip()})
    found.sort(key=lambda row: (-row["score"], row["source_start"]))
    for rank, row in enumerate(found, 1):
        row["rank"] = rank
    return found
