# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""Held-out: the cold wave of 6-8 January 2021 over Beijing and Tianjin (-19.6 °C at Beijing's 南郊观象台 on the
morning of the 7th, the lowest since 1966), made to break things in six places: two water mains (西城 广安门内,
天津 南开 嘉陵道), two power cuts (房山 长阳 villages heated by electricity, 天津 西青 杨柳青), an old building's
frozen riser in 东城 和平里, and a wave of frozen water meters in 昌平 回龙观.
"""

from __future__ import annotations

import random
from typing import Any

from scenarios.generators.callers import caller, marked_first, spread
from scenarios.generators.payloads import casualty, gps, incident, reading
from scenarios.generators.timeline import BJ, TJ, H, M, Scenario, publish
from scenarios.heldout.generators.calls import everyday_calls, voiced_calls
from scenarios.heldout.generators.paths import FILES, HELDOUT_NOTE, TRUTH
from scenarios.heldout.generators.voice import say, taker

NAME = "coldwave_jan_2021"
SID = "heldout-coldwave-jan-2021"
COLD = "coldwave-jan-2021"
GUANGANMEN = (116.356, 39.890)  # approximate: 广安门内大街
JIALINGDAO = (117.140, 39.105)  # approximate: 南开区 嘉陵道
CHANGYANG = (116.200, 39.760)  # approximate: 房山 长阳镇 保合庄
YANGLIUQING = (117.010, 39.140)  # approximate: 西青 杨柳青镇
HEPINGLI = (116.418, 39.958)  # approximate: 东城 和平里
HUILONGGUAN = (116.336, 40.070)  # approximate: 昌平 回龙观

MAIN_BJ_AT = [
    "西城区广安门内大街",
    "报国寺社区",
    "西城区康乐里",
    "广安东里小区",
    "广安门内街道",
    "西城区",
    "报国寺附近",
    "牛街北口",
]
MAIN_BJ = [
    "广安门内大街上自来水管子爆了，水往外冒，路上都冻成冰了",
    "我们小区一早就没水了，听说是外面大街水管裂了",
    "马路上一大片水结冰了，有车打滑撞一块儿了，水还在冒",
    "家里一滴水都没有，物业说是市政管线爆了，什么时候来水",
    "报国寺这边停水了，老人在家没法做饭，有没有送水的",
    "大街上水管爆了，水漫到人行道上，结了冰，已经有人摔了",
]
MAIN_TJ_AT = ["南开区嘉陵道", "宜宾东里", "南江西里", "嘉陵道街道", "南开区", "天津市南开区咸阳里"]
MAIN_TJ = [
    "嘉陵道上自来水管子爆了，水哗哗往外冒，介路上全是冰",
    "我们小区没水了，一早起来就没水，外边说是管子爆了",
    "路口那儿一大片冰，水还在往外漫，骑车的摔了好几个",
    "停水一上午了，也没通知，嘛时候来水啊",
    "宜宾东里没水了，楼里老人多，能不能送点水来",
]
CHANGYANG_AT = ["房山区长阳镇保合庄村", "长阳镇佛满村", "保合庄", "房山长阳", "房山区长阳镇"]
CHANGYANG_GIST = [
    "村里停电了，我们是煤改电，电暖气不转了，屋里冻透了",
    "保合庄全村都没电了，家里有老人孩子，太冷了受不了",
    "停电三个多小时了，屋里零下了，水管都要冻上了",
    "全村停电，电采暖全停了，什么时候能来电",
    "我们村停电了，听说是变压器烧了，老人冻得直哆嗦",
]
YANGLIUQING_AT = ["西青区杨柳青镇世纪新苑", "杨柳青镇", "世纪新苑小区", "西青区杨柳青"]
YANGLIUQING_GIST = [
    "我们小区停电了，整个小区都黑了，电梯也停了",
    "世纪新苑停电了，电梯里好像还关着人",
    "停电了，家里暖气是电的，孩子冻得不行",
    "小区没电了，也没通知，介么冷的天怎么过",
]
HEPINGLI_AT = ["东城区和平里七区", "和平里七区社区", "和平里", "东城区和平里街道", "和平里七区12号楼"]
HEPINGLI_GIST = [
    "楼道里的水管冻裂了，水顺着楼梯往下流，都冻成冰了",
    "我们楼水管子爆了，楼梯上全是冰，老太太摔了起不来",
    "楼里自来水立管冻裂了，一楼都淹了，物业找不着人",
    "楼道全是冰，我妈下楼摔了，腿动不了，叫了救护车",
    "老楼水管冻裂，楼道漏水结冰，没法下楼",
]
METER_AT = ["昌平区回龙观", "回龙观龙泽苑", "回龙观街道", "回龙观东大街", "昌平区回龙观镇", "龙禧苑小区"]
METER_GIST = [
    "水表冻住了，家里没水",
    "我家水表井里的表冻裂了，往外渗水",
    "一早起来没水，邻居说是水表冻了",
    "水表冻了，找物业说让自己拿热水浇",
    "楼外的水表冻裂了，全单元没水",
]
# felt: the cold itself, heating complaints, queries; negations said plainly
COLD_GIST = [
    ("太冷了，暖气一点都不热，屋里才十三四度", "朝阳区劲松"),
    ("今天怎么这么冷，老人能不能出门，有没有什么提示", "海淀区"),
    ("风特别大，冻得不行，家里暖气还凑合，就是问问要降到多少度", "丰台区"),
    ("暖气不热，供暖公司电话打不通", "天津市河北区"),
    ("这么冷的天，小区没停水没停电，就是暖气温度不够", "天津市河东区"),
    ("家里暖气不热，孩子发烧了，屋里才15度", "大兴区黄村"),
    ("外边零下二十度了吧，公交站连个挡风的都没有", "通州区"),
    ("寒潮来了，我家水管没冻，想问问怎么防冻", "石景山区"),
    ("太冷了，室温不达标，要求供热单位来测温", "天津市南开区"),
]
EVERYDAY = [
    ("楼下夜里一直有人喝酒唱歌，太吵了", "朝阳区三里屯", BJ),
    ("小区门口共享单车堆得走不了路", "海淀区清河", BJ),
    ("社区核酸检测点几点开门", "天津市和平区", TJ),
    ("快递放门口被偷了，物业不管", "昌平区天通苑", BJ),
    ("公积金提取需要什么材料", "天津市西青区", TJ),
    ("路灯一整条街都不亮，晚上看不见", "房山区良乡", BJ),
]


def pressure(device: str, county_where: tuple[float, float], value: float) -> dict[str, Any]:
    return reading(device, "pipe_pressure", value, "MPa", gps(*county_where), 600)


def build() -> Scenario:
    rng = random.Random(20210107)
    s = Scenario(
        SID,
        "2021年1月寒潮 / January 2021 cold wave, Beijing and Tianjin (held-out)",
        "2021-01-06T18:00:00+08:00",
        "Held-out evaluation scenario. A strong cold wave reaches Beijing and Tianjin in the evening; overnight and the next morning water mains burst, villages heated by electricity lose power, an old building's riser freezes and bursts, and water meters freeze by the hundred (all made up for the drill). Most calls about the cold itself are not incidents.",
        "Decided from the story as designed. One event, the cold wave, with six sites: the burst main on 广安门内大街 (its calls about no water in the estates it feeds and about ice on the road, its pressure sensors, the water company's report); the burst main on 嘉陵道 in 南开 (the same); the power cut in 长阳镇's villages; the power cut at 世纪新苑 in 杨柳青 (a lift with people in it included); the burst riser and the injured woman at 和平里七区; the frozen water meters around 回龙观 (an aggregate of many homes). The weather warnings and every call about the cold itself, heating too low or how to protect pipes are `felt`. Everyday calls are matters of their own.",
    )
    s.comments = [
        HELDOUT_NOTE,
        "Real: the cold wave's dates and the record low at 南郊观象台. Synthetic: the warnings' colours and minutes, every broken main, power cut and building, every sensor, report and call.",
    ]
    s.sources = [
        "Beijing Meteorological Service and news reports of the 6-8 January 2021 cold wave (南郊观象台 -19.6 °C on 7 January)"
    ]
    s.real = [
        "a strong cold wave over Beijing and Tianjin on 6-8 January 2021",
        "-19.6 °C at Beijing's 南郊观象台 on the morning of 7 January, the lowest since 1966",
    ]
    s.synthetic = [
        "the warnings' colours and minutes",
        "the burst mains at 广安门内大街 and 嘉陵道, the power cuts at 长阳镇 保合庄/佛满 and 杨柳青 世纪新苑, the burst riser at 和平里七区 and its injured resident, the frozen meters at 回龙观",
        "pressure sensors and their readings; every agency report's minute and wording",
        "every hotline call (wording, place, minute, caller), the heating complaints and everyday calls",
        "coordinates are approximate (±1 km)",
    ]
    s.end = "+30h"
    s.event(COLD, "the January 2021 cold wave over Beijing and Tianjin", multi=True)
    felt = s.felt(COLD)
    main_bj = s.site(
        COLD,
        "guanganmen-main",
        "a burst water main on 广安门内大街: no water in 报国寺/康乐里/广安东里, ice on the road",
    )
    main_tj = s.site(COLD, "jialingdao-main", "a burst water main on 嘉陵道, 南开: no water in 宜宾东里/南江西里, ice")
    changyang = s.site(COLD, "changyang-outage", "power cut in 保合庄 and 佛满, 长阳镇, villages heated by electricity")
    yangliuqing = s.site(
        COLD, "yangliuqing-outage", "power cut at 世纪新苑, 杨柳青镇, a lift stopped with people in it"
    )
    hepingli = s.site(
        COLD, "hepingli-riser", "a frozen riser burst in an old building, 和平里七区; ice on the stairs, a woman hurt"
    )
    meters = s.site(COLD, "huilongguan-meters", "frozen and cracked water meters around 回龙观 (an aggregate)")

    for colour, at, province, agency in (
        ("blue", -6 * H, BJ, "beijing-meteorological"),
        ("orange", -1 * H, BJ, "beijing-meteorological"),
        ("yellow", -3 * H, TJ, "tianjin-meteorological"),
    ):
        s.add(
            at,
            {
                "type": "agency.warning",
                "agency": agency,
                "province": province,
                "action": "issue" if colour != "orange" else "update",
                "warning_id": f"{agency}-coldwave-20210106",
                "event_code": "11B05",
                "hazard": "cold_wave",
                "colour": colour,
                "area": {"description": "全市", "adcodes": []},
                "headline": "寒潮预警",
            },
            felt,
            id=f"warning-{province}-{colour}",
        )

    # 广安门内 main: bursts at +12h50m (06:50 on the 7th)
    burst_bj = 12 * H + 50 * M
    for n, at in enumerate(range(burst_bj - 2 * H, burst_bj + 5 * H, 10 * M)):
        value = 0.31 if at < burst_bj else (0.09 if at < burst_bj + 4 * H else 0.27)
        s.add(
            at,
            pressure("LL-110102-PRESS-0007", (GUANGANMEN[0] + 0.004, GUANGANMEN[1]), value),
            main_bj,
            id="press-gam-7" if n == 0 else "",
        )
        s.add(
            at + 30,
            pressure("LL-110102-PRESS-0008", (GUANGANMEN[0] - 0.006, GUANGANMEN[1] + 0.002), round(value + 0.02, 2)),
            main_bj,
        )
    s.add(
        burst_bj + 40 * M,
        incident(
            "beijing-waterworks",
            BJ,
            "water_main_burst",
            "广安门内大街DN600供水管线冻裂爆管，周边报国寺、康乐里等社区停水，抢修中",
            position=gps(*GUANGANMEN),
            address="西城区广安门内大街",
        ),
        main_bj,
        id="main-bj-report",
    )
    s.add(
        burst_bj + 55 * M,
        incident(
            "beijing-traffic",
            BJ,
            "road_closed",
            "广安门内大街爆管处路面结冰，东向西方向封闭两条车道",
            position=gps(*GUANGANMEN),
            address="西城区广安门内大街",
        ),
        main_bj,
        id="main-bj-road",
    )
    voiced_calls(
        s,
        rng,
        spread(rng, 45, burst_bj + 5 * M, burst_bj + 5 * H, burst_bj + 60 * M),
        BJ,
        MAIN_BJ,
        MAIN_BJ_AT,
        main_bj,
        urgency=["紧急", "紧急", "特急"],
    )

    # 嘉陵道 main: +13h30m
    burst_tj = 13 * H + 30 * M
    for n, at in enumerate(range(burst_tj - 2 * H, burst_tj + 4 * H, 10 * M)):
        s.add(
            at,
            pressure("LL-120104-PRESS-0031", JIALINGDAO, 0.29 if at < burst_tj else 0.07),
            main_tj,
            id="press-jld-31" if n == 0 else "",
        )
    s.add(
        burst_tj + 50 * M,
        incident(
            "tianjin-water",
            TJ,
            "water_main_burst",
            "南开区嘉陵道供水管线爆管，宜宾东里、南江西里等小区停水，路面结冰",
            position=gps(*JIALINGDAO),
            address="南开区嘉陵道",
        ),
        main_tj,
        id="main-tj-report",
    )
    voiced_calls(
        s,
        rng,
        spread(rng, 32, burst_tj + 5 * M, burst_tj + 5 * H, burst_tj + 70 * M),
        TJ,
        MAIN_TJ,
        MAIN_TJ_AT,
        main_tj,
        urgency="紧急",
    )

    # 长阳 villages: +4h10m (22:10)
    cut_cy = 4 * H + 10 * M
    s.add(
        cut_cy + 35 * M,
        incident(
            "state-grid-beijing",
            BJ,
            "power_outage",
            "房山区长阳镇保合庄村、佛满村10千伏线路故障停电，约800户电采暖用户受影响",
            position=gps(*CHANGYANG),
            address="房山区长阳镇",
        ),
        changyang,
        id="changyang-report",
    )
    s.add(
        cut_cy + 5 * H,
        incident(
            "state-grid-beijing",
            BJ,
            "power_restored",
            "长阳镇保合庄村、佛满村恢复供电",
            position=gps(*CHANGYANG),
            address="房山区长阳镇",
        ),
        changyang,
        id="changyang-restored",
    )
    voiced_calls(
        s,
        rng,
        spread(rng, 30, cut_cy + 3 * M, cut_cy + 5 * H, cut_cy + 50 * M),
        BJ,
        CHANGYANG_GIST,
        CHANGYANG_AT,
        changyang,
        urgency="紧急",
    )

    # 杨柳青 世纪新苑: +14h (08:00)
    cut_ylq = 14 * H
    s.add(
        cut_ylq + 30 * M,
        incident(
            "state-grid-tianjin",
            TJ,
            "power_outage",
            "西青区杨柳青镇世纪新苑小区配电室故障停电",
            position=gps(*YANGLIUQING),
            address="西青区杨柳青镇",
        ),
        yangliuqing,
        id="ylq-report",
    )
    s.add(
        cut_ylq + 25 * M,
        incident(
            "tianjin-fire",
            TJ,
            "rescue",
            "世纪新苑小区停电电梯困人，救出3人",
            position=gps(*YANGLIUQING),
            address="西青区杨柳青镇世纪新苑",
        ),
        yangliuqing,
        id="ylq-lift",
    )
    voiced_calls(
        s,
        rng,
        spread(rng, 22, cut_ylq + 2 * M, cut_ylq + 3 * H, cut_ylq + 30 * M),
        TJ,
        YANGLIUQING_GIST,
        YANGLIUQING_AT,
        yangliuqing,
        urgency=["紧急", "特急"],
    )

    # 和平里七区 riser: +11h30m
    riser = 11 * H + 30 * M
    voiced_calls(
        s,
        rng,
        spread(rng, 16, riser, riser + 3 * H, riser + 40 * M),
        BJ,
        HEPINGLI_GIST,
        HEPINGLI_AT,
        hepingli,
        urgency=["紧急", "特急"],
    )
    s.call(
        riser + 20 * M,
        BJ,
        taker(rng, "其所在楼栋楼道内自来水立管冻裂，楼梯结冰，一名老年女性下楼摔倒无法站起，已拨打120"),
        "东城区和平里七区",
        hepingli,
        urgency="特急",
        caller=caller(rng),
        id="hepingli-fall",
    )
    s.add(
        riser + 1 * H,
        casualty("dongcheng-emergency", BJ, "东城区和平里七区", position=gps(*HEPINGLI), injured=1),
        hepingli,
        id="hepingli-casualty",
    )

    # 回龙观 meters: the whole morning
    voiced_calls(
        s, rng, spread(rng, 55, 10 * H, 20 * H, 14 * H), BJ, METER_GIST, METER_AT, meters, category=["求助", "投诉"]
    )
    s.add(
        16 * H,
        incident(
            "changping-water",
            BJ,
            "water_outage",
            "回龙观地区大量户外水表冻裂，已组织抢修更换",
            position=gps(*HUILONGGUAN),
            address="昌平区回龙观",
        ),
        meters,
        id="meters-report",
    )

    # the cold itself
    for t, cid in marked_first(spread(rng, 90, -2 * H, 26 * H, 12 * H), "cold-call"):
        gist, place = rng.choice(COLD_GIST)
        province = TJ if place.startswith("天津") else BJ
        s.call(
            t,
            province,
            say(rng, gist, province),
            place,
            felt,
            category=rng.choice(["投诉", "咨询"]),
            caller=caller(rng),
            id=cid,
        )

    everyday_calls(
        s, rng, spread(rng, len(EVERYDAY) * 2, 0, 28 * H), EVERYDAY, "a matter unrelated to the cold", ["投诉", "咨询"]
    )
    return s


if __name__ == "__main__":
    publish(build(), NAME, FILES, TRUTH)
