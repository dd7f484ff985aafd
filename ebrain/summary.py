"""A plain-text summary of a run for the terminal, in scenario time (T±h:mm), in Chinese with English.

Everything is said through the operator language (`streams.words`): names, not ids; only the changes that
matter (stage, levels, colour, grade, type, dispatch, approvals, mutual aid), each line in both languages.

A run whose full listing fits a screen (`SCREEN_LINES`) gets it; a larger one (the 72-hour load scenario has
hundreds of incidents) gets a screen: the totals, the incidents by type, and the most serious incidents in two
lines each (highest response level first, then most reports), with the full listing behind `full=True`
(`ebrain replay --full`).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from playbooks.incident import RESPONSE_LEVELS
from scenarios.model import Scenario
from scenarios.offsets import offset_text
from scenarios.run import Outcome
from scenarios.said import OutcomeLookup
from streams.words import Words, span

_KEY = ("stage", "response_level", "warning_colour", "event_grade", "type", "dispatch", "approval", "mutual aid")
#: the most lines a summary prints unless the full listing is asked for (a terminal screen, with room to spare)
SCREEN_LINES = 40
_FACTS = ("stage", "level", "colour", "grade")


def render_summary(scenario: Scenario, outcome: Outcome, words: Words, full: bool = False) -> str:
    lookup = OutcomeLookup(outcome)
    incidents = sorted((i for i in lookup.incidents.values() if i["status"] != "merged"), key=lambda i: i["id"])
    head = [
        f"== {scenario.title}",
        f"   {len(incidents)} 起事件，{len(outcome.tasks)} 项任务 / {len(incidents)} incident(s), "
        f"{len(outcome.tasks)} task(s)",
    ]
    listing = [line for inc in incidents for line in _incident_lines(scenario, inc, lookup, words)]
    tail = _counts_lines(outcome)
    if full or len(head) + len(listing) + len(tail) <= SCREEN_LINES:
        return "\n".join(head + listing + tail)
    return "\n".join(head + _screen(scenario, incidents, lookup, words, SCREEN_LINES - len(head) - len(tail)) + tail)


def _reports(inc: dict[str, Any]) -> int:
    return sum(n for _, n in inc["counts"])


def _brief(scenario: Scenario, inc: dict[str, Any], lookup: OutcomeLookup, words: Words) -> list[str]:
    t0 = scenario.t0_ms
    zh, en = (words.labels("incident", inc, lookup)[lang] for lang in ("zh", "en"))
    opened = offset_text(inc["opened_at_ms"], t0)
    return [
        f"-- {zh['title']}（{zh['provinces']}）：{' · '.join(zh[f] for f in _FACTS)}，立案 {opened}，"
        f"{_reports(inc)} 条信息",
        f"   {en['title']} ({en['provinces']}): {' · '.join(en[f] for f in _FACTS)}, opened {opened}, "
        f"{_reports(inc)} report(s)",
    ]


def _screen(
    scenario: Scenario, incidents: list[dict[str, Any]], lookup: OutcomeLookup, words: Words, room: int
) -> list[str]:
    """The incidents by type, then the most serious ones, two lines each, in `room` lines."""
    by_type = Counter(words.labels("incident", inc, lookup)["zh"]["title"].split(" · ")[0] for inc in incidents)
    by_type_en = Counter(words.labels("incident", inc, lookup)["en"]["title"].split(" · ")[0] for inc in incidents)
    lines = [
        "   按类型 / by type: " + "，".join(f"{name} {n}" for name, n in by_type.most_common(6)),
        "   " + ", ".join(f"{name} {n}" for name, n in by_type_en.most_common(6)),
    ]
    rank = {level: i + 1 for i, level in enumerate(RESPONSE_LEVELS)}
    serious = sorted(
        incidents, key=lambda i: (-rank.get(i.get("response_level") or "", 0), -_reports(i), i["opened_at_ms"], i["id"])
    )
    shown = min(len(incidents), max(0, (room - len(lines) - 2) // 2))
    more = len(incidents) - shown
    if more:
        lines.append(f"== 最严重的 {shown} 起 / the {shown} most serious (response level, then reports)")
    else:
        lines.append(f"== 全部 {shown} 起，按严重程度 / all {shown}, most serious first (response level, then reports)")
    for inc in serious[:shown]:
        lines += _brief(scenario, inc, lookup, words)
    if more:
        lines.append(
            f"   另有 {more} 起未列出，全部清单：--full / {more} more: --full lists each with decisions and tasks"
        )
    else:  # every incident named, but their decisions and tasks alone fill more than a screen
        lines.append("   全部决策与任务：--full / --full lists their decisions and tasks")
    return lines


def _incident_lines(scenario: Scenario, inc: dict[str, Any], lookup: OutcomeLookup, words: Words) -> list[str]:
    t0 = scenario.t0_ms
    zh, en = (words.labels("incident", inc, lookup)[lang] for lang in ("zh", "en"))
    lines = [f"-- {zh['title']}（{zh['provinces']}） / {en['title']} ({en['provinces']})"]
    lines.append(f"   {' · '.join(zh[f] for f in _FACTS)} / {' · '.join(en[f] for f in _FACTS)}")
    lines.append(
        f"   立案 {offset_text(inc['opened_at_ms'], t0)}，{_reports(inc)} 条信息"
        f" / opened {offset_text(inc['opened_at_ms'], t0)}, {_reports(inc)} report(s)"
    )
    for decision in inc["decisions"]:
        if not str(decision["what"]).startswith(_KEY):
            continue
        entry = {"kind": "decision", "at_ms": decision["at_ms"], "data": decision}
        said = words.timeline_entry(entry, inc, lookup)
        lines.append(f"     {offset_text(decision['at_ms'], t0):>8}  {said['zh']}")
        lines.append(f"     {'':>8}  {said['en']}")
    tasks = sorted((t for t in lookup.tasks.values() if t["incident_id"] == inc["id"]), key=lambda t: t["id"])
    for task in tasks:
        zh_t, en_t = (words.labels("task", task, lookup)[lang] for lang in ("zh", "en"))
        travel = task.get("travel_s")
        eta = ("—", "—") if travel is None else (span(int(travel * 1000), "zh"), span(int(travel * 1000), "en"))
        border = ("（跨省）", " (cross-border)") if task.get("cross_border") else ("", "")
        lines.append(
            f"     任务 {zh_t['capability']}：{zh_t['unit'] or '待补派'}（{zh_t['from']}）{zh_t['status']}，"
            f"车程{eta[0]}{border[0]} / {en_t['capability']}: {en_t['unit'] or 'unfilled'} ({en_t['from']}) "
            f"{en_t['status']}, {eta[1]} away{border[1]}"
        )
    return lines


def _counts_lines(outcome: Outcome) -> list[str]:
    counts = outcome.counts
    if not counts:
        return []
    lines = [
        f"== 输入：收到 {counts.get('received', 0)} = 受理 {counts.get('accepted', 0)} + 拒收 "
        f"{counts.get('rejected', 0)} / input: received {counts.get('received', 0)} = accepted "
        f"{counts.get('accepted', 0)} + rejected {counts.get('rejected', 0)}"
    ]
    if counts.get("failed"):
        lines.append(
            f"== 受理后未能处理 {counts['failed']} 条（已留存待查，事件已标记）/ accepted but not handled: "
            f"{counts['failed']} (kept for checking, their incidents flagged)"
        )
    return lines
