# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""Typhoon 杜苏芮's remnant rain over Tianjin and 廊坊, 29 July - 1 August 2023: a tree on a car with the driver
trapped, a power cut in 静海 唐官屯, a collapsed courtyard wall in 廊坊, a water cut in 固安, villages moved away from
the 永定河, flooded underpasses in central Tianjin in the cloudburst of 1 August, leaks and waterlogging street by
street, and many calls that only say it rains hard.
"""

from __future__ import annotations

import random

from scenarios.generators.callers import CallStyle, caller, formal, pick, site_calls, spread, typo
from scenarios.generators.payloads import gps, incident, reading
from scenarios.generators.timeline import HE, TJ, Scenario, publish

NAME = "rainstorm_tianjin_langfang_2023"
SID = "rainstorm-tianjin-langfang-2023"
EV = "doksuri-remnant-rain"


def clock(day: int, hh: int, mm: int = 0) -> int:
    """Seconds from T0 (2023-07-29 14:30) of a clock time on a day of July (29-31) or August (32 = 1 Aug)."""
    return ((day - 29) * 24 * 60 + hh * 60 + mm - (14 * 60 + 30)) * 60


# (city, district, adcode, dslug, street, sslug, places in it)
STREETS = [
    ("天津", "和平区", "120101", "heping", "南营门街道", "nanyingmen", ["南京路", "南营门"]),
    ("天津", "和平区", "120101", "heping", "小白楼街道", "xiaobailou", ["小白楼", "开封道"]),
    ("天津", "和平区", "120101", "heping", "五大道街道", "wudadao", ["五大道", "常德道"]),
    ("天津", "和平区", "120101", "heping", "南市街道", "nanshi", ["南市", "荣吉大街"]),
    ("天津", "河东区", "120102", "hedong", "大直沽街道", "dazhigu", ["大直沽中路", "大直沽西路"]),
    ("天津", "河东区", "120102", "hedong", "中山门街道", "zhongshanmen", ["中山门", "中山门一号路"]),
    ("天津", "河东区", "120102", "hedong", "大王庄街道", "dawangzhuang", ["十一经路", "大王庄"]),
    ("天津", "河东区", "120102", "hedong", "唐家口街道", "tangjiakou", ["唐家口", "津塘路"]),
    ("天津", "河西区", "120103", "hexi", "友谊路街道", "youyilu", ["友谊路", "珠江道"]),
    ("天津", "河西区", "120103", "hexi", "马场街道", "machang", ["马场道", "恒山里"]),
    ("天津", "河西区", "120103", "hexi", "下瓦房街道", "xiawafang", ["下瓦房", "大沽南路"]),
    ("天津", "河西区", "120103", "hexi", "桃园街道", "taoyuan", ["桃园", "卫津路"]),
    ("天津", "河西区", "120103", "hexi", "梅江街道", "meijiang", ["梅江", "梅江南"]),
    ("天津", "河西区", "120103", "hexi", "挂甲寺街道", "guajiasi", ["挂甲寺", "汉江里"]),
    ("天津", "南开区", "120104", "nankai", "长虹街道", "changhong", ["长虹公园", "咸阳路"]),
    ("天津", "南开区", "120104", "nankai", "鼓楼街道", "gulou", ["鼓楼", "东马路"]),
    ("天津", "南开区", "120104", "nankai", "华苑街道", "huayuan", ["华苑", "居华里"]),
    ("天津", "南开区", "120104", "nankai", "王顶堤街道", "wangdingdi", ["王顶堤", "迎水道"]),
    ("天津", "南开区", "120104", "nankai", "万兴街道", "wanxing", ["万兴", "南开三马路"]),
    ("天津", "河北区", "120105", "hebei", "王串场街道", "wangchuanchang", ["王串场", "王串场一号路"]),
    ("天津", "河北区", "120105", "hebei", "月牙河街道", "yueyahe", ["月牙河", "月牙河北道"]),
    ("天津", "河北区", "120105", "hebei", "宁园街道", "ningyuan", ["宁园", "中山路"]),
    ("天津", "河北区", "120105", "hebei", "望海楼街道", "wanghailou", ["望海楼", "狮子林大街"]),
    ("天津", "红桥区", "120106", "hongqiao", "丁字沽街道", "dingzigu", ["丁字沽一号路", "丁字沽"]),
    ("天津", "红桥区", "120106", "hongqiao", "西沽街道", "xigu", ["西沽", "西沽公园"]),
    ("天津", "红桥区", "120106", "hongqiao", "芥园街道", "jieyuan", ["芥园道", "芥园"]),
    ("天津", "红桥区", "120106", "hongqiao", "西于庄街道", "xiyuzhuang", ["西于庄", "子牙河"]),
    ("天津", "静海区", "120118", "jinghai", "静海镇", "jinghaizhen", ["静海城区", "胜利路"]),
    ("天津", "静海区", "120118", "jinghai", "台头镇", "taitou", ["台头", "台头村"]),
    ("天津", "静海区", "120118", "jinghai", "陈官屯镇", "chenguantun", ["陈官屯", "陈官屯村"]),
    ("廊坊", "广阳区", "131003", "guangyang", "银河北路街道", "yinhebeilu", ["银河北路", "爱民道"]),
    ("廊坊", "广阳区", "131003", "guangyang", "解放道街道", "jiefangdao", ["解放道", "新华路"]),
    ("廊坊", "广阳区", "131003", "guangyang", "新开路街道", "xinkailu", ["新开路", "广阳道"]),
    ("廊坊", "安次区", "131002", "anci", "银河南路街道", "yinhenanlu", ["银河南路", "永兴路"]),
    ("廊坊", "安次区", "131002", "anci", "光明西道街道", "guangmingxidao", ["光明西道", "迎春路"]),
    ("廊坊", "安次区", "131002", "anci", "杨税务乡", "yangshuiwu", ["杨税务", "杨税务村"]),
]
KIND_NOTE = {
    "leak": "roof leaks",
    "waterlog": "waterlogged roads, lanes and courtyards",
    "basement": "water in basements and garages",
}

LEAK = [
    "家里屋顶漏雨了，顶楼往下滴水",
    "平房漏雨，屋里地上全是水",
    "楼顶漏了，卧室墙皮都泡掉了",
    "屋里漏雨漏得没法睡觉",
    "介雨下的，我家房顶子漏成筛子了",
    "老楼顶层漏雨，找物业没人管",
]
LEAK_F = ["其家中顶层房屋漏雨，室内多处渗水", "其居住的平房屋顶漏雨严重", "其所在楼栋顶层漏雨，墙体渗水"]
WLOG = [
    "小区门口积水没过膝盖了，出不去",
    "胡同里积水倒灌进院了",
    "路口积水太深，车都熄火了",
    "楼前积水下不去，下水道堵了",
    "门口积水快进屋了，倍儿吓人",
]
WLOG_F = ["其小区内积水严重，居民出行困难", "其所在路段积水较深，有车辆熄火", "其院内积水倒灌入户"]
BASE = ["地下室进水了，里面的东西全泡了", "地下车库进水了，车都泡着呢"]
BASE_F = ["其所在小区地下车库进水", "其家地下室进水较深"]
FELT = [
    "雨太大了",
    "这雨下得吓人，什么时候停",
    "雨太大了，跟倒的似的",
    "风雨太大了，窗户都呼呼响，家里没事",
    "介雨下的，真没见过",
    "雨下一宿了，问问明天上班吗",
    "家里没进水也没漏，就是雨太大心里慌",
    "打雷吓人，孩子不敢睡",
    "问一下暴雨预警几级了",
    "怕一会儿积水进屋，现在还没进",
    "问问地铁公交停没停",
]
FELT_LF = [
    "雨太大了，俺们这没事，就是问问还下多久",
    "廊坊这雨下得太大了",
    "雨下了两天了，院里全是水，屋里还好，问问还下多久",
    "风大雨大，家里没事，就是害怕",
]
UNRELATED = [
    ("楼上装修电钻响一天了，下雨天也不停", "投诉", "天津市南开区华苑街道居华里"),
    ("小区物业乱收停车费", "投诉", "河西区梅江街道"),
    ("问一下孩子上学转学的手续", "咨询", "河北区宁园街道"),
    ("燃气灶打不着火，燃气卡充了值也没用，不是停气，邻居家都好的", "求助", "红桥区西沽街道"),
    ("感谢社区给老人送药", "表扬", "廊坊市广阳区解放道街道"),
]


def street_address(rng: random.Random, st: tuple) -> str:
    city, district, _, _, street, _, places = st
    place = rng.choice(places)
    house = rng.choice(["", "", f"{rng.randint(1, 40)}号楼", f"{rng.randint(1, 20)}号", "附近", "平房"])
    form = pick(rng, [("full", 3), ("district-street", 3), ("district-place", 4), ("place", 1), ("typo", 1)])
    prefix = "天津市" if city == "天津" else rng.choice(["河北省廊坊市", "廊坊市", "廊坊"])
    if form == "full":
        return f"{prefix}{district}{street}{place}{house}"
    if form == "district-street":
        return f"{district}{street}{house}"
    if form == "district-place":
        return f"{district}{place}{house}"
    if form == "place":
        return f"{place}{house}" if city == "天津" else f"廊坊{place}{house}"
    return typo(rng, f"{district}{place}{house}").replace("区", rng.choice(["去", "曲"]), 1)


def build() -> Scenario:
    rng = random.Random(729)
    s = Scenario(
        SID,
        "台风“杜苏芮”残余环流：天津、廊坊暴雨 / Typhoon 杜苏芮's remnant rain over Tianjin and 廊坊, 2023",
        "2023-07-29T14:30:00+08:00",
        "From Tianjin's yellow rainstorm warning at 14:30 on 29 July to the cloudburst over central Tianjin at 17:00 "
        "on 1 August: the core of the rain over Tianjin on 30-31 July (静海 worst: 133.5 mm at 唐官屯, 54.8 mm in an "
        "hour at 台头), 廊坊 at level III from 13:00 on 29 July, 固安 under an orange warning and moving 7,987 people "
        "from villages along the 永定河 on 31 July, and ten traffic-control points in central Tianjin after the "
        "1 August cloudburst. The sites with damage are partly of our own design (see synthetic).",
        "Decided from the story as designed. One event, the remnant rain, with sites: the tree on a car at 河西 友谊路, "
        "the courtyard wall at 北旺镇 西村, the power cut in 唐官屯镇, the water cut in 固安, the villages moved from "
        "the 永定河 in 固安, and each flooded underpass of 1 August (咸阳路地道, 西营门地道, 天平桥下地道). Roof leaks, "
        "waterlogging and flooded basements are aggregates, one site per street (街道/乡镇) and kind, or per district "
        "when the address names only the district. Warnings, rain gauges and calls that only say it rains hard, ask "
        "about the warnings or fear what has not happened are `felt`. Everyday calls unrelated to the rain are "
        "events of their own.",
    )
    s.sources = [
        "天津市气象台 (29 July 2023, 14:30): rainstorm yellow warning, 80-130 mm expected, locally 250-300 mm",
        "天津市气象局 rain report (30 July): 29 July 07:00 - 30 July 12:00 average 58.5 mm, maximum 133.5 mm at 静海 唐官屯, 54.8 mm in an hour at 静海 台头; 68.8 mm at 河西 恒山里; the core of the rain until about 14:00 on 31 July",
        "静海融媒 (30 July): six underpasses and one low-lying area closed, drained by 14:00",
        "廊坊日报 (30 July): flood-control response raised from IV to III at 13:00 on 29 July; 固安县气象台 orange rainstorm warning continued at 09:40 on 30 July (over 100 mm at 东湾)",
        "北京日报 (1 August): 固安 moved 7,987 people from 13 villages along the 永定河 on 31 July (1,196 to shelters); 广阳区 北旺镇 西村 pumping water out of fields",
        "津云 (1 August, 17:00-18:00): central Tianjin average 23.14 mm, 58.7 mm at 南开 密云一支路; ten traffic-control points including 天平桥下地道, 咸阳路地道 (红桥) and 西营门地道 (南开)",
    ]
    s.real = [
        "the warnings named above and their times; 廊坊's level-III response at 13:00 on 29 July",
        "where and how much it rained in Tianjin (唐官屯, 台头, 恒山里) and in 固安",
        "固安's evacuation of 7,987 people from 13 villages along the 永定河 on 31 July",
        "the 1 August cloudburst and the underpasses closed (咸阳路地道, 西营门地道, 天平桥下地道)",
    ]
    s.synthetic = [
        "the tree on a car at 河西 友谊路, the collapsed courtyard wall at 北旺镇 西村, the power cut in 唐官屯镇, the water cut in 固安 and a car trapped in 咸阳路地道: damage of our own design at real places",
        "the upgrade of Tianjin's warning to orange and its downgrade, their times; the rain gauges' and the depth and pressure sensors' readings and positions (approximate)",
        "every call, caller and wording; the minutes of all agency reports; the everyday calls",
        "the responder fleet (seeded synthetic)",
    ]
    s.event(EV, "the remnant rain of typhoon 杜苏芮 over Tianjin and 廊坊, 29 July - 1 August 2023", multi=True)
    felt = s.felt(EV)

    # --- warnings and responses ------------------------------------------------------------------------------
    s.add(
        clock(29, 13),
        {
            "type": "agency.response_level",
            "agency": "langfang-flood-control",
            "province": HE,
            "action": "raise",
            "level": "III",
            "hazard": "flood",
            "scope_adcodes": ["131000"],
            "reason": "受台风杜苏芮影响，市防指决定自7月29日13时将防汛IV级应急响应提升至III级",
        },
        None,
        id="langfang-level-three",
        note="real",
    )
    tjw = {
        "type": "agency.warning",
        "agency": "tianjin-meteorological",
        "province": TJ,
        "warning_id": "TJ-RAINSTORM-20230729-01",
        "event_code": "11B03",
        "hazard": "rainstorm",
        "area": {"description": "天津市", "adcodes": [TJ]},
    }
    s.add(
        0,
        {
            **tjw,
            "action": "issue",
            "colour": "yellow",
            "headline": "天津市气象台14时30分发布暴雨黄色预警信号：预计今天后半夜至明天夜间，天津地区将出现暴雨到大暴雨",
        },
        felt,
        id="tj-yellow",
        note="real",
    )
    s.add(
        clock(30, 4),
        {**tjw, "action": "update", "colour": "orange", "headline": "天津市气象台将暴雨黄色预警信号升级为橙色预警信号"},
        felt,
        id="tj-orange",
        note="synthetic time",
    )
    s.add(
        clock(31, 14, 30),
        {**tjw, "action": "update", "colour": "yellow", "headline": "天津市气象台将暴雨橙色预警信号降级为黄色预警信号"},
        felt,
        id="tj-yellow-again",
        note="synthetic time (the core of the rain ended about 14:00 on 31 July)",
    )
    s.add(
        clock(31, 22),
        {**tjw, "action": "cancel", "colour": "yellow", "headline": "天津市气象台解除暴雨黄色预警信号"},
        felt,
        id="tj-cancel",
        note="synthetic time",
    )
    gaw = {
        "type": "agency.warning",
        "agency": "guan-meteorological",
        "province": HE,
        "warning_id": "GA-RAINSTORM-20230730-01",
        "event_code": "11B03",
        "hazard": "rainstorm",
        "area": {"description": "固安县", "adcodes": ["131022"]},
    }
    s.add(
        clock(30, 3),
        {**gaw, "action": "issue", "colour": "orange", "headline": "固安县气象台发布暴雨橙色预警信号"},
        felt,
        id="guan-orange",
        note="synthetic time",
    )
    s.add(
        clock(30, 9, 40),
        {
            **gaw,
            "action": "update",
            "colour": "orange",
            "headline": "固安县气象台继续发布暴雨橙色预警信号：目前我县东湾已出现100毫米以上大暴雨",
        },
        felt,
        id="guan-orange-again",
        note="real",
    )
    s.add(
        clock(32, 16, 50),
        {
            **tjw,
            "warning_id": "TJ-RAINSTORM-20230801-01",
            "action": "issue",
            "colour": "blue",
            "headline": "天津市气象台发布暴雨蓝色预警信号：中心城区将出现短时强降水",
        },
        felt,
        id="tj-blue-aug1",
        note="synthetic (the 1 August cloudburst began about 17:00)",
    )

    # --- rain gauges (felt) ------------------------------------------------------------------------------------
    def curve(peak: float, peak_at: int, width_h: float, n: int, start: int) -> list[float]:
        out = []
        for k in range(n):
            t = start + k * 1800
            d = (t - peak_at) / 3600
            out.append(round(max(0.0, peak * (1 - (d / width_h) ** 2)) if abs(d) < width_h else 0.0, 1))
        return out

    for dev, pos, peak, at, note in [
        (
            "LL-120118-RAIN-0001",
            (116.99, 38.78),
            54.8,
            clock(30, 9),
            "静海 台头 (54.8 mm in an hour, real; curve synthetic)",
        ),
        (
            "LL-120118-RAIN-0002",
            (116.93, 38.70),
            30.0,
            clock(30, 8),
            "静海 唐官屯 (133.5 mm by noon on 30 July, real; curve synthetic)",
        ),
        ("LL-120103-RAIN-0001", (117.22, 39.11), 18.0, clock(30, 10), "河西 恒山里 (68.8 mm, real; curve synthetic)"),
    ]:
        s.add(
            clock(29, 15),
            reading(dev, "rain_gauge", 0, "mm/h", gps(*pos), 1800),
            felt,
            note=note,
            repeat={"every": "30m", "until": "+48h", "values": curve(peak, at, 9, 96, clock(29, 15))},
        )

    # --- the sites -------------------------------------------------------------------------------------------
    tree = s.site(EV, "hexi-youyilu-tree-on-car", "河西区 友谊路: a tree blown onto a taxi, the driver trapped")
    wall = s.site(
        EV, "beiwang-xicun-wall", "廊坊 广阳区 北旺镇 西村: a courtyard wall collapsed, an old man's leg hurt"
    )
    outage = s.site(
        EV, "tangguantun-power-cut", "静海区 唐官屯镇: a 10 kV line down, villages without power for most of a day"
    )
    water = s.site(
        EV, "guan-water-cut", "固安县 固安镇: a flooded pumping station, the town's northern part without water"
    )
    evac = s.site(EV, "guan-yongding-evacuation", "固安县: 13 villages along the 永定河 moved out (7,987 people)")
    xyl = s.site(
        EV,
        "xianyanglu-underpass",
        "红桥区 咸阳路地道: flooded in the 1 August cloudburst, a car stalled with its driver inside",
    )
    xym = s.site(EV, "ximenying-underpass", "南开区 西营门地道 (密云一支路地道): flooded and closed on 1 August")
    tpq = s.site(EV, "tianpingqiao-underpass", "红桥区 天平桥下地道: flooded and closed on 1 August")

    def calls(
        site, n, start, end, peak, raw, gists, places, hotline=TJ, urg=(("紧急", 2), ("特急", 1)), ids=(), cat="求助"
    ):
        times = spread(rng, n, start, end, peak)
        site_calls(s, rng, CallStyle(hotline, formal_share=0.4), site, times, raw, gists, places, urg, ids, cat)

    calls(
        tree,
        6,
        clock(30, 11, 12),
        clock(30, 11, 50),
        clock(30, 11, 18),
        [
            "友谊路上一棵大树让风刮倒了，砸在一辆出租车上，司机还在车里出不来",
            "大树砸车了，车顶都瘪了，里边有人，快来",
            "友谊路围堤道那儿树倒了砸着车了，司机在里面喊",
        ],
        ["河西区友谊路一棵行道树倒伏砸中一辆出租车，驾驶员被困车内"],
        ["河西区友谊路", "友谊路与围堤道交口", "河西区友谊路街道", "天津市河西区友谊路 围堤道口"],
        urg=(("特急", 1),),
        ids=["tree-first-call"],
    )
    s.add(
        clock(30, 11, 24),
        incident(
            "tianjin-fire",
            TJ,
            "rescue",
            "河西区友谊路一行道树倒伏砸中出租车，驾驶员被困，消防救援站到场破拆救人",
            address="河西区友谊路与围堤道交口",
            position=gps(117.215, 39.100),
        ),
        tree,
        id="tree-fire-report",
        note="synthetic",
    )
    s.add(
        clock(30, 11, 55),
        incident(
            "tianjin-fire", TJ, "rescue_ended", "被困驾驶员已救出，腿部受伤送医，倒树已清理", address="河西区友谊路"
        ),
        tree,
        id="tree-rescued",
        note="synthetic",
    )

    calls(
        wall,
        4,
        clock(31, 10, 5),
        clock(31, 11, 0),
        clock(31, 10, 15),
        [
            "村里一家院墙让雨泡塌了，砸着老人腿了",
            "西村有堵墙塌了，压着三轮车，人也伤了",
            "俺家院墙倒了，我爹腿压了一下，走不了道",
        ],
        ["北旺镇西村一处院墙倒塌，一名老人腿部被砸伤"],
        ["廊坊市广阳区北旺镇西村", "北旺镇西村", "广阳区北旺西村", "廊坊北旺镇"],
        hotline=HE,
        ids=["wall-first-call"],
    )
    s.add(
        clock(31, 10, 40),
        incident(
            "guangyang-government",
            HE,
            "wall_collapse",
            "北旺镇西村一农户院墙因雨浸泡倒塌，一名老人受伤已送医，排查周边危墙",
            address="廊坊市广阳区北旺镇西村",
        ),
        wall,
        id="wall-report",
        note="synthetic",
    )

    calls(
        outage,
        12,
        clock(30, 7, 40),
        clock(30, 20),
        clock(30, 9),
        [
            "村里停电了，一宿雨，水泵都转不了",
            "唐官屯这边大面积停电了，冰箱里东西要坏了",
            "停电了，家里老人用不了制氧机",
            "电线杆让风刮歪了，线耷拉在地上，全村没电",
        ],
        ["唐官屯镇多个村庄停电，请求尽快抢修", "唐官屯镇有电线杆倾斜、导线落地，存在触电风险"],
        ["静海区唐官屯镇", "唐官屯", "静海唐官屯镇村里", "天津静海 唐官屯"],
        ids=["outage-first-call"],
    )
    s.add(
        clock(30, 8, 10),
        incident(
            "state-grid-tianjin",
            TJ,
            "power_outage",
            "受强降雨大风影响，静海唐官屯镇一条10千伏线路倒杆跳闸，影响部分村庄供电，正在抢修",
            address="静海区唐官屯镇",
            people_affected=6000,
        ),
        outage,
        id="outage-report",
        note="synthetic",
    )
    s.add(
        clock(30, 19, 30),
        incident(
            "state-grid-tianjin", TJ, "power_restored", "唐官屯镇10千伏线路抢修完成，恢复供电", address="静海区唐官屯镇"
        ),
        outage,
        id="outage-restored",
        note="synthetic",
    )

    for dev, pos, vals in [
        ("LL-131022-PRESS-0001", (116.30, 39.45), [0.30] * 8 + [0.29, 0.24, 0.17, 0.12, 0.09, 0.08]),
        ("LL-131022-PRESS-0002", (116.31, 39.44), [0.28] * 8 + [0.27, 0.22, 0.16, 0.11, 0.09, 0.08]),
    ]:
        s.add(
            clock(31, 4),
            reading(dev, "pipe_pressure", 0, "MPa", gps(*pos), 900),
            water,
            note="固安 mains pressure (synthetic)",
            repeat={"every": "15m", "until": "+60h", "values": vals},
        )
    calls(
        water,
        10,
        clock(31, 7),
        clock(31, 14),
        clock(31, 9),
        ["家里停水了，一滴水都没有", "固安城里停水了，什么时候来水", "小区停水了，高层一点水都没有，老人孩子没法做饭"],
        ["其所在小区停水，询问恢复时间"],
        ["固安县固安镇", "固安县城", "固安", "廊坊市固安县"],
        hotline=HE,
        urg=(("一般", 1), ("紧急", 1)),
        ids=["water-first-call"],
    )
    s.add(
        clock(31, 7, 40),
        incident(
            "guan-water",
            HE,
            "water_outage",
            "固安县城北一加压泵站进水停运，城区北部部分小区停水，正在排水抢修",
            address="固安县固安镇",
            people_affected=20000,
        ),
        water,
        id="water-report",
        note="synthetic",
    )

    s.add(
        clock(31, 15),
        incident(
            "guan-flood-control",
            HE,
            "evacuation",
            "永定河水位持续上涨，固安县组织临近永定河河道的13个村街群众转移，共7987人，其中1196人集中安置",
            address="固安县永定河沿岸村街",
            people_affected=7987,
        ),
        evac,
        id="evacuation-report",
        note="real figures; minute synthetic",
    )
    calls(
        evac,
        9,
        clock(31, 14),
        clock(31, 21),
        clock(31, 16),
        [
            "村里让转移，安置点在哪，老人走不了道",
            "家里老人不肯走，说多大的水都见过，怎么办",
            "永定河边上的村都转移了，俺们村要不要走",
            "转移到学校了，没有被褥，晚上怎么睡",
        ],
        ["其所在村庄临近永定河，村里通知转移，询问安置点位置", "其家中老人不愿转移，请求村里帮助"],
        ["固安县永定河边上的村", "固安县东湾乡", "固安 永定河沿岸", "廊坊固安县"],
        hotline=HE,
        urg=(("紧急", 1), ("一般", 1)),
        cat="咨询",
    )

    # the 1 August cloudburst: underpasses
    depth = [0] * 30 + [3, 10, 22, 38, 55, 68, 78, 85, 85, 80, 70, 58, 45, 32, 20, 10, 4, 0]
    s.add(
        clock(32, 14, 30),
        reading("LL-120106-WATER-0003", "water_depth", 0, "cm", gps(117.150, 39.165), 300),
        xyl,
        id="xianyanglu-depth",
        note="咸阳路地道 water depth (synthetic sensor; position approximate)",
        repeat={"every": "5m", "until": "+77h", "values": depth},
    )
    calls(
        xyl,
        6,
        clock(32, 17, 15),
        clock(32, 18, 10),
        clock(32, 17, 30),
        [
            "咸阳路地道里有辆车熄火了，司机在车里不敢出来，水快到车窗了",
            "地道里积水太深了，一辆小轿车泡在里头，里面有人",
            "咸阳路地道淹了，还有车往里开",
        ],
        ["咸阳路地道积水较深，一辆轿车熄火，驾驶员被困车内"],
        ["红桥区咸阳路地道", "咸阳路地道", "咸阳北路地道", "红桥区咸阳路 铁路地道"],
        urg=(("特急", 1),),
        ids=["xianyanglu-first-call"],
    )
    s.add(
        clock(32, 17, 42),
        incident(
            "tianjin-traffic-police",
            TJ,
            "underpass_flooded",
            "因降雨积水，红桥区咸阳路地道采取交通管控，交警现场值守",
            address="红桥区咸阳路地道",
            position=gps(117.150, 39.165),
        ),
        xyl,
        id="xianyanglu-closed",
        note="a real control point; minute synthetic",
    )
    s.add(
        clock(32, 17, 50),
        incident(
            "tianjin-fire", TJ, "rescue", "咸阳路地道一辆轿车涉水熄火，驾驶员被困，已救出", address="红桥区咸阳路地道"
        ),
        xyl,
        id="xianyanglu-rescue",
        note="synthetic",
    )
    s.add(
        clock(32, 17, 44),
        incident(
            "tianjin-traffic-police",
            TJ,
            "underpass_flooded",
            "因降雨积水，南开区西营门地道（密云一支路地道）采取交通管控",
            address="南开区西营门地道",
        ),
        xym,
        id="ximenying-closed",
        note="real control point; minute synthetic",
    )
    calls(
        xym,
        3,
        clock(32, 17, 20),
        clock(32, 18, 0),
        clock(32, 17, 35),
        ["密云一支路地道淹了，车过不去", "西营门地道积水了，有车熄火"],
        ["西营门地道积水，车辆无法通行"],
        ["南开区西营门地道", "密云一支路地道", "南开区密云一支路"],
        urg=(("紧急", 1),),
    )
    s.add(
        clock(32, 17, 46),
        incident(
            "tianjin-traffic-police",
            TJ,
            "underpass_flooded",
            "因降雨积水，红桥区天平桥下地道采取交通管控",
            address="红桥区天平桥下地道",
        ),
        tpq,
        id="tianpingqiao-closed",
        note="real control point; minute synthetic",
    )
    calls(
        tpq,
        2,
        clock(32, 17, 25),
        clock(32, 18, 0),
        clock(32, 17, 40),
        ["天平桥底下地道全是水，车都堵着"],
        ["天平桥下地道积水，车辆滞留"],
        ["红桥区天平桥", "天平桥下地道"],
        urg=(("紧急", 1),),
    )

    # --- aggregates and felt ---------------------------------------------------------------------------------
    times = sorted(
        spread(rng, 150, clock(29, 23), clock(31, 16), clock(30, 10))
        + spread(rng, 25, clock(32, 17), clock(32, 20), clock(32, 17, 40))
    )
    for t in times:
        kind = pick(rng, [("leak", 5), ("waterlog", 4), ("basement", 1)])
        st = rng.choice(
            STREETS
            if t < clock(32, 0)
            else [x for x in STREETS if x[0] == "天津" and x[2] in ("120101", "120103", "120104", "120105", "120106")]
        )
        raw, gists = {"leak": (LEAK, LEAK_F), "waterlog": (WLOG, WLOG_F), "basement": (BASE, BASE_F)}[kind]
        text = formal(rng, rng.choice(gists)) if rng.random() < 0.45 else rng.choice(raw)
        if rng.random() < 0.06:
            text = typo(rng, text)
        if rng.random() < 0.12:
            address = st[1] if rng.random() < 0.5 else (f"天津市{st[1]}" if st[0] == "天津" else f"廊坊市{st[1]}")
            site = s.site(
                EV, f"{kind}-{st[3]}", f"{KIND_NOTE[kind]} in {st[0]} {st[1]}, address naming only the district"
            )
        else:
            address = street_address(rng, st)
            site = s.site(EV, f"{kind}-{st[3]}-{st[5]}", f"{KIND_NOTE[kind]} in {st[0]} {st[1]}{st[4]}")
        s.call(
            t,
            TJ if st[0] == "天津" else HE,
            text,
            address,
            site,
            urgency=pick(rng, [("一般", 3), ("紧急", 1)]),
            caller=caller(rng),
        )

    for t in spread(rng, 230, clock(29, 16), clock(31, 20), clock(30, 9)):
        hotline = pick(rng, [(TJ, 3), (HE, 1)])
        text = rng.choice(FELT if hotline == TJ else FELT_LF)
        if rng.random() < 0.25:
            text = formal(rng, text, rng.choice(["来电人咨询。", "请相关部门知悉。", "已告知关注官方发布。"]))
        if rng.random() < 0.04:
            text = typo(rng, text)
        if hotline == TJ:
            st = rng.choice([x for x in STREETS if x[0] == "天津"])
            address = pick(
                rng, [(st[1], 3), (f"天津市{st[1]}", 1), (street_address(rng, st), 3), ("天津", 1), ("天津市", 1)]
            )
        else:
            address = rng.choice(
                [
                    "廊坊市",
                    "廊坊",
                    "廊坊市广阳区",
                    "安次区",
                    "固安县",
                    "霸州市",
                    "永清县",
                    "廊坊开发区",
                    "香河县",
                    "大城县",
                ]
            )
        s.call(t, hotline, text, address, felt, category="咨询", urgency="一般", caller=caller(rng))
    for t in spread(rng, 20, clock(32, 17), clock(32, 19), clock(32, 17, 30)):
        st = rng.choice([x for x in STREETS if x[0] == "天津" and x[2] in ("120101", "120103", "120104", "120106")])
        s.call(
            t,
            TJ,
            rng.choice(["又下这么大，跟泼的一样", "这雨来得太急了，问问还下多久", "刚才还晴天，一下就黑了，雨太大了"]),
            rng.choice([st[1], street_address(rng, st)]),
            felt,
            category="咨询",
            urgency="一般",
            caller=caller(rng),
        )

    for k, (content, cat, address) in enumerate(UNRELATED):
        eid = f"everyday-{k + 1:02d}"
        s.event(eid, f"an everyday matter unrelated to the rain: {content[:16]}…")
        s.call(
            rng.randint(clock(29, 16), clock(32, 19)),
            TJ if "廊坊" not in address else HE,
            content,
            address,
            s.whole(eid),
            category=cat,
            caller=caller(rng),
        )

    s.end = "+77h"
    s.expect = [
        {
            "note": "the tree on the car: the calls and the fire brigade's reports are one incident",
            "same_incident": ["tree-first-call", "tree-fire-report", "tree-rescued"],
        },
        {
            "by": "+21h5m",
            "note": "a rescue unit is sent to the trapped driver's incident within 20 minutes of the first call (11:12 on 30 July)",
            "dispatched": {"capability": "search_rescue"},
        },
        {
            "note": "固安's water cut: the pressure sensors, the calls and the water company's report are one incident",
            "same_incident": ["water-first-call", "water-report"],
        },
        {
            "by": "+42h",
            "note": "the water cut in 固安 is a water-outage incident with repair crews sent",
            "dispatched": {"capability": "water_repair", "incident_type": "water_outage"},
        },
        {
            "note": "咸阳路地道: the sensor, the stalled car and the closure are one incident",
            "same_incident": ["xianyanglu-depth", "xianyanglu-first-call", "xianyanglu-closed", "xianyanglu-rescue"],
        },
        {
            "by": "+75h30m",
            "note": "咸阳路地道 is closed to traffic in the 1 August cloudburst, by 18:00 as 津云 reported its control point",
            "closure_in_force": {"near": "红桥区", "kind": "flooded_underpass", "incident_type": "waterlogging"},
        },
        {
            "note": "the felt-only calls open no water-outage incident in Tianjin",
            "incidents": {"type": "water_outage", "region": "天津", "at_most": 0},
        },
    ]
    return s


if __name__ == "__main__":
    publish(build(), NAME)
