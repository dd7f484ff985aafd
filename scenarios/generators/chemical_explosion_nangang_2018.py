# ruff: noqa: E501 (long lines are the wording of calls and reports, kept whole so they can be read and grepped)
"""A vinyl-chloride leak that ignites among trucks queued at a plant gate, relocated from 张家口 (2018-11-28)
to Tianjin's 南港工业区 on the Hebei border, with far-field effects after the 2015 Tianjin port explosions.
"""

from __future__ import annotations

import random

from scenarios.generators.callers import caller, formal, pick, spread, typo
from scenarios.generators.payloads import gps, incident, reading
from scenarios.generators.timeline import HE, TJ, H, M, Scenario, publish

NAME = "chemical_explosion_nangang_2018"
SID = "chemical-explosion-nangang-2018"
EV = "nangang-vcm-explosion"
PLANT = (117.550, 38.760)  # approximate: the park's chemical zone
GATE = (117.546, 38.764)
ROAD = (117.542, 38.761)

SCENE_RAW = [
    "南港工业区化工厂门口爆炸了，排队的大车全着了，快来人",
    "我在厂门口排队卸货，前面车一下全着火了，有人没跑出来",
    "车着了，司机还在车里，火太大了靠不过去",
    "我身上烧着了，跑出来了，胳膊脸都烫伤了",
    "厂门口那条路上全是火，油罐车也着了，还在炸",
    "刚才闻到一股甜味，接着就炸了，路两边的车都烧起来了",
    "我们一起拉货的老乡找不着了，他车停在最前面",
]
SCENE_FORMAL = [
    "南港工业区一化工企业门口道路发生爆燃，等候卸货的大货车起火，有司机被困",
    "其在南港工业区化工厂外排队等候时前方发生爆炸，多辆车辆燃烧，有人员烧伤",
    "南港工业区企业门前道路起火爆炸，现场有伤员",
]
INJURED_WALKIN = [
    "我哥在南港厂门口等卸货，烧伤了，自己打车到大港医院了，医院人太多了",
    "我从南港那边跑出来的，手和脸烫伤了，现在在大港油田总医院门口，没人管",
    "大港医院急诊来了好多烧伤的司机，都是南港爆炸那儿的",
    "我老公是跑车的，在南港被烧伤了，说在医院，问问送哪个医院了",
]
GLASS_RAW = [
    "一声巨响我家窗户玻璃全碎了，孩子脸上划了口子",
    "爆炸把我们楼的玻璃震碎了，好几家都碎了，有老人被划伤",
    "窗户框都震歪了，玻璃碴子满地，这是哪炸了",
    "楼道的窗户全碎了，门也震开了",
    "我们小区好多家玻璃碎了，楼下车的玻璃也碎了",
]
GLASS_FORMAL = [
    "其家中窗户玻璃被爆炸冲击波震碎，家人被玻璃划伤",
    "其所在小区多户门窗玻璃被震碎，有居民受轻伤",
    "其居住楼栋多处窗户玻璃破损，楼道门被震坏",
]
SMELL_TJ = [
    "外面一股刺鼻的味，像烧塑料的，嗓子疼",
    "闻到很大的化学品味道，眼睛辣，要不要关窗",
    "味太冲了，孩子一直咳嗽，是不是有毒",
    "一股怪味顺着风过来了，像是烧胶皮，又有点甜",
    "介嘛味儿啊，呛得喘不上气",
    "我们这边烟味很大，头晕恶心",
]
SMELL_TJ_FORMAL = [
    "其所在区域空气中有刺鼻异味，家人出现咳嗽、眼睛不适",
    "其居住地闻到强烈化学品气味，询问是否有毒、是否需要撤离",
    "其附近空气有烧焦及刺激性气味，担心对身体有害",
]
SMELL_HE = [
    "天津南港那边爆炸了，我们黄骅这边都闻到味了，呛人",
    "北边天津那边着火了，风往我们这刮，一股化学品的味，有没有毒",
    "俺们村里一股子怪味，嗓子疼，是不是天津那边化工厂的",
    "味儿太大了，老人喘不上气，要不要往南边躲",
    "闻到烧塑料的味，眼睛辣，天津那边出嘛事了",
]
SMELL_HE_FORMAL = [
    "其所在村庄闻到强烈刺激性气味，怀疑与天津南港工业区爆炸有关，询问是否有毒",
    "其居住地空气中有化学品异味，家人咳嗽，询问是否需要转移",
]
FELT_RAW = [
    "东南边一声巨响，火光冲天，是哪爆炸了",
    "刚才一声炸雷似的，天都红了，什么情况",
    "听见爆炸声了，我们这没事，问问是哪",
    "我滴妈呀，吓死我了，炸得床都颤，家里没事",
    "看见南港那边着大火了，离得远，就问问",
    "没闻到味，就是听见响，窗户也没事",
    "我们这儿没味儿，也没碎玻璃，就是被响声吓醒了",
]
FEAR_RAW = [
    "担心还会爆炸，我们离得不远，要不要跑",
    "听说是氯气泄漏，要不要撤离啊",
    "化工厂那么多罐子，会不会连着炸，我们住得近",
    "会不会像那年天津港那样，我们害怕",
    "家里燃气灶没事吧，要不要关总阀，我们这没闻到燃气味",
]
TRAFFIC_RAW = [
    "海滨大道封了，堵在这一个多小时了，什么时候能走",
    "我在海滨大道上，前面警察不让过，说南港爆炸了，车上有冷链货",
    "海滨大道往南走不了了，绕哪条路去黄骅",
]

