# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""Beijing "7·21" rainstorm, 2012: flooded underpasses, flooded villages in 房山, and a hotline surge."""

from __future__ import annotations

import random

from scenarios.generators.callers import caller, formal, pick, spread, typo
from scenarios.generators.payloads import casualty, gps, incident, reading
from scenarios.generators.timeline import BJ, Scenario, publish

NAME = "rainstorm_beijing_7_21_2012"
SID = "rainstorm-beijing-2012"
EV = "beijing-7-21-rainstorm"

# T0 = 09:30, the blue rainstorm warning. Clock times below are written as seconds from T0.


def clock(hh: int, mm: int = 0, day: int = 21) -> int:
    """Seconds from T0 (2012-07-21 09:30) of a clock time on 21 or 22 July."""
    return ((day - 21) * 24 * 60 + hh * 60 + mm - (9 * 60 + 30)) * 60


# Streets (街道/乡镇) of the city districts and the new towns, with places in them callers name. A community or
# road here is one the truth assigns to its street; an address naming only a district is a district-level matter.
STREETS: list[tuple[str, str, str, str, str, list[str]]] = [
    ("东城区", "110101", "dongcheng", "东花市街道", "donghuashi", ["东花市北里", "花市枣苑", "广渠门内大街"]),
    ("东城区", "110101", "dongcheng", "龙潭街道", "longtan", ["幸福大街", "龙潭北里", "光明楼"]),
    ("东城区", "110101", "dongcheng", "体育馆路街道", "tiyuguanlu", ["法华寺", "体育馆路"]),
    ("东城区", "110101", "dongcheng", "和平里街道", "hepingli", ["和平里七区", "和平里北街"]),
    ("东城区", "110101", "dongcheng", "安定门街道", "andingmen", ["方家胡同", "国子监街"]),
    ("东城区", "110101", "dongcheng", "天坛街道", "tiantan", ["天坛东里", "金鱼池"]),
    ("西城区", "110102", "xicheng", "白纸坊街道", "baizhifang", ["菜园街", "半步桥", "右安门内大街"]),
    ("西城区", "110102", "xicheng", "广安门外街道", "guanganmenwai", ["红莲南里", "湾子", "小马厂"]),
    ("西城区", "110102", "xicheng", "展览路街道", "zhanlanlu", ["百万庄", "车公庄大街"]),
    ("西城区", "110102", "xicheng", "月坛街道", "yuetan", ["三里河", "南礼士路"]),
    ("西城区", "110102", "xicheng", "什刹海街道", "shichahai", ["鼓楼西大街", "烟袋斜街"]),
    ("西城区", "110102", "xicheng", "陶然亭街道", "taoranting", ["黑窑厂街", "陶然亭"]),
    ("西城区", "110102", "xicheng", "天桥街道", "tianqiao", ["永安路", "福长街"]),
    ("朝阳区", "110105", "chaoyang", "劲松街道", "jinsong", ["劲松一区", "劲松八区", "农光里"]),
    ("朝阳区", "110105", "chaoyang", "潘家园街道", "panjiayuan", ["华威西里", "潘家园南里", "武圣东里"]),
    ("朝阳区", "110105", "chaoyang", "双井街道", "shuangjing", ["九龙山", "广渠路", "富力城"]),
    ("朝阳区", "110105", "chaoyang", "团结湖街道", "tuanjiehu", ["团结湖北里", "水碓子"]),
    ("朝阳区", "110105", "chaoyang", "望京街道", "wangjing", ["望京西园", "花家地"]),
    ("朝阳区", "110105", "chaoyang", "酒仙桥街道", "jiuxianqiao", ["大山子", "酒仙桥路"]),
    ("朝阳区", "110105", "chaoyang", "亚运村街道", "yayuncun", ["安慧里", "华严北里"]),
    ("朝阳区", "110105", "chaoyang", "南磨房乡", "nanmofang", ["百子湾", "双龙"]),
    ("朝阳区", "110105", "chaoyang", "三间房乡", "sanjianfang", ["定福庄", "三间房"]),
    ("朝阳区", "110105", "chaoyang", "垡头街道", "fatou", ["垡头西里", "翠成"]),
    ("朝阳区", "110105", "chaoyang", "高碑店乡", "gaobeidian", ["高碑店村", "通惠河北路"]),
    ("海淀区", "110108", "haidian", "羊坊店街道", "yangfangdian", ["北蜂窝", "羊坊店路"]),
    ("海淀区", "110108", "haidian", "甘家口街道", "ganjiakou", ["增光路", "阜成路"]),
    ("海淀区", "110108", "haidian", "紫竹院街道", "zizhuyuan", ["车道沟", "紫竹院路"]),
    ("海淀区", "110108", "haidian", "北太平庄街道", "beitaipingzhuang", ["小西天", "北太平庄路口"]),
    ("海淀区", "110108", "haidian", "学院路街道", "xueyuanlu", ["五道口", "学知园"]),
    ("海淀区", "110108", "haidian", "清河街道", "qinghe", ["清河毛纺厂", "清河小营"]),
    ("海淀区", "110108", "haidian", "万寿路街道", "wanshoulu", ["翠微路", "复兴路"]),
    ("海淀区", "110108", "haidian", "田村路街道", "tiancunlu", ["田村", "阜石路"]),
    ("丰台区", "110106", "fengtai", "方庄地区", "fangzhuang", ["芳古园一区", "芳城园", "芳星园"]),
    ("丰台区", "110106", "fengtai", "右安门街道", "youanmen", ["玉林小区", "翠林", "东庄"]),
    ("丰台区", "110106", "fengtai", "东高地街道", "donggaodi", ["东高地", "万源路"]),
    ("丰台区", "110106", "fengtai", "马家堡街道", "majiapu", ["角门东里", "嘉园", "马家堡西路"]),
    ("丰台区", "110106", "fengtai", "西罗园街道", "xiluoyuan", ["西罗园", "洋桥"]),
    ("丰台区", "110106", "fengtai", "大红门街道", "dahongmen", ["大红门", "海户屯"]),
    ("丰台区", "110106", "fengtai", "长辛店镇", "changxindian", ["长辛店大街", "赵辛店"]),
    ("石景山区", "110107", "shijingshan", "八角街道", "bajiao", ["八角北路", "八角南里"]),
    ("石景山区", "110107", "shijingshan", "古城街道", "gucheng", ["古城大街", "古城南路"]),
    ("石景山区", "110107", "shijingshan", "鲁谷街道", "lugu", ["鲁谷路", "重聚园"]),
    ("石景山区", "110107", "shijingshan", "苹果园街道", "pingguoyuan", ["西黄村", "苹果园南路"]),
    ("石景山区", "110107", "shijingshan", "金顶街街道", "jindingjie", ["模式口", "金顶街"]),
    ("房山区", "110111", "fangshan", "拱辰街道", "gongchen", ["拱辰大街", "鸿顺园"]),
    ("房山区", "110111", "fangshan", "西潞街道", "xilu", ["西潞大街", "苏庄"]),
    ("房山区", "110111", "fangshan", "城关街道", "chengguan", ["城关大街", "房山老城"]),
    ("房山区", "110111", "fangshan", "长阳镇", "changyang", ["长阳", "稻田"]),
    ("房山区", "110111", "fangshan", "阎村镇", "yancun", ["阎村", "大紫草坞"]),
    ("房山区", "110111", "fangshan", "窦店镇", "doudian", ["窦店", "窦店村"]),
    ("通州区", "110112", "tongzhou", "中仓街道", "zhongcang", ["西大街", "中仓小区"]),
    ("通州区", "110112", "tongzhou", "新华街道", "xinhua", ["新华大街", "新华南路"]),
    ("通州区", "110112", "tongzhou", "北苑街道", "beiyuan", ["北苑家园", "北苑南路"]),
    ("通州区", "110112", "tongzhou", "玉桥街道", "yuqiao", ["玉桥东里", "玉桥西里"]),
    ("通州区", "110112", "tongzhou", "梨园镇", "liyuan", ["云景里", "九棵树"]),
    ("大兴区", "110115", "daxing", "黄村镇", "huangcun", ["黄村", "兴华大街"]),
    ("大兴区", "110115", "daxing", "清源街道", "qingyuan", ["枣园", "清源路"]),
    ("大兴区", "110115", "daxing", "旧宫镇", "jiugong", ["德茂", "旧宫东路"]),
    ("大兴区", "110115", "daxing", "西红门镇", "xihongmen", ["西红门", "宏福路"]),
    ("昌平区", "110114", "changping", "回龙观镇", "huilongguan", ["龙泽苑", "育新花园", "回龙观西大街"]),
    ("昌平区", "110114", "changping", "东小口镇", "dongxiaokou", ["天通苑", "东小口"]),
    ("昌平区", "110114", "changping", "城北街道", "chengbei", ["昌平鼓楼", "政府街"]),
    ("昌平区", "110114", "changping", "沙河镇", "shahe", ["沙河", "巩华城"]),
    ("顺义区", "110113", "shunyi", "胜利街道", "shengli", ["建新南区", "胜利小区"]),
    ("顺义区", "110113", "shunyi", "后沙峪镇", "houshayu", ["后沙峪", "裕祥路"]),
    ("门头沟区", "110109", "mentougou", "大峪街道", "dayu", ["新桥大街", "大峪南路"]),
    ("门头沟区", "110109", "mentougou", "城子街道", "chengzi", ["城子大街", "蓝龙家园"]),
]
DISTRICTS = sorted({(s[0], s[1], s[2]) for s in STREETS}, key=lambda d: d[1])
# Callers' shortenings of a street's name (劲松街道 → 劲松): the truth treats them as naming the street.
SHORT = {s[3]: s[3].removesuffix("街道").removesuffix("地区") for s in STREETS}

