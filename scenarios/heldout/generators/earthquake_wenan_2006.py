# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""Held-out: the 文安 (廊坊) M5.1 earthquake, 2006-07-04 11:56, felt in Beijing, Tianjin and much of Hebei,
made to damage two places near the epicentre: an old brick house falls in at 大柳河镇 北张村 with an old man
inside, and a warehouse wall falls on workers at a board mill in 苏桥镇. Every other call only felt it.
"""

from __future__ import annotations

import random

from scenarios.generators.callers import caller, spread
from scenarios.generators.payloads import casualty, gps, incident
from scenarios.generators.timeline import BJ, HE, TJ, H, M, Scenario, publish
from scenarios.heldout.generators.calls import everyday_calls, voiced_calls
from scenarios.heldout.generators.paths import FILES, HELDOUT_NOTE, TRUTH
from scenarios.heldout.generators.voice import say, taker

NAME = "earthquake_wenan_2006"
SID = "heldout-earthquake-wenan-2006"
QUAKE = "wenan-earthquake"
EPICENTRE = (116.45, 38.90)  # approximate, 文安县
BEIZHANG = (116.55, 38.94)  # approximate: 大柳河镇 北张村
SUQIAO = (116.36, 38.98)  # approximate: 苏桥镇

# site A: the old house at 北张村
HOUSE_AT = ["文安县大柳河镇北张村", "大柳河镇北张村", "北张村村西", "文安大柳河", "廊坊市文安县", "北张村"]
HOUSE = [
    "地震把村西头老房子震塌了，我大伯还在里边没出来",
    "老房子塌了半边，里头压着人呢，快来人",
    "我们村有房子塌了，老头在屋里，喊他听见哼哼",
    "北张村一户土坯房倒了，人埋里边了，村里人正扒呢",
    "房顶整个塌下来了，老人腿被压住了出不来",
    "塌的是老宅子，住着一个七十多的老爷子，现在还没救出来",
]
HOUSE_AFTER = [
    "刚才压的那个老人扒出来了，腿流血，救护车到哪了",
    "老人救出来了，腿好像断了，得送医院",
    "塌房子那家旁边两户墙也裂了，人不敢进屋",
]
# site B: the board mill's warehouse at 苏桥
MILL_AT = ["文安县苏桥镇", "苏桥镇板材厂", "苏桥工业区", "文安苏桥", "廊坊文安县苏桥镇一家板材厂"]
MILL = [
    "我们厂仓库的墙倒了，砸着两个工人，一个头破了",
    "板材厂后墙震塌了，有人被压在板子底下",
    "厂里库房墙倒了，伤了人，赶紧叫救护车",
    "地震把我们厂的墙震倒了，砸到干活的人了，流了好多血",
    "仓库塌了一面墙，底下有人，我们在搬板子",
]
# felt only: where and what (negations and fears included; none reports damage)
FELT_BJ = [
    ("刚才楼晃了好几下，灯都在摆，是地震了吗", "海淀区中关村"),
    ("我在18层，感觉楼在晃，头晕，是不是地震", "朝阳区望京"),
    ("办公室桌子晃了，大家都跑楼下了，哪儿地震了", "西城区金融街"),
    ("刚才地震了吧，我们家鱼缸的水都晃出来了，房子没事", "丰台区方庄"),
    ("床晃了一下，我以为是我头晕，邻居说是地震", "大兴区黄村"),
    ("感觉到震了，挺明显的，问问是哪儿的地震，用不用出去", "东城区东直门"),
    ("刚刚楼摇了，没东西掉下来，就是吓一跳", "通州区梨园"),
    ("是地震了吗？吊灯晃了半天，现在停了", "石景山区鲁谷"),
]
FELT_TJ = [
    ("介地震了吧，我们楼晃得厉害，墙没裂", "天津市河西区"),
    ("刚才地震了，柜子上的东西掉下来了，人没事", "南开区"),
    ("我们这儿震感特别明显，全楼人都跑下来了，要不要回去", "西青区"),
    ("地震了，震了好几秒，哪儿震的，有没有余震", "静海区"),
    ("楼在晃，我在商场里，大伙都往外跑", "和平区滨江道"),
    ("感觉到地震了，孩子吓哭了，我们家房子没事", "天津市北辰区"),
]
FELT_HE = [
    ("俺们这儿晃得可厉害了，房子没塌，就是吓坏了", "霸州市"),
    ("刚才地震了，屋里的暖壶都倒了，人没事", "文安县文安镇"),
    ("地震了，俺家墙没事，就是不敢进屋了，还震不震", "文安县新镇镇"),
    ("廊坊这边感觉到地震了，楼晃了，哪儿震的", "廊坊市广阳区"),
    ("刚地震了吧，在地里干活都觉着晃，村里人都出来了", "大城县"),
    ("感觉地动了一下，是不是地震，俺们这儿没事", "雄县"),
    ("楼晃了一下，我们是任丘，震中在哪儿", "任丘市"),
    ("地震了，俺们村没房子倒，问问是几级", "文安县滩里镇"),
    ("俺们这儿震得挺厉害，院墙没倒，人都在外头呢", "文安县大柳河镇"),
]
# fears, hearsay, questions: felt, not damage
FEAR = [
    "听说一会儿还有更大的地震，是真的吗，要不要搬出去住",
    "刚才地震了，我们楼是老楼，怕扛不住，能不能派人来看看",
    "地震完了燃气要不要关，会不会漏气爆炸啊，现在没闻到味",
    "网上说今晚还要震，孩子不敢回家，到底有没有",
    "地震了，我家没事，就是想问问学校下午还上不上课",
]
EVERYDAY = [
    ("楼下工地打桩震得我们家窗户嗡嗡响，天天这样，投诉", "朝阳区双井", BJ),
    ("地铁从楼底下过，整天震，问问能不能减震", "海淀区五道口", BJ),
    ("小区停水了也没通知，一天了", "天津市红桥区", TJ),
    ("村里的路坑坑洼洼的，下雨就没法走", "文安县孙氏镇", HE),
    ("问一下地震局电话多少，想咨询房屋鉴定的事", "天津市河东区", TJ),
    ("大货车从村里过，房子都震，要求限行", "霸州市胜芳镇", HE),
    ("医保报销怎么办，电话一直打不通", "北京市昌平区", BJ),
]


def build() -> Scenario:
    rng = random.Random(20060704)
    s = Scenario(
        SID,
        "文安5.1级地震 / Wen'an M5.1 earthquake (held-out)",
        "2006-07-04T11:56:00+08:00",
        "Held-out evaluation scenario. A moderate earthquake under 文安 county is felt in Beijing's and Tianjin's towers and across Hebei; two places near the epicentre are damaged (made up for the drill). Most calls only felt it.",
        "Decided from the story as designed. One event, the earthquake, with two sites: the fallen house at 北张村 (its calls, the fire brigade's report, the casualty report) and the fallen warehouse wall at the board mill in 苏桥镇 (its calls, reports and casualties). The seismological reports, the aftershock and every call that only felt the shaking or asks about it (including fears of a bigger one and calls that say nothing is damaged) are `felt`. Construction and metro vibration and the everyday calls are matters of their own.",
    )
    s.comments = [
        HELDOUT_NOTE,
        "Real: the time, magnitude and county of the earthquake, felt in Beijing and Tianjin. Synthetic: both damaged places, casualties, every call and report after T0.",
    ]
    s.sources = ["China Earthquake Networks Center catalogue and news reports of the 2006-07-04 文安 M5.1 earthquake"]
    s.real = [
        "an M5.1 earthquake under 文安 county, 廊坊, on 2006-07-04 at 11:56",
        "it was felt widely in Beijing and Tianjin, in high floors especially",
    ]
    s.synthetic = [
        "the fallen house at 大柳河镇 北张村 and the old man trapped in it; the warehouse wall at a board mill in 苏桥镇 and the two injured workers",
        "the aftershock's minute and size, every agency report's minute and wording, the response level",
        "every hotline call (wording, place, minute, caller), the vibration complaints and everyday calls",
        "coordinates are approximate (±5 km)",
    ]
    s.end = "+6h"
    s.event(QUAKE, "the 文安 earthquake: felt across the region, damage at 北张村 and 苏桥", multi=True)
    felt = s.felt(QUAKE)
    house = s.site(QUAKE, "beizhang-house", "an old brick house fallen in at 大柳河镇 北张村, one man trapped")
    mill = s.site(QUAKE, "suqiao-mill-wall", "a warehouse wall fallen on workers at a board mill, 苏桥镇")

    s.add(
        2 * M,
        incident(
            "hebei-earthquake",
            HE,
            "earthquake",
            "河北廊坊市文安县发生5.1级地震，震源深度约20公里，北京、天津有明显震感",
            position=gps(*EPICENTRE),
            address="廊坊市文安县",
        ),
        felt,
        id="quake-report",
    )
    s.add(
        4 * M,
        incident(
            "tianjin-earthquake",
            TJ,
            "earthquake",
            "文安5.1级地震天津市区震感明显，暂未接到房屋损坏报告",
            position=gps(*(117.20, 39.12)),
            address="天津市",
        ),
        felt,
        id="quake-report-tj",
    )
    s.add(
        20 * M,
        {
            "type": "agency.response_level",
            "agency": "langfang-emergency",
            "province": HE,
            "action": "raise",
            "level": "IV",
            "hazard": "earthquake",
            "scope_adcodes": ["131026"],
            "reason": "文安县5.1级地震",
        },
        None,
    )
    s.add(
        1 * H + 12 * M,
        incident(
            "hebei-earthquake",
            HE,
            "earthquake",
            "文安县发生3.0级余震",
            position=gps(*EPICENTRE),
            address="廊坊市文安县",
        ),
        felt,
        id="aftershock",
    )
    s.add(
        25 * M,
        incident(
            "langfang-fire",
            HE,
            "building_collapse",
            "文安县大柳河镇北张村一处老旧砖土房屋倒塌，一名老人被困，消防救援站前往",
            position=gps(*BEIZHANG),
            address="文安县大柳河镇北张村",
        ),
        house,
        id="house-report",
    )
    s.add(
        1 * H + 5 * M,
        incident(
            "langfang-fire",
            HE,
            "rescue_ended",
            "北张村被困老人已救出，腿部受伤，送文安县医院",
            position=gps(*BEIZHANG),
            address="文安县大柳河镇北张村",
        ),
        house,
        id="house-rescued",
    )
    s.add(
        1 * H + 30 * M,
        casualty("wenan-government", HE, "文安县大柳河镇北张村", position=gps(*BEIZHANG), injured=1),
        house,
        id="house-casualty",
    )
    s.add(
        30 * M,
        incident(
            "langfang-fire",
            HE,
            "wall_collapse",
            "文安县苏桥镇一板材厂仓库墙体倒塌，两名工人受伤",
            position=gps(*SUQIAO),
            address="文安县苏桥镇",
        ),
        mill,
        id="mill-report",
    )
    s.add(
        1 * H + 40 * M,
        casualty("wenan-government", HE, "文安县苏桥镇", position=gps(*SUQIAO), injured=2),
        mill,
        id="mill-casualty",
    )

    voiced_calls(
        s, rng, spread(rng, 24, 1 * M, 60 * M, 6 * M), HE, HOUSE, HOUSE_AT, house, urgency="特急", first_id="house-call"
    )
    voiced_calls(s, rng, spread(rng, 6, 60 * M, 3 * H, 70 * M), HE, HOUSE_AFTER, HOUSE_AT, house, urgency="紧急")
    voiced_calls(
        s, rng, spread(rng, 18, 2 * M, 70 * M, 10 * M), HE, MILL, MILL_AT, mill, urgency="特急", first_id="mill-call"
    )
    s.call(
        48 * M,
        HE,
        taker(rng, "其所在苏桥镇板材厂仓库墙体地震中倒塌，两名工人被砸伤，已自行送医，厂区其他建筑未见损坏"),
        "文安县苏桥镇",
        mill,
        urgency="紧急",
        caller=caller(rng),
    )

    first = True
    for pool, province, n in ((FELT_BJ, BJ, 110), (FELT_TJ, TJ, 70), (FELT_HE, HE, 70)):
        for t in spread(rng, n, 0, 90 * M, 6 * M):
            gist, place = rng.choice(pool)
            s.call(
                t,
                province,
                say(rng, gist, province),
                place,
                felt,
                category="咨询",
                urgency=rng.choice(["一般", "一般", "紧急"]),
                caller=caller(rng),
                id="felt-call" if first else "",
            )
            first = False
    for t in spread(rng, 25, 10 * M, 5 * H, 60 * M):
        province = rng.choice([BJ, TJ, HE])
        place = {BJ: "北京市", TJ: "天津市", HE: rng.choice(["廊坊市", "文安县", "霸州市"])}[province]
        s.call(t, province, say(rng, rng.choice(FEAR), province), place, felt, category="咨询", caller=caller(rng))
    # the aftershock felt again near the epicentre
    for t in spread(rng, 12, 72 * M, 100 * M, 76 * M):
        s.call(
            t,
            HE,
            say(
                rng,
                rng.choice(
                    ["又晃了一下，是余震吗", "刚才又震了，比中午轻，俺们还在外头", "又来了一下，房子没事，人不敢进屋"]
                ),
                HE,
            ),
            rng.choice(["文安县", "文安县文安镇", "大城县", "霸州市"]),
            felt,
            category="咨询",
            caller=caller(rng),
        )

    everyday_calls(
        s,
        rng,
        spread(rng, len(EVERYDAY) * 2, -40 * M, 5 * H, 2 * H),
        EVERYDAY,
        "a matter unrelated to the earthquake",
        ["投诉", "咨询"],
    )
    return s


if __name__ == "__main__":
    publish(build(), NAME, FILES, TRUTH)
