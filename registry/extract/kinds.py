"""What kind of project a name is (keyword_type) and whether it names one project or a category
(is_specific): the word lists of vocab.py applied to a name or a sentence.
"""
from __future__ import annotations

import re

from registry.extract.places import PlaceIndex
from registry.extract.units import CAPACITY_RE
from registry.extract.vocab import GENERIC_STARTS, GENERIC_WORDS, LIST_GENERIC_STARTS, NOT_PROJECTS, STYLE_WORD, TYPE_RULES

# The one-character names of the provinces: where power is delivered to ("陕电送豫", "绿电进京").
PROVINCE_CHARS = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新港澳"
# “疆电入鄂”, “陕电送豫”, “绿电进京”: a channel; 外电入湘 (power from outside) is none, nor 发电送出 or 充电进小区.
_NOT_A_SOURCE = "外充供用发配输售"
# Lines named without a head noun: a ring at a voltage ("500千伏口字型环网", "华中交流特高压环网") and a
# direct-current line named by its two ends' first characters ("祁韶直流", "雅江直流"); 直流配电 and
# 直流输电工程 are no such name (the latter's head is 工程).
LINE_HEAD = re.compile(r"(?:(?<=千伏)|(?<=kV)|(?<=KV)|(?<=高压))[^，,。；、\s（）()]{0,10}?(?P<ring>环网)(?!工程|项目|建设方案)"
                       # "深入落实乌东德水电送桂": a delivery into a province named with no head noun
                       rf"|(?<=[^\W\d_{_NOT_A_SOURCE}]电[入进送])(?P<feed>[{PROVINCE_CHARS}])(?=[，,。；、\s]|$)"
                        r"|(?<=[\u4e00-\u9fff]{2})(?<!高压)(?<!千伏)(?P<dc>直流)(?!配电|供电|用电|微|充电|技术|系统|电网|侧|电|输电|输变电|工程|线路|通道|等)")
# A network named by its layout ("四横两纵环网", "两横三纵一中心的油气管网", "一核一圈多环管网", "三纵-双环网-两延伸主网架",
# "一网双环输气格局"): counted parts (横, 纵, 环, 核, 圈, 网, 中心, 延伸 …) before a network noun; the layout is its name.
_LAYOUT_PART = r"(?:[一二两三四五六七八九十多双]|\d{1,2})(?:横|纵|环网|环|核|圈|网|中心|延伸|翼|轴|射)"
LAYOUT = re.compile(rf"{_LAYOUT_PART}(?:[-－—]?{_LAYOUT_PART})+")
LAYOUT_HEAD = re.compile(rf"(?P<layout>{LAYOUT.pattern})的?"
                         r"(?P<net>(?:油气|输气|天然气|燃气)?(?:环网|管网|主网架|网架|电网)|输气格局|管网格局)")
_GAS_NET = re.compile(r"管网|输气|气")
_NAMED_DC_LINE = re.compile(r"^[\u4e00-\u9fff]{2}直流$|千伏直流$")
VOLTAGE_LINE = re.compile(r"(?:千伏|kV|KV).{0,20}(?:通道|线路)")
POWER_IMPORT = re.compile(rf"[^\W\d_{_NOT_A_SOURCE}]电(?:入[\u4e00-\u9fff]|[进送][{PROVINCE_CHARS}])")
# Qualifiers before a name that say how far along a plant is, not which one it is.
QUALIFIER_START = re.compile(r"^(?:存量|现有|已建成|已建|在建|在运|已投运|新一轮)+")
# A region named by a province's one-character name and a direction ("晋北", "鲁西南", "陇东", "粤东"): a base of it is named.
_REGION = re.compile(r"^[\u4e00-\u9fff][东西南北中]{1,2}")
# Metals recycled or processed ("镍钴锰资源综合利用"): a material, not a place.
_ELEMENTS = "[镍钴锰锂铅锌铝镁硅钒钛]"
# "光伏＋水面", "新能源+储能": a technology combined with a use is a mode of development, not a project.
_TECHNOLOGY_PLUS = re.compile(r"(?:光伏|风电|储能|新能源|氢能|生物质|地热)\s*[+＋]")
VOLTAGE_LINE_SHORTEST = re.compile(r"(?:千伏|kV|KV).{0,20}?(?:通道|线路)")  # the match that ends first
VOLTAGE_STATION = re.compile(r"(?<!\d)\d++(?:千伏|kV|KV)\S{1,6}变$")
# A line named by its ends ("巴林-奈曼-阜新", "陇东至山东", "山西-京津唐"): a 输变电 project or a channel between
# them is a line, not a substation; an ultra-high-voltage 输变电 project is one too.
_LINE_ENDS = re.compile(r"[\u4e00-\u9fff]{2}(?:至|[-－—–])[\u4e00-\u9fff]{2}")
_HYPHENED_ENDS = re.compile(r"[\u4e00-\u9fff]{2}[-－—–][\u4e00-\u9fff]{2}")
# An industrial base of an energy-intensive industry ("盘锦辽东湾石化及精细化工产业基地", "淮北陶铝新材料产业基地") that the
# plan builds is a key project; bases of other trades (家纺, 油茶, 数字经济) are not.
_HEAVY_INDUSTRY_BASE = re.compile(r"(?:石化|化工|钢铁|新材料|金属材料|建材|菱镁|盐湖|有色|铝|铜|镁|硅)"
                                  r"[^，,。；、]{0,8}?(?:产业基地|生产基地|产业示范基地|产业生态园)|绿色产业示范基地")