KIND_NOTE = {
    "leak": "roof leaks",
    "basement": "water in basements and basement garages",
    "waterlog": "waterlogged roads, lanes and courtyards",
    "outage": "power cuts in buildings",
}


def street_address(rng: random.Random, st: tuple, bungalow: bool = True) -> str:
    """How a caller or call-taker writes a place in a street: full, no province, short, with a typo."""
    district, _, _, street, _, details = st
    detail = rng.choice(details)
    short = SHORT[street]
    house = rng.choice(
        ["", "", "", f"{rng.randint(1, 30)}号楼", f"{rng.randint(1, 12)}号院", "附近"]
        + (["平房区"] if bungalow else [])
    )
    form = pick(
        rng,
        [
            ("full", 3),
            ("district-street", 3),
            ("district-detail", 4),
            ("street-detail", 2),
            ("short", 2),
            ("jing", 1),
            ("typo", 1),
        ],
    )
    if form == "full":
        return f"北京市{district}{street}{detail}{house}"
    if form == "district-street":
        return f"{district}{street}{house}"
    if form == "district-detail":
        return f"{district}{detail}{house}"
    if form == "street-detail":
        return f"{street}{detail}{house}"
    if form == "short":
        return f"{district.removesuffix('区')}{short}{house}"
    if form == "jing":
        return f"京{district.removesuffix('区')}{short}{detail}"
    return typo(rng, f"{district}{detail}{house}").replace("区", rng.choice(["区", "去", "曲"]), 1)


LEAK_RAW = [
    "家里屋顶漏雨了，接了好几个盆都不够",
    "顶楼漏水，天花板一直往下滴",
    "房顶漏得跟筛子似的，屋里没法待了",
    "雨太大了，我家顶层漏雨，墙都湿透了",
    "平房漏雨，炕都湿了，老人没地儿待",
    "楼顶防水坏了，家里好几处渗水",
    "屋里漏雨，灯那儿也往下滴水，怕漏电",
    "阳台顶上往下灌水，地板全泡了",
    "顶层住户，卧室漏雨，找物业物业不管",
    "房子漏雨了，快来人看看吧",
]
LEAK_FORMAL = [
    "其家中屋顶漏雨严重",
    "其居住的顶层房屋漏雨，室内多处渗水",
    "其家平房屋顶漏雨，屋内物品被淹",
    "其所在楼栋顶层多户漏雨，联系物业未果",
    "其家中卧室顶部漏雨，灯具附近滴水，担心漏电",
]
LEAK_TERSE = ["漏雨。", "顶楼漏雨 急", "房顶漏", "家里漏雨了", "漏雨，快来"]
LEAK_DIALECT = [
    "我们家这房顶子漏得没法儿住了，您赶紧给派个人来瞧瞧",
    "甭提了，屋里哗哗地漏，盆儿都接不过来",
    "这破房子又漏了，去年就说修，到现在也没人管",
]
BASEMENT_RAW = [
    "地下室进水了，住地下室的人东西全泡了",
    "地下车库进水了，好多车都泡着呢",
    "地下室水已经没过脚脖子了，还在往里灌",
    "地下室倒灌，里面还住着十几个人",
    "楼里地下室进水，配电室就在下面，怕出事",
]
BASEMENT_FORMAL = [
    "其所在小区地下室进水，住户物品被淹",
    "其所在楼栋地下车库大量进水",
    "其租住的地下室进水约二三十厘米，仍在上涨",
]
WATERLOG_RAW = [
    "小区门口积水齐膝深，出不去了",
    "院子里积水往屋里灌，门槛挡不住",
    "路上积水半米深，好几辆车熄火了",
    "胡同里水都漫到门口了",
    "雨水井往外返水，楼下一片汪洋",
    "路口积水太深了，公交车都不走了",
    "下水道堵了，门口积水下不去",
]
WATERLOG_FORMAL = [
    "其小区内道路积水严重，居民无法出行",
    "其所在胡同积水倒灌入院",
    "其附近路段积水较深，有车辆熄火",
    "其所在小区雨水排不出去，积水越来越深",
]
OUTAGE_RAW = [
    "家里停电了，整栋楼都黑了",
    "小区停电了，电梯也停了，楼上有老人",
    "打雷之后就停电了，到现在也没来",
    "我们这片停电了，冰箱里的药怕坏了",
]
OUTAGE_FORMAL = ["其所在楼栋停电", "其所在小区大面积停电，电梯停运", "雷雨后其家中停电至今未恢复"]

