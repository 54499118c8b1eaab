"""Word lists the extraction rules use: what ends a project name, what its type is, what stage it is in.

Stage mapping (Global Energy Monitor status words), applied to the verbs that govern
the project in its sentence; the first rule that matches wins:

- operating: the text says it already runs: 已建成, 已投运, 已投产, 建成投运的, 现有, 在运, 存量.
- construction: the plan pushes building it now: 开工建设, 在建, 续建, 加快…建设, 推进…建设,
  加快建设, 加快推进, 重点推进, 大力推进, 有序推进…建设 (a 推进 that governs the project); as the provincial
  plans' reviewers read them, also 推动…建设, 深化…建设, 重点建设, 高效建设, 重点实施, 加快实施, 新建, 建成 (not
  已建成) and 加快…开发.
- pre-construction: it is in the approval or preparation pipeline: 核准, 备案, 前期, 调规
  (a change of the site plan that precedes approval), 纳入…规划 (a listed site awaiting approval).
- announced: the plan only names the intention: 谋划, 规划建设, 储备, 布局, 争取…落地,
  争取…纳入, 打造, 探索, 引进, 支持…建设, 依托, 启动…前期 is pre-construction, not this.
- empty: no governing verb (the 专栏 tables list names without saying how far along they are).

A 力争/计划 20XX 年 … 建成/投产 in the same sentence gives target_year; it does not make
the project operating.
"""
from __future__ import annotations

import re

# Words a project name ends in, longest first so 抽水蓄能电站 wins over 电站.
HEADS = (
    "输变电及配套工程", "输变电工程", "示范基地", "产业基地", "产业园", "循环产业园", "示范区",
    "示范线项目", "开发试点", "风电场", "电厂", "电站", "储气站", "储备中心", "汇集站", "变电站",
    "利用基地", "基地", "工程", "项目", "通道", "试点", "配送中心", "先行区", "充电站", "号机组",
)
# Heads of the provincial plans' names: a water-control hub, a gas field, line or grid, a storage hub, an exploration
# (the recall net, net.py, keeps to HEADS: these are read by the rules only).
PROVINCE_HEADS = ("水利枢纽", "枢纽", "气田", "干线", "管道", "管网", "调峰中心", "加注站", "接收站", "产业生态园", "勘探开发",
                  "示范机组", "走廊")
# A head followed by these words names a plan or a list, not a project ("水电站建设方案"), or the kind's layout or
# plan, a topic ("核电站布局和开发时序", "抽水蓄能电站中长期发展规划").
HEAD_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, HEADS + PROVINCE_HEADS), key=len, reverse=True)) + ")"
                     "(?!建设方案|方案|规划|名录|目录|基础|址|力度|潜力|技术|机械"  # 核电厂址 is a site, not a plant
                     "|布局|中长期|发展规划)")
# Names that carry a type keyword but are factories, labs or plans rather than energy assets.
NOT_PROJECTS = re.compile(r"储能电池项目|研究院|实验室|风机制造|装备制造|炼钢|技术试点|技术示范|行动|机制|研发|达到")

