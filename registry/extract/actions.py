"""Names that end in an action rather than a head noun (rules.py reads them as heads).

- A distributive list (issue 19): "加快推进甲、乙和丙三大海域风电开发", "推进甲、乙等地区燃煤机组等容量替代": the words
  before an action (开发, 建设, 替代, 改造) name a kind of facility, and an enumeration of places or owners comes
  before them in the clause; each item is one project (`distributive` checks that the items are places).
  The words before the action must be one kind: "甲、乙等地区中深层地热能和浅层地热能资源勘查开发" joins two kinds.
- A named deposit or river reach developed (extract3): "加快推进陇东油区非常规油气资源规模化开发", "推进昭通页岩气勘探
  及低成本规模化开发", "组织黄河上游水能资源开发", "加快乌江等流域水电机组扩机": the words between the clause's verb and
  开发 or 扩机 hold a resource that stays where it is (hydropower, oil and gas, geothermal heat) and a place, a
  division or a field, basin or reach. Wind and sun are no deposit: "关中地区风光资源规模化开发" is a kind spread
  over a region.
- A kind before its preparation (extract3): "做好黑山峡河段水电前期论证工作", "推进甲湾核电前期工作": the kind's word
  closes the name.

Each action reads at most _MAX_SHARED_PHRASE characters before it: linear in the plan.
"""
from __future__ import annotations

import re
from os.path import commonprefix

from registry.extract.kinds import is_specific, keyword_type
from registry.extract.places import PlaceIndex
from registry.extract.vocab import HEAD_RE, LEAD_RE

_ACTION = re.compile(r"开发|建设|替代|改造")
# "开发力度", "开发潜力": the development's effort or potential, not a development
_DEPOSIT_ACTION = re.compile(r"(?:开发|扩机)(?!力度|潜力|水平|能力|规模|强度|进度|程度|效率|条件|模式|方式|空间|利用率)")
_MAX_SHARED_PHRASE = 40  # the facility words a distributive list shares: "湿垃圾集中资源化利用设施"
_MAX_DISTRIBUTED_ITEM = 10
# An item of a distributive list is a place or an owner: short, of no kind of its own, not a sector.
_SECTOR_END = re.compile(r"(?:行业|领域|产业|企业|方面|环节|技术|设备|材料|产品|能源|资源|地区|城市|乡村|农村)$")
# Resources developed where they lie, and the words of a place that holds one.
_DEPOSIT_TYPES = {("hydro", ""), ("other", "油气田开发"), ("other", "地热")}
_DEPOSIT_PLACE = re.compile(r"油区|气区|油田|气田|盆地|流域|上游|中游|下游|河段|干流|区块|[江河湖]")
_PREPARED_KIND = re.compile(r"(?:水电|核电|抽水蓄能|风电|光伏|气电|煤电)(?=前期)")
_BREAKS = "，,；：:"


def action_heads(sentence: str, places: PlaceIndex) -> list[tuple[int, int, bool]]:
    """(start, end, shared) of the actions and kinds that end a name in the sentence."""
    found = []
    for match in _ACTION.finditer(sentence):
        if _shares_a_facility(sentence, match.start()):
            found.append((*match.span(), True))
    shared = {start for start, _, _ in found}
    found += [(*m.span(), False) for m in _DEPOSIT_ACTION.finditer(sentence)
              if m.start() not in shared and _develops_a_deposit(sentence, m.start(), places)]
    found += [(*m.span(), False) for m in _PREPARED_KIND.finditer(sentence)]
    return found


def _words_before(sentence: str, action_at: int) -> str:
    """The clause's words before an action, at most _MAX_SHARED_PHRASE of them."""
    window = sentence[max(0, action_at - _MAX_SHARED_PHRASE):action_at]
    return window[max(window.rfind(c) for c in _BREAKS) + 1:]


def _shares_a_facility(sentence: str, action_at: int) -> bool:
    """The words before the action name one kind of facility with no head noun, and an enumeration comes
    before them in the same clause."""
    if HEAD_RE.match(sentence, action_at) or HEAD_RE.match(sentence, action_at + 2):
        return False  # "开发试点", "建设项目": the head that follows ends the name
    window = _words_before(sentence, action_at)
    mark = max(window.rfind("、"), window.rfind("和"), window.rfind("及"))
    if mark < 0:
        return False
    shared = window[mark + 1:]
    if HEAD_RE.search(shared) is not None or keyword_type(shared) is None:
        return False
    if window[mark] != "、":  # "…地区中深层地热能和浅层地热能资源": a 和 that joins two kinds lists no places
        joined = window[window.rfind("、", 0, mark) + 1:mark]
        return keyword_type(joined) is None
    return True


def _develops_a_deposit(sentence: str, action_at: int, places: PlaceIndex) -> bool:
    """The words from the clause's last verb to the action hold a deposit's resource and its place."""
    if HEAD_RE.match(sentence, action_at + 2):
        return False  # "开发基地": the head that follows ends the name
    window = _words_before(sentence, action_at)
    verb = None
    for verb in LEAD_RE.finditer(window):
        pass
    words = window[verb.end():] if verb else window
    if not words or "、" in words or "和" in words or keyword_type(words) not in _DEPOSIT_TYPES:
        return False
    return bool(places.find(words)) or _DEPOSIT_PLACE.search(words) is not None


def distributive(names: list[str], places: PlaceIndex) -> bool:
    """Whether the items of a list that shares a facility ("甲、乙和丙三大海域风电开发") are places or owners:
    each item, the words all items share taken off, is short, of no kind of its own and no sector
    ("风电、光伏等新能源开发" and "城市垃圾和农林废弃物等生物质发电建设" list kinds, not places)."""
    if len(names) < 2:
        return False
    shared = len(commonprefix([n[::-1] for n in names]))
    shared = min(shared, min(map(len, names)) - 2)  # "东港…、西港…": the items' own last 港 is not shared
    for name in names:
        own = name[:len(name) - shared]
        if not 2 <= len(own) <= _MAX_DISTRIBUTED_ITEM or keyword_type(own) or _SECTOR_END.search(own):
            return False
        if not is_specific(own, places):
            return False
    return True