FELT_RAW = [
    "雨太大了，外面跟瀑布似的",
    "打雷太吓人了，孩子吓哭了",
    "这雨什么时候能停啊",
    "雨下得太大了，有点害怕",
    "雨太大了",
    "雨太大了！！",
    "外面雨大得看不清路",
    "雷声太大了，睡不着",
    "这么大雨，从来没见过",
    "窗户外面全是水帘子",
]
FELT_INQUIRY = [
    "暴雨预警现在是几级了",
    "手机上说橙色预警，是不是要出大事",
    "雨太大了，明天还用上班吗",
    "问一下哪条路还能走，想回家",
    "航班是不是都取消了，家里人在机场",
    "问问地铁还通不通",
    "孩子在外面上课，这么大雨能不能接回来",
]
FELT_NEG = [
    "家里没进水，也没漏，就是雨太大心里慌",
    "我们这没事，就是雨太大了，打电话问问",
    "没有积水，就想问问什么时候雨停",
    "房子没事，就是打雷震得玻璃响",
    "楼下没淹，就问问要不要把车挪走",
]
FELT_FEAR = [
    "怕房子塌了，我们这是老房子，现在还没事",
    "担心地下室一会儿进水，现在还没进",
    "怕一会儿停电，家里有病人用制氧机",
    "我们院墙是老墙，怕雨一泡倒了，现在还好",
    "担心河里的水漫上来，现在还没漫",
]
FELT_AFTER = [
    "昨晚雨太大了，一宿没睡，现在雨停了吗",
    "问一下今天地铁正常吗，昨晚那么大雨",
    "昨天晚上的雨太吓人了，家里没事，问问今天还下不下",
    "雨停了没有，孩子今天还去不去学校",
    "昨晚打雷打了一宿，家里都好，就想问问哪条路通了",
]
# Everyday matters in the same hours, each its own real-world event: nothing to do with the rain.
UNRELATED = [
    ("楼上邻居装修噪音太大，晚上还在砸墙", "投诉", "一般", "朝阳区潘家园街道华威西里"),
    ("楼上空调外机往我家窗台上滴水，不是漏雨，是空调的冷凝水", "投诉", "一般", "海淀区甘家口街道增光路"),
    ("小区门口饭馆油烟太大，呛得开不了窗", "投诉", "一般", "西城区展览路街道百万庄"),
    ("社保卡丢了，问怎么补办", "咨询", "一般", "丰台区方庄芳城园"),
    ("出租车司机绕路多收钱，要投诉", "投诉", "一般", "东城区前门东大街"),
    ("家里老人走失了，穿灰色上衣，七十多岁", "求助", "紧急", "石景山区古城街道古城大街"),
    (
        "小区电梯困人了，一个人在里面，物业电话打不通，不是停电，别的电梯都好的",
        "求助",
        "紧急",
        "通州区北苑街道北苑家园",
    ),
    ("网购的东西一直没送到，快递电话打不通", "投诉", "一般", "大兴区黄村镇兴华大街"),
    ("楼下有人烧纸，烟很大", "举报", "一般", "昌平区回龙观镇龙泽苑"),
    ("路边有只受伤的狗，谁来管管", "求助", "一般", "顺义区胜利街道建新南区"),
    ("燃气表没电了，买不上气，燃气灶打不着", "求助", "一般", "门头沟区大峪街道新桥大街"),
    ("孩子上学的事，问问入学材料要哪些", "咨询", "一般", "海淀区学院路街道学知园"),
    ("小区物业乱收停车费", "投诉", "一般", "朝阳区望京街道望京西园"),
    ("公交站牌被撞坏了，一直没人修", "建议", "一般", "房山区拱辰街道拱辰大街"),
    ("感谢社区工作人员帮老人买药", "表扬", "一般", "东城区和平里街道和平里七区"),
]