# (type, subtype, keywords): the first row whose keyword occurs in the name decides.
TYPE_RULES = (
    ("industrial_park", "", ("新能源产业园", "零碳产业园", "液流电池产业园")),
    ("other", "CCUS", ("CCUS", "碳捕集", "碳捕捉")),
    ("pumped_storage", "", ("抽水蓄能",)),
    ("energy_storage", "压缩空气", ("压缩空气储能",)),
    ("energy_storage", "共享储能", ("共享储能",)),
    ("energy_storage", "液流", ("液流电池储能",)),
    ("hybrid", "风光储", ("风光储",)),
    ("hybrid", "水风光互补", ("水风光",)),
    ("hybrid", "风光火储", ("风光火储", "风光水火储")),
    ("hybrid", "源网荷储", ("源网荷储",)),
    ("hybrid", "多能互补", ("多能互补",)),
    ("hybrid", "可再生能源综合基地", ("可再生能源综合基地", "一体化可再生能源")),
    ("hybrid", "风光", ("光伏风电", "风电光伏", "风光互补")),
    ("solar_pv", "渔光互补", ("渔光互补",)),
    ("solar_pv", "农光储", ("农光储",)),
    ("solar_pv", "农光互补", ("农光互补",)),
    ("solar_pv", "林光互补", ("林光互补",)),
    ("solar_pv", "牧光互补", ("牧光互补",)),
    ("solar_pv", "茶光互补", ("茶光互补",)),
    ("solar_pv", "整县屋顶分布式", ("整县屋顶", "整区县屋顶", "整县（市、区）屋顶")),
    ("solar_pv", "屋顶分布式", ("屋顶分布式", "屋顶光伏")),
    ("solar_pv", "分布式", ("分布式光伏",)),
    ("solar_pv", "", ("光伏",)),
    ("wind", "", ("风电", "风储", "风力发电")),
    ("new_energy_base", "", ("新能源基地", "新能源示范基地", "新能源百万千瓦基地", "新能源开发基地", "清洁能源基地",
                             "清洁能源后备基地", "风光电基地", "风光发电基地", "风光基地", "能源生产基地")),
    ("hydro", "扩机增容", ("扩机增容", "增容扩机")),
    ("hydro", "", ("水电站", "水电", "水利枢纽", "水电枢纽", "水能")),
    ("nuclear", "小型堆", ("小型堆", "小堆")),
    ("nuclear", "", ("核电", "核能供热", "核能")),
    ("gas_power", "", ("气电", "燃气发电", "天然气发电", "燃气电厂", "燃机", "燃气热电", "燃气调峰电站", "天然气调峰电站")),
    ("waste_to_energy", "", ("生活垃圾焚烧", "垃圾焚烧发电", "垃圾发电")),
    ("biomass", "", ("生物质",)),
    ("thermal", "热电联产", ("热电联产", "热电")),
    ("thermal", "", ("电厂", "煤电", "火电", "燃煤机组", "燃煤发电")),
    ("hydrogen", "", ("氢能", "制氢", "加氢", "氢燃料")),
    ("energy_storage", "", ("储能",)),
    ("substation", "", ("输变电", "变电站", "汇集站", "千伏变", "kV变")),
    ("transmission", "", ("千伏线路", "输电线路", "千伏通道", "特高压", "直流输电", "输电工程", "输电通道", "交流工程",
                          "联网工程", "直流工程", "电力外送通道", "电力通道", "外送通道", "送电通道", "送出通道")),
    ("grid", "环网", ("环网",)),
    ("grid", "", ("配电网", "电网", "新型电力系统")),
    ("gas_storage", "", ("储气", "天然气储备", "LNG", "液化天然气")),
    ("gas_pipeline", "", ("天然气管", "燃气管", "输气管", "天然气建设", "气化乡镇")),
    ("charging", "岸电", ("岸电",)),
    ("charging", "", ("充电", "换电", "综合能源示范线")),
    ("other", "油气田开发", ("油气田", "气田", "油田", "页岩气", "煤层气", "致密气", "非常规天然气", "煤系天然气", "油气", "油页岩")),
    ("other", "地热", ("地热", "干热岩")),
    ("other", "光热", ("光热",)),
    ("other", "分布式能源", ("分布式能源",)),
    ("recycling", "", (
        "城市矿产", "资源循环利用", "再生资源", "循环经济", "循环产业", "循环化改造", "综合利用",
        "回收", "收转运", "拆解", "再生", "废旧", "废塑料", "废玻璃", "废钢", "固废", "建筑垃圾", "餐厨", "尾砂", "磷石膏", "梯次利用",
        "资源化利用", "湿垃圾", "厨余", "再制造",
    )),
    ("other", "石油储备", ("石油储备", "成品油储")),
    # A project of a power-generation group that names no technology ("华电…节能降碳改造项目") is at its coal plant.
    ("thermal", "", ("华电", "大唐", "京能", "华能")),
    # a hydrogen corridor between cities ("甲-乙-丙氢走廊")
    ("hydrogen", "", ("氢走廊",)),
    # a region's energy base ("陇东能源基地") with no kind named
    ("new_energy_base", "", ("能源基地",)),
    # a generating unit of no other kind is a coal unit ("66万千瓦高硫无烟煤示范机组")
    ("thermal", "", ("机组",)),
)

# Words that open a project name's governing clause; the name starts after the last one.
LEAD_VERBS = (
    "统筹有序推进", "有序推进", "重点推进", "加快推进", "大力推进", "积极推进", "推进", "加快建设", "加快",
    "开工建设", "建设", "支持", "争取", "实施", "完成", "依托", "打造", "推动", "谋划", "规划", "布局",
    "启动", "新建", "建成", "引进", "总结推广", "发展", "重点实施", "重点建设", "结合", "探索", "配套",
    "包括", "抓好", "开展", "其中", "加大", "推广", "有序推广", "优化", "不断", "配置", "充分发挥", "发挥",
    "合理控制", "鼓励", "应用", "积极推动", "确保", "引导", "加强", "保持", "拓展", "力争", "实现",
    "努力争取", "谋划研究", "研究论证", "深化", "促进", "提高", "提升", "统筹", "创建", "做好", "参与", "打通", "通过",
    "完善", "支撑", "围绕", "成为", "建立", "铺设",
    # extract3: verbs of managing, growing and forming that open a clause rather than a name
    "整顿", "规范", "培育", "构建", "形成", "增建", "组织", "科学有序组织", "落实", "深入落实", "严控", "严格控制",
    # extract4: verbs of deciding and planning ("合理确定核电站布局", "制定新一轮…规划")
    "确定", "制定", "编制",
)
LEAD_RE = re.compile("|".join(sorted(map(re.escape, LEAD_VERBS), key=len, reverse=True)))

