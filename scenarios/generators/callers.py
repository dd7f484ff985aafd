"""Who calls the 12345 hotline in a generated scenario and how it is written down: synthetic callers, the
pinyin typing slips, the call-taker's register, call times spread around a peak, and a site's calls drawn from its
wordings. All draws come from the generator's seeded `random.Random`, in a fixed order.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scenarios.generators.timeline import Scenario

SURNAMES = list(
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = list("伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉凤志文斌辉鹏飞宇浩俊峰海燕雪晶琳丹波宁亮")


def caller(rng: random.Random, anonymous_share: float = 0.12) -> dict[str, Any] | None:
    """A synthetic caller: a common surname, one or two given characters, a mobile number; some withhold."""
    roll = rng.random()
    if roll < anonymous_share / 2:
        return None
    phone = rng.choice(["13", "15", "18", "17"]) + str(rng.randint(0, 9)) + f"{rng.randint(0, 99999999):08d}"
    if roll < anonymous_share:
        return {"name": None, "phone": phone}
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2, 2])))
    if rng.random() < 0.15:
        name = rng.choice(SURNAMES) + rng.choice(["先生", "女士", "师傅", "大爷", "阿姨"])
    return {"name": name, "phone": phone}


# --- registers -----------------------------------------------------------------------------------------
TYPO = {
    "积水": ["积谁", "积水"],
    "漏雨": ["露雨", "漏与"],
    "小区": ["小去", "晓区"],
    "燃气": ["然气", "燃汽"],
    "爆炸": ["爆乍", "暴炸"],
    "地震": ["地振"],
    "倒塌": ["到塌"],
    "着火": ["着伙", "招火"],
    "救命": ["就命"],
    "味道": ["位道"],
    "停电": ["听电"],
    "裂缝": ["列缝"],
}


def typo(rng: random.Random, text: str) -> str:
    """One slip of the pinyin keyboard, where the text has a word that invites one."""
    keys = [k for k in TYPO if k in text]
    if not keys:
        return text
    k = rng.choice(keys)
    return text.replace(k, rng.choice(TYPO[k]), 1)


def formal(rng: random.Random, gist: str, ask: str = "") -> str:
    """The call-taker's register: 来电人反映 … 请相关部门处理."""
    opener = rng.choice(
        ["来电人反映：", "市民来电反映：", "来电人称：", "市民反映：", "来电反映，", "来电人来电反映："]
    )
    closer = ask or rng.choice(
        [
            "请相关部门处理。",
            "请相关部门尽快处理。",
            "希望相关部门尽快派人处理。",
            "请属地核实处理。",
            "望尽快解决。",
            "请相关部门协调处理。",
            "来电人要求尽快处理。",
        ]
    )
    gist = gist.rstrip("。！!，,")
    return f"{opener}{gist}，{closer}"


def pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in weighted)
    r = rng.random() * total
    for value, w in weighted:
        r -= w
        if r <= 0:
            return value
    return weighted[-1][0]


def spread(rng: random.Random, n: int, start_s: int, end_s: int, peak_s: int | None = None) -> list[int]:
    """n call times between start and end, denser around a peak (a triangular distribution), sorted."""
    peak = peak_s if peak_s is not None else (start_s + end_s) // 2
    return sorted(int(rng.triangular(start_s, end_s, peak)) for _ in range(n))


def marked_first(times: Iterable[int], first_id: str) -> list[tuple[int, str]]:
    """Each call time with the id its call carries: `first_id` on the first (what expectations name), none after."""
    return [(t, first_id if k == 0 else "") for k, t in enumerate(times)]


@dataclass(frozen=True)
class CallStyle:
    """How a site's callers are written: the hotline, the share of calls in the call-taker's register (and the
    ask it ends with, or one drawn), the share of withheld callers."""

    hotline: str
    formal_share: float
    ask: str = ""
    anonymous_share: float = 0.12


def site_calls(
    s: Scenario,
    rng: random.Random,
    style: CallStyle,
    truth: tuple[str, ...] | None,
    times: list[int],
    raw: list[str],
    gists: list[str],
    places: list[str],
    urg: tuple[tuple[str, float], ...],
    ids: tuple[str, ...] | list[str] = (),
    cat: str = "求助",
) -> None:
    """One call per time about a site: a caller's own words or a gist in the call-taker's register, some with a
    typo; the first calls carry `ids`."""
    for k, t in enumerate(times):
        text = formal(rng, rng.choice(gists), style.ask) if rng.random() < style.formal_share else rng.choice(raw)
        if rng.random() < 0.06:
            text = typo(rng, text)
        s.call(
            t,
            style.hotline,
            text,
            rng.choice(places),
            truth,
            category=cat,
            urgency=pick(rng, list(urg)),
            caller=caller(rng, style.anonymous_share),
            id=ids[k] if k < len(ids) else "",
        )