# A line that carries oil or gas ("北油南下输送通道", "天然气入皖战略气源通道", "页岩气集输干线", "川气东送二线").
_OIL_GAS_LINE = re.compile(r"(?:油|(?<![大空])气)[^电，,。；、]{0,10}?(?:管道|管网|管线|干线|通道)|气东送|气东输")
_UHV = re.compile(r"特高压|直流|±|1000千伏")
_POWER_LINE_WORDS = re.compile(r"输电|通道|线路|联网|直流|交流")  # 输变电 between two ends is a substation's project (above)
_NOT_POWER = re.compile(r"气|油|管|热|水|铁路|公路|高速|联运|物流|货运|客运|航运|铁海|公铁")
_POWER_LINE = re.compile(r"电|千伏|特高压")
# "第3条外电入皖特高压直流输电通道": an ordinal names one particular line or channel.
_INTO_PROVINCE = re.compile(rf"(?<!外)(?:(?:电|气|油)入(?![网管户])[\u4e00-\u9fff]|(?<![{_NOT_A_SOURCE}])电[进送][{PROVINCE_CHARS}])"
                            r"(?:[\u4e00-\u9fff]{0,6}?)(?:通道|工程)")
_ORDINAL = re.compile(r"第(?:\d+|[一二三四五六七八九十]+)条")
_NATIONAL = ("国家", "全国")
# A project abroad (一带一路 co-operation: "参与巴基斯坦达苏水电站建设") is no project of the plan's area.
_ABROAD = re.compile(r"境外|海外|国外|巴基斯坦|老挝|柬埔寨|缅甸|越南|泰国|印度尼西亚|印尼|马来西亚|菲律宾|孟加拉|斯里兰卡|尼泊尔"
                     r"|哈萨克斯坦|乌兹别克斯坦|吉尔吉斯|塔吉克斯坦|土库曼斯坦|蒙古国|俄罗斯|沙特|阿联酋|伊朗|伊拉克|土耳其|埃及"
                     r"|埃塞俄比亚|肯尼亚|尼日利亚|南非|阿根廷|巴西|智利|秘鲁|塞尔维亚|匈牙利")


# A keyword inside a longer word that means something else: 可再生能源 is renewable energy, not 再生 (recycling).
_NOT_AFTER = {"再生": "可"}


def _keyword_pattern(keyword: str) -> str:
    before = _NOT_AFTER.get(keyword)
    return (f"(?<!{re.escape(before)})" if before else "") + re.escape(keyword)


# One pattern per rule of TYPE_RULES, in order: a name is searched once per rule, not once per keyword.
_RULE_PATTERNS = [(re.compile("|".join(map(_keyword_pattern, keywords))), type_, subtype)
                  for type_, subtype, keywords in TYPE_RULES]


def _find(text: str, keyword: str, start: int = 0) -> int:
    """text.find(keyword), skipping occurrences inside the longer word of _NOT_AFTER."""
    at = text.find(keyword, start)
    if keyword in _NOT_AFTER:
        while at > 0 and text[at - 1] == _NOT_AFTER[keyword]:
            at = text.find(keyword, at + 1)
    return at