# Stage rules in order; each is (stage, regex over the text from the clause start to the name end).
STAGE_RULES = (
    ("operating", re.compile(r"已建成|已投运|已投产|建成投运的|现有|在运|存量")),
    ("pre-construction", re.compile(r"核准|备案|前期|调规|纳入[^，。；]{0,12}规划")),
    ("construction", re.compile(r"开工建设|在建|续建|加快[^，。；]{0,60}建设|推进[^，。；]{0,60}建设|加快推进|重点推进|大力推进|加快建设"
                                r"|推动[^，。；]{0,60}建设|深化[^，。；]{0,60}建设|重点建设|高效建设|重点实施|加快实施|新建"
                                r"|(?<!已)建成|加快[^，。；]{0,30}开发")),
    ("announced", re.compile(r"谋划|规划建设|储备|布局|争取|打造|探索|引进|支持|依托")),
)
TARGET_YEAR_RE = re.compile(r"(?:力争|争取|计划|预计|确保)?(20\d\d)年(?:内|底|前|末)?(?:建成|投产|投运|并网|完成|实现)")

# A name that starts so is a category, not a named project ("一批农光互补光伏发电项目").
GENERIC_STARTS = ("一定比例", "存量", "新增", "新扩建", "覆盖", "省", "一批", "一些", "各类", "相关", "有关", "具备条件", "有条件", "现有", "新建", "重点", "大型",
                  "这些", "其他", "多个", "全市", "全县", "全区", "我市", "本市", "该", "市县", "县域", "各", "若干", "全国", "全省",
                  "我省", "我区", "本省", "本区", "全域")
