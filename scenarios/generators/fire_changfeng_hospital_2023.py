# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""The 长峰医院 fire, 丰台, 2023-04-18: calls from inside and from the streets around, people at the windows, the
fire brigade's and health agencies' reports, deaths rising to 29; and two unrelated smokes in the same hours.
"""

from __future__ import annotations

import random

from scenarios.generators.callers import caller, formal, spread, typo
from scenarios.generators.payloads import casualty, gps, incident
from scenarios.generators.timeline import BJ, H, M, Scenario, publish

NAME = "fire_changfeng_hospital_2023"
SID = "fire-changfeng-hospital-2023"
EV = "changfeng-hospital-fire"
HOSPITAL = (116.2905, 39.8950)  # approximate: 靛厂路 291号, east of the west 4th ring

INSIDE = [
    "长峰医院着火了，我爸在住院部，打电话说烟进病房了出不去",
    "我妈在长峰医院住院，护工打电话说楼里全是烟，门打不开",
    "我在住院楼里，楼道全是黑烟，往哪跑啊",
    "病房里烟太大了，我们把门缝堵上了，在窗户边上，快来救我们",
    "我是护工，楼里着火了，好几个老人动不了，我一个人背不过来",
    "长峰医院东楼着火了，我家老人在上面，电话打不通了",
]
OUTSIDE = [
    "靛厂路那个医院冒黑烟了，窗户里往外冒",
    "西四环边上一个楼往外冒浓烟，好像是长峰医院",
    "我们小区对面医院着火了，有人从窗户往外爬，拿床单接着往下吊",
    "医院窗户外面站着好几个人，快掉下来了，消防车还没到跟前",
    "长峰医院着火了，烟特别大，看不见明火，味道很呛",
    "有人从医院楼上顺着床单滑到下面的房顶上了",
    "梯子够不着，上面还有人在窗户那挥手",
]
OUTSIDE_FORMAL = [
    "丰台区靛厂路长峰医院住院楼冒出浓烟，有人员被困窗口",
    "其看到长峰医院住院楼起火冒烟，有人员在窗外等待救援",
    "长峰医院住院部发生火情，楼内疑似有人员被困",
]
FAR = [  # what a caller far away says, and where they are
    ("西站南广场往西看有一大股黑烟，哪着火了", "北京西站南广场"),
    ("往西边看有一股黑烟，挺大的，是不是着火了", "丰台区六里桥长途站附近"),
    ("六里桥这边看见西南边冒黑烟，是着火了吗", "六里桥"),
    ("西四环上开车看见路边楼冒黑烟，车都慢下来了", "西四环中路"),
    ("莲花池这边都看见黑烟了，南边哪着火了", "莲花池西路"),
]
AFTER = [
    "我家老人在长峰医院住院，现在送哪个医院了，找不到人",
    "长峰医院的病人转到哪了，家属去哪集合",
    "我爸在长峰医院七楼，一直联系不上，求求你们帮忙查一下",
    "护工说病人都转走了，到底转哪了，我们跑了三家医院都没有",
    "家属在长峰医院门口等了几个小时没人管，名单什么时候出来",
]
PLACES = [
    "丰台区靛厂路长峰医院",
    "长峰医院",
    "丰台区靛厂新村",
    "靛厂路",
    "西四环中路 长峰医院",
    "丰台区 靛厂路291号",
    "丰台长锋医院",
    "北京丰台 靛厂路 医院",
    "丰台区 岳各庄 长峰医院旁边小区",
]


def build() -> Scenario:
    rng = random.Random(418)
    s = Scenario(
        SID,
        "北京长峰医院火灾 / The 长峰医院 fire, 丰台, 2023-04-18",
        "2023-04-18T12:57:00+08:00",
        "The fire in the east inpatient building of 北京长峰医院 (丰台区 靛厂路): the alarm at 12:57, smoke seen from the "
        "streets around, people at the windows and sliding down knotted bedsheets, open fire out at 13:33, 71 patients "
        "moved by 15:30, 21 dead by 18:00 and 29 by 09:00 the next morning. Two unrelated smokes in the same hours test "
        "that not every smoke call is the hospital.",
        "Decided from the event as reported. Every call and report about the hospital is the one fire, including "
        "smoke seen from 北京西站 and 六里桥 3-4 km away and relatives asking where patients were taken; the car "
        "fire on the west 4th ring and the rubbish burning at 看丹 are separate events.",
    )
    s.sources = [
        "北京市政府新闻办 and 丰台区政府 press conference, 2023-04-19: alarm at 12:57, open fire out at 13:33, rescue ended 15:30 with 71 patients moved, 21 dead by 18:00 and 29 by 09:00 on 19 April; the cause (sparks from renovation work igniting paint vapour)",
        "南方周末 and 澎湃新闻, 2023-04-19/20: 29 ambulances and 300+ medical staff; 3 critical and 18 severe still in hospital; residents ~100 m away saw thick smoke and people lowering themselves on knotted sheets; the burnt south-east corner of the east building",
        "北京长峰医院, 丰台区靛厂路291号 (public company listing)",
    ]
    s.real = [
        "place, the alarm time (12:57), fire out (13:33), rescue ended (15:30), 71 patients moved, 29 ambulances",
        "deaths: 21 by 18:00, 29 by 09:00 on 19 April; 3 critical and 18 severe on 19 April",
        "what neighbours saw: thick smoke from the windows, little open flame, a burnt smell, people lowering themselves on sheets to lower roofs; relatives searching hospitals into the night",
    ]
    s.synthetic = [
        "every hotline call, its minute, caller and wording; the fire brigade's and health agencies' wording and the minutes between the real times",
        "the interim casualty count at 15:00; the hospital's position (approximate)",
        "the unrelated car fire on the west 4th ring and the rubbish burning at 看丹 (events of our own, at real places)",
        "the responder fleet (seeded synthetic)",
    ]
    s.event(EV, "the fire in the inpatient building of 北京长峰医院 and everything reported about it")
    fire = s.whole(EV)

    s.add(
        0,
        incident(
            "beijing-fire",
            BJ,
            "fire",
            "丰台区消防救援支队接警：北京长峰医院住院部东楼发生火情，楼内有住院患者",
            position=gps(*HOSPITAL),
            address="丰台区靛厂路291号 北京长峰医院",
        ),
        fire,
        id="fire-alarm",
        note="12:57 alarm (real)",
    )
    s.add(
        6 * M,
        incident(
            "beijing-fire",
            BJ,
            "fire",
            "长峰医院住院部东楼浓烟较大，多名人员被困窗口，调派举高车、增援力量，同时公安、卫健、应急部门赶赴",
            position=gps(*HOSPITAL),
            address="北京长峰医院",
        ),
        fire,
        id="fire-trapped",
        note="synthetic wording",
    )
    s.add(
        36 * M,
        incident(
            "beijing-fire",
            BJ,
            "fire_out",
            "长峰医院现场明火被扑灭，继续搜救转移",
            position=gps(*HOSPITAL),
            address="北京长峰医院",
        ),
        fire,
        id="fire-out",
        note="13:33 (real)",
    )
    s.add(
        50 * M,
        incident(
            "beijing-health",
            BJ,
            "mass_casualty",
            "调集29辆救护车、300余人次急救力量，伤员分送右安门医院、解放军总医院、玉泉医院等",
            position=gps(*HOSPITAL),
            address="北京长峰医院",
        ),
        fire,
        id="ambulances",
        note="real figures; minute synthetic",
    )
    s.add(
        2 * H,
        casualty("fengtai-emergency", BJ, "丰台区北京长峰医院", position=gps(*HOSPITAL), deaths=9, injured=40),
        fire,
        id="casualty-1",
        note="interim count (synthetic)",
    )
    s.add(
        2 * H + 33 * M,
        incident(
            "beijing-fire",
            BJ,
            "rescue_ended",
            "长峰医院现场救援工作结束，共疏散转移患者71人",
            position=gps(*HOSPITAL),
            address="北京长峰医院",
        ),
        fire,
        id="rescue-ended",
        note="15:30 (real)",
    )
    s.add(
        5 * H + 3 * M,
        casualty("fengtai-emergency", BJ, "丰台区北京长峰医院", position=gps(*HOSPITAL), deaths=21, injured=29),
        fire,
        id="casualty-21",
        note="21 dead by 18:00 (real); the injured count is synthetic",
    )
    s.add(
        20 * H + 3 * M,
        casualty("beijing-emergency", BJ, "丰台区北京长峰医院", position=gps(*HOSPITAL), deaths=29, injured=21),
        fire,
        id="casualty-29",
        note="29 dead by 09:00 on 19 April; 21 still in hospital (3 critical, 18 severe) (real)",
    )

    for k, t in enumerate(spread(rng, 12, 2 * M, 30 * M, 8 * M), start=1):
        text = rng.choice(INSIDE)
        s.call(
            t,
            BJ,
            text if rng.random() > 0.05 else typo(rng, text),
            rng.choice(PLACES[:6]),
            fire,
            urgency="特急",
            caller=caller(rng, 0),
            id="inside-call-1" if k == 1 else "",
        )
    for k, t in enumerate(spread(rng, 16, 1 * M, 40 * M, 7 * M), start=1):
        text = formal(rng, rng.choice(OUTSIDE_FORMAL), "请紧急处置。") if rng.random() < 0.35 else rng.choice(OUTSIDE)
        s.call(
            t,
            BJ,
            text,
            rng.choice(PLACES),
            fire,
            urgency="特急",
            caller=caller(rng),
            id="outside-call-1" if k == 1 else "",
        )
    for k, t in enumerate(spread(rng, 6, 4 * M, 35 * M, 10 * M), start=1):
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
            id="far-smoke-call" if k == 1 else "",
        )
    for t in spread(rng, 14, 3 * H, 13 * H, 6 * H):
        text = formal(rng, rng.choice(AFTER), "请协助查询。") if rng.random() < 0.4 else rng.choice(AFTER)
        s.call(
            t, BJ, text, rng.choice([*PLACES[:4], "丰台区"]), fire, category="求助", urgency="紧急", caller=caller(rng)
        )

    # unrelated smoke in the same hours
    s.event(
        "west-4th-ring-car-fire",
        "a car burning on the west 4th ring near 岳各庄桥, 1.5 km from the hospital (synthetic event)",
    )
    car = s.whole("west-4th-ring-car-fire")
    s.call(
        41 * M,
        BJ,
        "西四环岳各庄桥南边一辆小轿车自燃了，冒黑烟，司机已经下来了",
        "西四环岳各庄桥南",
        car,
        urgency="紧急",
        caller=caller(rng, 0),
        id="car-fire-call",
    )
    s.call(44 * M, BJ, "四环上有辆车着了，黑烟挺大，堵车了", "丰台区岳各庄桥", car, urgency="一般", caller=caller(rng))
    s.add(
        47 * M,
        incident(
            "beijing-fire",
            BJ,
            "vehicle_fire",
            "西四环岳各庄桥南主路一辆小型轿车自燃，无人员受伤",
            address="西四环岳各庄桥南",
        ),
        car,
        id="car-fire-report",
    )
    s.event("kandan-rubbish-burning", "rubbish burned in a yard at 看丹, 4 km south of the hospital (synthetic event)")
    rub = s.whole("kandan-rubbish-burning")
    s.call(
        1 * H + 20 * M,
        BJ,
        "看丹村这边有人在空地上烧垃圾，黑烟呛得开不了窗",
        "丰台区看丹村",
        rub,
        category="举报",
        urgency="一般",
        caller=caller(rng),
        id="rubbish-call",
    )
    s.call(
        1 * H + 31 * M,
        BJ,
        formal(rng, "其居住地附近有人焚烧垃圾，烟雾较大"),
        "丰台区新村街道看丹",
        rub,
        category="举报",
        urgency="一般",
        caller=caller(rng),
    )

    s.end = "+21h"
    s.expect = [
        {
            "note": "the alarm, the calls from inside and outside, the far smoke call and the casualty reports are one incident",
            "same_incident": [
                "fire-alarm",
                "inside-call-1",
                "outside-call-1",
                "far-smoke-call",
                "fire-out",
                "casualty-29",
            ],
        },
        {
            "note": "one fire incident at the hospital; the car fire is another (at most two fires in 丰台 over the day)",
            "incidents": {"type": "fire", "region": "丰台区", "at_most": 2},
        },
        {
            "by": "+5m",
            "note": "fire crews are sent within five minutes of the alarm",
            "dispatched": {"capability": "fire_suppression", "count": 2},
        },
        {
            "by": "+20h30m",
            "note": "29 deaths grade the fire 重大 (10-29 deaths)",
            "incident": {"type": "fire", "event_grade": "重大"},
        },
    ]
    return s


if __name__ == "__main__":
    publish(build(), NAME)