def build() -> Scenario:
    rng = random.Random(721)
    s = Scenario(
        SID,
        "北京“7·21”特大暴雨 / The Beijing 7·21 rainstorm, 2012",
        "2012-07-21T09:30:00+08:00",
        "The 7·21 rainstorm from the first warning (09:30) to the next morning: flooded underpasses where people "
        "were trapped in cars, flooded villages in 房山, and a surge of hotline calls across the city, most of them "
        "roof leaks, basements and waterlogged streets located only by address text, and many only saying that the "
        "rain is heavy. Calls are modelled, not records: the hotline's call log of that day is not public.",
        "Decided from the event as reported afterwards. One real-world event, the rainstorm, with many sites: each "
        "underpass where cars were trapped (its sensor, the calls about water and people there, the agencies' "
        "reports), each flooded village, the river at 张坊, the basement at 五里店南里. Roof leaks, basements, "
        "waterlogged streets and power cuts are aggregates, one site per street (街道/乡镇) and kind of matter; a "
        "community, road or short form that lies in one street counts as naming that street; an address naming "
        "only a district is a district-level aggregate. Calls that only say it rains hard, ask about the weather "
        "or the warnings, fear what has not happened or deny damage are `felt`, as are the warnings and the rain "
        "gauges. Everyday calls with nothing to do with the rain are events of their own.",
    )
    s.sources = [
        "北京市气象台 warnings of 2012-07-21 as reported by 新华社, 中国新闻周刊 and 人民网 (blue 09:30, yellow 14:00 and 15:30, orange 18:30 and 22:00, the first orange since 2005)",
        "财新 and 新京报 reports on 广渠门桥 (a driver trapped about 3 hours in ~3 m of water, five cars stranded, bystanders pulling with a rope)",
        "新华社 and 央视 reports on 南岗洼, 京港澳高速 km 17.5 (900 m of water, 4 m deep on average, 6 m at most; divers found 84 vehicles; 3 dead found on the morning of 22 July)",
        "北京发布 (22 July): 37 deaths by 17:00, among them 向阳路派出所所长李方洪 at 凤凰亭村 and a woman in the flooded basement of 五里店南里14号楼; 63 waterlogged roads",
        "北京青年报 and 新京报 on 房山: 青龙湖镇 北车营村 (1,411 households) and 常乐寺村 (a mother and daughter swept away), 大石窝镇 后石门村 (power lost about 18:00), 河北镇 (460 mm, 6,000 people moved, no casualties), 拒马河 flood peak 2,570 m³/s about 07:30 on 22 July",
        "中国新闻周刊: underpasses flooded that evening included 东直门, 复兴门, 菜户营, 景泰桥, 分钟寺, 方庄, 六里桥, 莲花桥, 望和桥, 五路桥; 立水桥 photographed by 新华社",
        "DOMAIN.md: hotline fields, underpass depth tiers, what fusion must expect",
    ]
    s.real = [
        "T0 09:30 blue rainstorm warning; 14:00 yellow; 15:30 yellow again; 18:30 orange; 22:00 orange again",
        "rain from about 10:00; 莲花桥 waterlogged by about 14:30; city average 170 mm, 河北镇 460 mm, 模式口 328 mm",
        "广渠门桥: a driver trapped in his car in ~3 m of water on the evening of 21 July, died after being taken to hospital; five cars stranded",
        "南岗洼 railway bridge on 京港澳高速 (丰台区 王佐镇): water 4-6 m deep over 900 m, 84 vehicles under water, about 200 people in danger, 3 dead found the next morning; road closed for nearly three days",
        "a woman died in the flooded basement of 丰台区五里店南里14号楼",
        "青龙湖镇 北车营村 flooded, over a hundred houses collapsed or made unsafe; 常乐寺村 factory buildings collapsed and a mother and daughter were swept away",
        "大石窝镇 后石门村: the village loudspeaker went silent and power failed about 18:00 as the flood came in",
        "河北镇: 6,000 people moved, no casualties; 口儿村 houses damaged",
        "李方洪 of 向阳路派出所 died at 凤凰亭村 after moving 63 villagers; 拒马河 peaked at 2,570 m³/s about 07:30 on 22 July",
        "the underpasses 立水桥, 方庄, 分钟寺 and 六里桥 were waterlogged that evening",
    ]
    s.synthetic = [
        "every hotline call: its minute, wording, caller, address and count (about 3,400 calls over 24 hours, shaped after the day's rain); the call-takers' registers and typos",
        "the water-depth sensors at 广渠门桥, 南岗洼 and 莲花桥 and all their readings (shaped after the reported depths); their positions are approximate",
        "the rain gauges at 河北镇, 模式口 and 大石窝 and their readings; the flow gauge on the 拒马河 at 张坊 between its base and the real 2,570 m³/s peak",
        "the exact minutes of the agencies' reports, of the casualty reports and of 房山's level-I flood response (the response is reported, its minute is not)",
        "which calls come from which street; the everyday calls unrelated to the rain",
        "callers' names and phone numbers; the responder fleet (seeded synthetic)",
    ]
    s.comments = [
        "The 7·21 hotline surge is modelled: counts and wording are synthetic; places are real street (街道/乡镇) names.",
        "Truth: scenarios/truth/rainstorm_beijing_7_21_2012.yaml (one multi-site event plus everyday calls).",
    ]
    s.event(
        EV,
        "the 7·21 rainstorm over Beijing: underpasses, villages, the river, and the city-wide aggregates of leaks, "
        "basements, waterlogging and power cuts",
        multi=True,
    )
    felt = s.felt(EV)

    # --- warnings ------------------------------------------------------------------------------------------
    warn = {
        "type": "agency.warning",
        "agency": "beijing-meteorological",
        "province": BJ,
        "warning_id": "BJ-RAINSTORM-20120721-01",
        "event_code": "11B03",
        "hazard": "rainstorm",
        "area": {"description": "北京市", "adcodes": [BJ]},
    }
    for at, action, colour, headline, wid in [
        (0, "issue", "blue", "北京市气象台9时30分发布暴雨蓝色预警信号", "blue-warning"),
        (clock(14), "update", "yellow", "北京市气象台14时将暴雨蓝色预警信号升级为暴雨黄色预警信号", "yellow-warning"),
        (clock(15, 30), "update", "yellow", "北京市气象台15时30分继续发布暴雨黄色预警信号", "yellow-warning-again"),
        (
            clock(18, 30),
            "update",
            "orange",
            "北京市气象台18时30分将暴雨黄色预警信号升级为暴雨橙色预警信号",
            "orange-warning",
        ),
        (clock(22), "update", "orange", "北京市气象台22时继续发布暴雨橙色预警信号", "orange-warning-again"),
    ]:
        s.add(at, {**warn, "action": action, "colour": colour, "headline": headline}, felt, id=wid, note="real")
    s.add(
        clock(18, 40),
        {
            "type": "agency.response_level",
            "agency": "fangshan-flood-control",
            "province": BJ,
            "action": "raise",
            "level": "I",
            "hazard": "flood",
            "scope_adcodes": ["110111"],
            "reason": "房山区启动红色汛情预警、防汛一级应急响应",
        },
        None,
        id="fangshan-level-one",
        note="房山 level-I flood response (real; the minute is synthetic)",
    )

    # --- rain gauges (felt: they say it is raining, not where help is needed) --------------------------------
    def rain_curve(total_peak: float, peak_at: int) -> list[float]:
        values = []
        for n in range(0, 53):  # every 30 min from T0 to +26h
            t = n * 1800
            if t < clock(10):
                values.append(0.0)
                continue
            d = (t - peak_at) / 3600
            v = total_peak * max(0.0, 1 - (d / 7) ** 2) if -7 < d < 7 else 0.5
            values.append(round(max(v, 0.5 if t < clock(4, 0, 22) else 0.0), 1))
        return values

    for dev, pos, peak, peak_at, note in [
        (
            "LL-110111-RAIN-0001",
            (115.93, 39.83),
            62.0,
            clock(20),
            "河北镇 rain gauge (460 mm that day, real; readings synthetic)",
        ),
        (
            "LL-110107-RAIN-0001",
            (116.18, 39.95),
            45.0,
            clock(20, 30),
            "模式口 rain gauge (328 mm, real; readings synthetic)",
        ),
    ]:
        s.add(
            0,
            reading(dev, "rain_gauge", 0, "mm/h", gps(*pos), 1800),
            felt,
            note=note,
            repeat={"every": "30m", "until": "+26h", "values": rain_curve(peak, peak_at)},
        )
    # the 大石窝 gauge falls silent when 后石门村 loses power (about 18:00)
    houshimen = s.site(
        EV,
        "houshimen-village",
        "大石窝镇 后石门村: flood in the village, power and the loudspeaker lost about 18:00, people on roofs",
    )
    s.add(
        0,
        reading("LL-110111-RAIN-0002", "rain_gauge", 0, "mm/h", gps(115.82, 39.56), 1800),
        felt,
        note="大石窝 rain gauge (synthetic); silent from 18:00 when the village loses power",
        repeat={"every": "30m", "until": "+26h", "values": rain_curve(55.0, clock(19))},
    )
    s.silence(
        clock(18),
        ["LL-110111-RAIN-0002"],
        houshimen,
        "后石门村 loses power about 18:00 (real); the gauge falls silent",
        id="dashiwo-gauge-silent",
    )

    # --- underpass sites -------------------------------------------------------------------------------------
    def depth_series(points: list[tuple[int, float]]) -> list[float]:
        """Depth every 10 minutes from T0 to +26h, linear between (time, cm) points."""
        out = []
        for n in range(0, 26 * 6 + 1):
            t = n * 600
            before = [p for p in points if p[0] <= t]
            after = [p for p in points if p[0] > t]
            if not before:
                out.append(points[0][1])
            elif not after:
                out.append(before[-1][1])
            else:
                (t0, v0), (t1, v1) = before[-1], after[0]
                out.append(round(v0 + (v1 - v0) * (t - t0) / (t1 - t0)))
        return out

    def depth_gauge(
        site: tuple[str, ...],
        device: str,
        where: tuple[float, float],
        gid: str,
        note: str,
        points: list[tuple[int, float]],
    ) -> None:
        """An underpass depth gauge reading every 10 minutes for the whole event, shaped by (time, cm) points."""
        s.add(
            0,
            reading(device, "water_depth", 0, "cm", gps(*where), 600),
            site,
            id=gid,
            note=note,
            repeat={"every": "10m", "until": "+26h", "values": depth_series(points)},
        )

    gqm = s.site(
        EV,
        "guangqumen-underpass",
        "广渠门桥 underpass (东二环): ~3 m of water, cars stranded, a driver trapped and dead",
    )
    depth_gauge(
        gqm,
        "LL-110101-WATER-0001",
        (116.4338, 39.8934),
        "guangqumen-depth",
        "广渠门桥 underpass water depth (synthetic sensor, shaped after the ~3 m reported)",
        [
            (0, 0),
            (clock(14), 0),
            (clock(14, 40), 12),
            (clock(15, 30), 4),
            (clock(18, 20), 8),
            (clock(19), 60),
            (clock(19, 40), 180),
            (clock(20, 10), 290),
            (clock(21), 300),
            (clock(23), 260),
            (clock(2, 0, 22), 60),
            (clock(4, 0, 22), 10),
            (clock(5, 0, 22), 0),
        ],
    )
    ngw = s.site(
        EV,
        "nangangwa-underpass",
        "南岗洼 railway bridge on 京港澳高速 (丰台 王佐镇): 4-6 m of water, ~80 vehicles, ~200 people, 3 dead",
    )
    depth_gauge(
        ngw,
        "LL-110106-WATER-0001",
        (116.188, 39.812),
        "nangangwa-depth",
        "南岗洼 water depth (synthetic sensor, shaped after the 4 m average and 6 m maximum reported)",
        [
            (0, 0),
            (clock(17, 30), 5),
            (clock(19, 30), 40),
            (clock(20, 30), 160),
            (clock(21, 30), 330),
            (clock(22, 30), 480),
            (clock(23, 40), 600),
            (clock(6, 0, 22), 590),
            (clock(11, 30, 22), 420),
        ],
    )
    lhq = s.site(
        EV,
        "lianhuaqiao-underpass",
        "莲花桥 underpass (西三环): waterlogged in the afternoon and again at night, cars stalled",
    )
    depth_gauge(
        lhq,
        "LL-110108-WATER-0001",
        (116.3095, 39.8957),
        "lianhuaqiao-depth",
        "莲花桥 underpass water depth (synthetic sensor)",
        [
            (0, 0),
            (clock(13, 40), 0),
            (clock(14, 30), 38),
            (clock(15, 40), 10),
            (clock(18, 40), 12),
            (clock(19, 40), 70),
            (clock(20, 40), 95),
            (clock(22, 30), 60),
            (clock(1, 0, 22), 5),
            (clock(2, 0, 22), 0),
        ],
    )
    lsq = s.site(EV, "lishuiqiao-underpass", "立水桥 underpass: vehicles soaked in deep water")
    fzq = s.site(
        EV,
        "fangzhuang-fenzhongsi-underpasses",
        "方庄桥 and 分钟寺桥 on the south 3rd ring: waterlogged, road closed (two bridges 1.5 km apart, one closure)",
    )
    llq = s.site(EV, "liuliqiao-underpass", "六里桥 underpass: waterlogged")

    # agencies at the underpasses
    s.add(
        clock(14, 35),
        incident(
            "beijing-traffic",
            BJ,
            "underpass_flooded",
            "西三环莲花桥下积水，主路车辆通行缓慢，交警现场疏导",
            position=gps(116.3095, 39.8957),
            address="海淀区莲花桥",
        ),
        lhq,
        id="lianhuaqiao-traffic",
        note="莲花桥 waterlogged about 14:30 (real; wording synthetic)",
    )
    s.add(
        clock(19, 55),
        incident(
            "beijing-traffic",
            BJ,
            "underpass_flooded",
            "西三环莲花桥下积水超过半米，桥区主路断路",
            position=gps(116.3095, 39.8957),
            address="西三环莲花桥",
        ),
        lhq,
        id="lianhuaqiao-closed",
        note="synthetic minute",
    )
    s.add(
        clock(20, 12),
        incident(
            "beijing-fire",
            BJ,
            "flood_rescue",
            "东二环广渠门桥下积水约3米，5辆车被困，一辆越野车内有人员被困，消防正在救援，现场群众协助拉绳拖车",
            position=gps(116.4338, 39.8934),
            address="东城区广渠门桥",
            people_affected=5,
        ),
        gqm,
        id="guangqumen-fire",
        note="real facts (3 m, five cars, rope); minute synthetic",
    )
    s.add(
        clock(22, 45),
        incident(
            "beijing-fire",
            BJ,
            "flood_rescue",
            "广渠门桥下被困越野车内男子已救出，已无意识，送医抢救",
            position=gps(116.4338, 39.8934),
            address="东城区广渠门桥",
        ),
        gqm,
        id="guangqumen-driver-out",
        note="trapped about 3 h (real); minute synthetic",
    )
    s.add(
        clock(1, 20, 22),
        {
            "type": "agency.casualty",
            "agency": "dongcheng-emergency",
            "province": BJ,
            "address": "东城区广渠门桥",
            "position": gps(116.4338, 39.8934),
            "deaths": 1,
        },
        gqm,
        id="guangqumen-death",
        note="the driver died (real); minute synthetic",
    )
    s.add(
        clock(21, 50),
        incident(
            "beijing-traffic",
            BJ,
            "underpass_flooded",
            "京港澳高速公路17.5公里处南岗洼铁路桥下严重积水，大量车辆被淹，京港澳高速长阳段双向断路",
            position=gps(116.188, 39.812),
            address="丰台区王佐镇南岗洼 京港澳高速17.5公里",
        ),
        ngw,
        id="nangangwa-closed",
        note="real; minute synthetic",
    )
    s.add(
        clock(22, 40),
        incident(
            "beijing-fire",
            BJ,
            "flood_rescue",
            "南岗洼铁路桥下积水深4米以上，数十辆车被淹，车顶有群众被困，调派冲锋舟和潜水员",
            position=gps(116.188, 39.812),
            address="京港澳高速南岗洼",
        ),
        ngw,
        id="nangangwa-fire",
        note="synthetic wording after the reports",
    )
    s.add(
        clock(6, 10, 22),
        incident(
            "beijing-fire",
            BJ,
            "flood_rescue",
            "南岗洼积水长约900米，平均水深4米，最深6米，潜水员初步摸排水下车辆84辆，开始排水清淤",
            position=gps(116.188, 39.812),
            address="京港澳高速南岗洼铁路桥",
            people_affected=200,
        ),
        ngw,
        id="nangangwa-84-vehicles",
        note="real figures; minute synthetic",
    )
    s.add(
        clock(10, 30, 22),
        {
            "type": "agency.casualty",
            "agency": "fengtai-emergency",
            "province": BJ,
            "address": "丰台区王佐镇南岗洼",
            "position": gps(116.188, 39.812),
            "deaths": 3,
        },
        ngw,
        id="nangangwa-deaths",
        note="3 dead found on the morning of 22 July (real)",
    )
    s.add(
        clock(19, 30),
        incident(
            "beijing-traffic",
            BJ,
            "underpass_flooded",
            "立水桥下积水严重，多辆车辆泡水，主路断路",
            address="朝阳区立水桥",
        ),
        lsq,
        id="lishuiqiao-closed",
        note="real place; wording synthetic",
    )
    s.add(
        clock(20, 5),
        incident(
            "beijing-traffic",
            BJ,
            "underpass_flooded",
            "南三环分钟寺桥、方庄桥桥区积水，断路绕行",
            address="南三环分钟寺桥",
        ),
        fzq,
        id="fenzhongsi-closed",
        note="real places; wording synthetic",
    )
    s.add(
        clock(20, 20),
        incident(
            "beijing-traffic", BJ, "underpass_flooded", "西三环六里桥桥区积水，部分车道断路", address="丰台区六里桥"
        ),
        llq,
        id="liuliqiao-closed",
        note="real place; wording synthetic",
    )

    # --- 五里店南里 basement ---------------------------------------------------------------------------------
    wld = s.site(EV, "wulidian-basement", "丰台区五里店南里14号楼: rain pouring into the basement, a woman dead")
    s.call(
        clock(20, 48),
        BJ,
        "五里店南里14号楼地下室灌水了，里面还住着人，水都到胸口了，快来人",
        "丰台区五里店南里14号楼",
        wld,
        urgency="特急",
        caller=caller(rng),
        id="wulidian-call",
        note="synthetic call at the real site",
    )
    s.call(
        clock(21, 5),
        BJ,
        formal(rng, "五里店南里一楼栋地下室雨水倒灌，有租户未撤出"),
        "丰台区五里店南里",
        wld,
        urgency="特急",
        caller=caller(rng),
    )
    s.add(
        clock(8, 0, 22),
        casualty("fengtai-emergency", BJ, "丰台区五里店南里14号楼", deaths=1),
        wld,
        id="wulidian-death",
        note="a woman found dead in the basement (real); minute synthetic",
    )

    # --- 房山 villages, the river ----------------------------------------------------------------------------
    bcy = s.site(
        EV,
        "beicheying-village",
        "青龙湖镇 北车营村: the flood breaks through the village, over a hundred houses down or unsafe",
    )
    cls = s.site(
        EV, "changlesi-village", "青龙湖镇 常乐寺村: factory buildings collapsed, a mother and daughter swept away"
    )
    hbz = s.site(EV, "hebeizhen-town", "河北镇 (460 mm): 大石河 rising, 口儿村 houses damaged, 6,000 people moved")
    fht = s.site(EV, "fenghuangting-village", "凤凰亭村 (燕山): flooded; 李方洪 moves 63 villagers and dies")
    jmh = s.site(EV, "juma-river-zhangfang", "拒马河 at 张坊/十渡: the flood peak, riverside guesthouses")
    s.add(
        clock(20, 30),
        incident(
            "fangshan-flood-control",
            BJ,
            "village_flooded",
            "青龙湖镇北车营村排水渠漫溢，洪水进村，多处房屋倒塌，正在组织转移",
            address="房山区青龙湖镇北车营村",
            people_affected=2896,
        ),
        bcy,
        id="beicheying-report",
        note="real (1,411 households, 2,896 people); minute synthetic",
    )
    s.add(
        clock(9, 0, 22),
        incident(
            "fangshan-flood-control",
            BJ,
            "village_flooded",
            "北车营村道路、电力设施被毁，百余间房屋倒塌或成危房",
            address="房山区青龙湖镇北车营村",
        ),
        bcy,
        id="beicheying-damage",
        note="real",
    )
    s.add(
        clock(7, 30, 22),
        casualty("fangshan-emergency", BJ, "房山区青龙湖镇常乐寺村", missing=2),
        cls,
        id="changlesi-missing",
        note="a mother and daughter swept away (real); reported as missing here, minute synthetic",
    )
    s.add(
        clock(21, 30),
        incident(
            "fangshan-flood-control",
            BJ,
            "evacuation",
            "河北镇大石河水位猛涨，全镇转移涉险群众6000余人，口儿、他窖等村房屋受损",
            address="房山区河北镇",
            people_affected=6000,
        ),
        hbz,
        id="hebeizhen-evacuation",
        note="real figures; minute synthetic",
    )
    s.add(
        clock(23, 40),
        casualty("yanshan-public-security", BJ, "房山区燕山凤凰亭村", deaths=1),
        fht,
        id="fenghuangting-death",
        note="李方洪 killed by a live stay wire while moving villagers (real); minute synthetic",
    )
    s.add(
        0,
        reading("LL-110111-FLOW-0001", "river_flow", 0, "m3/s", gps(115.70, 39.56), 1800),
        jmh,
        id="zhangfang-flow",
        note="拒马河 at 张坊 (synthetic gauge; the 2,570 m3/s peak about 07:30 on 22 July is real)",
        repeat={
            "every": "30m",
            "until": "+26h",
            "values": [
                18,
                18,
                18,
                19,
                20,
                22,
                25,
                30,
                38,
                50,
                65,
                85,
                110,
                140,
                180,
                230,
                290,
                360,
                450,
                560,
                690,
                840,
                1000,
                1180,
                1370,
                1560,
                1740,
                1910,
                2060,
                2200,
                2320,
                2420,
                2500,
                2550,
                2570,
                2560,
                2520,
                2450,
                2360,
                2250,
                2130,
                2000,
                1870,
                1740,
                1610,
                1490,
                1380,
                1280,
                1190,
                1110,
                1040,
                980,
                930,
            ],
        },
    )
    s.add(
        clock(7, 40, 22),
        incident(
            "beijing-hydrology",
            BJ,
            "river_flood",
            "拒马河洪峰通过张坊，流量约每秒2570立方米",
            address="房山区张坊镇 拒马河",
            position=gps(115.70, 39.56),
        ),
        jmh,
        id="juma-peak",
        note="real peak; wording synthetic",
    )

    # --- calls at the sites ----------------------------------------------------------------------------------
    def site_calls(site, n, start, end, peak, raw, formal_gists, addresses, urgent=0.7, family=(), ids=()):
        times = spread(rng, n, start, end, peak)
        for k, t in enumerate(times):
            style = pick(rng, [("raw", 5), ("formal", 4), ("terse", 1)])
            if style == "formal":
                content = formal(rng, rng.choice(formal_gists), "请相关部门紧急处置。" if rng.random() < 0.6 else "")
            elif style == "terse":
                content = rng.choice(raw)[:14].rstrip("，,") + "，快来人"
            else:
                content = rng.choice(raw)
            if rng.random() < 0.08:
                content = typo(rng, content)
            urg = "特急" if rng.random() < urgent else "紧急"
            cid = ids[k] if k < len(ids) else ""
            s.call(t, BJ, content, rng.choice(addresses), site, urgency=urg, caller=caller(rng), id=cid)
        for t, content, address in family:
            s.call(t, BJ, content, address, site, urgency="特急", caller=caller(rng))

    site_calls(
        gqm,
        22,
        clock(19, 40),
        clock(22, 30),
        clock(20, 5),
        [
            "广渠门桥底下水太深了，一辆车被淹了，里面有人！",
            "东二环广渠门桥下面积水得有两三米，好几辆车泡里头了",
            "广渠门桥下车顶上站着人，快来救人",
            "广渠门那桥底下水快没过车顶了，有个黑色越野车里有人在拍窗户",
            "桥底下全是水，还有车往里开，太危险了，得有人拦着",
            "我在广渠门桥边上，大伙在拉绳子拖车，消防怎么还没到",
        ],
        [
            "东二环广渠门桥下积水严重，有车辆被困，车内疑似有人",
            "广渠门桥下积水约两三米，多辆车辆熄火被困",
            "广渠门桥区积水，有车辆被淹，车内有人员",
        ],
        ["东城区广渠门桥", "东二环广渠门桥下", "广渠门", "广渠门桥底下", "东城区广渠门外大街桥区", "广渠们桥"],
        ids=["guangqumen-first-call"],
        family=[
            (
                clock(21, 35),
                "我爱人开车回家，最后打电话说在广渠门桥下面被水困住了，出不来，现在电话打不通了，求求你们去看看",
                "广渠门桥",
            ),
            (clock(23, 20), "还是问广渠门桥被困那个车，车主是我家里人，人救出来了吗，送哪个医院了", "东城区广渠门桥"),
        ],
    )
    site_calls(
        ngw,
        58,
        clock(20, 0),
        clock(4, 0, 22),
        clock(22, 0),
        [
            "京港澳高速出京方向十七公里多那个铁路桥底下全淹了，车都漂起来了",
            "我们被困在京港澳高速上了，水漫到车窗了，人都爬到车顶上了，救命",
            "京石高速杜家坎出去没多远，铁路桥下面全是水，几十辆车困着",
            "南岗洼桥下的水还在涨，有大巴车也泡着，上面好多人",
            "高速上水太深了，我们在车顶上站了一个多小时了，没人来",
            "京港澳出京方向堵死了，前面说淹了，车里有老人孩子",
            "车顶上有人喊救命，水流得很急，天太黑看不清",
            "我们往路边护坡上爬了，还有好多人在水里",
        ],
        [
            "京港澳高速南岗洼铁路桥下积水严重，大量车辆被淹，有人员被困车顶",
            "京港澳高速出京方向积水断路，车辆被困水中",
            "京港澳高速17.5公里附近积水深，车内人员被困",
        ],
        [
            "京港澳高速南岗洼铁路桥",
            "丰台区王佐镇南岗洼",
            "京港澳高速17.5公里",
            "京石高速长阳段",
            "京港澳高速出京方向杜家坎往南",
            "南岗洼桥下",
            "京港澳高速 南岗洼",
            "丰台王佐南岗洼村附近高速上",
        ],
        urgent=0.85,
        ids=["nangangwa-first-call", "nangangwa-roof-call"],
        family=[
            (clock(1, 30, 22), "我爸开大车走京港澳高速进京，晚上十点以后就联系不上了，说前面淹了", "京港澳高速南岗洼"),
            (clock(6, 40, 22), "家里人昨晚在京港澳高速南岗洼那儿被水困住，到现在没消息", "丰台区南岗洼"),
        ],
    )
    site_calls(
        lhq,
        16,
        clock(14, 20),
        clock(22, 0),
        clock(19, 50),
        [
            "莲花桥底下积水，公交车都过不去了",
            "西三环莲花桥下面水没过车轮了，好几辆车熄火",
            "莲花桥下有车熄火了，司机还在车里",
        ],
        ["西三环莲花桥下积水较深，有车辆熄火", "莲花桥桥区积水，公交车滞留"],
        ["海淀区莲花桥", "西三环莲花桥", "莲花桥下", "莲花桥"],
        urgent=0.4,
        ids=["lianhuaqiao-first-call"],
    )
    site_calls(
        lsq,
        12,
        clock(19, 0),
        clock(22, 0),
        clock(20, 0),
        ["立水桥底下积水，好多车泡水里了", "立水桥下面水太深，有车里有人出不来", "立水桥那儿淹了，车都漂着"],
        ["立水桥下积水严重，多辆车泡水", "立水桥桥区积水，有车辆被困"],
        ["朝阳区立水桥", "立水桥下", "北五环立水桥", "立水桥南"],
        urgent=0.5,
    )
    site_calls(
        fzq,
        10,
        clock(19, 0),
        clock(22, 30),
        clock(20, 10),
        [
            "南三环分钟寺桥下积水封路了，车里进水了",
            "方庄桥下积水车过不去，有人推车",
            "分钟寺桥底下淹了，一辆出租车熄火在里面",
        ],
        ["分钟寺桥区积水断路，有车辆熄火", "方庄桥下积水，车辆无法通行"],
        ["朝阳区分钟寺桥", "南三环分钟寺", "丰台区方庄桥", "方庄桥下"],
        urgent=0.4,
    )
    site_calls(
        llq,
        8,
        clock(19, 0),
        clock(22, 30),
        clock(20, 30),
        ["六里桥底下积水了，车都堵着", "六里桥下面水挺深，有车熄火"],
        ["六里桥桥区积水，车辆熄火"],
        ["丰台区六里桥", "六里桥下", "西三环六里桥"],
        urgent=0.3,
    )
    site_calls(
        bcy,
        24,
        clock(18, 30),
        clock(23, 30),
        clock(20, 0),
        [
            "北车营村进水了，水冲进来了，房子倒了好几间",
            "青龙湖北车营这边排水渠漫了，水到腰了",
            "北车营村里水太急了，人都往山上跑",
            "我们家房子塌了一半，人出来了，东西全冲走了",
            "北车营村有老人困在家里，水还在涨",
        ],
        ["青龙湖镇北车营村洪水进村，多处房屋倒塌", "北车营村村民被洪水围困，急需救援"],
        ["房山区青龙湖镇北车营村", "青龙湖镇北车营", "房山北车营村", "北车营"],
        urgent=0.8,
        ids=["beicheying-first-call"],
    )
    site_calls(
        cls,
        8,
        clock(19, 0),
        clock(22, 0),
        clock(20, 30),
        [
            "常乐寺村厂房塌了，有个女的抱着孩子被水冲走了",
            "常乐寺这边水特别急，家具厂那片全淹了",
            "常乐寺村有人被冲走了，快来人",
        ],
        ["常乐寺村厂房倒塌，有人员被洪水冲走"],
        ["房山区青龙湖镇常乐寺村", "青龙湖常乐寺", "常乐寺村"],
        urgent=0.9,
    )
    site_calls(
        houshimen,
        9,
        clock(17, 40),
        clock(19, 0),
        clock(18, 10),
        [
            "后石门村进水了，水到脖子了，我爬到房顶上了",
            "大石窝后石门这边停电了，村里全是水，老人出不来",
            "村北头高压线炸了，全村没电了，水冲进来了",
            "后石门村大喇叭不响了，水太大了",
        ],
        ["大石窝镇后石门村洪水进村，全村停电，有村民被困房顶"],
        ["房山区大石窝镇后石门村", "大石窝后石门", "后石门村"],
        urgent=0.9,
        ids=["houshimen-first-call"],
        family=[(clock(23, 10), "我家在大石窝后石门村，打家里电话一直不通，村里什么情况", "房山区大石窝镇后石门村")],
    )
    site_calls(
        hbz,
        14,
        clock(16, 0),
        clock(23, 0),
        clock(20, 0),
        [
            "河北镇口儿村房子裂了，山上往下冲泥",
            "河北镇大石河涨水了，村里要不要转移",
            "我们村在山根底下，后墙让水冲塌了",
            "河北镇这边路断了，车出不去",
        ],
        ["河北镇大石河水位上涨，沿河村庄需转移", "河北镇口儿村房屋受损，山体有泥石流迹象"],
        ["房山区河北镇", "河北镇口儿村", "房山河北镇他窖村", "房山区河北镇南道村"],
        urgent=0.6,
    )
    site_calls(
        fht,
        7,
        clock(19, 0),
        clock(21, 30),
        clock(20, 0),
        ["凤凰亭村进水了，村里老人出不来，快来人", "凤凰亭这边水漫进院子了，电线杆子歪了"],
        ["燕山凤凰亭村洪水进村，有老人被困"],
        ["房山区燕山凤凰亭村", "燕山凤凰亭", "凤凰亭村"],
        urgent=0.8,
    )
    site_calls(
        jmh,
        6,
        clock(4, 30, 22),
        clock(8, 30, 22),
        clock(7, 0, 22),
        [
            "拒马河水涨得吓人，张坊这边河边的农家院要不要撤",
            "十渡这边河水都漫到路上了，游客还在农家院里",
            "张坊大桥那儿水快到桥面了",
        ],
        ["拒马河水位上涨，沿河农家院游客需转移"],
        ["房山区张坊镇", "张坊拒马河边", "房山十渡镇", "十渡"],
        urgent=0.5,
    )

    # --- the city-wide surge -------------------------------------------------------------------------------
    n_surge = 3200
    early = spread(rng, int(n_surge * 0.15), clock(10, 10), clock(18), clock(15))
    evening = spread(rng, int(n_surge * 0.62), clock(17), clock(3, 0, 22), clock(21))
    morning = spread(rng, n_surge - len(early) - len(evening), clock(1, 0, 22), clock(9, 20, 22), clock(7, 30, 22))
    times = sorted(early + evening + morning)
    for t in times:
        kind = pick(
            rng, [("felt", 33), ("leak", 30), ("basement", 10), ("waterlog", 18), ("outage", 4), ("inquiry", 5)]
        )
        if kind in ("felt", "inquiry"):
            content = (
                pick(
                    rng,
                    [
                        (rng.choice(FELT_RAW), 5),
                        (rng.choice(FELT_INQUIRY), 2),
                        (rng.choice(FELT_NEG), 2),
                        (rng.choice(FELT_FEAR), 2),
                    ],
                )
                if kind == "felt"
                else rng.choice(FELT_INQUIRY)
            )
            if t > clock(3, 30, 22):
                content = rng.choice(FELT_AFTER)  # the rain has stopped
            if rng.random() < 0.3:
                content = formal(
                    rng,
                    content,
                    rng.choice(["请相关部门知悉。", "来电人咨询。", "已告知关注官方发布。", "请相关部门处理。"]),
                )
            if rng.random() < 0.05:
                content = typo(rng, content)
            district = rng.choice(DISTRICTS)
            form = pick(rng, [("district", 4), ("street", 4), ("city", 1)])
            if form == "district":
                address = rng.choice([district[0], f"北京市{district[0]}", district[0].removesuffix("区")])
            elif form == "street":
                address = street_address(rng, rng.choice([st for st in STREETS if st[1] == district[1]]))
            else:
                address = rng.choice(["北京市", "北京"])
            cat = "咨询" if kind == "inquiry" or rng.random() < 0.5 else "求助"
            s.call(t, BJ, content, address, felt, category=cat, urgency="一般", caller=caller(rng))
            continue
        # a damage aggregate: a street (or only a district) and a kind of matter
        district_only = rng.random() < 0.12
        st = rng.choice(STREETS)
        if kind == "leak":
            content = pick(
                rng,
                [
                    (rng.choice(LEAK_RAW), 4),
                    (formal(rng, rng.choice(LEAK_FORMAL)), 5),
                    (rng.choice(LEAK_TERSE), 1),
                    (rng.choice(LEAK_DIALECT), 1),
                ],
            )
        elif kind == "basement":
            content = pick(rng, [(rng.choice(BASEMENT_RAW), 5), (formal(rng, rng.choice(BASEMENT_FORMAL)), 5)])
        elif kind == "waterlog":
            content = pick(rng, [(rng.choice(WATERLOG_RAW), 5), (formal(rng, rng.choice(WATERLOG_FORMAL)), 5)])
        else:
            content = pick(rng, [(rng.choice(OUTAGE_RAW), 5), (formal(rng, rng.choice(OUTAGE_FORMAL)), 5)])
        if t > clock(3, 30, 22) and ("雨太大" in content or "打雷" in content):
            same_kind = {"leak": LEAK_RAW, "basement": BASEMENT_RAW, "waterlog": WATERLOG_RAW, "outage": OUTAGE_RAW}[
                kind
            ]
            calm = [x for x in same_kind if "雨太大" not in x and "打雷" not in x]
            content = rng.choice(["昨晚雨大，", "夜里下大雨，"]) + rng.choice(calm)  # the rain has stopped
        if rng.random() < 0.06:
            content = typo(rng, content)
        if district_only:
            address = rng.choice([st[0], f"北京市{st[0]}"])
            site_id = f"{kind}-{st[2]}"
            site_note = f"{KIND_NOTE[kind]} in {st[0]}, address naming only the district"
        else:
            address = street_address(rng, st, bungalow=kind in ("leak", "waterlog"))
            site_id = f"{kind}-{st[2]}-{st[4]}"
            site_note = f"{KIND_NOTE[kind]} in {st[0]}{st[3]}"
        urg = (
            pick(rng, [("一般", 7), ("紧急", 3)])
            if kind != "basement"
            else pick(rng, [("一般", 4), ("紧急", 5), ("特急", 1)])
        )
        s.call(
            t,
            BJ,
            content,
            address,
            s.site(EV, site_id, site_note),
            category="求助" if rng.random() < 0.8 else "投诉",
            urgency=urg,
            caller=caller(rng),
        )

    # --- everyday calls with nothing to do with the rain: each its own event ----------------------------
    for k, (content, cat, urg, address) in enumerate(UNRELATED):
        eid = f"everyday-{k + 1:02d}"
        s.event(eid, f"an everyday matter unrelated to the rain: {content[:18]}…")
        t = rng.randint(clock(10, 30), clock(8, 30, 22))
        s.call(
            t,
            BJ,
            content if rng.random() < 0.5 else formal(rng, content),
            address,
            s.whole(eid),
            category=cat,
            urgency=urg,
            caller=caller(rng),
        )

    s.end = "+26h"
    leak_streets_chaoyang = len([sid for sid in s.events[EV].sites if sid.startswith("leak-chaoyang")])
    s.expect = [
        {
            "note": "the 广渠门桥 sensor, the first call and the fire brigade's reports are one incident",
            "same_incident": ["guangqumen-depth", "guangqumen-first-call", "guangqumen-fire", "guangqumen-driver-out"],
        },
        {
            "note": "南岗洼: the sensor, the calls from car roofs, the road closure and the rescue are one incident",
            "same_incident": [
                "nangangwa-depth",
                "nangangwa-first-call",
                "nangangwa-roof-call",
                "nangangwa-closed",
                "nangangwa-fire",
            ],
        },
        {
            "by": "+11h",
            "note": "water-rescue units go to the trapped cars (the first call about 19:45, T+10:15)",
            "dispatched": {"capability": "water_rescue", "incident_type": "flood_rescue"},
        },
        {
            "note": "one flood rescue at 广渠门桥 in 东城, not one per call",
            "incidents": {"type": "flood_rescue", "region": "东城区", "at_most": 1},
        },
        {
            "note": f"朝阳's roof leaks are merged by street: at most one work queue per street ({leak_streets_chaoyang} streets) and one for district-only addresses",
            "incidents": {"type": "roof_leak_cluster", "region": "朝阳区", "at_most": leak_streets_chaoyang + 1},
        },
        {
            "note": "北车营村's calls and the flood-control report are one incident",
            "same_incident": ["beicheying-report", "beicheying-first-call"],
        },
    ]
    return s


if __name__ == "__main__":
    publish(build(), NAME)