TJ_SMELL_PLACES = [
    "滨海新区大港太平镇",
    "大港太平镇崔庄村",
    "大港小王庄镇",
    "滨海新区小王庄",
    "大港海滨街道",
    "大港油田",
    "大港港东新城",
    "滨海新区大港街道",
    "大港 太平镇",
    "大港中塘镇",
    "南港工业区宿舍",
]
HE_SMELL_PLACES = [
    "黄骅市南排河镇",
    "河北省沧州市黄骅市南排河镇歧口村",
    "黄骅南排河镇赵家堡",
    "黄骅市羊二庄回族镇",
    "沧州黄骅羊二庄",
    "黄骅",
    "沧州渤海新区南排河",
    "渤海新区中捷产业园区",
    "沧州中捷",
    "黄骅市新村回族乡",
]
GLASS_PLACES = [
    "滨海新区大港海滨街道",
    "大港油田海滨街道",
    "大港油田 海滨街",
    "大港 海滨街道 远景",
    "滨海新区海滨街道",
]
FELT_TJ_PLACES = [
    "滨海新区大港",
    "大港",
    "大港胜利街",
    "大港迎宾街道",
    "滨海新区塘沽",
    "塘沽",
    "大港古林街道",
    "滨海新区",
    "天津滨海新区",
    "大港 港西街道",
]
FELT_HE_PLACES = ["黄骅市", "黄骅", "沧州黄骅市区", "黄骅市骅中街道", "渤海新区", "黄骅港"]
SCENE_PLACES = [
    "滨海新区南港工业区",
    "南港工业区化工厂门口",
    "南港工业区 厂区外道路",
    "天津南港工业区",
    "南港",
    "滨海新区南港工业区 海滨大道东侧",
]