def keyword_type(name: str) -> tuple[str, str] | None:
    if NOT_PROJECTS.search(name):
        return None
    if LAYOUT_HEAD.search(name):  # a gas network unless it carries power
        return ("gas_pipeline", "") if _GAS_NET.search(name) and "电" not in name else ("grid", "环网" if "环" in name else "")
    if VOLTAGE_LINE.search(name) or POWER_IMPORT.search(name) or _NAMED_DC_LINE.search(name):
        return "transmission", ""
    if ("输变电" in name and (_UHV.search(name) or _HYPHENED_ENDS.search(name))) or (
            _LINE_ENDS.search(name) and _POWER_LINE_WORDS.search(name) and not _NOT_POWER.search(name)):
        return "transmission", ""
    if VOLTAGE_STATION.search(name):
        return "substation", ""
    if _OIL_GAS_LINE.search(name) and not _POWER_LINE.search(name):
        return "gas_pipeline", ""
    for pattern, type_, subtype in _RULE_PATTERNS:
        if pattern.search(name):
            return type_, subtype
    if _HEAVY_INDUSTRY_BASE.search(name):
        return "industrial_park", ""
    return None


class TypeBefore:
    """keyword_type(sentence[:h]) for every h of one sentence, in one pass over the sentence.

    A prefix holds a keyword exactly when the keyword's first occurrence ends inside it, so the
    first occurrences, found once, answer every head of a long sentence (issue 15: per-head
    prefixes made a sentence of n names cost n²).
    """

    def __init__(self, sentence: str):
        self.sentence = sentence
        forbidden = NOT_PROJECTS.search(sentence)
        self.forbidden_end = forbidden.end() if forbidden else None
        lines = [m.end() for m in (VOLTAGE_LINE_SHORTEST.search(sentence), POWER_IMPORT.search(sentence)) if m]
        self.line_end = min(lines) if lines else None
        self.rule_ends = []
        for type_, subtype, keywords in TYPE_RULES:
            ends = [at + len(k) for k in keywords for at in (_find(sentence, k),) if at != -1]
            if ends:
                self.rule_ends.append((min(ends), type_, subtype))

    def __call__(self, h: int) -> tuple[str, str] | None:
        if self.forbidden_end is not None and self.forbidden_end <= h:
            return None
        if self.line_end is not None and self.line_end <= h:
            return "transmission", ""
        if VOLTAGE_STATION.search(self.sentence, max(0, h - 40), h):
            return "substation", ""
        for end, type_, subtype in self.rule_ends:
            if end <= h:
                return type_, subtype
        return None


def first_keyword_position(text: str) -> int:
    positions = [at for _, _, keywords in TYPE_RULES for k in keywords for at in (_find(text, k),) if at != -1]
    capacity = CAPACITY_RE.search(text)
    if capacity:
        positions.append(capacity.end())
    return min(positions) if positions else -1




def is_specific(name: str, places: PlaceIndex, listed: bool = False) -> bool:
    """A named project rather than a category of projects; every entry of a 专栏 table (`listed`) is one."""
    if listed and not name.startswith(LIST_GENERIC_STARTS):
        return True  # a table entry ("大型物件回收厂建设项目") names one project even when it opens like a category
    if LAYOUT_HEAD.search(name):
        return True  # a network's layout is its name
    if "的" in name:
        # "生态保护要求的水电项目", "投运的风电场": what stands before 的 describes a kind, unless it is a place
        before, after = name.rsplit("的", 1)
        if not places.find(before):
            name = after
    if _ABROAD.search(name):
        return False
    name = QUALIFIER_START.sub("", name)  # "存量准东直流输电通道" names the line; "存量光伏项目" names none
    if name.startswith(GENERIC_STARTS):
        return False
    found = places.find(name)
    if _TECHNOLOGY_PLUS.search(name) and not found and not _REGION.match(name):
        return False  # "光伏＋水面" is a mode of development; "鲁西南采煤沉陷区光伏＋基地" is a base of a region
    if any(p.division.level >= 3 or p.division == places.city for p in found):
        return True
    if _ORDINAL.search(name) and keyword_type(name) == ("transmission", ""):
        return True
    if _INTO_PROVINCE.search(name):
        return True  # "陆上天然气入鲁通道", "宁电入湘工程": a channel into a province
    if name.startswith(_NATIONAL) and not found and places.city.level <= 1:
        # "国家再制造产业示范基地" with no place is a national designation, a kind of base over a province; a city's
        # own plan that creates one ("创建国家…基地") names the city's
        return False
    residue = re.sub(r"[（(][^（）()]*[）)]|[（）()]", "", CAPACITY_RE.sub("", name))  # a bracket holds a place or a note
    residue = STYLE_WORD.sub("", GENERIC_WORDS.sub("", residue))
    residue = re.sub(r"[\W\d_a-zA-Z]|[一二三四五六七八九十]期|[个座批条]|入[\u4e00-\u9fff](?=通道|工程|$)|" + _ELEMENTS,
                     "", residue)
    return len(residue) >= 2

