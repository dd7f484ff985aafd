"""A plain-text summary of a run for the terminal, in scenario time (T±h:mm), in Chinese with English.

Everything is said through the operator language (`streams.words`): names, not ids; only the changes that
matter (stage, levels, colour, grade, type, dispatch, approvals, mutual aid), each line in both languages.
"""

from __future__ import annotations

from scenarios.model import Scenario
from scenarios.offsets import offset_text
from scenarios.run import Outcome
from scenarios.said import OutcomeLookup
from streams.words import Words, span

_KEY = ("stage", "response_level", "warning_colour", "event_grade", "type", "dispatch", "approval", "mutual aid")


def render_summary(scenario: Scenario, outcome: Outcome, words: Words) -> str:
    t0 = scenario.t0_ms
    lookup = OutcomeLookup(outcome)
    incidents = sorted((i for i in lookup.incidents.values() if i["status"] != "merged"), key=lambda i: i["id"])
    lines = [
        f"== {scenario.title}",
        f"   {len(incidents)} 起事件，{len(outcome.tasks)} 项任务 / {len(incidents)} incident(s), "
        f"{len(outcome.tasks)} task(s)",
    ]
    for inc in incidents:
        zh, en = (words.labels("incident", inc, lookup)[lang] for lang in ("zh", "en"))
        lines.append(f"-- {zh['title']}（{zh['provinces']}） / {en['title']} ({en['provinces']})")
        facts = ("stage", "level", "colour", "grade")
        lines.append(f"   {' · '.join(zh[f] for f in facts)} / {' · '.join(en[f] for f in facts)}")
        lines.append(
            f"   立案 {offset_text(inc['opened_at_ms'], t0)}，{sum(n for _, n in inc['counts'])} 条信息"
            f" / opened {offset_text(inc['opened_at_ms'], t0)}, {sum(n for _, n in inc['counts'])} report(s)"
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
    counts = outcome.counts
    if counts:
        lines.append(
            f"== 输入：收到 {counts.get('received', 0)} = 受理 {counts.get('accepted', 0)} + 拒收 "
            f"{counts.get('rejected', 0)} / input: received {counts.get('received', 0)} = accepted "
            f"{counts.get('accepted', 0)} + rejected {counts.get('rejected', 0)}"
        )
        if counts.get("failed"):
            lines.append(
                f"== 受理后未能处理 {counts['failed']} 条（已留存待查，事件已标记）/ accepted but not handled: "
                f"{counts['failed']} (kept for checking, their incidents flagged)"
            )
    return "\n".join(lines)