def build() -> Scenario:
    rng = random.Random(1128)
    s = Scenario(
        SID,
        "南港工业区氯乙烯泄漏爆燃（张家口“11·28”事故移植） / Vinyl-chloride leak and explosion at 南港, Tianjin (the 2018 Zhangjiakou accident relocated)",
        "2018-11-28T00:40:55+08:00",
        "The 张家口 11·28 accident moved to Tianjin's 南港工业区 on the Hebei border, as a drill: a vinyl-chloride gas "
        "holder leaks, the vapour drifts onto the road where trucks queue at night for the gate, and ignites at "
        "00:40:55; the trucks burn. What is moved: the place (from 张家口 望山循环经济示范园区 to 南港工业区), the "
        "wind (a north-easterly carrying the smoke over 大港 and into 黄骅), and the reach of the blast (windows "
        "broken several km away, as in the 2015 Tianjin port explosions, which the real 张家口 accident did not do).",
        "Decided from the story as designed. One event with sites: the plant gate and the road (the leak, the "
        "sensors, the burning trucks, the trapped and burned drivers, the injured who walked into hospitals, the "
        "casualty figures); windows broken in 大港 海滨街道; the smoke plume downwind over 大港 and 黄骅 (one hazard "
        "area across the border, the smell calls from both sides). Calls that only heard or saw the blast, fear a "
        "second one, deny damage, or ask about the closed road are `felt`.",
    )
    s.sources = [
        "河北省应急管理厅, 河北张家口中国化工集团盛华化工公司“11·28”重大爆燃事故调查报告 (2019-02): leak from the vinyl-chloride gas holder, ignition outside the plant at 00:40:55, 24 dead, 21 injured, 38 trucks and 12 small vehicles destroyed",
        "新华社 and 张家口市政府 on 2018-11-28: 22 dead and 22 injured in the first reports, 23 by the evening; fire basically out by 02:48; injured treated in 张家口 and Beijing",
        "新华社 and 新京报 on the 2015-08-12 Tianjin port explosions (23:34; windows broken and people injured kilometres away, hospitals full of people cut by glass)",
        "南港工业区 is Tianjin's chemical park in 滨海新区, next to Hebei's 黄骅 (沧州); hazmat_nangang_leak.yaml uses the same approximate site",
    ]
    s.real = [
        "the sequence and figures of 张家口 11·28: a vinyl-chloride leak from a gas holder, the vapour reaching the road outside the plant, ignition at 00:40:55 among trucks queued overnight for the gate; 38 trucks and 12 small vehicles burned; 22 dead and 22 injured by morning, 23 dead by the evening (24 dead, 21 injured in the final report); fire basically out about two hours later",
        "far-field effects as in the 2015 Tianjin port explosions: windows broken kilometres away, injured people walking into hospitals, smell reported far downwind",
        "geography: 南港工业区 (滨海新区, Tianjin) with 大港's towns to the west and 黄骅 (Hebei) to the south; 海滨大道 runs past the park; 大港医院 and 大港油田总医院 are the nearest hospitals",
    ]
    s.synthetic = [
        "the relocation itself: the plant in 南港 and its gate are invented (no real company is meant); the minute scale is the real one",
        "the north-easterly wind, the plume's reach into 黄骅, and the windows broken in 大港 海滨街道 (scaled up from what 张家口 saw)",
        "the fence-line gas sensors and their readings, the gate sensor destroyed in the blast, the park's leak report, every call, caller and wording, the road closure and the environmental monitoring reports",
        "the weather agency's wind report (大港 station, a north-easterly at 3.2 m/s, 30 minutes before ignition)",
        "the casualty reports' minutes and the hospitals they come from; the count of burns in them (14 of the first 17 injured, as the health agency's description says; 19 of 22 later, a split of our own: the real reports say the injured were treated in 张家口 and Beijing)",
        "the responder fleet (seeded synthetic)",
        "the command centres' answers to the request for hazmat teams (Hebei offers at +5m, Tianjin commits at +7m)",
    ]
    s.event(
        EV,
        "the vinyl-chloride leak and explosion at a 南港 plant gate, with its effects on both sides of the border",
        multi=True,
    )
    felt = s.felt(EV)
    gate = s.site(
        EV,
        "plant-gate-road",
        "the plant gate and the road where the trucks queued: leak, sensors, burning trucks, trapped and burned drivers, casualties",
    )
    glass = s.site(
        EV,
        "haibin-broken-windows",
        "windows broken and people cut by glass in 大港 海滨街道, several km from the plant",
    )
    plume = s.site(
        EV,
        "smoke-plume-dagang-huanghua",
        "the smoke and smell carried south-west over 大港 and across the border into 黄骅: one hazard area, monitoring and shelter advice",
    )

    # --- before ignition -------------------------------------------------------------------------------------
    s.add(
        -30 * M,
        {
            "type": "agency.weather",
            "agency": "binhai-meteorology",
            "province": TJ,
            "station": "大港气象站",
            "position": gps(117.46, 38.84),
            "wind_from_deg": 45,
            "wind_speed_ms": 3.2,
        },
        None,
        id="wind-report",
        note="the weather agency's surface wind at 大港 (synthetic: the north-easterly of the story, carrying the smoke over 大港 and into 黄骅)",
    )
    gate_values = [1, 1, 0, 1, 1, 1, 2, 1, 1, 1, 1, 3, 6, 9, 14, 22, 31, 44, 58, 76, 100]  # -20m .. 0m
    s.add(
        -20 * M,
        reading("LL-120116-GAS-000811", "gas_lel", 0, "%LEL", gps(*GATE), 60),
        gate,
        id="gate-gas-sensor",
        note="fence-line sensor at the gate, every minute (synthetic); destroyed in the blast (silent from +1m)",
        repeat={"every": "1m", "until": "+3m", "values": gate_values},
    )
    road_values = [
        0,
        0,
        1,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        1,
        2,
        4,
        7,
        12,
        19,
        28,
        40,
        55,
        88,
        100,
        100,
        100,
        80,
        62,
        45,
        30,
        20,
        14,
        10,
        8,
        6,
        5,
        4,
        4,
        3,
        3,
        3,
        2,
        2,
        2,
        2,
        2,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
    ]
    s.add(
        -20 * M,
        reading("LL-120116-GAS-000812", "gas_lel", 0, "%LEL", gps(*ROAD), 60),
        gate,
        id="road-gas-sensor",
        note="fence-line sensor on the road 500 m downwind of the gate (synthetic)",
        repeat={"every": "1m", "until": "+30m", "values": road_values},
    )
    s.silence(
        60,
        ["LL-120116-GAS-000811"],
        gate,
        "the gate sensor is destroyed in the blast (synthetic)",
        id="gate-sensor-destroyed",
    )
    s.call(
        -6 * M,
        TJ,
        "我在南港工业区化工厂门口排队等卸货，闻到一股怪甜的味，头有点晕，厂里是不是漏东西了",
        "滨海新区南港工业区化工厂门口",
        gate,
        urgency="紧急",
        caller=caller(rng, 0),
        id="driver-smell-call",
        note="a queued driver smells the leak (synthetic)",
    )
    s.add(
        -3 * M,
        incident(
            "nangang-park-safety",
            TJ,
            "chemical_leak",
            "南港工业区某氯碱企业氯乙烯气柜发生泄漏，DCS报警，企业正在紧急处置，厂门外道路有大量等候卸货车辆",
            position=gps(*PLANT),
            address="滨海新区南港工业区",
        ),
        gate,
        id="leak-report",
        note="the park relays the plant's alarm (synthetic; in 张家口 the company did not report in time)",
    )

    # --- ignition --------------------------------------------------------------------------------------------
    s.call(
        20,
        TJ,
        "南港工业区厂门口爆炸了！一排大车全着了，快来人！",
        "南港工业区化工厂门口",
        gate,
        urgency="特急",
        caller=caller(rng, 0),
        id="first-blast-call",
        note="ignition at 00:40:55 (real time)",
    )
    s.call(
        50,
        HE,
        "北边天津南港那边一声巨响，火光冲天，是不是化工厂炸了",
        "黄骅市南排河镇",
        felt,
        category="咨询",
        urgency="紧急",
        caller=caller(rng, 0),
        id="first-hebei-call",
        note="a 黄骅 resident calls Hebei 12345 (synthetic)",
    )
    s.add(
        2 * M,
        incident(
            "tianjin-fire",
            TJ,
            "explosion",
            "滨海新区南港工业区一化工企业门外道路发生爆燃，多辆等候卸货的大货车起火，有人员被困，已调派南港、大港、临港中队及化工编队赶赴",
            position=gps(*GATE),
            address="滨海新区南港工业区",
        ),
        gate,
        id="fire-report",
        note="synthetic wording; the minute follows the 119 call",
    )
    # the centres' answers to the request for hazmat teams (a loan of hazmat teams needs the lender's approval)
    s.answer(
        5 * M, "offer", {"capability": "hazmat", "lender": "河北"}, "Hebei's centre offers its hazmat teams (synthetic)"
    )
    s.answer(
        7 * M, "commit", {"capability": "hazmat", "borrower": "天津"}, "Tianjin commits what Hebei offered (synthetic)"
    )
    s.add(
        15 * M,
        incident(
            "tianjin-traffic-police",
            TJ,
            "road_closed",
            "海滨大道南港工业区段双向封闭，车辆绕行",
            position=gps(117.53, 38.76),
            address="海滨大道南港段",
        ),
        gate,
        id="haibin-road-closed",
        note="the cordon around the fire (synthetic)",
    )
    s.add(
        48 * M,
        incident(
            "tianjin-fire",
            TJ,
            "explosion",
            "现场过火大货车38辆、小型车12辆，火势得到控制，搜救被困司机",
            position=gps(*GATE),
            address="南港工业区化工企业门外道路",
        ),
        gate,
        id="trucks-burned",
        note="38 trucks and 12 small vehicles (real figures)",
    )
    s.add(
        2 * H + 7 * M,
        incident(
            "tianjin-fire",
            TJ,
            "fire_out",
            "现场明火基本扑灭，持续冷却，企业气柜已切断",
            position=gps(*GATE),
            address="滨海新区南港工业区",
        ),
        gate,
        id="fire-out",
        note="02:48 in 张家口 (real: about two hours after ignition)",
    )
    s.add(
        55 * M,
        incident(
            "binhai-health",
            TJ,
            "mass_casualty",
            "大港医院、大港油田总医院共收治南港爆燃伤员17人，其中烧伤14人、玻璃划伤3人，另有伤员自行到院",
            address="滨海新区大港医院",
        ),
        gate,
        id="hospital-report",
        note="burns counted in the text: the casualty message has no field for them (synthetic figures)",
    )
    # casualty figures (the health/emergency agencies; cumulative)
    # burns: 14 of the first 17 as the hospitals' report says; "mostly burns" of the 22 (19, synthetic split)
    for at, deaths, injured, burns, cid, note in [
        (1 * H + 10 * M, 6, 17, 14, "casualty-1", "first count, 14 of them burns (synthetic)"),
        (
            6 * H,
            22,
            22,
            19,
            "casualty-2",
            "22 dead, 22 injured: the first official figures of 张家口 (real); 19 burns (synthetic split)",
        ),
        (18 * H, 23, 22, 19, "casualty-3", "23 dead by the evening of 28 November (real)"),
    ]:
        agency = (
            "binhai-health" if cid == "casualty-1" else "binhai-emergency"
        )  # the first count comes from the hospitals
        s.add(
            at,
            {
                "type": "agency.casualty",
                "agency": agency,
                "province": TJ,
                "address": "滨海新区南港工业区",
                "position": gps(*GATE),
                "deaths": deaths,
                "injured": injured,
                "burns": burns,
            },
            gate,
            id=cid,
            note=note,
        )
    s.add(
        6 * H + 5 * M,
        incident(
            "binhai-health",
            TJ,
            "mass_casualty",
            "南港爆燃伤员22人，多为烧伤，其中重度烧伤8人转天津市第一中心医院、天津医科大学总医院",
            address="天津市滨海新区",
        ),
        gate,
        id="hospital-report-2",
        note="burns in the text (synthetic split)",
    )
    # monitoring of the plume on both sides
    s.add(
        1 * H + 20 * M,
        incident(
            "binhai-ecology-environment",
            TJ,
            "air_monitoring",
            "南港工业区下风向（西南方向）大港太平镇、小王庄一带检测到氯化氢、氯乙烯，浓度低于危害限值，建议居民关闭门窗",
            address="滨海新区大港太平镇",
        ),
        plume,
        id="tj-monitoring",
        note="synthetic",
    )
    s.add(
        1 * H + 45 * M,
        incident(
            "cangzhou-ecology-environment",
            HE,
            "air_monitoring",
            "黄骅市南排河镇、歧口一带有明显异味，受天津南港工业区爆燃烟气影响，已布设监测点",
            address="黄骅市南排河镇",
        ),
        plume,
        id="he-monitoring",
        note="synthetic",
    )

    # --- the calls -------------------------------------------------------------------------------------------
    def content_from(raw, gists, formal_share=0.4, typo_share=0.06):
        text = formal(rng, rng.choice(gists)) if rng.random() < formal_share else rng.choice(raw)
        return typo(rng, text) if rng.random() < typo_share else text

    for t in spread(rng, 24, 1 * M, 70 * M, 6 * M):
        s.call(
            t,
            TJ,
            content_from(SCENE_RAW, SCENE_FORMAL),
            rng.choice(SCENE_PLACES),
            gate,
            urgency="特急",
            caller=caller(rng, 0.05),
        )
    for t in spread(rng, 9, 25 * M, 4 * H, 60 * M):
        s.call(
            t,
            TJ,
            rng.choice(INJURED_WALKIN),
            rng.choice(["滨海新区大港医院", "大港油田总医院", "大港医院急诊"]),
            gate,
            urgency="紧急",
            caller=caller(rng),
        )
    for t in spread(rng, 28, 40, 60 * M, 5 * M):
        s.call(
            t,
            TJ,
            content_from(GLASS_RAW, GLASS_FORMAL),
            rng.choice(GLASS_PLACES),
            glass,
            urgency=pick(rng, [("紧急", 3), ("一般", 2), ("特急", 1)]),
            caller=caller(rng),
        )
    for t in spread(rng, 62, 8 * M, 5 * H, 60 * M):
        s.call(
            t,
            TJ,
            content_from(SMELL_TJ, SMELL_TJ_FORMAL),
            rng.choice(TJ_SMELL_PLACES),
            plume,
            urgency=pick(rng, [("紧急", 3), ("一般", 2)]),
            caller=caller(rng),
        )
    for t in spread(rng, 50, 25 * M, 6 * H, 100 * M):
        s.call(
            t,
            HE,
            content_from(SMELL_HE, SMELL_HE_FORMAL),
            rng.choice(HE_SMELL_PLACES),
            plume,
            urgency=pick(rng, [("紧急", 3), ("一般", 2)]),
            caller=caller(rng),
        )
    for t in spread(rng, 40, 30, 90 * M, 4 * M):
        hotline = pick(rng, [(TJ, 3), (HE, 1)])
        place = rng.choice(FELT_TJ_PLACES if hotline == TJ else FELT_HE_PLACES)
        s.call(
            t,
            hotline,
            content_from(FELT_RAW, ["其听到巨大爆炸声，询问发生何事", "其看到东南方向火光，询问情况"], 0.3),
            place,
            felt,
            category="咨询",
            urgency="一般",
            caller=caller(rng),
        )
    for t in spread(rng, 22, 5 * M, 4 * H, 40 * M):
        hotline = pick(rng, [(TJ, 3), (HE, 2)])
        place = rng.choice(
            FELT_TJ_PLACES + TJ_SMELL_PLACES[:4] if hotline == TJ else FELT_HE_PLACES + HE_SMELL_PLACES[:3]
        )
        s.call(
            t,
            hotline,
            content_from(
                FEAR_RAW,
                ["其担心化工厂再次爆炸，询问是否需要撤离", "其询问爆炸是否造成有毒气体泄漏、是否需要转移"],
                0.35,
            ),
            place,
            felt,
            category="咨询",
            urgency=pick(rng, [("一般", 2), ("紧急", 1)]),
            caller=caller(rng),
        )
    for t in spread(rng, 8, 30 * M, 5 * H, 2 * H):
        s.call(
            t,
            TJ,
            rng.choice(TRAFFIC_RAW),
            rng.choice(["海滨大道", "滨海新区海滨大道南港段", "海滨大道大港段"]),
            felt,
            category="咨询",
            urgency="一般",
            caller=caller(rng),
        )

    s.end = "+20h"
    s.expect = [
        {
            "note": "the sensors, the driver's call, the park's leak report and the fire brigade's reports are one incident",
            "same_incident": [
                "gate-gas-sensor",
                "road-gas-sensor",
                "driver-smell-call",
                "leak-report",
                "first-blast-call",
                "fire-report",
                "trucks-burned",
            ],
        },
        {
            "by": "+15m",
            "note": "hazmat teams go to a leak that became an explosion in a chemical park",
            "dispatched": {"capability": "hazmat"},
        },
        {
            "by": "+10m",
            "note": "fire crews go within minutes of the blast",
            "dispatched": {"capability": "fire_suppression"},
        },
        {
            "note": "Hebei (黄骅 is downwind, across the border) is told within 10 minutes of the blast",
            "notified": {"to": "河北", "after": "first-blast-call", "within": "10m"},
        },
        {
            "note": "the smell calls from 黄骅 do not open their own explosion or leak incidents beyond one for the plume",
            "incidents": {"type": ["hazmat_leak", "gas_explosion", "gas_leak"], "region": "黄骅市", "at_most": 1},
        },
        _expect(
            "-1m",
            "the fence-line gas alarm at a registered plant gives downwind shelter-in-place advice (a public warning) before ignition",
            warning_issued={"to": "滨海新区"},
        ),
        _expect(
            "+1h",
            "an explosion at a registered chemical plant brings hazmat teams from more than one region",
            dispatched={"capability": "hazmat", "regions": 2},
        ),
        _expect(
            "+1h",
            "an explosion at a registered chemical plant gets a red public warning",
            warning_issued={"to": "滨海新区", "colour": "red"},
        ),
        _expect(
            "+7h",
            "the 19 burns cases counted in the casualty reports go to burns units; Tianjin's near ones have room for"
            " all of them, so none crosses the border (first written as 'to Beijing', which assumed Tianjin's would"
            " fill: they do not; the cross-border case is port_explosion_tianjin_2015.yaml, 798 injured)",
            casualties_routed={"to": "天津", "speciality": "burns", "count": 19},
        ),
        _expect("+7h", "22 dead make it 重大: the province leads", incident={"region": "滨海新区", "lead": "province"}),
    ]
    return s


def _expect(by: str, note: str, **kind: dict[str, object]) -> dict[str, object]:
    return {"by": by, "note": note, **kind}


if __name__ == "__main__":
    publish(build(), NAME)
