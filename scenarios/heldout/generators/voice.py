"""How callers and call-takers phrase a held-out call: one gist said in many registers.

The held-out scenarios put a gist (what the caller reports) through a register: the call-taker's summary,
a caller's own words, a terse line, a dialect (北京话, 天津话, Hebei speech), a slip of the pinyin keyboard, a
second unrelated matter in the same call. Negations and fears are written in the gists themselves, because what
is denied or feared depends on the event. Everything is seeded by the caller's `random.Random`.
"""

from __future__ import annotations

import random

HOTLINE = {"110000": "北京", "120000": "天津", "130000": "河北"}

# the call-taker writes the order (受理员的记录口吻)
_TAKER_OPEN = [
    "市民来电：",
    "来电市民称，",
    "来电人表示：",
    "市民致电反映，",
    "接市民来电，",
    "来电者反映称：",
    "来电人来电称，",
    "市民反映情况：",
]
_TAKER_CLOSE = [
    "诉求：请尽快派人查看。",
    "请属地尽快核实。",
    "来电人希望有关部门尽快到场。",
    "请转相关单位处置。",
    "来电人情绪激动，请尽快处理。",
    "已告知来电人注意安全，请相关部门跟进。",
    "请相关单位联系来电人。",
    "",
]
# a caller's own words around the gist
_SPOKEN_OPEN = [
    "喂喂，",
    "你好，",
    "哎你好，我跟你说，",
    "您好您好，",
    "那个，",
    "我这儿",
    "麻烦问一下，",
    "同志你好，",
    "",
]
_SPOKEN_CLOSE = [
    "你们快派人来吧",
    "赶紧的啊",
    "这可怎么办啊",
    "你们管不管啊",
    "能不能快点",
    "我都急死了",
    "有人管吗",
    "",
]
# a few words of speech per region
_DIALECT = {
    "110000": [
        ("怎么回事", "怎么着"),
        ("什么", "啥"),
        ("这边", "这边儿"),
        ("一点", "一点儿"),
        ("不要", "甭"),
        ("特别", "倍儿"),
    ],
    "120000": [
        ("什么", "嘛"),
        ("这个", "介个"),
        ("这么", "介么"),
        ("我们", "我们这儿"),
        ("不行", "不灵"),
        ("特别", "贼"),
    ],
    "130000": [
        ("我们", "俺们"),
        ("我", "俺"),
        ("怎么办", "咋整"),
        ("怎么", "咋"),
        ("什么", "啥"),
        ("不知道", "不晓得"),
    ],
}
_SLIPS = {
    "着火": "着或",
    "冒烟": "帽烟",
    "停电": "停店",
    "水管": "谁管",
    "漏水": "露水",
    "地震": "地阵",
    "房子": "房字",
    "裂了": "列了",
    "塌了": "他了",
    "淹了": "掩了",
    "进水": "近水",
    "爆管": "报管",
    "消防": "小防",
    "救护车": "就护车",
}
# a second matter a caller brings up in the same call
_ASIDE = [
    "另外我们小区门口的路灯坏了好久了",
    "还有就是楼下天天有人乱停车",
    "顺便问下社保卡补办去哪儿",
    "另外物业费的事儿也想反映一下",
    "还有垃圾站太臭了也没人管",
    "还有我家孩子入学的事儿想咨询下",
    "顺便说一下，我们这儿快递柜老坏",
]


def taker(rng: random.Random, gist: str) -> str:
    gist = gist.rstrip("。！!，, ")
    return f"{rng.choice(_TAKER_OPEN)}{gist}。{rng.choice(_TAKER_CLOSE)}".rstrip()


def spoken(rng: random.Random, gist: str) -> str:
    close = rng.choice(_SPOKEN_CLOSE)
    gist = gist.rstrip("。！!，, ")
    return f"{rng.choice(_SPOKEN_OPEN)}{gist}" + (f"，{close}" if close else "")


def terse(gist: str) -> str:
    """The first clause only, without punctuation: what a hurried caller or a short order says."""
    for mark in "，。！,!；":
        gist = gist.split(mark)[0]
    return gist


def dialect(rng: random.Random, gist: str, province: str) -> str:
    out = gist
    for plain, said in rng.sample(_DIALECT[province], k=len(_DIALECT[province])):
        if plain in out:
            out = out.replace(plain, said, 1)
    return out


def slip(rng: random.Random, text: str) -> str:
    keys = [k for k in _SLIPS if k in text]
    if not keys:
        return text.replace("，", ",", 1) if "，" in text else text + "。。"
    key = rng.choice(keys)
    return text.replace(key, _SLIPS[key], 1)


def aside(rng: random.Random, gist: str) -> str:
    return f"{gist.rstrip('。！!，, ')}，{rng.choice(_ASIDE)}"


REGISTERS = ("taker", "spoken", "terse", "dialect", "slip", "aside")


def say(rng: random.Random, gist: str, province: str, weights: tuple[float, ...] = (4, 4, 1.5, 1.5, 1, 1)) -> str:
    """One gist in a register drawn by weight (taker, spoken, terse, dialect, slip, aside)."""
    register = rng.choices(REGISTERS, weights=weights)[0]
    if register == "taker":
        return taker(rng, gist)
    if register == "terse":
        return terse(gist)
    if register == "dialect":
        return spoken(rng, dialect(rng, gist, province))
    if register == "slip":
        return slip(rng, spoken(rng, gist))
    if register == "aside":
        return aside(rng, spoken(rng, gist))
    return spoken(rng, gist)
