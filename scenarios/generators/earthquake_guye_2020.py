# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""An earthquake under 唐山 古冶, modelled on the M5.1 of 2020-07-12 06:38 and scaled up to damage: collapses in
six towns, cracks and minor injuries around the epicentre, and many "felt it" calls from Beijing and Tianjin.
"""

from __future__ import annotations

import random

from scenarios.generators.callers import caller, formal, marked_first, pick, spread, typo
from scenarios.generators.payloads import gps, incident, reading
from scenarios.generators.timeline import BJ, HE, TJ, H, M, Scenario, publish

NAME = "earthquake_guye_2020"
SID = "earthquake-guye-2020"
EV = "guye-earthquake"
EPI = (118.44, 39.78)

# (site id, note, addresses callers use, raw wordings, formal gists, n calls, agency report, casualty)
COLLAPSES = [
    (
        "linxi-old-block",
        "古冶区 林西街道: a 1970s four-storey brick block of the old mine partly collapsed; people trapped; a gas line broken during the rescue",
        ["古冶区林西街道", "唐山古冶林西 老矿宿舍楼", "林西街道 老楼", "古冶林西", "唐山市古冶区林西街道 矿上老宿舍"],
        [
            "林西这边一栋老楼塌了半边，里面有人，快来救人",
            "老宿舍楼塌了，三楼那家还在里头，能听见喊",
            "楼塌了，我妈在下面压着呢，救命",
            "林西矿老楼塌了，好几户没出来",
            "塌的那栋楼楼梯没了，上面还有人在窗户那喊",
        ],
        ["林西街道一栋老旧砖混楼房局部倒塌，有人员被埋压", "其家人被困于倒塌楼房内"],
        22,
    ),
    (
        "beijiadian-farmhouse",
        "古冶区 卑家店镇 卑家店村: an old farmhouse collapsed on an elderly couple",
        ["古冶区卑家店镇卑家店村", "卑家店村", "卑家店镇", "古冶 卑家店"],
        [
            "卑家店村老房子塌了，老两口埋里头了",
            "俺们村东头那家老房子全塌了，老人没出来",
            "房子塌了，没闻到燃气味，也没着火，就是人压着",
        ],
        ["卑家店村一处老旧民房倒塌，两名老人被埋压"],
        12,
    ),
    (
        "wangnianzhuang-house",
        "古冶区 王辇庄乡 王辇庄村: a house and its barn collapsed; one dead",
        ["古冶区王辇庄乡王辇庄村", "王辇庄", "王辇庄乡", "古冶区王辇庄"],
        ["王辇庄村有房子塌了，人压在里面", "我们村一家的正房和牛棚都塌了，人没动静了"],
        ["王辇庄村一处民房及牲畜棚倒塌，有人员被埋"],
        9,
    ),
    (
        "dazhuangtuo-house",
        "古冶区 大庄坨乡 大庄坨村: an old house collapsed; three injured",
        ["古冶区大庄坨乡大庄坨村", "大庄坨村", "大庄坨乡", "古冶 大庄坨"],
        ["大庄坨村老房子塌了，三个人受伤了，有一个腿压着了", "房子塌了一间，人刨出来了，流了好多血"],
        ["大庄坨村一处老旧民房倒塌，三人受伤"],
        9,
    ),
    (
        "xijiatao-shed",
        "古冶区 习家套乡 习家套村: a brick shed and a courtyard wall collapsed; a man hurt",
        ["古冶区习家套乡习家套村", "习家套", "习家套乡", "古冶区 习家套村"],
        ["习家套村院墙和棚子塌了，砸着人了", "棚子塌了把我爸腿砸了，出不来"],
        ["习家套村一处砖砌棚房及院墙倒塌，一人被砸伤"],
        7,
    ),
    (
        "zhenzi-diyizhen-house",
        "滦州市 榛子镇 第一镇村: a house collapsed; one person trapped",
        ["滦州市榛子镇第一镇村", "榛子镇第一镇", "滦县榛子镇", "滦州 榛子镇 第一镇村"],
        ["榛子镇第一镇村有房子塌了，里面有人", "俺家后院那家房子塌了，老太太在里头"],
        ["榛子镇第一镇村一处民房倒塌，一人被困"],
        8,
    ),
]
# Townships around the epicentre with cracked houses and fallen plaster (aggregates: one site per township)
CRACK_UNITS = [
    ("fangezhuang", "古冶区范各庄镇", ["古冶区范各庄镇", "范各庄", "古冶范各庄镇"]),
    ("zhaogezhuang", "古冶区赵各庄街道", ["古冶区赵各庄街道", "赵各庄", "古冶 赵各庄"]),
    ("tangjiazhuang", "古冶区唐家庄街道", ["古冶区唐家庄街道", "唐家庄", "唐山古冶唐家庄"]),
    ("jinghua", "古冶区京华街道", ["古冶区京华街道", "京华街道", "古冶京华"]),
    ("guyejiedao", "古冶区古冶街道", ["古冶区古冶街道", "古冶街道", "古冶老城"]),
    ("beijiadian", "古冶区卑家店镇", ["古冶区卑家店镇", "卑家店镇", "卑家店"]),
    ("wangnianzhuang", "古冶区王辇庄乡", ["古冶区王辇庄乡", "王辇庄乡"]),
    ("gumazhen", "滦州市古马镇", ["滦州市古马镇", "滦县古马镇", "古马镇"]),
    ("jiubaihu", "滦州市九百户镇", ["滦州市九百户镇", "九百户镇大井峪村", "滦州九百户"]),
    ("kaiping", "开平区", ["唐山市开平区", "开平区", "唐山开平"]),
]
CRACK_RAW = [
    "地震把墙震裂了，好几道大缝，还敢住吗",
    "房子裂了，顶棚的灰掉了一地",
    "屋里墙上裂了一道缝，从窗户角一直到房顶",
    "厨房的瓷砖都震掉了，墙也裂了",
    "院墙裂了，往外歪了，怕倒",
    "楼道墙上裂缝了，邻居都不敢回家",
    "俺家房山墙裂了个大口子",
]
CRACK_FORMAL = [
    "地震后其家中墙体出现多处裂缝，顶棚抹灰脱落，请求鉴定房屋安全",
    "其所住楼房地震后出现裂缝，居民不敢回家，请求派人查看",
    "其家院墙震裂倾斜，存在倒塌隐患",
]
INJURY_RAW = [
    "往外跑的时候从楼梯上摔下来了，腿疼走不了",
    "地震时灯掉下来砸头上了，出血了",
    "我妈往外跑摔了一跤，起不来了",
    "玻璃震碎了划了手",
]
FELT_BJ = [
    "刚才是不是地震了？床晃了好几下",
    "被晃醒了，吊灯一直晃，是地震吗",
    "北京这边也有震感，哪儿地震了",
    "家里没事，就是晃了一下，问问震中在哪",
    "是不是地震了，楼里人都跑下来了",
    "晃得挺厉害的，家里东西没掉，就是吓一跳",
    "还会不会有大的？要不要去空地待着",
]
FELT_TJ = [
    "刚才介是嘛？床都晃了，地震了吗",
    "天津这边晃得挺明显，有没有事啊",
    "被震醒了，吊灯晃悠半天，震中在哪",
    "家里没事，就是晃，问问还会不会再震",
    "楼里好多人跑下来了，是不是唐山那边又地震了",
    "没事儿，就是吓一跳，问问是不是地震",
]
FELT_TS = [
    "刚才地震了，挺晃的，家里都没事",
    "晃醒了，东西没掉，就是问问多大",
    "怕再来一次76年那样的，要不要出去待着",
    "家里没裂也没掉东西，就是晃得厉害",
    "还有余震吗，孩子吓得不敢进屋",
]
BJ_PLACES = [
    "北京市平谷区",
    "平谷区东高村镇",
    "平谷",
    "通州区",
    "北京市通州区梨园镇",
    "朝阳区望京",
    "朝阳区",
    "海淀区",
    "顺义区",
    "东城区",
    "丰台区方庄",
    "大兴区",
    "北京市昌平区回龙观",
    "怀柔区",
    "密云区",
    "北京",
]
TJ_PLACES = [
    "天津市宁河区",
    "宁河区芦台镇",
    "宁河",
    "宝坻区",
    "天津市宝坻区",
    "河西区",
    "南开区",
    "河东区",
    "滨海新区塘沽",
    "蓟州区",
    "东丽区",
    "北辰区",
    "红桥区",
    "天津",
]
TS_PLACES = ["唐山市路南区", "路北区", "唐山市区", "丰南区", "丰润区", "迁安", "唐山", "滦南县", "玉田县", "唐山高新区"]


def build() -> Scenario:
    rng = random.Random(712)
    s = Scenario(
        SID,
        "唐山古冶地震（以2020年7月12日5.1级地震为原型，放大至有破坏） / An earthquake at 古冶, 唐山 (the M5.1 of 2020, scaled up to damage)",
        "2020-07-12T06:38:25+08:00",
        "Modelled on the M5.1 earthquake under 唐山 古冶 at 06:38 on 12 July 2020 (10 km deep, felt in Beijing, "
        "Tianjin, 承德 and 秦皇岛), which in reality caused no casualties and only cracks in a few old houses. Scaled "
        "up here, as a drill, to a quake that brings down old houses and an old mine block in six towns around "
        "the epicentre, with the real felt area and the real aftershocks.",
        "Decided from the story as designed. One event, the earthquake, with sites: each collapsed building (its "
        "calls, the fire brigade's and the town's reports, its casualties; at 林西 also the gas leak during the "
        "rescue and the manhole sensor next to it); cracked houses and fallen plaster are aggregates, one site per "
        "township; minor injuries at home are aggregates too, one site per township. The earthquake reports, the "
        "aftershocks, the railway's holding of trains, the brigades' first dispatch to the epicentre and every call "
        "that only felt the shaking (Beijing, Tianjin, 唐山 city) are `felt`.",
    )
    s.sources = [
        "中国地震台网: M5.1 at 06:38 on 2020-07-12, 39.78°N 118.44°E, 10 km deep; M2.2 at 07:02 and M2.0 at 07:26",
        "河北省应急管理厅 via 新华社 (13 July): no casualties, slight cracks in a few old houses; the response lowered from level III to IV",
        "@唐山消防 and @北京铁路 (12 July): 古冶区大队, 京华道 and 林西道 stations sent to the epicentre, heavy and light earthquake teams gathered; trains through the area held for checks",
        "北京市地震局: the highest instrumental intensity in Beijing was III at 平谷 东高村 (119 km); 河北省地震局: 33 aftershocks by 10:00",
        "滦州 榛子镇 第一镇村: position from a public place-name page (39°49′45″N, 118°20′03″E)",
    ]
    s.real = [
        "time, place, depth and magnitude of the main shock; the two aftershocks and their times; the felt area (Beijing, Tianjin, 唐山, 承德, 秦皇岛), people woken and running downstairs",
        "the brigades sent to the epicentre and the trains held; Hebei's response at level III",
        "the towns and villages named (古冶's streets and townships, 滦州 榛子镇 and 古马镇, 九百户镇 大井峪村)",
    ]
    s.synthetic = [
        "all damage: the collapses at 林西, 卑家店, 王辇庄, 大庄坨, 习家套 and 榛子镇 第一镇村, the cracks, the injuries, the casualties (the real quake had none)",
        "the gas leak at 林西 during the rescue and the manhole gas sensor there (its position is approximate)",
        "every call, caller and wording; the minutes of the agencies' reports",
        "the responder fleet (seeded synthetic)",
    ]
    s.event(
        EV,
        "the 古冶 earthquake and its aftershocks: collapses in six towns, cracks and injuries around the epicentre, shaking felt across Beijing and Tianjin",
        multi=True,
    )
    felt = s.felt(EV)

    s.add(
        2 * M,
        incident(
            "hebei-earthquake",
            HE,
            "earthquake",
            "中国地震台网正式测定：07月12日06时38分在河北唐山市古冶区（北纬39.78度，东经118.44度）发生5.1级地震，震源深度10千米",
            position=gps(*EPI),
            address="唐山市古冶区",
        ),
        felt,
        id="quake-report",
        note="real",
    )
    s.add(
        4 * M,
        incident(
            "tangshan-fire",
            HE,
            "earthquake",
            "调派古冶区大队和京华道消防救援站、林西道消防救援站立即赶赴震中，支队重型、轻型地震救援队集结",
            position=gps(*EPI),
            address="唐山市古冶区",
        ),
        felt,
        id="fire-dispatch-epicentre",
        note="real",
    )
    s.add(
        6 * M,
        incident(
            "beijing-railway",
            BJ,
            "trains_held",
            "唐山古冶5.1级地震，扣停途经该地区旅客列车，组织对铁路设备设施全面检查",
            address="唐山地区铁路",
        ),
        felt,
        id="trains-held",
        note="real",
    )
    s.add(
        25 * M,
        {
            "type": "agency.response_level",
            "agency": "hebei-earthquake-relief",
            "province": HE,
            "action": "raise",
            "level": "III",
            "hazard": "earthquake",
            "scope_adcodes": ["130204", "130284"],
            "reason": "唐山市古冶区5.1级地震，启动地震应急三级响应",
        },
        None,
        id="hebei-level-three",
        note="level III (real); the minute is synthetic",
    )
    s.add(
        24 * M,
        incident(
            "hebei-earthquake",
            HE,
            "earthquake",
            "07月12日07时02分在河北唐山市古冶区（北纬39.76度，东经118.44度）发生2.2级地震，震源深度15千米",
            position=gps(118.44, 39.76),
            address="唐山市古冶区",
        ),
        felt,
        id="aftershock-1",
        note="real",
    )
    s.add(
        48 * M,
        incident(
            "hebei-earthquake",
            HE,
            "earthquake",
            "07月12日07时26分在河北唐山市古冶区（北纬39.78度，东经118.46度）发生2.0级地震，震源深度12千米",
            position=gps(118.46, 39.78),
            address="唐山市古冶区",
        ),
        felt,
        id="aftershock-2",
        note="real",
    )
    s.add(
        3 * H + 22 * M,
        incident(
            "hebei-earthquake", HE, "earthquake", "截至12日10时00分，共发生余震33个，最大2.2级", address="唐山市古冶区"
        ),
        felt,
        id="aftershock-count",
        note="real",
    )

    # --- the collapse sites -----------------------------------------------------------------------------------
    sites = {}
    for sid, note, addresses, raw, gists, n in COLLAPSES:
        site = s.site(EV, sid, note)
        sites[sid] = site
        for t, cid in marked_first(spread(rng, n, 60, 2 * H, 12 * M), f"{sid}-first-call"):
            text = formal(rng, rng.choice(gists), "请紧急派人救援。") if rng.random() < 0.35 else rng.choice(raw)
            if rng.random() < 0.07:
                text = typo(rng, text)
            s.call(
                t,
                HE,
                text,
                rng.choice(addresses),
                site,
                urgency="特急",
                caller=caller(rng, 0.05),
                id=cid,
            )
    linxi = sites["linxi-old-block"]
    # the agencies' collapse reports: (at, agency, site, what, address, people, id)
    for at, agency, sid, text, address, people, rid in (
        (
            14 * M,
            "tangshan-fire",
            "linxi-old-block",
            "古冶区林西街道一栋四层老旧砖混住宅楼（原矿区宿舍）东单元局部倒塌，初步了解6人被困，林西道站已到场，重型地震救援队增援",
            "唐山市古冶区林西街道",
            6,
            "linxi-collapse-report",
        ),
        (
            40 * M,
            "tangshan-fire",
            "beijiadian-farmhouse",
            "卑家店村民房倒塌，两名老人被埋压，京华道站到场救援",
            "古冶区卑家店镇卑家店村",
            2,
            "beijiadian-report",
        ),
        (
            52 * M,
            "guye-government",
            "wangnianzhuang-house",
            "王辇庄乡王辇庄村一处民房和牲畜棚倒塌，一人被埋",
            "古冶区王辇庄乡王辇庄村",
            1,
            "wangnianzhuang-report",
        ),
        (
            58 * M,
            "guye-government",
            "dazhuangtuo-house",
            "大庄坨乡大庄坨村一处老旧民房倒塌，三人受伤已送医",
            "古冶区大庄坨乡大庄坨村",
            3,
            "dazhuangtuo-report",
        ),
        (
            65 * M,
            "guye-government",
            "xijiatao-shed",
            "习家套乡习家套村一处砖砌棚房及院墙倒塌，一人被砸伤",
            "古冶区习家套乡习家套村",
            1,
            "xijiatao-report",
        ),
    ):
        s.add(
            at,
            incident(agency, HE, "building_collapse", text, address=address, people_affected=people),
            sites[sid],
            id=rid,
            note="synthetic",
        )
    s.add(
        47 * M,
        incident(
            "luanzhou-fire",
            HE,
            "building_collapse",
            "榛子镇第一镇村一处民房倒塌，一人被困，正在救援",
            address="滦州市榛子镇第一镇村",
            position=gps(118.3342, 39.8292),
            people_affected=1,
        ),
        sites["zhenzi-diyizhen-house"],
        id="zhenzi-report",
        note="synthetic; the village's position is real",
    )

    # the gas leak during the rescue at 林西
    s.add(
        80 * M,
        reading("LL-130204-GAS-000126", "gas_lel", 0, "%LEL", gps(118.455, 39.735), 120),
        linxi,
        id="linxi-gas-sensor",
        note="manhole gas sensor beside the collapsed block (synthetic; position approximate)",
        repeat={
            "every": "2m",
            "until": "+3h",
            "values": [1, 1, 2, 4, 7, 11, 16, 22, 27, 31, 33, 30, 24, 17, 11, 7, 4, 3, 2, 2, 1],
        },
    )
    s.call(
        95 * M,
        HE,
        "林西塌楼那儿救人呢，旁边闻到好大的燃气味，救援的人还在里面，别出事啊",
        "古冶区林西街道 塌楼现场",
        linxi,
        urgency="特急",
        caller=caller(rng, 0),
        id="linxi-gas-call",
        note="a gas smell at the collapse while the rescue goes on (synthetic)",
    )
    s.call(
        99 * M,
        HE,
        formal(rng, "林西街道倒塌楼房救援现场附近有明显燃气味，疑似燃气管道被砸断", "请燃气部门紧急处置。"),
        "唐山市古冶区林西街道",
        linxi,
        urgency="特急",
        caller=caller(rng, 0),
    )
    s.add(
        1 * H + 50 * M,
        incident(
            "tangshan-gas",
            HE,
            "gas_isolated",
            "林西街道倒塌楼房处燃气庭院管被砸断泄漏，已关闭上游阀门，现场持续检测",
            address="唐山市古冶区林西街道",
        ),
        linxi,
        id="linxi-gas-isolated",
        note="synthetic",
    )
    for at, sid, deaths, injured, missing, cid in [
        (3 * H, "linxi-old-block", 1, 4, 1, "linxi-casualty-1"),
        (9 * H, "linxi-old-block", 2, 4, 0, "linxi-casualty-2"),
        (2 * H + 30 * M, "beijiadian-farmhouse", 0, 2, 0, "beijiadian-casualty"),
        (2 * H + 10 * M, "wangnianzhuang-house", 1, 0, 0, "wangnianzhuang-casualty"),
        (1 * H + 30 * M, "dazhuangtuo-house", 0, 3, 0, "dazhuangtuo-casualty"),
        (1 * H + 40 * M, "xijiatao-shed", 0, 1, 0, "xijiatao-casualty"),
        (2 * H, "zhenzi-diyizhen-house", 0, 1, 0, "zhenzi-casualty"),
    ]:
        payload = {
            "type": "agency.casualty",
            "agency": "tangshan-emergency",
            "province": HE,
            "address": next(c[2][0] for c in COLLAPSES if c[0] == sid),
            "deaths": deaths,
            "injured": injured,
        }
        if missing:
            payload["missing"] = missing
        if sid == "zhenzi-diyizhen-house":
            payload["position"] = gps(118.3342, 39.8292)
        s.add(at, payload, sites[sid], id=cid, note="synthetic (the real quake had no casualties)")
    s.add(
        9 * H + 10 * M,
        incident(
            "tangshan-fire",
            HE,
            "rescue_ended",
            "林西街道倒塌楼房被困人员全部救出，搜救结束",
            address="唐山市古冶区林西街道",
        ),
        linxi,
        id="linxi-rescue-ended",
        note="synthetic",
    )

    # --- cracks and minor injuries around the epicentre (aggregates per township) -----------------------------
    for t in spread(rng, 130, 3 * M, 10 * H, 50 * M):
        slug, unit, addresses = rng.choice(CRACK_UNITS)
        site = s.site(EV, f"cracks-{slug}", f"cracked houses, fallen plaster and leaning walls in {unit}")
        text = formal(rng, rng.choice(CRACK_FORMAL)) if rng.random() < 0.45 else rng.choice(CRACK_RAW)
        if rng.random() < 0.06:
            text = typo(rng, text)
        s.call(
            t, HE, text, rng.choice(addresses), site, urgency=pick(rng, [("一般", 3), ("紧急", 2)]), caller=caller(rng)
        )
    for t in spread(rng, 24, 2 * M, 3 * H, 20 * M):
        slug, unit, addresses = rng.choice(CRACK_UNITS[:7])
        site = s.site(
            EV, f"injuries-{slug}", f"people hurt at home by the shaking (falls, falling lamps, glass) in {unit}"
        )
        s.call(t, HE, rng.choice(INJURY_RAW), rng.choice(addresses), site, urgency="紧急", caller=caller(rng))

    # --- felt: Beijing and Tianjin 100-150 km away, 唐山 city ------------------------------------------------
    def felt_calls(hotline, n, raw, places, start, end, peak):
        for t in spread(rng, n, start, end, peak):
            text = rng.choice(raw)
            if rng.random() < 0.25:
                text = formal(rng, text, rng.choice(["来电人咨询。", "请相关部门知悉。", "已告知关注官方发布。"]))
            if rng.random() < 0.04:
                text = typo(rng, text)
            s.call(t, hotline, text, rng.choice(places), felt, category="咨询", urgency="一般", caller=caller(rng))

    felt_calls(BJ, 120, FELT_BJ, BJ_PLACES, 20, 90 * M, 4 * M)
    felt_calls(TJ, 110, FELT_TJ, TJ_PLACES, 20, 90 * M, 4 * M)
    felt_calls(HE, 80, FELT_TS, TS_PLACES, 15, 2 * H, 5 * M)
    felt_calls(BJ, 12, ["又晃了一下，是余震吗", "刚才又晃了，是不是还有地震"], BJ_PLACES[:6], 24 * M, 30 * M, 25 * M)
    felt_calls(
        TJ, 14, ["又晃了，余震吗？要不要下楼", "刚才又有一下，是唐山那边吗"], TJ_PLACES[:6], 24 * M, 30 * M, 25 * M
    )

    s.end = "+12h"
    s.expect = [
        {
            "by": "+40m",
            "note": "search-and-rescue teams go to the collapses (at least three units)",
            "dispatched": {"capability": "search_rescue", "count": 3},
        },
        {
            "note": "林西: the collapse calls, the fire brigade's report, the gas smell during the rescue and the manhole sensor are one incident",
            "same_incident": [
                "linxi-old-block-first-call",
                "linxi-collapse-report",
                "linxi-gas-call",
                "linxi-gas-sensor",
                "linxi-gas-isolated",
            ],
        },
        {
            "by": "+2h",
            "note": "gas crews go to the leak at the collapse within 25 minutes of the gas-smell call",
            "dispatched": {"capability": "gas_isolation"},
        },
        {
            "note": "at most one collapse incident per collapsed building in 古冶 (five there)",
            "incidents": {"type": "building_collapse", "region": "古冶区", "at_most": 5},
        },
        {
            "note": "the shaking felt in Beijing opens no collapse incident there",
            "incidents": {"type": "building_collapse", "region": "北京", "at_most": 0},
        },
        {
            "note": "the shaking felt in Tianjin opens no collapse incident there",
            "incidents": {"type": "building_collapse", "region": "天津", "at_most": 0},
        },
    ]
    return s


if __name__ == "__main__":
    publish(build(), NAME)
