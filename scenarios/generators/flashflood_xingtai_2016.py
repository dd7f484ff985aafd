# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""The 邢台 "7·19" flood, 2016: the 七里河 overtops and breaks its north bank at 大贤桥 about 02:00 on 20 July and
floods 大贤村 and other villages of the development zone at night; people on roofs, people missing.
"""

from __future__ import annotations

import random

from scenarios.generators.callers import CallStyle, caller, formal, site_calls, spread
from scenarios.generators.payloads import casualty, gps, incident, reading
from scenarios.generators.timeline import HE, H, M, Scenario, publish

NAME = "flashflood_xingtai_2016"
SID = "flashflood-xingtai-2016"
EV = "xingtai-7-19-flood"
XT = "130500"  # 邢台市
XTX = "130521"  # 邢台县 (the development zone's towns 东汪镇 and 王快镇 lay in it)
BRIDGE = (114.60, 37.03)  # approximate: 大贤桥 (龙王庙桥) where S326 crosses the 七里河
RESCUE_CALLS = CallStyle(HE, formal_share=0.35, ask="请紧急救援。", anonymous_share=0.05)


def build() -> Scenario:
    rng = random.Random(719)
    s = Scenario(
        SID,
        "邢台“7·19”洪水：七里河大贤桥漫堤决口 / The 邢台 7·19 flood: the 七里河 breaks its bank at 大贤桥, 2016",
        "2016-07-20T02:00:00+08:00",
        "The night of 19-20 July 2016 in 邢台: after a day of record rain (673.5 mm at 临城 上围寺), the 七里河, dry for "
        "years, narrows at 大贤桥 (龙王庙桥) where its embanked section ends; about 02:00 the flood overtops and breaks "
        "the north bank and sweeps 大贤村 (water two metres deep within seconds), then other villages of the "
        "development zone in 东汪镇 and 王快镇. People climb onto roofs; 8 die and 1 is missing in 大贤村 alone. "
        "Upstream, the small 东川口 reservoir was close to overtopping the same night.",
        "Decided from the event as reported. One event, the flood, with sites: the bank at 大贤桥 (the breach, the "
        "bridge gauge and its silence, the water authority's reports), each flooded village (大贤村, 景家屯村, 东汪村, "
        "王快村: trapped people, missing people, casualties), and the 东川口 reservoir upstream. The rain warnings, the "
        "flood warning for the river as a whole, the river and rain gauges and every call that only says the rain "
        "is heavy are `felt`.",
    )
    s.sources = [
        "邢台市防汛抗旱指挥部 press conference, 2016-07-23: the whole city affected, 1.034 M people, 25 dead and 13 missing by 07:00 on 23 July; the 七里河 narrows at 大贤桥 and the flood overtopped and broke the bank, flooding the zone's villages",
        "新京报, 第一财经, 三联生活周刊 and 南方都市报 (July 2016): water into 大贤村 about 02:00 on 20 July, two metres within seconds; 12 villages of the development zone flooded, 大贤村 worst (8 dead, 1 missing), 景家屯村 flooded; the zone said on the afternoon of 20 July that there were no casualties; 东川口 reservoir near overtopping on the night of 19 July; 临城 上围寺 673.5 mm",
        "the development zone's towns 东汪镇 and 王快镇 (named in the 22 July reports)",
    ]
    s.real = [
        "the place and the hour: the 七里河 north bank at 大贤桥 (龙王庙桥, S326) about 02:00 on 20 July; 大贤村 flooded two metres deep within seconds; 景家屯村 flooded; twelve villages of 东汪镇 and 王快镇",
        "大贤村: 8 dead and 1 missing (a small girl among the missing); the zone's statement on the afternoon of 20 July that there were no casualties",
        "the record rain (临城 上围寺 673.5 mm) and the 东川口 reservoir close to overtopping that night",
    ]
    s.synthetic = [
        "the warnings' times and colours (the city was under rainstorm warnings; the exact signals are not taken from a source)",
        "the flow gauge on the 七里河, the depth gauge at 大贤桥 (washed out at 02:10) and the rain gauge at 上围寺, with all readings (shaped, not measured); their positions are approximate",
        "which other villages flooded besides 大贤 and 景家屯 (东汪村 and 王快村 stand for the twelve), their calls and reports",
        "every call, caller and wording; the minutes of the agencies' reports; the breach being plugged",
        "the responder fleet (seeded synthetic)",
    ]
    s.event(EV, "the 7·19 flood of the 七里河 through the villages east of 邢台", multi=True)
    felt = s.felt(EV)
    breach = s.site(
        EV, "daxian-bridge-breach", "the 七里河 north bank at 大贤桥 (龙王庙桥): overtopped and breached about 02:00"
    )
    daxian = s.site(
        EV, "daxian-village", "大贤村 (东汪镇): flooded two metres deep at night; people on roofs; 8 dead, 1 missing"
    )
    jingjiatun = s.site(EV, "jingjiatun-village", "景家屯村: flooded at night, people woken by water in the house")
    dongwang = s.site(EV, "dongwang-village", "东汪村 (东汪镇): flooded (stands for the other villages of the town)")
    wangkuai = s.site(EV, "wangkuai-village", "王快村 (王快镇): flooded (stands for the villages of 王快镇)")
    reservoir = s.site(
        EV,
        "dongchuankou-reservoir",
        "东川口 reservoir upstream on the 七里河: close to overtopping on the night of 19 July",
    )

    warn = {
        "type": "agency.warning",
        "agency": "xingtai-meteorological",
        "province": HE,
        "warning_id": "XT-RAINSTORM-20160719",
        "event_code": "11B03",
        "hazard": "rainstorm",
        "area": {"description": "邢台市", "adcodes": [XT]},
    }
    for at, action, colour, headline, wid in (
        (-12 * H, "issue", "orange", "邢台市气象台发布暴雨橙色预警信号", "orange-warning"),
        (-7 * H, "update", "red", "邢台市气象台将暴雨橙色预警信号升级为红色预警信号", "red-warning"),
    ):
        s.add(
            at,
            {**warn, "action": action, "colour": colour, "headline": headline},
            felt,
            id=wid,
            note="synthetic time and colour",
        )
    s.add(
        -4 * H - 30 * M,
        {
            "type": "agency.warning",
            "agency": "xingtai-hydrology",
            "province": HE,
            "action": "issue",
            "warning_id": "XT-FLOOD-QILIHE-20160719",
            "event_code": "11A01",
            "hazard": "flood",
            "colour": "orange",
            "headline": "七里河流域将出现较大洪水，沿河村庄注意防范",
            "area": {"description": "七里河沿线（邢台县、邢台经济开发区）", "adcodes": [XTX]},
        },
        felt,
        id="qilihe-flood-warning",
        note="synthetic (villagers said few were told)",
    )
    s.add(
        -5 * H,
        incident(
            "xingtai-water-resources",
            HE,
            "reservoir_danger",
            "东川口水库水位暴涨，接近坝顶，即将漫坝，请下游七里河沿线做好防范",
            address="邢台县东川口水库",
        ),
        reservoir,
        id="reservoir-report",
        note="the duty officer saw it close to overtopping (real); minute synthetic",
    )
    s.call(
        -4 * H - 40 * M,
        HE,
        "东川口水库那边水快漫坝了，下游村里知道不知道啊",
        "邢台县东川口水库",
        reservoir,
        urgency="紧急",
        caller=caller(rng),
        id="reservoir-call",
    )

    s.add(
        -8 * H,
        reading("LL-130522-RAIN-0001", "rain_gauge", 0, "mm/h", gps(114.25, 37.42), 1800),
        felt,
        id="shangweisi-rain",
        note="临城 上围寺 (673.5 mm in the event, real; readings synthetic)",
        repeat={
            "every": "30m",
            "until": "+6h",
            "values": [
                38,
                45,
                52,
                60,
                66,
                72,
                75,
                70,
                64,
                58,
                50,
                42,
                35,
                28,
                22,
                17,
                13,
                10,
                7,
                5,
                4,
                3,
                2,
                1,
                1,
                0,
                0,
                0,
                0,
            ],
        },
    )
    flow = [
        2,
        2,
        2,
        2,
        2,
        2,
        2,
        2,
        3,
        5,
        9,
        16,
        28,
        45,
        70,
        105,
        150,
        210,
        280,
        360,
        440,
        520,
        600,
        680,
        750,
        820,
        880,
        930,
        960,
        980,
        990,
        985,
        960,
        920,
        870,
        810,
        750,
        690,
        630,
        570,
        510,
        460,
        410,
        370,
        330,
        300,
        270,
        240,
        215,
        190,
        170,
        150,
        135,
    ]
    s.add(
        -8 * H,
        reading("LL-130521-FLOW-0001", "river_flow", 0, "m3/s", gps(114.52, 37.04), 900),
        felt,
        id="qilihe-flow",
        note="七里河 flow below the city (synthetic gauge and readings; the river had been dry for years)",
        repeat={"every": "15m", "until": "+6h", "values": flow},
    )
    s.add(
        -3 * H,
        reading("LL-130521-WATER-0002", "water_depth", 0, "cm", gps(*BRIDGE), 300),
        breach,
        id="daxian-bridge-depth",
        note="water over the road at 大贤桥 (synthetic gauge); washed out at 02:10",
        repeat={
            "every": "5m",
            "until": "+30m",
            "values": [0] * 24 + [2, 5, 9, 14, 20, 28, 40, 58, 80, 110, 140, 150, 150],
        },
    )
    s.silence(
        10 * M,
        ["LL-130521-WATER-0002"],
        breach,
        "the bridge gauge is washed away (synthetic)",
        id="bridge-gauge-washed-out",
    )

    def calls(site, n, start, end, peak, raw, gists, places, urg=(("特急", 4), ("紧急", 1)), ids=(), cat="求助"):
        times = spread(rng, n, start, end, peak)
        site_calls(s, rng, RESCUE_CALLS, site, times, raw, gists, places, urg, ids, cat)

    calls(
        breach,
        6,
        -20 * M,
        25 * M,
        0,
        [
            "七里河大贤桥那儿河水漫过来了，堤要开口子了",
            "龙王庙桥那里河堤开口子了，水往北边村里冲",
            "大贤桥那边河水翻上路了，车过不去了",
            "河北岸的龙王庙冲没了，口子越来越大",
        ],
        ["七里河大贤桥段河水漫堤，北岸堤防出现决口"],
        ["邢台开发区大贤桥", "七里河龙王庙桥", "东汪镇大贤村南 七里河堤", "326省道大贤桥", "大贤桥"],
        ids=["breach-first-call"],
    )
    s.add(
        40 * M,
        incident(
            "xingtai-water-resources",
            HE,
            "dyke_breach",
            "七里河在大贤桥（龙王庙桥）处河道由宽变窄，洪水漫过北岸堤防并决口，洪水冲向大贤村等村庄",
            position=gps(*BRIDGE),
            address="邢台经济开发区东汪镇大贤桥",
        ),
        breach,
        id="breach-report",
        note="the cause as stated by the city on 23 July (real); minute synthetic",
    )
    s.add(
        9 * H,
        incident(
            "xingtai-water-resources",
            HE,
            "dyke_breach",
            "七里河大贤桥北岸决口处开始抢堵，调集砂石料和机械",
            position=gps(*BRIDGE),
            address="七里河大贤桥",
        ),
        breach,
        id="breach-plugging",
        note="synthetic",
    )

    calls(
        daxian,
        26,
        2 * M,
        6 * H,
        40 * M,
        [
            "大贤村进水了，水一下子就到脖子了，我们爬到房顶上了，救命",
            "俺家进水了，几秒钟就两米多深，老人还在屋里没出来",
            "村南头的房子墙都冲倒了，好几家人在房顶上",
            "孩子找不着了，四岁的闺女，水冲进来就没了",
            "我们在房顶上待了好几个钟头了，没人来救",
            "手机快没电了，我们一家五口在平房顶上，水还在涨",
            "大贤村南边全淹了，有人被冲走了",
        ],
        [
            "东汪镇大贤村被洪水淹没，多名村民被困房顶，有人员失踪",
            "大贤村洪水进村，其家人被困",
            "大贤村有儿童被洪水冲走失踪",
        ],
        ["邢台开发区东汪镇大贤村", "大贤村", "邢台县东汪镇大贤村", "邢台 大贤村", "东汪镇大贤", "大贤村南头 板厂"],
        ids=["daxian-first-call", "daxian-roof-call"],
    )
    calls(
        daxian,
        6,
        5 * H,
        30 * H,
        10 * H,
        [
            "俺爹在大贤村，洪水以后一直联系不上",
            "大贤村失踪的人找到没有，家里老人到现在没消息",
            "我姐家孩子还没找到，求求你们再找找",
        ],
        ["其亲属居住在大贤村，洪水后失联"],
        ["大贤村", "邢台开发区大贤村", "东汪镇大贤村"],
        urg=(("紧急", 1),),
    )
    calls(
        jingjiatun,
        11,
        10 * M,
        5 * H,
        60 * M,
        [
            "半夜惊醒，水已经冲进家里了，俺们在房顶上",
            "景家屯村进水了，水到窗户了",
            "景家屯这边好多家被水围了，老人孩子出不来",
        ],
        ["景家屯村洪水进村，村民被困"],
        ["邢台开发区景家屯村", "景家屯村", "东汪镇景家屯", "景家屯"],
        ids=["jingjiatun-first-call"],
    )
    calls(
        dongwang,
        7,
        25 * M,
        5 * H,
        90 * M,
        ["东汪村进水了，路全淹了", "东汪这边水进院了，有人在房顶"],
        ["东汪镇东汪村洪水进村，有群众被困"],
        ["邢台开发区东汪镇东汪村", "东汪村", "东汪镇"],
    )
    calls(
        wangkuai,
        7,
        40 * M,
        6 * H,
        2 * H,
        ["王快村也进水了，好几家房子泡塌了", "王快镇这边水漫进村了，要转移"],
        ["王快镇王快村洪水进村，部分房屋倒塌"],
        ["邢台开发区王快镇王快村", "王快村", "王快镇"],
    )

    s.add(
        14 * H,
        incident(
            "xingtai-development-zone",
            HE,
            "village_flooded",
            "开发区受灾群众一直在转移，没有造成人员伤亡",
            address="邢台经济开发区东汪镇",
        ),
        daxian,
        id="zone-no-casualties",
        note="what the zone told the press on the afternoon of 20 July (real; shown false two days later)",
    )
    s.add(
        6 * H,
        incident(
            "xingtai-development-zone",
            HE,
            "village_flooded",
            "景家屯村洪水进村，组织村民转移",
            address="邢台经济开发区景家屯村",
        ),
        jingjiatun,
        id="jingjiatun-report",
        note="synthetic",
    )
    s.add(
        77 * H,
        casualty("xingtai-flood-control", HE, "邢台经济开发区东汪镇大贤村", deaths=8, missing=1),
        daxian,
        id="daxian-casualties",
        note="8 dead and 1 missing in 大贤村 by 09:00 on 23 July (real)",
    )

    # felt: the rain in the city and around
    raw = [
        "雨太大了，一晚上没停",
        "这雨下得吓人，什么时候停",
        "雨太大了，院里的水都快进屋了，现在还没进",
        "打雷下雨一宿了，问问要不要转移",
        "俺们这没事，就是雨太大了",
        "七里河都干了好些年了，这回不会来水吧",
    ]
    for t in spread(rng, 34, -9 * H, 1 * H, -4 * H):
        text = rng.choice(raw)
        if rng.random() < 0.3:
            text = formal(rng, text, "来电人咨询。")
        s.call(
            t,
            HE,
            text,
            rng.choice(
                ["邢台市桥东区", "邢台市桥西区", "邢台县", "邢台", "邢台开发区", "邢台市区", "南和县", "沙河市"]
            ),
            felt,
            category="咨询",
            urgency="一般",
            caller=caller(rng),
        )

    s.end = "+78h"
    s.expect = [
        {
            "note": "the bank at 大贤桥: the bridge gauge, the calls and the water authority's reports are one incident",
            "same_incident": ["daxian-bridge-depth", "breach-first-call", "breach-report"],
        },
        {
            "note": "大贤村's calls from roofs and its casualty report are one incident",
            "same_incident": ["daxian-first-call", "daxian-roof-call", "daxian-casualties"],
        },
        {
            "by": "+30m",
            "note": "water-rescue units go to the villages within half an hour of the flood",
            "dispatched": {"capability": "water_rescue"},
        },
        {"by": "+1h", "note": "boats go to people on roofs", "dispatched": {"capability": "boat"}},
    ]
    return s


if __name__ == "__main__":
    publish(build(), NAME)
