"""Shared helpers for the scenario generators: a timeline builder that writes a scenario file and its ground
truth together, synthetic callers, order ids, and the registers people and call-takers write in.

Everything is seeded (`random.Random(n)`); nothing reads the wall clock, so a generator writes the same bytes
every time. Each generator is run as `python -m scenarios.generators.<name>` from the repository root.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

CST = timezone(timedelta(hours=8))
ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "scenarios" / "files"
TRUTH = ROOT / "scenarios" / "truth"

HOTLINE_PREFIX = {"110000": "BJ", "120000": "TJ", "130000": "HE"}


def offset(seconds: int) -> str:
    """Seconds from T0 as the scenario format writes them: +1h30m, -14m, +90s."""
    sign = "-" if seconds < 0 else "+"
    s = abs(int(seconds))
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    text = (f"{h}h" if h else "") + (f"{m}m" if m else "") + (f"{sec}s" if sec else "")
    return sign + (text or "0m")


def q(value: Any) -> str:
    """A YAML scalar or flow collection written as JSON (a subset of YAML)."""
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Entry:
    at_s: int
    payload: dict[str, Any]
    id: str = ""
    note: str = ""
    repeat: dict[str, Any] | None = None
    truth: tuple[str, ...] | None = None  # ("entries", event) | ("felt", event) | ("site", event, site) | None
    ref: str = ""  # truth reference if not the entry id (device:<id>)
    order: int = 0
    answer: tuple[str, dict[str, Any]] | None = (
        None  # a centre's scripted answer (offer, commit, …) instead of a payload
    )


@dataclass
class Site:
    id: str
    note: str
    refs: list[str] = field(default_factory=list)


@dataclass
class Event:
    id: str
    note: str
    multi: bool
    entries: list[str] = field(default_factory=list)
    felt: list[str] = field(default_factory=list)
    sites: dict[str, Site] = field(default_factory=dict)


class Scenario:
    """A timeline being written, with the truth of every report in it."""

    def __init__(self, sid: str, title: str, t0: str, note: str, truth_note: str) -> None:
        self.sid = sid
        self.title = title
        self.t0 = t0
        self.t0_dt = datetime.fromisoformat(t0)
        self.note = note
        self.truth_note = truth_note
        self.sources: list[str] = []
        self.real: list[str] = []
        self.synthetic: list[str] = []
        self.entries: list[Entry] = []
        self.faults: list[dict[str, Any]] = []
        self.expect: list[dict[str, Any]] = []
        self.events: dict[str, Event] = {}
        self.end = ""
        self.fleet = {"seed": 7, "scale": 1.0}
        self._ids: set[str] = set()
        self._order = 0
        self._device_truth: dict[str, tuple[str, ...] | None] = {}
        self._orders: dict[tuple[str, str], int] = {}
        self.comments: list[str] = []

    # --- truth structure -------------------------------------------------------------------------------
    def event(self, eid: str, note: str, multi: bool = False) -> Event:
        self.events[eid] = Event(eid, note, multi)
        return self.events[eid]

    def site(self, eid: str, sid: str, note: str) -> tuple[str, str, str]:
        event = self.events[eid]
        assert event.multi, eid
        if sid not in event.sites:
            event.sites[sid] = Site(sid, note)
        return ("site", eid, sid)

    def felt(self, eid: str) -> tuple[str, str]:
        assert self.events[eid].multi, eid
        return ("felt", eid)

    def whole(self, eid: str) -> tuple[str, str]:
        assert not self.events[eid].multi, eid
        return ("entries", eid)

    # --- timeline --------------------------------------------------------------------------------------
    def time_at(self, at_s: int) -> datetime:
        return self.t0_dt + timedelta(seconds=at_s)

    def answer(self, at_s: int, kind: str, spec: dict[str, Any], note: str) -> Entry:
        """A command centre's scripted answer (docs/scenarios.md, scripted answers): `offer`, `commit`, …"""
        self._order += 1
        entry = Entry(at_s, {"type": "answer"}, "", note, None, None, "", self._order, (kind, spec))
        self.entries.append(entry)
        return entry

    def add(
        self,
        at_s: int,
        payload: dict[str, Any],
        truth: tuple[str, ...] | None,
        id: str = "",
        note: str = "",
        repeat: dict[str, Any] | None = None,
    ) -> Entry:
        if id:
            assert id not in self._ids, id
            self._ids.add(id)
        ref = ""
        if payload["type"] == "sensor.reading":
            device = payload["device_id"]
            ref = f"device:{device}"
            if device in self._device_truth:
                assert self._device_truth[device] == truth, (device, truth)
                truth = None  # the device is listed once
            else:
                self._device_truth[device] = truth
        self._order += 1
        entry = Entry(at_s, payload, id, note, repeat, truth, ref, self._order)
        self.entries.append(entry)
        return entry

    def order_id(self, hotline: str, at_s: int) -> str:
        day = self.time_at(at_s).strftime("%Y%m%d")
        key = (hotline, day)
        self._orders[key] = self._orders.get(key, 0) + 1
        return f"{HOTLINE_PREFIX[hotline]}12345-{day}-{self._orders[key]:05d}"

    def call(
        self,
        at_s: int,
        hotline: str,
        content: str,
        address: str,
        truth: tuple[str, ...] | None,
        category: str = "求助",
        urgency: str = "一般",
        caller: dict[str, Any] | None = None,
        position: dict[str, Any] | None = None,
        id: str = "",
        note: str = "",
    ) -> Entry:
        payload: dict[str, Any] = {
            "type": "hotline.work_order",
            "order_id": "",  # numbered in time order when the file is written
            "hotline": hotline,
            "category": category,
            "urgency": urgency,
            "content": content,
            "address": address,
        }
        if caller is not None:
            payload["caller"] = caller
        if position is not None:
            payload["position"] = position
        return self.add(at_s, payload, truth, id=id, note=note)

    def silence(self, at_s: int, devices: list[str], truth: tuple[str, ...], note: str, id: str = "") -> None:
        fault: dict[str, Any] = {"at": offset(at_s), "fault": "sensors_silent", "devices": devices, "note": note}
        if id:
            fault["id"] = id
        self.faults.append(fault)
        for device in devices:
            self._place(truth, f"silence:{device}")

    # --- writing ---------------------------------------------------------------------------------------
    def _place(self, truth: tuple[str, ...], ref: str) -> None:
        event = self.events[truth[1]]
        if truth[0] == "entries":
            event.entries.append(ref)
        elif truth[0] == "felt":
            event.felt.append(ref)
        else:
            event.sites[truth[2]].refs.append(ref)

    def write(self, name: str, files: Path = FILES, truth: Path = TRUTH) -> tuple[Path, Path]:
        """The scenario file and its truth, `<name>.yaml` in each folder (the shipped ones unless told)."""
        self.entries.sort(key=lambda e: (e.at_s, e.order))
        for entry in self.entries:
            if entry.payload["type"] == "hotline.work_order" and not entry.payload["order_id"]:
                entry.payload["order_id"] = self.order_id(entry.payload["hotline"], entry.at_s)
        for n, entry in enumerate(self.entries):
            if not entry.id:
                entry.id = f"e{n:05d}"
                assert entry.id not in self._ids
        reports = 0
        for entry in self.entries:
            kind = entry.payload["type"]
            if entry.answer is not None:
                continue  # an answer is no evidence
            needs_truth = kind not in ("agency.response_level", "command", "agency.resource_status", "agency.weather")
            if entry.truth is None:
                if kind == "sensor.reading":
                    continue  # its device is listed where its first reading is
                assert not needs_truth, (entry.id, kind)
                continue
            assert needs_truth, (entry.id, kind)
            self._place(entry.truth, entry.ref or entry.id)
            reports += 1
        self._check_truth()
        files.mkdir(parents=True, exist_ok=True)
        truth.mkdir(parents=True, exist_ok=True)
        scenario_path = files / f"{name}.yaml"
        truth_path = truth / f"{name}.yaml"
        scenario_path.write_text(self._scenario_yaml(), encoding="utf-8")
        truth_path.write_text(self._truth_yaml(), encoding="utf-8")
        return scenario_path, truth_path

    def _check_truth(self) -> None:
        seen: set[str] = set()
        for event in self.events.values():
            refs = list(event.entries) + list(event.felt)
            for site in event.sites.values():
                assert site.refs, (event.id, site.id, "site has no entries")
                refs += site.refs
            assert refs, (event.id, "event has no entries")
            for ref in refs:
                assert ref not in seen, ("listed twice", ref)
                seen.add(ref)

    def _scenario_yaml(self) -> str:
        out: list[str] = []
        out.append("# Generated by scenarios/generators; edit the generator, not this file.")
        out.extend(f"# {line}" for line in self.comments)
        out.append(f"scenario: {self.sid}")
        out.append(f"title: {q(self.title)}")
        out.append(f"t0: {q(self.t0)}")
        out.append(f"note: {q(self.note)}")
        for key in ("sources", "real", "synthetic"):
            out.append(f"{key}:")
            out.extend(f"  - {q(line)}" for line in getattr(self, key))
        out.append(f"fleet: {q(self.fleet)}")
        out.append("timeline:")
        for entry in self.entries:
            out.append(f"  - at: {q(offset(entry.at_s))}")
            out.append(f"    id: {entry.id}")
            if entry.note:
                out.append(f"    note: {q(entry.note)}")
            if entry.repeat:
                out.append(f"    repeat: {q(entry.repeat)}")
            if entry.answer is not None:
                out.append(f"    {entry.answer[0]}: {q(entry.answer[1])}")
                continue
            out.append(f"    payload: {q(entry.payload)}")
        if self.faults:
            out.append("faults:")
            for fault in self.faults:
                out.append(f"  - {q(fault)}")
        if self.end:
            out.append(f"end: {q(self.end)}")
        if self.expect:
            out.append("expect:")
            for item in self.expect:
                out.append(f"  - {q(item)}")
        return "\n".join(out) + "\n"

    def _truth_yaml(self) -> str:
        out = ["# Generated by scenarios/generators together with the scenario file; edit the generator."]
        out.append(f"scenario: {self.sid}")
        out.append(f"note: {q(self.truth_note)}")
        out.append("events:")
        for event in self.events.values():
            out.append(f"  - event: {event.id}")
            out.append(f"    note: {q(event.note)}")
            if not event.multi:
                out.append(f"    entries: {q(event.entries)}")
                continue
            out.append(f"    felt: {q(event.felt)}")
            out.append("    sites:")
            for site in event.sites.values():
                out.append(f"      - site: {site.id}")
                out.append(f"        note: {q(site.note)}")
                out.append(f"        entries: {q(site.refs)}")
        return "\n".join(out) + "\n"


# --- callers -------------------------------------------------------------------------------------------
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


def casualty(
    agency: str,
    province: str,
    address: str,
    position: dict[str, Any] | None = None,
    deaths: int | None = None,
    injured: int | None = None,
    missing: int | None = None,
) -> dict[str, Any]:
    """An agency.casualty payload; a count or position not given is left out of the message."""
    payload: dict[str, Any] = {"type": "agency.casualty", "agency": agency, "province": province}
    if position is not None:
        payload["position"] = position
    payload["address"] = address
    for name, count in (("deaths", deaths), ("injured", injured), ("missing", missing)):
        if count is not None:
            payload[name] = count
    return payload


def gps(lon: float, lat: float, rng: random.Random | None = None, jitter: float = 0.0, crs: str = "WGS84") -> dict:
    if rng is not None and jitter:
        lon += rng.uniform(-jitter, jitter)
        lat += rng.uniform(-jitter, jitter)
    return {"lon": round(lon, 5), "lat": round(lat, 5), "crs": crs}
