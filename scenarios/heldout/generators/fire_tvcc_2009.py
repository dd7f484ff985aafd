# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""Held-out: the 央视新址 北配楼 (TVCC) fire, 朝阳, 2009-02-09 (元宵节): fireworks set the 30-storey tower
alight; flames seen across Beijing, so most calls come from kilometres away. The same evening's firework
mishaps elsewhere are separate events.
"""

from __future__ import annotations

import random
from typing import Any

from scenarios.generators.callers import caller, marked_first, spread
from scenarios.generators.payloads import casualty, gps, incident
from scenarios.generators.timeline import BJ, H, M, Scenario, publish
from scenarios.heldout.generators.calls import everyday_calls, voiced_calls
from scenarios.heldout.generators.paths import FILES, HELDOUT_NOTE, TRUTH
from scenarios.heldout.generators.voice import say, taker

NAME = "fire_tvcc_2009"
SID = "heldout-fire-tvcc-2009"
FIRE = "tvcc-fire"
TVCC = (116.463, 39.917)  # approximate: 东三环中路32号, north of the CCTV headquarters tower
TONGZHOU = (116.65, 39.92)  # approximate: 通州 新华大街 area
FANGZHUANG = (116.435, 39.865)  # approximate: 方庄

# where a caller next to the tower is (estate, street, landmark)
NEAR_AT = [
    "朝阳区东三环中路32号",
    "央视新址",
    "大裤衩那儿",
    "光华路",
    "朝阳区金台里",
    "呼家楼街道核桃园社区",
    "国贸桥北",
    "朝阳区光华路SOHO",
    "东三环中路 央视北配楼",
    "呼家楼",
]
NEAR = [
    "央视新楼旁边那个高楼着火了，火苗从楼顶往下窜",
    "大裤衩边上那栋楼烧起来了，整栋楼都是火",
    "北配楼着了，火特别大，碎东西往下掉",
    "刚才放完烟花楼顶就冒烟了，现在明火了",
    "东三环边上新盖的楼起火了，楼里可能还有工人",
    "光华路这边一栋大楼起大火了，烟往西北飘",
    "我就在楼底下，玻璃往下崩，人都往外跑",
    "央视那楼着火了，有没有人在里边不知道，快来",
    "楼顶先着的，现在一层一层往下烧",
    "火太大了，我们这边热得站不住",
    "有烧着的板子往下掉，砸到马路上了",
    "高楼着火，浓烟特别大，呛得不行",
]
# kilometres away: what they see or smell, and where they are
FAR = [
    ("东边一栋楼着大火了，火光冲天，是国贸那边吗", "朝阳区团结湖"),
    ("从我们家窗户就能看见CBD那儿有楼在烧", "朝阳区双井"),
    ("三环上往南看一个高楼整个烧红了", "三元桥"),
    ("远远看见东三环那儿一片火光，不知道是不是烟花", "东城区东直门"),
    ("在望京都能看见南边有栋楼着火，火特别高", "望京"),
    ("大裤衩是不是着火了，我在建国门这儿看着像", "建国门"),
    ("朝阳那边好像有个大楼烧起来了，我们在长安街上看见的", "东长安街"),
    ("西边天都红了，看着是CBD那边着火", "朝阳区十里堡"),
    ("我们这儿能闻见烧塑料的味，往西看有火光", "朝阳区八里庄"),
    ("劲松这边看见北边有栋大楼着火，烟老大了", "劲松"),
    ("窗外东南方向一个楼在烧，好像是央视的楼", "东城区朝阳门"),
    ("坐车经过三环看见央视那边着火，还在烧", "东三环"),
    ("在通州都能看见西边一团火，是哪儿着了", "通州区"),
    ("三里屯这边往东南看有个楼烧得通红", "三里屯"),
    ("西大望路这边掉了好多黑灰，往北看一栋楼在烧", "西大望路"),
]
ASH = [
    "阳台上落了一层黑灰，一股焦糊味，是那边大楼着火飘过来的吧",
    "烟都飘到我们小区了，窗户关上还有味儿",
    "车上落满了烧焦的碎片，应该是那个大楼着火落下来的",
    "小区里全是烟，孩子咳嗽，是不是央视那边着火的烟",
]
TRAFFIC = [
    "东三环堵死了，消防车都过不去，赶紧疏导一下",
    "光华路封了，我们回不去家，什么时候能走",
    "国贸桥往北走不动了，前面说是着火封路",
    "金台路口全是看热闹的人，车都停在路当间儿",
]
# fear and denial said alongside the fire (the fire is still what they report)
WORRY = [
    "那边楼着火了，我们楼离得近，担心会烧过来，要不要撤",
    "看见那边大楼着火，我们这儿没烟没火，就是想问问用不用疏散",
    "央视那边着火了，我家就在金台里，现在没事，怕一会儿风一吹烧过来",
    "楼着火了，我们没人受伤，就是害怕，楼里会不会有煤气罐爆炸啊",
    "我看着火了，我家老人心脏不好，吓着了，我们这边要不要走",
]
AFTER = [
    "昨晚那个大火烧的楼现在还冒烟呢，有没有复燃",
    "央视北配楼那边现在还有烟，味道特别大",
    "光华路什么时候解封，我们上班进不去",
]
# the same evening: noise and everyday calls, each its own matter
EVERYDAY = [
    ("楼下一帮人放二踢脚放到半夜，吵得孩子睡不着，投诉一下", "海淀区学院路"),
    ("小区里到处都是烟花碎纸，没人打扫，物业不管", "西城区广安门外"),
    ("有人在禁放区放烟花，我们这是五环内吧", "丰台区丽泽桥"),
    ("我想问问今天放花放到几点，太吵了", "东城区和平里"),
    ("楼道里堆了好几箱烟花，怕出事，让物业清走没人管", "石景山区八角"),
    ("对面楼烟花放到阳台上了，没着，就是吓了一跳，他们还在放", "昌平区回龙观"),
    ("停车场里有人放炮，车被炸了好几个坑，找谁赔", "大兴区黄村"),
    ("元宵节公交几点收车，想问一下", "北京市"),
]


def build() -> Scenario:
    rng = random.Random(20090209)
    s = Scenario(
        SID,
        "央视新址北配楼火灾 / TVCC tower fire (held-out)",
        "2009-02-09T20:27:00+08:00",
        "Held-out evaluation scenario. A 30-storey tower on 东三环中路 catches fire from fireworks on the night of the Lantern Festival; the flames are seen from much of Beijing, so the hotline fills with calls from kilometres away that all report the one fire. The same night brings firework mishaps and noise complaints elsewhere.",
        "Decided from the event as reported. Every call and report about the burning tower is the one fire: callers at the foot of it, smoke and ash in nearby estates, flames seen from 望京, 通州, 东直门, the blocked 东三环, worries about it spreading. The balcony fire in 通州 and the rubbish fire in 方庄, both lit by fireworks, are separate events; each noise complaint or query is its own matter.",
    )
    s.comments = [
        HELDOUT_NOTE,
        "Real: the place, the night, the cause, the casualties. Synthetic: every call, every minute after T0, the reports' wording, the 通州 and 方庄 fires, the complaints.",
    ]
    s.sources = [
        "News reports of the 2009-02-09 央视新址北配楼 fire (Xinhua, Beijing fire brigade statements)",
        "Beijing fire brigade statement on the death of firefighter 张建勇",
    ]
    s.real = [
        "the 北配楼 (TVCC) tower of the 央视新址 on 东三环中路, 朝阳, about 30 storeys, unoccupied hotel under fit-out",
        "2009-02-09, the Lantern Festival night: fireworks set off at the site set it alight about 20:27",
        "flames seen from much of the city; one firefighter died and seven people (six firefighters, one worker) were injured",
        "the fire was put out in the early hours of 10 February",
    ]
    s.synthetic = [
        "every hotline call (wording, place, minute, caller) and every caller's name and number",
        "the minutes of the fire brigade's, the traffic police's and the emergency office's reports, and their wording",
        "the balcony fire in 通州 and the rubbish fire in 方庄 lit by fireworks, and the noise complaints and queries",
        "coordinates are approximate (±1 km)",
    ]
    s.end = "+8h"
    s.event(FIRE, "the TVCC tower fire, 东三环中路32号")
    fire = s.whole(FIRE)
    s.event("tongzhou-balcony-fire", "a balcony fire lit by fireworks in an estate in 通州 (synthetic), 17 km east")
    balcony = s.whole("tongzhou-balcony-fire")
    s.event(
        "fangzhuang-rubbish-fire", "a rubbish heap set alight by firework debris at 方庄 (synthetic), 6 km south-west"
    )
    rubbish = s.whole("fangzhuang-rubbish-fire")

    def report(kind: str, text: str, agency: str = "beijing-fire") -> dict[str, Any]:
        return incident(agency, BJ, kind, text, position=gps(*TVCC), address="朝阳区东三环中路32号")

    s.add(
        4 * M,
        report("fire", "朝阳区东三环中路央视新址北配楼顶部起火，火势向下蔓延，调派多个中队前往扑救"),
        fire,
        id="fire-report",
    )
    s.add(35 * M, report("fire", "北配楼大火持续燃烧，外墙保温层过火，高层外攻困难，增调力量"), fire, id="fire-update")
    s.add(
        40 * M,
        report("road_closed", "东三环中路国贸桥至光华桥段双向封闭，光华路东段封闭", agency="beijing-traffic"),
        fire,
        id="road-closed",
    )
    s.add(
        3 * H + 10 * M,
        casualty("chaoyang-emergency", BJ, "朝阳区东三环中路32号", position=gps(*TVCC), deaths=1, injured=7),
        fire,
        id="casualties",
    )
    s.add(5 * H + 40 * M, report("fire_out", "北配楼明火扑灭，现场留守监护"), fire, id="fire-out")

    voiced_calls(
        s, rng, spread(rng, 70, 0, 70 * M, 8 * M), BJ, NEAR, NEAR_AT, fire, urgency="特急", first_id="near-call"
    )
    for t, cid in marked_first(spread(rng, 110, 2 * M, 2 * H, 20 * M), "far-call"):
        gist, place = rng.choice(FAR)
        s.call(
            t,
            BJ,
            say(rng, gist, BJ),
            place,
            fire,
            category=rng.choice(["咨询", "求助", "举报"]),
            urgency=rng.choice(["紧急", "一般", "特急"]),
            caller=caller(rng),
            id=cid,
        )
    voiced_calls(
        s,
        rng,
        spread(rng, 25, 20 * M, 3 * H, 60 * M),
        BJ,
        ASH,
        ["朝阳区呼家楼", "团结湖", "朝阳区金台里", "西大望路", "朝阳区光华里"],
        fire,
        category="投诉",
        urgency="紧急",
    )
    voiced_calls(
        s,
        rng,
        spread(rng, 20, 15 * M, 2 * H + 30 * M, 50 * M),
        BJ,
        TRAFFIC,
        ["东三环中路", "国贸桥", "光华路", "金台路口", "朝阳区"],
        fire,
        category="投诉",
    )
    voiced_calls(
        s,
        rng,
        spread(rng, 18, 5 * M, 90 * M, 25 * M),
        BJ,
        WORRY,
        ["朝阳区金台里", "呼家楼北社区", "朝阳区光华路", "关东店"],
        fire,
        category="咨询",
        urgency="紧急",
        first_id="worry-call",
    )
    voiced_calls(
        s,
        rng,
        spread(rng, 8, 6 * H, 8 * H, 7 * H),
        BJ,
        AFTER,
        ["光华路", "朝阳区东三环中路", "呼家楼"],
        fire,
        category="咨询",
    )

    # the 通州 balcony fire: calls from the estate and one report
    s.call(
        52 * M,
        BJ,
        "我们楼上阳台让烟花给点着了，在冒黑烟，通州新华大街这儿",
        "通州区新华大街",
        balcony,
        urgency="特急",
        caller=caller(rng),
        id="balcony-call",
    )
    s.call(
        54 * M,
        BJ,
        taker(rng, "其所在小区一住户阳台被烟花引燃，有明火"),
        "通州区中仓街道",
        balcony,
        urgency="特急",
        caller=caller(rng),
    )
    s.call(
        57 * M,
        BJ,
        "通州这边也有楼着火了，不是央视那个，是我们小区6号楼阳台",
        "通州区新华大街",
        balcony,
        urgency="特急",
        caller=caller(rng),
    )
    s.add(
        60 * M,
        incident(
            "beijing-fire",
            BJ,
            "fire",
            "通州区中仓街道一居民楼阳台被烟花引燃，已扑灭，无人员伤亡",
            position=gps(*TONGZHOU),
            address="通州区中仓街道",
        ),
        balcony,
        id="balcony-report",
    )
    # the 方庄 rubbish fire
    s.call(
        75 * M,
        BJ,
        "方庄芳群园楼下垃圾堆让炮仗点着了，烟挺大",
        "方庄芳群园",
        rubbish,
        urgency="紧急",
        caller=caller(rng),
        id="rubbish-call",
    )
    s.call(
        79 * M,
        BJ,
        say(rng, "楼下垃圾桶着火了，有人放花掉进去的", BJ),
        "丰台区方庄",
        rubbish,
        urgency="紧急",
        caller=caller(rng),
    )
    s.add(
        85 * M,
        incident(
            "beijing-fire",
            BJ,
            "fire",
            "丰台区方庄地区垃圾堆起火，已处置",
            position=gps(*FANGZHUANG),
            address="丰台区方庄",
        ),
        rubbish,
        id="rubbish-report",
    )

    everyday_calls(
        s,
        rng,
        spread(rng, len(EVERYDAY) * 2, -30 * M, 4 * H, 60 * M),
        [(text, place, BJ) for text, place in EVERYDAY],
        "an everyday matter unrelated to the fire",
        ["投诉", "咨询", "举报"],
    )
    return s


if __name__ == "__main__":
    publish(build(), NAME, FILES, TRUTH)
