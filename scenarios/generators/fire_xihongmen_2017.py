# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""The 大兴 西红门 fire, 2017-11-18: a fire in the basement cold store of the 聚福缘 apartment building in 新建村
(19 dead, 8 injured), with smoke and a burning smell reported from far away; and an unrelated small fire in
旧宫 in the same hours.
"""

from __future__ import annotations

import random

from scenarios.generators.callers import caller, formal, marked_first, spread, typo
from scenarios.generators.payloads import casualty, gps, incident
from scenarios.generators.timeline import BJ, H, M, Scenario, publish

NAME = "fire_xihongmen_2017"
SID = "fire-xihongmen-2017"
EV = "xihongmen-juyuyuan-fire"
SITE = (116.334, 39.789)  # approximate: 新建村 新康东路8号
JIUGONG = (116.452, 39.806)  # approximate: 旧宫镇 德茂

INSIDE = [
    "新建村聚福缘公寓着火了，楼里全是烟，我在二楼出不去",
    "地下一层着火了，烟往楼上窜，楼道里什么都看不见",
    "我老婆还在公寓里，电话打不通了，快救人",
    "我们住的公寓着火了，窗户都是焊死的防盗窗，出不去",
    "二楼还有好多人，烟太大了，喊都没人应",
]
NEAR = [
    "听到一声闷响，对面一楼的卷帘门一下被冲开了，往外冒黑烟",
    "新康东路那个公寓着大火了，烟特别大，味道很冲",
    "新建村一个二层楼着火了，有人从楼上往下跳",
    "有人被救出来了躺在地上，消防车堵在路口进不来",
    "这片都是服装厂和出租房，火再大了要连着烧",
]
NEAR_FORMAL = [
    "西红门镇新建村新康东路一公寓楼起火，浓烟较大，有人员被困",
    "其居住地对面公寓楼发生火灾，楼内有大量租户",
]
FAR = [  # what a caller far away says, and where they are
    ("西红门那边好大的烟味，像烧橡胶的，哪着火了", "大兴区西红门镇"),
    ("闻到一股烧橡胶的味，不知道哪着火了", "西红门 宏福路"),
    ("南五环上看见西红门方向有火光，烟挺大", "南五环西红门桥"),
    ("我们小区这边都闻到一股烧焦的味，窗户都不敢开", "西红门镇 金星西路"),
    ("北边一片通红，是不是着火了，离我们这挺远的", "大兴区黄村镇"),
    ("黄村往北看有股烟，路灯底下都能看见", "黄村北"),
    ("西边西红门方向一股焦糊味，是哪着火了", "大兴区旧宫镇"),
]
AFTER = [
    "我弟在新建村服装厂上班，住聚福缘公寓，到现在联系不上",
    "着火那个公寓里住的人送哪个医院了，我对象在里面住",
    "我们是公寓的租户，东西都在里面，今晚住哪",
]
NEAR_PLACES = [
    "大兴区西红门镇新建村新康东路8号",
    "西红门新建村",
    "大兴区西红门镇新建二村",
    "新建村 聚福缘公寓",
    "西红门镇新建村",
    "大兴西红门 新康东路",
    "西红门新建一村路口",
]


def build() -> Scenario:
    rng = random.Random(1118)
    s = Scenario(
        SID,
        "大兴西红门“11·18”火灾 / The 西红门 apartment fire, 大兴, 2017-11-18",
        "2017-11-18T18:10:00+08:00",
        "The fire of 18 November 2017 in the 聚福缘 apartment building at 新康东路8号, 新建村, 西红门镇 (大兴): a two-storey "
        "building with a basement, its basement a cold store, its upper floors rented rooms; the fire began in the "
        "basement about 18:00, smoke filled the floors above, 19 died and 8 were injured. It was dark: people far "
        "away smelt burning rubber and saw the glow. In the same hours an electric scooter burns in a stairwell in "
        "旧宫 (an event of our own), which must stay separate.",
        "Decided from the event as reported. Every call and report about the 聚福缘 building is the one fire, "
        "including the smell and glow reported from 黄村, the south 5th ring and 旧宫; the scooter fire at 德茂 "
        "in 旧宫 is a separate event, though some of its callers are in the same town as callers smelling the big fire.",
    )
    s.sources = [
        "新华社 and 北京消防 (18-19 November 2017): fire about 18:00 at 新康东路8号, 新建村, 西红门镇; 14 squads and 34 engines; open fire out about 21:00; 19 dead, 8 injured",
        "澎湃新闻 and 北京商报 (19-26 November): the 聚福缘公寓, two storeys and a basement, the basement cold store as the point of origin, two to three hundred tenants; a smoke smell several hundred metres away; a neighbour heard a dull bang and saw a roller door blown open",
        "央视 (20 November): 18 people detained; the victims' home provinces",
    ]
    s.real = [
        "place (新康东路8号, 新建村/新建二村, 西红门镇, 大兴), the building and its use, the origin in the basement cold store",
        "about 18:00 the fire; 14 squads and 34 engines; out about 21:00; 19 dead and 8 injured",
        "what people saw and smelt: thick smoke filling the stairs, a dull bang and a roller door blown open, a smell of burning rubber hundreds of metres away",
    ]
    s.synthetic = [
        "the minute of T0 within '18时许' and the minutes of every report; the interim casualty count",
        "every call, caller and wording, including the calls from 黄村, 旧宫 and the 5th ring",
        "the electric-scooter fire at 旧宫 德茂 (an event of our own at a real place) and its reports",
        "positions (approximate); the responder fleet (seeded synthetic)",
    ]
    s.event(EV, "the fire in the 聚福缘 apartment building, 新建村, 西红门")
    fire = s.whole(EV)
    s.event(
        "jiugong-scooter-fire",
        "an electric scooter burning in a stairwell at 德茂, 旧宫 (synthetic event, real place), 10 km east",
    )
    scooter = s.whole("jiugong-scooter-fire")

    s.add(
        3 * M,
        incident(
            "beijing-fire",
            BJ,
            "fire",
            "大兴区西红门镇新建村新康东路8号一公寓楼发生火灾，地下一层起火，浓烟蔓延，有人员被困，调派14个中队34部消防车",
            position=gps(*SITE),
            address="大兴区西红门镇新建村新康东路8号",
        ),
        fire,
        id="fire-report",
        note="real place and figures; minute synthetic",
    )
    s.add(
        35 * M,
        incident(
            "beijing-fire",
            BJ,
            "fire",
            "聚福缘公寓地下冷库起火，一、二层出租房浓烟弥漫，已救出多名被困人员送医",
            position=gps(*SITE),
            address="西红门镇新建村聚福缘公寓",
        ),
        fire,
        id="fire-update",
        note="synthetic wording",
    )
    s.add(
        2 * H + 50 * M,
        incident(
            "beijing-fire",
            BJ,
            "fire_out",
            "新建村火灾明火被扑灭，继续搜索",
            position=gps(*SITE),
            address="大兴区西红门镇新建村",
        ),
        fire,
        id="fire-out",
        note="about 21:00 (real)",
    )
    s.add(
        3 * H,
        casualty("daxing-emergency", BJ, "大兴区西红门镇新建村", position=gps(*SITE), deaths=7, injured=8),
        fire,
        id="casualty-1",
        note="interim (synthetic)",
    )
    s.add(
        9 * H + 50 * M,
        casualty("beijing-emergency", BJ, "大兴区西红门镇新建村", position=gps(*SITE), deaths=19, injured=8),
        fire,
        id="casualty-19",
        note="19 dead, 8 injured (real); minute synthetic",
    )

    for t, cid in marked_first(spread(rng, 9, 0, 25 * M, 4 * M), "inside-call"):
        s.call(
            t,
            BJ,
            rng.choice(INSIDE),
            rng.choice(NEAR_PLACES),
            fire,
            urgency="特急",
            caller=caller(rng, 0),
            id=cid,
        )
    for t, cid in marked_first(spread(rng, 12, 1 * M, 50 * M, 8 * M), "neighbour-call"):
        text = formal(rng, rng.choice(NEAR_FORMAL), "请紧急处置。") if rng.random() < 0.3 else rng.choice(NEAR)
        s.call(
            t,
            BJ,
            typo(rng, text) if rng.random() < 0.07 else text,
            rng.choice(NEAR_PLACES),
            fire,
            urgency="特急",
            caller=caller(rng),
            id=cid,
        )
    for t, cid in marked_first(spread(rng, 11, 8 * M, 2 * H, 30 * M), "far-smell-call"):
        text, place = rng.choice(FAR)
        s.call(
            t,
            BJ,
            text,
            place,
            fire,
            category="咨询",
            urgency="一般",
            caller=caller(rng),
            id=cid,
        )
    for t in spread(rng, 6, 2 * H, 10 * H, 4 * H):
        s.call(
            t,
            BJ,
            rng.choice(AFTER),
            rng.choice([*NEAR_PLACES[:3], "大兴区西红门镇"]),
            fire,
            category="求助",
            urgency="紧急",
            caller=caller(rng),
        )

    # the scooter fire at 旧宫
    s.call(
        38 * M,
        BJ,
        "楼道里电动车着了，冒黑烟，楼上的人下不来",
        "大兴区旧宫镇德茂庄德茂楼",
        scooter,
        urgency="特急",
        caller=caller(rng, 0),
        id="scooter-call",
        note="synthetic event",
    )
    s.call(
        40 * M,
        BJ,
        "德茂这边一个单元楼道着火了，烟顺着楼梯往上走",
        "旧宫德茂",
        scooter,
        urgency="特急",
        caller=caller(rng),
    )
    s.call(
        43 * M,
        BJ,
        formal(rng, "其所在楼栋一层楼道内电动自行车充电起火，烟雾较大"),
        "大兴区旧宫镇德茂",
        scooter,
        urgency="紧急",
        caller=caller(rng),
    )
    s.add(
        46 * M,
        incident(
            "beijing-fire",
            BJ,
            "fire",
            "旧宫镇德茂一居民楼一层楼道电动自行车起火，已扑灭，疏散楼内居民，无人员伤亡",
            position=gps(*JIUGONG),
            address="大兴区旧宫镇德茂",
        ),
        scooter,
        id="scooter-report",
    )
    s.call(
        52 * M,
        BJ,
        "旧宫这边闻到一股烧焦味，不知道是不是刚才楼道着火那的，还是西边的",
        "大兴区旧宫镇",
        fire,
        category="咨询",
        urgency="一般",
        caller=caller(rng),
        id="ambiguous-smell-call",
        note="truth, as designed: the big fire (the scooter fire was small, indoors and out by +46m); a judgement a dispatcher would make",
    )

    s.end = "+10h"
    s.expect = [
        {
            "note": "the fire brigade's report, the calls from inside and across the street, and the far smell calls are one incident",
            "same_incident": ["fire-report", "inside-call", "neighbour-call", "far-smell-call", "casualty-19"],
        },
        {
            "note": "the scooter fire at 旧宫 stays its own incident: at most two fire incidents in 大兴",
            "incidents": {"type": "fire", "region": "大兴区", "at_most": 2},
        },
        {
            "by": "+8m",
            "note": "fire crews are sent within five minutes of the first report",
            "dispatched": {"capability": "fire_suppression", "count": 3},
        },
        {"by": "+10h", "note": "19 deaths grade the fire 重大", "incident": {"type": "fire", "event_grade": "重大"}},
    ]
    return s


if __name__ == "__main__":
    publish(build(), NAME)
