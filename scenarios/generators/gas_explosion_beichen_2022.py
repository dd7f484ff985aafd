# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""The gas explosion at 欢颜里 3号楼, 天穆镇, 北辰 (Tianjin), 2022-07-19 07:15: gas-smell calls before, the blast,
neighbours' broken windows, calls that mention gas stoves without any leak, negated smells, and an unrelated
gas-smell call 3 km away at the same time.
"""

from __future__ import annotations

import random

from scenarios.generators.callers import caller, formal, marked_first, spread, typo
from scenarios.generators.payloads import gps, incident
from scenarios.generators.timeline import TJ, H, M, Scenario, publish

NAME = "gas_explosion_beichen_2022"
SID = "gas-explosion-beichen-2022"
EV = "huanyanli-gas-explosion"
SITE = (117.158, 39.205)  # approximate: 欢颜里, 天穆镇
DINGZIGU = (117.167, 39.178)  # approximate: 丁字沽, 红桥区, about 3 km south

TRAPPED = [
    "欢颜里3号楼炸了，楼塌了一块，上面还有人，快来救人",
    "我家在3号楼6门，楼上炸了，楼梯塌了下不去",
    "楼塌了，我听见里面有人喊，四楼五楼那家都没出来",
    "3号楼那边一声巨响，后面的楼体塌下来了，有人埋里边了",
    "我妈在六楼，打电话没人接，楼都塌了半边",
]
NEIGHBOUR = [
    "一声巨响我家厨房阳台窗户全碎了，地上全是玻璃碴子，我们在4号楼",
    "窗户玻璃全震碎了，孩子被划了一下，没闻到燃气味，就是炸了一下",
    "我们楼的窗户都碎了，我以为是地震呢，跑下楼一看是旁边3号楼",
    "没闻到燃气味啊，突然一下就炸了，我家玻璃全碎了",
    "家里没事，就是窗户震裂了，门框也歪了",
    "楼下停的车玻璃都碎了，好几辆",
]
STOVE = [
    "早上正用燃气灶做饭，突然打不着火了，是停气了吗",
    "家里燃气灶还能用吗？我们这没闻到味，旁边楼炸了",
    "要不要把燃气灶阀门关了？我家没味儿，就是害怕",
    "燃气灶没气了，热水器也打不着，什么时候来气",
]
FEAR = [
    "担心还会再炸，我们楼跟3号楼挨着，要不要搬出去",
    "会不会还有漏气的，我们这一片都是老楼",
    "听说还有人没找着，我们晚上还能回家住吗",
]
PLACES = [
    "北辰区天穆镇欢颜里",
    "欢颜里3号楼",
    "北辰区欢颜里小区",
    "天穆欢颜里",
    "北辰天穆镇欢颜里3号楼6门",
    "欢颜里小区",
    "北辰区 欢言里",
    "天津北辰 天穆 欢颜里",
]
NEIGHBOUR_PLACES = [
    "北辰区天穆镇欢颜里4号楼",
    "欢颜里4号楼",
    "欢颜里2号楼",
    "北辰区欢颜里",
    "天穆镇欢颜里5号楼",
    "欢颜里对面小区",
    "北辰区天穆镇",
]


def build() -> Scenario:
    rng = random.Random(719)
    s = Scenario(
        SID,
        "天津北辰欢颜里燃气爆燃 / The gas explosion at 欢颜里, 北辰, Tianjin, 2022-07-19",
        "2022-07-19T07:15:00+08:00",
        "A gas explosion in a flat of 欢颜里 3号楼 6门 (天穆镇, 北辰区), a 1980s six-storey block, at 07:15 on 19 July 2022: "
        "floors four to six of the stairwell partly collapsed, people were trapped, windows broke in the neighbouring "
        "blocks. Casualties rose over two days to 4 dead and 13 injured; the last three missing were found early on "
        "20 July; gas was cut to the estate and door-to-door checks began at 06:30 on 20 July. The gas-smell calls "
        "before the blast are a design choice (as in DOMAIN.md's 燕郊 skeleton), and so is the unrelated gas-smell call "
        "in 丁字沽 at the same minutes.",
        "Decided from the event as reported and the story as designed. Every report about 欢颜里 is the one explosion, "
        "including the smell calls before it, neighbours' broken windows, calls that only mention gas stoves or deny "
        "smelling gas, and questions about the gas cut; the gas smell at 丁字沽 in 红桥区, 3 km away, is a separate "
        "event (a loose meter connection, found and fixed).",
    )
    s.sources = [
        "北辰区委宣传部 and 天津政务信息发布 (19-21 July 2022): 07:15 at 欢颜里3号楼6门, floors 4-6 damaged; 8 injured at 08:40, 10 at 11:30, 11 injured with 1 trapped and 3 missing at 13:30; 1 dead and 12 injured with 3 missing in the evening; the last three found early on 20 July; 4 dead and 13 injured; gas checks from 06:30 on 20 July",
        "极目新闻 (19 July): a resident of 4号楼 woke to the blast with the kitchen and balcony windows broken; 津燃华润 cut the gas to the area",
        "央视新闻 (19 July): the building a six-storey block of the 1980s",
    ]
    s.real = [
        "place, time, building and damage; the casualty figures as they were reported through 19 and 20 July; the gas cut and the checks",
        "what neighbours saw: broken kitchen and balcony windows in 4号楼, people fleeing downstairs thinking it was an earthquake",
    ]
    s.synthetic = [
        "the gas-smell calls at -40 and -12 minutes (a design choice), every call, caller and wording",
        "the minutes of the fire brigade's and the gas company's reports; the exact minute of the evening and the final casualty reports",
        "the gas-smell call at 丁字沽 (红桥区) and its cause, an event of our own at a real place",
        "positions (approximate); the responder fleet (seeded synthetic)",
    ]
    s.event(EV, "the gas explosion at 欢颜里 3号楼 6门 and everything reported about it")
    ex = s.whole(EV)
    s.event(
        "dingzigu-gas-smell",
        "a gas smell in a stairwell at 丁字沽, 红桥区, 3 km south, in the same minutes (synthetic event): a loose meter connection",
    )
    dzg = s.whole("dingzigu-gas-smell")

    s.call(
        -40 * M,
        TJ,
        "欢颜里3号楼6门楼道里有股燃气味，不知道谁家漏气了",
        "北辰区天穆镇欢颜里3号楼6门",
        ex,
        urgency="紧急",
        caller=caller(rng, 0),
        id="smell-call-1",
        note="a design choice, as DOMAIN.md's 燕郊 skeleton",
    )
    s.call(
        -12 * M,
        TJ,
        formal(rng, "其所在楼门楼道内燃气味较大，敲邻居门无人应答，担心燃气泄漏", "请燃气部门尽快处理。"),
        "北辰区欢颜里3号楼",
        ex,
        urgency="紧急",
        caller=caller(rng, 0),
        id="smell-call-2",
        note="synthetic",
    )
    s.call(
        0,
        TJ,
        rng.choice(TRAPPED),
        "北辰区天穆镇欢颜里3号楼",
        ex,
        urgency="特急",
        caller=caller(rng, 0),
        id="blast-call",
        note="07:15 the blast (real)",
    )
    s.add(
        5 * M,
        incident(
            "tianjin-fire",
            TJ,
            "gas_explosion",
            "北辰区天穆镇欢颜里3号楼6门一居民家中发生燃气爆燃，楼体4至6层部分损毁，有人员被困",
            position=gps(*SITE),
            address="北辰区天穆镇欢颜里3号楼",
        ),
        ex,
        id="fire-report",
        note="real facts; minute synthetic",
    )
    s.add(
        30 * M,
        incident(
            "jinran-china-resources-gas",
            TJ,
            "gas_isolated",
            "欢颜里小区及周边停气抢修，关闭区域调压阀门",
            position=gps(*SITE),
            address="北辰区欢颜里小区",
        ),
        ex,
        id="gas-cut",
        note="the area was cut off for repairs (real); minute synthetic",
    )
    for at, deaths, injured, missing, cid, note in [
        (1 * H + 25 * M, 0, 8, 0, "casualty-0840", "8 injured at 08:40 (real)"),
        (4 * H + 15 * M, 0, 10, 0, "casualty-1130", "10 injured at 11:30 (real)"),
        (6 * H + 15 * M, 0, 11, 3, "casualty-1330", "11 injured, 1 trapped, 3 missing at 13:30 (real)"),
        (11 * H, 1, 12, 3, "casualty-evening", "1 dead, 12 injured, 3 missing in the evening (real; minute synthetic)"),
        (36 * H, 4, 13, 0, "casualty-final", "4 dead, 13 injured when the search ended (real; minute synthetic)"),
    ]:
        payload = {
            "type": "agency.casualty",
            "agency": "beichen-emergency",
            "province": TJ,
            "position": gps(*SITE),
            "address": "北辰区天穆镇欢颜里3号楼",
            "deaths": deaths,
            "injured": injured,
        }
        if missing:
            payload["missing"] = missing
        s.add(at, payload, ex, id=cid, note=note)
    s.add(
        18 * H,
        incident(
            "tianjin-fire",
            TJ,
            "rescue_ended",
            "欢颜里最后3名失联人员已找到并救出，现场搜救结束",
            position=gps(*SITE),
            address="北辰区欢颜里",
        ),
        ex,
        id="search-ended",
        note="early on 20 July (real; minute synthetic)",
    )
    s.add(
        23 * H + 15 * M,
        incident(
            "jinran-china-resources-gas",
            TJ,
            "gas_restored",
            "欢颜里受损燃气管网抢修完成，6时30分开始逐户安检恢复供气",
            position=gps(*SITE),
            address="北辰区欢颜里小区",
        ),
        ex,
        id="gas-checks",
        note="06:30 on 20 July (real)",
    )

    for t, cid in marked_first(spread(rng, 12, 20, 45 * M, 4 * M), "trapped-call"):
        text = (
            rng.choice(TRAPPED)
            if rng.random() > 0.3
            else formal(rng, "欢颜里3号楼发生爆炸，楼体部分坍塌，有人员被困", "请紧急救援。")
        )
        s.call(
            t,
            TJ,
            typo(rng, text) if rng.random() < 0.08 else text,
            rng.choice(PLACES),
            ex,
            urgency="特急",
            caller=caller(rng, 0.05),
            id=cid,
        )
    for t, cid in marked_first(spread(rng, 14, 30, 60 * M, 6 * M), "neighbour-call"):
        s.call(
            t,
            TJ,
            rng.choice(NEIGHBOUR),
            rng.choice(NEIGHBOUR_PLACES),
            ex,
            urgency="紧急",
            caller=caller(rng),
            id=cid,
        )
    for t, cid in marked_first(spread(rng, 8, 20 * M, 6 * H, 2 * H), "stove-call"):
        s.call(
            t,
            TJ,
            rng.choice(STOVE),
            rng.choice([*NEIGHBOUR_PLACES, "北辰区天穆镇", "天穆"]),
            ex,
            category="咨询",
            urgency="一般",
            caller=caller(rng),
            id=cid,
        )
    for t in spread(rng, 5, 1 * H, 10 * H, 3 * H):
        s.call(
            t,
            TJ,
            rng.choice(FEAR),
            rng.choice(NEIGHBOUR_PLACES),
            ex,
            category="咨询",
            urgency="一般",
            caller=caller(rng),
        )
    for t in spread(rng, 6, 1 * M, 20 * M, 3 * M):
        s.call(
            t,
            TJ,
            rng.choice(
                ["北辰这边一声巨响，是哪爆炸了", "刚才那一声是嘛？窗户都颤", "听见炸了一声，我们这没事，问问哪出事了"]
            ),
            rng.choice(["北辰区", "北辰区果园新村", "河北区", "红桥区西沽", "北辰区北仓"]),
            ex,
            category="咨询",
            urgency="一般",
            caller=caller(rng),
        )

    # the unrelated smell 3 km away, at the same minutes
    s.call(
        2 * M,
        TJ,
        "丁字沽三号路这边楼道里有燃气味，挺冲的，怕出事",
        "红桥区丁字沽三号路",
        dzg,
        urgency="紧急",
        caller=caller(rng, 0),
        id="dingzigu-call",
        note="synthetic event at a real place",
    )
    s.call(
        9 * M,
        TJ,
        formal(rng, "其所在楼栋楼道内有燃气异味，担心泄漏", "请燃气部门处理。"),
        "红桥区丁字沽街道",
        dzg,
        urgency="紧急",
        caller=caller(rng, 0),
    )
    s.add(
        48 * M,
        incident(
            "jinran-china-resources-gas",
            TJ,
            "gas_leak",
            "红桥区丁字沽一居民楼燃气表前接口松动微漏，已紧固处置，检测正常",
            position=gps(*DINGZIGU),
            address="红桥区丁字沽三号路",
        ),
        dzg,
        id="dingzigu-fixed",
    )

    s.end = "+37h"
    s.expect = [
        {
            "note": "the smell calls before, the blast, the neighbours' windows, the stove questions and the casualties are one incident",
            "same_incident": [
                "smell-call-1",
                "smell-call-2",
                "blast-call",
                "fire-report",
                "neighbour-call",
                "stove-call",
                "casualty-final",
            ],
        },
        {
            "by": "-25m",
            "note": "a gas-smell call is answered with gas crews within 15 minutes (the first call at -40m)",
            "dispatched": {"capability": "gas_isolation"},
        },
        {
            "note": "one gas incident in 北辰: the smell calls before and the blast end in one (merged ones do not count)",
            "incidents": {"type": ["gas_leak", "gas_explosion"], "region": "北辰区", "at_most": 1},
        },
        {
            "by": "+15m",
            "note": "the 丁字沽 smell, 3 km away in 红桥, is a gas-leak incident of its own, not folded into the explosion",
            "incident": {"type": "gas_leak", "region": "红桥区"},
        },
        {
            "by": "+37h",
            "note": "4 deaths grade the explosion 较大",
            "incident": {"type": "gas_explosion", "event_grade": "较大"},
        },
    ]
    return s


if __name__ == "__main__":
    publish(build(), NAME)
