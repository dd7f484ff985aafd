# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""Held-out: typhoon 安比 (Ampil)'s remnant over Tianjin and Hebei, 24 July 2018, made to flood villages: water
in 东丝窝村 (武清 大黄堡镇) and 于台子村 (宁河 七里海镇), a family on a roof at 东魏村 (青县 流河镇), a soaked
house falling at 张庄村 (霸州 信安镇), and roof leaks across 河东区 in Tianjin city.
"""

from __future__ import annotations

import random

from scenarios.generators.callers import caller, marked_first, spread
from scenarios.generators.payloads import casualty, gps, incident, reading
from scenarios.generators.timeline import HE, TJ, H, M, Scenario, publish
from scenarios.heldout.generators.calls import everyday_calls, voiced_calls
from scenarios.heldout.generators.paths import FILES, HELDOUT_NOTE, TRUTH
from scenarios.heldout.generators.voice import say, taker

NAME = "typhoon_ampil_2018"
SID = "heldout-typhoon-ampil-2018"
RAIN = "ampil-remnant-rain"
DONGSIWO = (117.20, 39.52)  # approximate: 武清 大黄堡镇 东丝窝村
YUTAIZI = (117.55, 39.33)  # approximate: 宁河 七里海镇 于台子村
DONGWEI = (116.87, 38.63)  # approximate: 青县 流河镇 东魏村
ZHANGZHUANG = (116.60, 39.03)  # approximate: 霸州 信安镇 张庄村
HEDONG = (117.25, 39.12)  # approximate: 河东区

DONGSIWO_AT = ["武清区大黄堡镇东丝窝村", "东丝窝村", "大黄堡镇", "武清大黄堡", "天津市武清区", "东丝窝村南头"]
DONGSIWO_GIST = [
    "村里进水了，好几家屋里水没过脚面了",
    "我们东丝窝村地势低，雨水排不出去，水都灌院子里屋里了",
    "家里进水了，水还在涨，老人行动不便，得有人来帮着转移",
    "村南头一片房子都泡水里了，电也停了",
    "水进屋了，床都泡了，村里让往村委会去，路上水深走不了",
]
YUTAIZI_AT = ["宁河区七里海镇于台子村", "于台子村", "七里海镇", "宁河区", "宁河七里海于台子"]
YUTAIZI_GIST = [
    "于台子村进水了，村东头的房子全泡了",
    "村里积水排不走，已经漫进屋里半尺深了",
    "我们村进水了，猪圈都淹了，人还在屋里",
    "院子屋里都是水，介么下去房子得泡塌了",
]
DONGWEI_AT = ["青县流河镇东魏村", "东魏村", "流河镇", "沧州青县", "青县"]
DONGWEI_GIST = [
    "俺们村淹了，俺哥一家四口在房顶上下不来，水快到房檐了",
    "房顶上有人，水太深出不来，快派船来",
    "东魏村一家人困房顶上了，有个孩子，手机快没电了",
    "村里水一人多深，好几户没跑出来，在屋顶上喊呢",
    "水进村了，俺家老人在屋里出不来，水还在涨",
]
ZHANGZHUANG_AT = ["霸州市信安镇张庄村", "张庄村", "信安镇", "霸州信安", "廊坊霸州市"]
ZHANGZHUANG_GIST = [
    "村里一户老房子泡塌了，人砸伤了，快叫救护车",
    "雨下了一宿，邻居家土房塌了，老头腿压了",
    "张庄村有房子塌了，有人受伤，已经抬出来了",
]
HEDONG_AT = ["河东区", "天津市河东区二号桥", "河东区大王庄", "河东区唐家口", "河东区向阳楼", "河东区中山门"]
HEDONG_GIST = [
    "顶楼漏雨了，屋顶往下滴水，接了好几个盆",
    "家里房顶漏雨，墙皮都泡掉了",
    "我们楼顶层好几家漏雨，物业不管",
    "屋里漏得跟水帘洞似的，顶层老房子",
    "窗户边往里渗水，墙都湿透了",
]
# felt: rain, wind, fear; nothing damaged is reported
RAIN_GIST = [
    ("雨太大了，下了一宿没停，问问还得下多久", "天津市西青区"),
    ("风特别大，雨哗哗的，我们村没进水，就是害怕", "霸州市"),
    ("雨下得太猛了，河里水涨得快，怕河堤扛不住决了口", "青县"),
    ("这雨什么时候停啊，孩子明天还上不上学", "天津市南开区"),
    ("台风是不是过来了，我们这儿风雨都很大，家里没事", "天津市宁河区"),
    ("雨大，村里沟都满了，还没漫出来，要不要提前撤", "武清区"),
    ("窗外雨跟倒下来似的，家里好好的，就问问有没有预警", "天津市和平区"),
    ("雨特别大，俺们这儿没淹，地里的玉米倒了一片", "沧州市"),
    ("下了一夜暴雨，问问明天高速封不封", "廊坊市"),
]
EVERYDAY = [
    ("小区物业乱收停车费，要求查处", "天津市河西区", TJ),
    ("孩子学籍转移的手续怎么办", "天津市北辰区", TJ),
    ("村里有人烧秸秆，烟大，投诉", "文安县", HE),
    ("工资拖欠三个月了，老板找不着人", "沧州市运河区", HE),
    ("楼下饭店油烟太大", "天津市红桥区", TJ),
    ("路边井盖丢了，怕有人掉下去", "廊坊市安次区", HE),
]


def build() -> Scenario:
    rng = random.Random(20180724)
    s = Scenario(
        SID,
        "台风安比残余环流暴雨 / Typhoon Ampil remnant rain, Tianjin and Hebei (held-out)",
        "2018-07-24T06:00:00+08:00",
        "Held-out evaluation scenario. The remnant of typhoon 安比 brings a day of heavy rain to Tianjin and central Hebei; low villages flood (made up for the drill), one family ends up on a roof, a soaked old house falls, and top-floor flats in Tianjin city leak. Most calls only report the rain.",
        "Decided from the story as designed. One event, the rain, with five sites: the flooded villages 东丝窝 (武清) and 于台子 (宁河); the family on a roof and the flooded houses at 东魏村 (青县); the fallen house and its injured man at 张庄村 (霸州); the roof leaks in 河东区 (an aggregate of many flats). The warnings, the rain gauges and every call that reports only rain, wind, crops or fear of what may come (a dyke breaking, a village flooding) are `felt`. Everyday calls are matters of their own.",
    )
    s.comments = [
        HELDOUT_NOTE,
        "Real: the typhoon and its remnant's path over Tianjin and Hebei on 24 July 2018. Synthetic: the warnings' colours and minutes, every flooded village, rescue, collapse and leak, every sensor, report and call.",
    ]
    s.sources = [
        "China Meteorological Administration and news reports of typhoon 安比 (Ampil, 2018), landfall at 崇明 on 22 July, its remnant moving north over Hebei and Tianjin"
    ]
    s.real = [
        "typhoon 安比 (Ampil) made landfall at 崇明, Shanghai, on 22 July 2018 and its remnant moved north, bringing heavy rain to Tianjin and Hebei on 23-24 July",
    ]
    s.synthetic = [
        "the warnings' colours and minutes, the rain gauges and their readings",
        "the flooding of 东丝窝村, 于台子村 and 东魏村, the family on the roof, the fallen house at 张庄村 and its injured man, the leaks in 河东区",
        "every agency report's minute and wording, the response level",
        "every hotline call (wording, place, minute, caller) and the everyday calls",
        "coordinates are approximate (±5 km)",
    ]
    s.end = "+24h"
    s.event(RAIN, "the rain of typhoon 安比's remnant over Tianjin and Hebei", multi=True)
    felt = s.felt(RAIN)
    dongsiwo = s.site(RAIN, "dongsiwo-village", "water in the houses of 东丝窝村, 大黄堡镇, 武清")
    yutaizi = s.site(RAIN, "yutaizi-village", "water in the houses of 于台子村, 七里海镇, 宁河")
    dongwei = s.site(RAIN, "dongwei-village", "东魏村, 流河镇, 青县: flooded houses, a family of four on a roof")
    zhangzhuang = s.site(RAIN, "zhangzhuang-house", "a soaked old house fallen at 张庄村, 信安镇, 霸州; one man hurt")
    hedong = s.site(RAIN, "hedong-leaks", "roof leaks in top-floor flats across 河东区, Tianjin (an aggregate)")

    for at, province, agency, colour, action, area in (
        (-4 * H, TJ, "tianjin-meteorological", "blue", "issue", ["120114", "120117", "120102"]),
        (1 * H, TJ, "tianjin-meteorological", "yellow", "update", ["120114", "120117", "120102"]),
        (-2 * H, HE, "hebei-meteorological", "blue", "issue", ["130922", "131081"]),
    ):
        s.add(
            at,
            {
                "type": "agency.warning",
                "agency": agency,
                "province": province,
                "action": action,
                "warning_id": f"{agency}-rainstorm-20180724",
                "event_code": "11B03",
                "hazard": "rainstorm",
                "colour": colour,
                "area": {"description": "暴雨影响区域", "adcodes": area},
                "headline": "暴雨预警",
            },
            felt,
            id=f"warning-{province}-{colour}",
        )
    s.add(
        2 * H,
        {
            "type": "agency.response_level",
            "agency": "tianjin-flood-control",
            "province": TJ,
            "action": "raise",
            "level": "IV",
            "hazard": "flood",
            "scope_adcodes": ["120114", "120117"],
            "reason": "台风安比残余环流强降雨",
        },
        None,
    )
    for device, where, values in (
        ("LL-120114-RAIN-0012", DONGSIWO, [8.0, 22.5, 41.0, 36.5, 18.0, 6.0]),
        ("LL-130922-RAIN-0003", DONGWEI, [12.0, 30.5, 52.0, 44.0, 20.5, 9.0]),
    ):
        for n, value in enumerate(values):
            s.add(
                n * H,
                reading(device, "rain_gauge", value, "mm/h", gps(*where), 3600),
                felt,
                id=f"gauge-{device[-4:]}" if n == 0 else "",
            )

    # 东丝窝 from +3h
    voiced_calls(
        s,
        rng,
        spread(rng, 34, 3 * H, 10 * H, 5 * H),
        TJ,
        DONGSIWO_GIST,
        DONGSIWO_AT,
        dongsiwo,
        urgency=["紧急", "特急"],
    )
    s.add(
        5 * H + 20 * M,
        incident(
            "wuqing-flood-control",
            TJ,
            "village_flooded",
            "武清区大黄堡镇东丝窝村低洼区域进水，转移群众120人",
            position=gps(*DONGSIWO),
            address="武清区大黄堡镇东丝窝村",
            people_affected=120,
        ),
        dongsiwo,
        id="dongsiwo-report",
    )
    # 于台子 from +4h
    voiced_calls(s, rng, spread(rng, 24, 4 * H, 11 * H, 6 * H), TJ, YUTAIZI_GIST, YUTAIZI_AT, yutaizi, urgency="紧急")
    s.add(
        6 * H + 40 * M,
        incident(
            "ninghe-flood-control",
            TJ,
            "village_flooded",
            "宁河区七里海镇于台子村部分房屋进水，已组织排水",
            position=gps(*YUTAIZI),
            address="宁河区七里海镇于台子村",
            people_affected=60,
        ),
        yutaizi,
        id="yutaizi-report",
    )
    # 东魏村 from +4h30m, the roof at +5h10m
    voiced_calls(
        s,
        rng,
        spread(rng, 30, 4 * H + 30 * M, 9 * H, 5 * H + 30 * M),
        HE,
        DONGWEI_GIST,
        DONGWEI_AT,
        dongwei,
        urgency="特急",
        first_id="roof-call",
    )
    s.call(
        5 * H + 25 * M,
        HE,
        taker(rng, "其亲属一家四口被困青县流河镇东魏村自家房顶，村内积水约1.5米，请求救援"),
        "青县流河镇东魏村",
        dongwei,
        urgency="特急",
        caller=caller(rng),
    )
    s.add(
        6 * H,
        incident(
            "cangzhou-fire",
            HE,
            "flood_rescue",
            "青县流河镇东魏村内涝，一户4人被困屋顶，派出冲锋舟救援",
            position=gps(*DONGWEI),
            address="青县流河镇东魏村",
            people_affected=4,
        ),
        dongwei,
        id="dongwei-rescue",
    )
    s.add(
        7 * H + 30 * M,
        incident(
            "cangzhou-fire",
            HE,
            "rescue_ended",
            "东魏村被困4人全部转移至安全地带",
            position=gps(*DONGWEI),
            address="青县流河镇东魏村",
            people_affected=0,
        ),
        dongwei,
        id="dongwei-rescued",
    )
    # 张庄村 house at +7h
    voiced_calls(
        s,
        rng,
        spread(rng, 12, 7 * H, 9 * H, 7 * H + 20 * M),
        HE,
        ZHANGZHUANG_GIST,
        ZHANGZHUANG_AT,
        zhangzhuang,
        urgency="特急",
    )
    s.add(
        7 * H + 40 * M,
        incident(
            "langfang-fire",
            HE,
            "building_collapse",
            "霸州市信安镇张庄村一处土坯房因降雨浸泡倒塌，一人受伤送医",
            position=gps(*ZHANGZHUANG),
            address="霸州市信安镇张庄村",
            people_affected=0,
        ),
        zhangzhuang,
        id="zhangzhuang-report",
    )
    s.add(
        9 * H,
        casualty("bazhou-government", HE, "霸州市信安镇张庄村", position=gps(*ZHANGZHUANG), injured=1),
        zhangzhuang,
        id="zhangzhuang-casualty",
    )
    # 河东 leaks all day
    voiced_calls(
        s, rng, spread(rng, 40, 2 * H, 16 * H, 6 * H), TJ, HEDONG_GIST, HEDONG_AT, hedong, category=["求助", "投诉"]
    )

    for t, cid in marked_first(spread(rng, 120, -3 * H, 18 * H, 5 * H), "rain-call"):
        gist, place = rng.choice(RAIN_GIST)
        province = TJ if place.startswith(("天津", "武清")) else HE
        s.call(
            t,
            province,
            say(rng, gist, province),
            place,
            felt,
            category="咨询",
            caller=caller(rng),
            id=cid,
        )

    everyday_calls(
        s,
        rng,
        spread(rng, len(EVERYDAY) * 2, 0, 20 * H),
        EVERYDAY,
        "a matter unrelated to the rain",
        ["投诉", "咨询", "举报"],
    )
    return s


if __name__ == "__main__":
    publish(build(), NAME, FILES, TRUTH)