# In a 专栏 table every entry is a project, unless it opens with a quantifier like these.
LIST_GENERIC_STARTS = ("一批", "一些", "各类", "相关", "有关", "这些", "其他", "多个", "具备条件", "有条件")
# After removing these, a named project keeps some words of its own.
GENERIC_WORDS = re.compile(
    "|".join(sorted(map(re.escape, (
        "新能源", "可再生能源", "清洁能源", "光伏", "发电", "风电", "项目", "工程", "建设", "示范", "分布式", "集中式",
        "屋顶", "农光互补", "渔光互补", "储能", "电站", "基地", "产业", "产业园", "园区", "利用", "综合", "开发",
        "试点", "资源", "循环", "回收", "再生", "设施", "基础", "体系", "网络", "天然气", "管网", "管道", "改造",
        "升级", "一体化", "多能互补", "生物质能", "生物质", "氢能", "充电", "电动汽车", "新型", "电力系统", "电网",
        "智能", "智慧", "能源", "低碳", "绿色", "零碳", "的", "和", "及", "与", "等", "企业", "公司", "规模化",
        "大宗", "固废", "垃圾", "处理", "处置", "应用", "推广", "技术", "研究", "地区", "区域", "城市", "乡镇",
        "风储", "风光储", "风光水储", "水风光", "互补", "光储", "农光储", "抽水蓄能", "水电站", "扩机增容", "热电联产",
        "压缩空气", "共享", "整县", "整区县", "百万千瓦级", "百万千瓦", "装机", "城市矿产", "循环化", "静脉", "多元化",
        "国家", "省级", "市级", "高效", "清洁", "生活", "餐厨", "建筑", "农村", "户用", "公共", "机构", "领域", "批",
        "输变电", "变电站", "燃煤", "锅炉", "窑炉", "自备", "深度", "二氧化碳", "废旧", "重点", "专用", "公用", "快充",
        "公交", "客运", "环卫", "物流", "节能环保", "替代化石能源", "化石能源", "替代", "使用", "地热能", "碳减排",
        "统筹", "太阳能", "光热", "绿电", "制氢", "示范应用", "焚烧", "气化", "耦合", "入管网", "生物天然气", "地面",
        "工业窑炉", "工业园区", "主要", "废弃物", "拆解", "深加工", "一体", "大件", "新增", "高速公路", "国省干线", "山地", "经济",
        # "光伏+农业等综合利用项目": the sectors a technology is combined with name no project
        "农林", "农业", "渔业", "林业", "牧业", "畜牧", "旅游", "交通", "治沙", "生态", "修复", "复合", "模式",
        "分散式", "核能供热", "核能", "核电", "小型堆", "小型", "供热", "燃气", "气电", "调峰", "特高压", "直流", "交流", "输电",
        "通道", "环网", "联网", "千伏",
        # kinds of plant, grid or waste that name no particular one ("自备电厂", "虚拟电厂", "柔性直流")
        "电厂", "虚拟", "存量", "电力", "外电", "区外", "柔性", "高压", "电化学", "冷热电", "三联供",
        "先行", "水面", "大宗固体废物", "源网荷储", "风光火储", "风光水火储", "林光互补", "牧光互补", "茶光互补",
        # qualifiers, scales and sides that name no particular plant ("新一轮抽水蓄能电站", "坝后水电站", "用户侧储能")
        "水电", "水库", "坝后", "新一轮", "已建", "在建", "投运", "在运", "规划内", "大中型", "中小型", "后续", "跨区",
        "跨省", "省间", "外送", "送出", "一定规模", "高水平", "现代化", "千万千瓦级", "千亿级", "用户侧", "电源侧",
        "电网侧", "港口", "码头", "泊位", "海上", "陆上", "沿海", "低谷", "助力", "降碳", "碳达峰", "碳中和",
        "因地制宜", "创新", "光储充", "换电站", "充电桩", "充电站", "快充站", "枢纽", "客货", "区域",
        "场站", "停车场", "服务区",
        # farming wastes and the materials and parts recycled, not places ("畜禽粪污资源化利用", "退役光伏组件")
        "种养", "粪污", "畜禽", "秸秆", "农作物", "退役", "动力电池", "锂离子", "电池", "组件", "叶片", "装置",
        "新兴产业", "重点县", "全量", "功能区", "集中区", "集中连片", "连片", "集中", "城镇", "运用", "液化", "坚强", "局部", "运输", "融合发展", "融合", "海洋牧场", "燃料",
        # land that hosts plants and says not which ("沙漠、戈壁、荒漠地区大型风电光伏基地")
        "城区", "周边", "建制镇", "老旧", "长输", "供气", "输送", "气源", "多气源", "保障", "自治区", "加装", "符合",
        "微管网", "罐站", "输配", "干支线", "支线", "重要", "大型", "中型", "沙漠", "戈壁", "荒漠", "盐碱", "滩涂", "沉陷区", "采煤", "石漠化", "荒山", "荒坡", "矿区", "景区", "供暖", "制冷", "乡村", "岸电", "船舶", "船用", "清洁动力",
        "接收站", "加注站", "电源输出地", "全流程", "集成化", "矿化", "产能", "千亿立方米级", "优质", "世界级", "世界一流",
        "全国重要", "全国最大", "新材料", "材料", "化工", "石化", "钢铁", "建材", "有色", "锂电", "轻金属", "磷煤",
        "煤电", "火电", "热电", "机组", "超超临界", "清洁煤电", "风光火", "风光",
        # kinds of gas and heat resources and their development ("页岩气勘探开发", "浅层地热能")
        "页岩气", "煤层气", "致密气", "非常规天然气", "非常规", "油气", "勘探", "气田", "油田", "集输", "干线",
        "地热", "浅层", "中深层", "瓦斯", "煤矿", "增储上产", "滚动", "碳捕集", "碳捕捉", "捕集", "捕捉", "封存",
        # extract3: ordinary qualifiers, sectors, materials and station kinds that name no particular site
        # ("社会废弃物资源回收利用工程", "区内油气主干管网", "浓海水梯级利用示范基地", "加氢站与加油站…")
        "固体", "社会", "现代", "储气罐", "水利", "区内", "区外", "省内", "省外", "市内", "主干", "骨干",
        "节能", "节水", "工艺", "平价", "余热", "余压", "煤气", "尾气", "废气", "废液", "废渣", "废水", "梯级",
        "高端", "海水", "浓海水", "盐化工", "盐湖", "采暖", "加氢站", "加油站", "加气站", "多站合一", "模块化", "先进",
        "堆型", "快堆", "浮动堆", "高温气冷堆", "冶金", "粉煤灰", "尾矿", "尾矿渣", "矿渣", "煤矸石", "脱硫石膏", "赤泥",
        "钢渣", "车辆", "重型", "货运", "动力", "降损", "能量", "系统", "电气", "设备", "产品", "机电", "标准化", "装备",
        "常规", "再制造", "干热岩", "送电", "跨区域", "跨省区",
    )), key=len, reverse=True))
)
# A style of plant or a furnace is a kind, not a name: 混合式, 集中式, 漂浮式, 坝后式 …; 矿热炉, 电煅炉, 转炉
STYLE_WORD = re.compile(r"[\u4e00-\u9fff]{1,2}[式炉]")
