"""The indicator vocabulary of `targets.csv`: what a plan's target measures, in one word per kind.

The plans word the same indicator differently (非化石能源消费比重, 非化石能源消费占比); the
`indicator` column of targets.csv names it once, from this table, so targets compare across
cities, and `metric` keeps the plan's own words. `unit_family` says what `unit_normalised`
holds. A capacity indicator also names the project types whose listed capacity counts
towards it, which is how a plan page puts a target beside the sum of the plan's projects.

Counting rules, decided once:
- A hybrid (风光储一体化) counts towards new-energy and clean-energy capacity, never towards
  solar or wind alone: the plans do not split a hybrid's MW between PV and wind, and
  guessing a share would invent numbers.
- Waste-to-energy counts as biomass power, as China's energy statistics count it (生物质发电
  includes 垃圾焚烧发电).
- 新能源 is wind, solar, hybrids, new-energy bases and biomass (incl. waste-to-energy);
  清洁能源 adds hydropower and pumped storage (Shiyan's 880万千瓦 includes its hydro fleet).
- Pumped storage and battery storage count only towards their own indicators.

Units: `UNIT_CONVERSIONS` turns the plans' units into SI-like ones (万千瓦 → MW, 万亩 → ha, …).
A share written 全部 / 全面 / 全覆盖 ("all parks", "every new building") is recorded as 100 %.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    key: str
    label_zh: str
    label_en: str
    unit_family: str  # share, capacity, transformer_capacity, volume, area, count, length, …
    counts_types: tuple[str, ...] = ()  # project types whose capacity_mw counts towards a capacity target


NEW_ENERGY_TYPES = ("solar_pv", "wind", "hybrid", "new_energy_base", "biomass", "waste_to_energy")
CLEAN_ENERGY_TYPES = NEW_ENERGY_TYPES + ("hydro", "pumped_storage")

_TABLE = [
    # energy
    ("non_fossil_share", "非化石能源消费比重", "Non-fossil share of energy consumption", "share"),
    ("energy_intensity_reduction", "单位地区生产总值能耗下降", "Energy intensity reduction (per unit GDP)", "share"),
    ("carbon_intensity_reduction", "单位地区生产总值二氧化碳排放下降", "Carbon intensity reduction (per unit GDP)", "share"),
    ("solar_pv_capacity", "光伏发电装机", "Solar PV capacity", "capacity", ("solar_pv",)),
    ("wind_capacity", "风电装机", "Wind capacity", "capacity", ("wind",)),
    ("biomass_capacity", "生物质能发电装机", "Biomass power capacity (incl. waste-to-energy)", "capacity",
     ("biomass", "waste_to_energy")),
    ("new_energy_capacity", "新能源发电装机总规模", "New-energy capacity, total", "capacity", NEW_ENERGY_TYPES),
    ("new_energy_capacity_added", "新能源新增装机", "New-energy capacity added", "capacity", NEW_ENERGY_TYPES),
    ("clean_energy_capacity", "清洁能源装机", "Clean-energy capacity (new energy, hydro, pumped storage)", "capacity",
     CLEAN_ENERGY_TYPES),
    ("pumped_storage_capacity", "抽水蓄能装机", "Pumped-storage capacity", "capacity", ("pumped_storage",)),
    ("energy_storage_capacity", "新型储能装机", "Energy-storage capacity", "capacity", ("energy_storage",)),
    ("natural_gas_consumption", "天然气消费量", "Natural gas consumption", "volume"),
    ("natural_gas_share", "天然气消费占能源消费比重", "Natural gas share of energy consumption", "share"),
    ("city_gas_penetration", "城市燃气普及率", "City gas penetration", "share"),
    ("coal_power_supply_consumption", "煤电机组供电煤耗", "Coal power net coal consumption", "coal_rate"),
    ("substations_built", "新扩建110千伏及以上变电站", "Substations (110 kV+) built or extended", "count"),
    ("main_transformer_capacity_added", "新增主变容量", "Main-transformer capacity added", "transformer_capacity"),
    ("distribution_transformer_capacity_added", "新增配变容量", "Distribution-transformer capacity added",
     "transformer_capacity"),
    ("grid_lines_built", "新建改造线路", "Grid lines built or rebuilt", "length"),
    ("rural_grid_reliability", "农村电网供电可靠率", "Rural grid supply reliability", "share"),
    # industry
    ("strategic_emerging_industry_share", "战略性新兴产业比重", "Strategic emerging industries' share", "share"),
    ("digital_design_tool_penetration", "数字化研发设计工具普及率", "Digital R&D design tool penetration", "share"),
    ("key_process_nc_rate", "关键工序数控化率", "Key-process numerical-control rate", "share"),
    ("energy_benchmark_share", "达到能效标杆水平的产能比例", "Share of capacity at the energy-efficiency benchmark", "share"),
    ("enterprise_energy_retrofit_rate", "企业节能改造率", "Enterprise energy-saving retrofit rate", "share"),
    ("energy_retrofit_compliance_rate", "企业节能改造达标率", "Energy-saving retrofit compliance rate", "share"),
    ("clean_production_audit_share", "通过清洁生产审核的企业占比", "Enterprises passing cleaner-production audit", "share"),
    ("green_manufacturing_demonstrations", "绿色制造示范企业（单位）", "Green-manufacturing demonstrations", "count"),
    ("green_factories_added", "新增国家级绿色工厂", "National green factories added", "count"),
    ("green_supply_chain_enterprises_added", "新增绿色供应链示范企业", "Green supply-chain demonstrators added", "count"),
    ("green_parks_added", "新增绿色园区", "Green industrial parks added", "count"),
    ("industry_carbon_intensity_reduction", "单位工业增加值碳排放下降", "Carbon intensity reduction, industry", "share"),
    ("services_carbon_intensity_reduction", "服务业碳排放强度下降", "Carbon intensity reduction, services", "share"),
    ("agriculture_carbon_intensity_reduction", "农业农村碳排放强度下降", "Carbon intensity reduction, agriculture",
     "share"),
    ("household_carbon_intensity_reduction", "居民生活碳排放强度下降", "Carbon intensity reduction, households", "share"),
    # circular economy
    ("park_circular_retrofit_share", "园区循环化改造比例", "Industrial parks with circular retrofit", "share"),
    ("phosphogypsum_utilisation_rate", "磷石膏综合利用率", "Phosphogypsum utilisation rate", "share"),
    ("phosphogypsum_safe_disposal_rate", "磷石膏无害化处理率", "Phosphogypsum safe-disposal rate", "share"),
    ("bulk_solid_waste_utilisation_rate", "大宗固废综合利用率", "Bulk solid waste utilisation rate", "share"),
    ("straw_utilisation_rate", "秸秆综合利用率", "Crop straw utilisation rate", "share"),
    ("manure_utilisation_rate", "畜禽粪污综合利用率", "Livestock manure utilisation rate", "share"),
    ("msw_recycling_rate", "生活垃圾资源化利用率", "Municipal solid waste recycling rate", "share"),
    ("urban_waste_sorting_coverage", "城市生活垃圾分类覆盖率", "Urban waste-sorting coverage", "share"),
    ("rural_waste_sorting_coverage", "农村生活垃圾分类覆盖率", "Rural waste-sorting coverage", "share"),
    ("rural_waste_safe_disposal_rate", "农村垃圾无害化处理率", "Rural waste safe-disposal rate", "share"),
    ("waste_incineration_share", "生活垃圾焚烧处理占比", "Waste incineration share", "share"),
    # buildings and cities
    ("green_building_share", "新建建筑执行绿色建筑标准比例", "New buildings to green-building standard", "share"),
    ("building_efficiency_improvement", "新建建筑能效提升（较2020年）", "New-building energy efficiency gain (vs 2020)",
     "share"),
    ("building_renewable_substitution", "城镇建筑可再生能源替代率", "Renewable substitution in urban buildings", "share"),
    ("rooftop_pv_coverage", "新建公共建筑、厂房屋顶光伏覆盖率", "Rooftop PV on new public buildings and factories",
     "share"),
    ("prefabricated_building_share", "装配式建筑占新建建筑面积比例", "Prefabricated share of new floor area", "share"),
    ("fully_finished_housing_share", "全装修成品住房占比", "Fully finished housing share", "share"),
    ("green_building_materials_share", "绿色建材使用比例", "Green building materials share", "share"),
    ("green_construction_site_share", "绿色工地占比", "Green construction sites share", "share"),
    ("sponge_city_share", "达到海绵城市要求的建成区面积比例", "Built-up area meeting sponge-city standard", "share"),
    ("complete_community_coverage", "完整居住社区覆盖率", "Complete-community coverage", "share"),
    ("green_space_service_coverage", "城市绿地服务半径覆盖率", "Green-space service-radius coverage", "share"),
    ("park_green_space_per_capita", "人均公园绿地面积", "Park green space per person", "area_per_person"),
    # transport
    ("ev_share_of_vehicles", "机动车电动化率", "Electric share of motor vehicles", "share"),
    ("new_energy_share_of_new_vehicles", "新增车辆中新能源（清洁能源）比例", "New-energy share of new vehicles", "share"),
    ("green_travel_share", "绿色出行比例", "Green travel share", "share"),
    ("public_transport_share", "公共交通机动化出行分担率", "Public transport share of motorised trips", "share"),
    ("rail_freight_share", "铁路在综合运输中的比重", "Rail share of freight", "share"),
    ("freight_mode_shift_growth", "铁水联运（水运铁路）运量年均增长", "Rail-water freight annual growth", "share"),
    ("pavement_recycling_rate", "废旧路面材料循环利用率", "Pavement material recycling rate", "share"),
    ("service_area_charging_coverage", "高速公路服务区充（换）电设施覆盖率", "Charging at motorway service areas", "share"),
    ("charging_service_radius", "公共充电设施服务半径", "Public charging service radius", "length"),
    ("charging_station_spacing", "充电站间隔", "Charging station spacing on highways", "length"),
    ("transport_hub_energy_self_sufficiency", "综合交通枢纽场站能源自给率", "Transport hubs' energy self-sufficiency",
     "share"),
    # carbon sinks
    ("forest_coverage", "森林覆盖率", "Forest coverage", "share"),
    ("forest_stock", "森林蓄积量", "Forest stock volume", "volume"),
    ("forest_stock_per_area", "亩均森林蓄积量", "Forest stock per area", "volume_per_area"),
    ("standing_timber_stock", "活立木蓄积量", "Standing timber stock", "volume"),
    ("forest_land_area", "林地保有量", "Forest land area", "area"),
    ("forest_area", "森林面积", "Forest area", "area"),
    ("public_welfare_forest_area", "公益林保有量", "Public-welfare forest area", "area"),
    ("afforestation_area", "人工造林面积", "Afforestation area", "area"),
    ("forest_tending_area", "森林抚育面积", "Forest tending area", "area"),
    ("camellia_oil_forest_area", "油茶丰产林面积", "High-yield camellia-oil forest area", "area"),
    ("national_reserve_forest_area", "国家储备林面积", "National reserve forest area", "area"),
    ("wetland_area", "湿地保有量", "Wetland area", "area"),
    ("wetland_protection_rate", "湿地保护率", "Wetland protection rate", "share"),
    ("natural_wetland_protection_rate", "自然湿地保护率", "Natural wetland protection rate", "share"),
    ("protected_area_share", "自然保护地面积占比", "Protected areas' share of land", "share"),
    ("protected_species_protection_rate", "国家重点保护野生动植物保护率", "Protection rate of key protected species",
     "share"),
    # innovation
    ("rd_spending_share", "研究与开发经费占GDP比重", "R&D spending share of GDP", "share"),
    ("enterprise_rd_institution_coverage", "规模以上工业企业研发机构覆盖率", "Large firms with an R&D institution",
     "share"),
    ("innovation_platforms", "省级及以上创新研发平台", "Provincial-level innovation platforms", "count"),
    ("talent_recruited", "引进高端科技人才", "High-end scientists recruited", "count"),
    # indicators the provincial plans share (added with them; the city plans above set few of these)
    ("renewable_share", "可再生能源消费比重", "Renewable share of energy consumption", "share"),
    ("non_hydro_renewable_power_share", "非水可再生能源电力消纳比重", "Non-hydro renewable share of power consumed",
     "share"),
    ("renewable_power_share", "可再生能源电力消纳比重", "Renewable share of power consumed", "share"),
    ("non_fossil_power_capacity_share", "非化石能源发电装机比重", "Non-fossil share of installed power capacity",
     "share"),
    ("coal_consumption_share", "煤炭消费比重", "Coal share of energy consumption", "share"),
    ("coal_consumption", "煤炭消费量", "Coal consumption", "mass"),
    ("wind_solar_capacity", "风电、太阳能发电总装机容量", "Wind and solar capacity, total", "capacity",
     ("solar_pv", "wind", "hybrid", "new_energy_base")),
    ("renewable_capacity", "可再生能源发电装机", "Renewable power capacity (incl. hydro)", "capacity",
     NEW_ENERGY_TYPES + ("hydro",)),
    ("hydro_capacity", "水电装机", "Hydropower capacity", "capacity", ("hydro",)),
    ("nuclear_capacity", "核电装机", "Nuclear capacity", "capacity", ("nuclear",)),
    ("gas_power_capacity", "天然气发电装机", "Gas-fired power capacity", "capacity", ("gas_power",)),
    ("power_transfer_capacity", "跨省区输电能力（外送、外受）", "Inter-provincial power transfer capacity", "capacity"),
    ("natural_gas_production", "天然气产量", "Natural gas production", "volume"),
    ("hydrogen_production", "氢气（绿氢）产能", "Hydrogen (green) production capacity", "mass"),
    ("peak_load_response_share", "尖峰负荷响应能力", "Peak-load demand response capability", "share"),
    ("industrial_energy_intensity_reduction", "规模以上工业单位增加值能耗下降", "Energy intensity reduction, industry",
     "share"),
    ("high_tech_manufacturing_share", "高技术制造业增加值比重", "High-tech manufacturing share of value added", "share"),
    ("capacity_utilisation_rate", "主要产品产能利用率", "Capacity utilisation of main products", "share"),
    ("electric_furnace_steel_share", "电炉钢产量占比", "Electric-arc furnace share of steel output", "share"),
    ("industrial_solid_waste_utilisation_rate", "一般工业固体废物综合利用率", "Industrial solid waste utilisation rate",
     "share"),
    ("industrial_water_reuse_rate", "工业用水重复利用率", "Industrial water reuse rate", "share"),
    ("recycled_resources_volume", "主要再生资源循环利用量", "Main recycled resources, volume used", "mass"),
    ("bulk_solid_waste_use", "大宗固废年利用量", "Bulk solid waste used per year", "mass"),
    ("transport_carbon_intensity_reduction", "营运交通工具单位换算周转量碳排放强度下降",
     "Carbon intensity reduction, commercial transport", "share"),
    ("rail_energy_intensity_reduction", "铁路单位换算周转量综合能耗下降", "Energy intensity reduction, railways",
     "share"),
    ("airport_vehicle_electrification", "机场场内车辆装备电动化率", "Electrified airport ground vehicles", "share"),
    ("container_rail_water_growth", "集装箱铁水联运量年均增长", "Container rail-water freight annual growth", "share"),
    ("grassland_vegetation_coverage", "草原综合植被盖度", "Grassland vegetation coverage", "share"),
    ("natural_shoreline_retention", "自然岸线保有率", "Natural shoreline retention", "share"),
    ("urban_green_coverage", "城市建成区绿化覆盖率", "Green coverage of built-up areas", "share"),
    # more indicators of the provincial plans, proposed in their review
    ("black_soil_protection_area", "黑土地保护面积", "Black-soil protection area", "area"),
    ("bus_new_energy_share", "城市公交车中新能源（清洁能源）车辆占比", "New-energy share of the city bus fleet", "share"),
    ("ccus_capacity", "二氧化碳捕集封存能力", "CO2 capture/storage capacity (per year)", "mass"),
    ("charging_piles", "充电桩数量（公共充电桩）", "Charging piles (public)", "count"),
    ("charging_stations_built", "充（换）电站数量", "Charging / battery-swap stations", "count"),
    ("clean_energy_capacity_share", "清洁能源装机比重", "Clean-energy share of installed power capacity", "share"),
    ("clean_energy_generation_share", "清洁能源发电量比重", "Clean-energy share of power generation", "share"),
    ("coal_power_capacity_share", "煤电装机占总装机比例", "Coal power share of installed capacity", "share"),
    ("coal_power_energy_saving_retrofit", "煤电机组节能降碳改造规模", "Coal power units retrofitted for energy saving", "capacity"),
    ("coal_power_flexibility_retrofit", "煤电机组灵活性改造规模", "Coal power units retrofitted for flexibility", "capacity"),
    ("conservation_oriented_agencies_share", "达到节约型机关创建要求的机关比例", "Government agencies meeting the conservation-oriented agency standard", "share"),
    ("conservation_tillage_area", "保护性耕作面积", "Conservation tillage area", "area"),
    ("construction_waste_recycling_rate", "建筑垃圾（建筑废弃物）资源化利用率", "Construction waste recycling rate", "share"),
    ("container_rail_water_share", "集装箱铁水（海铁）联运量占港口集装箱吞吐量比例", "Rail-water share of port container throughput", "share"),
    ("crude_oil_production", "原油产量", "Crude oil output", "mass"),
    ("demand_response_capacity", "需求侧响应能力", "Demand-side response capability", "capacity"),
    ("desalinated_water_supply", "海水淡化水年供水量", "Desalinated water supplied per year", "volume"),
    ("desertified_land_treated_area", "沙化土地综合治理面积", "Desertified land treated", "area"),
    ("energy_self_sufficiency", "能源自给率", "Energy self-sufficiency rate", "share"),
    ("fertiliser_pesticide_utilisation_rate", "主要农作物化肥农药利用率", "Fertiliser and pesticide utilisation rate of main crops", "share"),
    ("high_standard_farmland_area", "高标准农田面积", "High-standard farmland area", "area"),
    ("hydro_capacity_added", "新增水电装机容量", "Hydropower capacity added", "capacity", ("hydro",)),
    ("hydrogen_refuelling_stations", "加氢站数量", "Hydrogen refuelling stations", "count"),
    ("mangrove_area_added", "新增（营造）红树林面积", "Mangrove area added (planted)", "area"),
    ("mangrove_restored_area", "修复红树林面积", "Mangrove area restored", "area"),
    ("msw_safe_disposal_rate", "城市生活垃圾无害化处理率", "Urban household waste safe-disposal rate", "share"),
    ("new_building_energy_saving_rate", "新建建筑执行节能设计标准节能率", "Energy-saving rate of the design standard new buildings must meet", "share"),
    ("new_channel_renewable_share", "新建输电通道可再生能源电量比例", "Renewable share of power on new transmission channels", "share"),
    ("new_energy_share_of_new_buses_taxis", "新增（更新）城市公交、出租车中新能源（清洁能源）车辆比例", "New-energy share of new city buses and taxis", "share"),
    ("new_energy_vehicle_stock", "新能源汽车保有量", "New-energy vehicles in use", "count"),
    ("non_fossil_generation_share", "非化石能源发电量占比", "Non-fossil share of power generation", "share"),
    ("plastic_film_recycling_rate", "农膜（废弃农膜）回收率", "Agricultural plastic film recovery rate", "share"),
    ("port_bulk_green_collection_share", "沿海主要港口大宗货物铁路、水运（绿色）集疏港比例", "Rail and waterway share of bulk cargo to and from main coastal ports", "share"),
    ("public_institution_carbon_reduction", "公共机构碳排放下降", "Public institutions' carbon emissions (per floor area), reduction", "share"),
    ("public_institution_energy_intensity_reduction", "公共机构单位建筑面积能耗下降", "Public institutions' energy use per floor area, reduction", "share"),
    ("public_vehicle_new_energy_share", "公共领域（公交、出租、环卫等）车辆新能源化比例", "New-energy share of public-service vehicles (buses, taxis, sanitation)", "share"),
    ("reclaimed_water_use_rate", "再生水利用率", "Reclaimed water use rate", "share"),
    ("recycled_resources_growth", "主要再生资源循环利用量增长", "Growth of main recycled resources used", "share"),
    ("renewable_heating_area_share", "新能源和可再生能源供暖面积比重", "Renewable share of heated floor area", "share"),
    ("resource_productivity_improvement", "主要资源产出率提高（较2020年）", "Resource productivity gain (vs 2020)", "share"),
    ("shore_power_coverage", "港口专业化泊位岸电覆盖率", "Shore-power coverage of port berths", "share"),
    ("shore_power_usage_rate", "靠港船舶岸电使用率", "Shore-power use by ships at berth", "share"),
    ("solar_pv_capacity_added", "新增光伏发电装机", "Solar PV capacity added", "capacity", ("solar_pv",)),
    ("star_rated_green_building_share", "星级绿色建筑占比", "Star-rated green buildings' share of new buildings", "share"),
    ("taxi_new_energy_share", "出租汽车（含网约车）中新能源车辆占比", "New-energy share of the taxi fleet (incl. ride-hailing)", "share"),
    ("urban_green_space_ratio", "城市建成区绿地率", "Green-space ratio of built-up areas", "share"),
    ("wind_capacity_added", "新增（投产）风电装机", "Wind capacity added", "capacity", ("wind",)),
    # A plan we have not read yet can set a target no entry above names: it keeps the plan's words
    # in `metric` under this key, in any unit, until review gives it a key of its own.
    ("other", "其他指标", "Other (not yet in the vocabulary)", "any"),
]

INDICATORS: dict[str, Indicator] = {
    row[0]: Indicator(row[0], row[1], row[2], row[3], row[4] if len(row) > 4 else ()) for row in _TABLE
}

# plan unit -> (normalised unit, factor). A unit the plans use and this table lacks is an error at build.
UNIT_CONVERSIONS: dict[str, tuple[str, float]] = {
    "%": ("%", 1.0),
    "万千瓦": ("MW", 10.0),
    "MW": ("MW", 1.0),
    "万千伏安": ("MVA", 10.0),
    "万千瓦时": ("MWh", 10.0),
    "亿千瓦时": ("MWh", 100_000.0),
    "万立方米": ("m³", 10_000.0),
    "立方米": ("m³", 1.0),
    "立方米/亩": ("m³/ha", 15.0),
    "万亩": ("ha", 10_000 / 15),
    "亩": ("ha", 1 / 15),
    "万公顷": ("ha", 10_000.0),
    "平方米": ("m²", 1.0),
    "万平方米": ("m²", 10_000.0),
    "亿平方米": ("m²", 100_000_000.0),
    "公顷": ("ha", 1.0),
    "万元": ("CNY", 10_000.0),
    "亿元": ("CNY", 100_000_000.0),
    "万亿元": ("CNY", 1_000_000_000_000.0),
    "千米": ("km", 1.0),
    "公里": ("km", 1.0),
    "克标煤/千瓦时": ("gce/kWh", 1.0),
    "亿千瓦": ("MW", 100_000.0),
    "亿立方米": ("m³", 100_000_000.0),
    "吨": ("t", 1.0),
    "万吨": ("t", 10_000.0),
    "亿吨": ("t", 100_000_000.0),
    "吨标准煤": ("tce", 1.0),
    "万吨标准煤": ("tce", 10_000.0),
    "亿吨标准煤": ("tce", 100_000_000.0),
    "座": ("count", 1.0),
    "家": ("count", 1.0),
    "个": ("count", 1.0),
    "名": ("count", 1.0),
    "处": ("count", 1.0),
    "条": ("count", 1.0),
    "辆": ("count", 1.0),
    "万辆": ("count", 10_000.0),
    "台": ("count", 1.0),
    "万台": ("count", 10_000.0),
    "万个": ("count", 10_000.0),
    "户": ("count", 1.0),
    "万户": ("count", 10_000.0),
}

# unit family -> the normalised units it allows
FAMILY_UNITS = {
    "share": {"%"}, "capacity": {"MW"}, "transformer_capacity": {"MVA"}, "volume": {"m³"},
    "volume_per_area": {"m³/ha"}, "area": {"ha"}, "area_per_person": {"m²"}, "length": {"km"},
    "count": {"count"}, "coal_rate": {"gce/kWh"}, "mass": {"t"}, "energy": {"tce"}, "electricity": {"MWh"},
    "money": {"CNY"},
    "any": {unit for unit, _factor in UNIT_CONVERSIONS.values()},
}


def normalise(value: float, unit: str) -> tuple[float, str]:
    """(value, unit) in the normalised unit: (30, '万千瓦') -> (300.0, 'MW'). KeyError for an unknown unit."""
    unit_normalised, factor = UNIT_CONVERSIONS[unit]
    return round(value * factor, 4), unit_normalised


def is_capacity(key: str) -> bool:
    return INDICATORS[key].unit_family == "capacity"
