"""The after-action report: one self-contained HTML file (inline CSS and SVG, nothing fetched), in Chinese with
an English switch (two radio buttons and CSS: no script).

It shows what is real and what is synthetic in the scenario, the expectations passed and failed, the key
figures per incident with their percentiles across incidents, a timeline chart, a map, and for each incident
what was decided, by which rule or person, on what evidence. Every name is said through the operator language
(`streams.words`), times are scenario time (T±h:mm), and everything is sorted, so the same run always gives the
same bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from importlib import resources
from string import Template
from typing import Any

import msgspec

from scenarios.drill import DrillResult, refusals, unanswered
from scenarios.kpis import FIGURES, IncidentKpis, Spread, spreads
from scenarios.model import Scenario, TimelineEntry
from scenarios.offsets import offset_text
from scenarios.report_svg import Span, frame_around, map_svg, timeline_svg
from scenarios.said import OutcomeLookup
from streams.words import Words, span
from streams.words.clock import full_date

MAX_DECISIONS = 80
MAX_INCIDENT_SECTIONS = 12
_FIGURE_NAMES = {
    "detect": ("发现用时", "time to detect"),
    "first_task": ("首次派遣", "to first task"),
    "on_scene": ("首支队伍到场", "first unit on scene"),
    "controlled": ("得到控制", "to controlled"),
}
# The report's own words, [中文, English].
_T = {
    "none_listed": ("未列出", "none listed"),
    "real": ("真实", "real"),
    "from_sources": ("来自公开资料", "from public sources"),
    "sources": ("资料来源", "Sources"),
    "synthetic": ("合成", "synthetic"),
    "made_up": ("为演练编写", "made up for the drill"),
    "seed": ("；合成队伍随机种子", "; synthetic fleet seed"),
    "est": ("（估算）", "(est.)"),
    "when": ("时间", "when"),
    "decision": ("决定（规则或人员）", "decision (rule or person)"),
    "on_evidence": ("依据的信息", "on what evidence"),
    "legend_bins": ("各时段输入量", "inputs per time bin"),
    "legend_open": ("事件持续", "incident open"),
    "legend_sent": ("派出队伍（红色：待补派）", "unit sent (red: unfilled)"),
    "legend_level": ("响应级别变化（相距过近时并排）", "response level change (set side by side when close)"),
    "legend_deadline": ("预期期限（绿：达成，红：未达成）", "expectation deadline (green met, red missed)"),
    "legend_incident": ("事件", "incident"),
    "legend_base": (
        "队伍驻地，连线到其事件（虚线：跨省）",
        "unit base, line to its incident (dashed: across a border)",
    ),
    "legend_regions": (
        "北京红、天津蓝、河北绿（边界已简化，仅供演示）",
        "Beijing red, Tianjin blue, Hebei green (boundaries simplified, for demonstration)",
    ),
    "incidents_title": ("事件：依据什么信息作出了哪些决定", "Incidents: what was decided, by whom, on what evidence"),
}


def _w(key: str) -> str:
    """One of the report's own phrases, in both languages."""
    return both(*_T[key])


_INCIDENT_ID = re.compile(r"\b[A-Z]{2,}-\d{6}(?:-W\d+)?\b")
_NOTE_ID = re.compile(r"\bN\d{6}\b")


def _template() -> Template:
    text = resources.files("scenarios").joinpath("report_template.html").read_text(encoding="utf-8")
    return Template(text)


def both(zh: str, en: str) -> str:
    """Text in both languages; the reader's switch shows one (escaped here)."""
    if zh == en:
        return escape(zh)
    return f"<span class='zh'>{escape(zh)}</span><span class='en'>{escape(en)}</span>"


def _duration(ms: int | None) -> str:
    if ms is None:
        return "—"
    if ms < 30_000:
        return both("即时", "at once")
    return both(span(ms, "zh"), span(ms, "en"))


def describe(entry: TimelineEntry) -> str:
    """A line a trainer recognises: the message's own text (or the file's note)."""
    message: dict[str, Any] = msgspec.json.decode(entry.value)
    text = (
        message.get("content")
        or message.get("description")
        or message.get("headline")
        or message.get("reason")
        or (f"{message.get('value')} {message.get('unit')}" if "kind" in message else "")
        or message.get("status")
        or message.get("action")
        or ""
    )
    return str(text)[:90] + (f" ({entry.note})" if entry.note else "")


class _Said:
    """The report's words over one run: names through `Words`, ids in free details replaced by names."""

    def __init__(self, words: Words, result: DrillResult) -> None:
        self.words = words
        self.lookup = OutcomeLookup(result.outcome)

    def title(self, incident_id: str) -> tuple[str, str]:
        inc = self.lookup.incident(incident_id)
        return self.words.incident_title(inc, "zh"), self.words.incident_title(inc, "en")

    def humane(self, text: str) -> str:
        """A detail written for the terminal, with incident, warning and notice ids said as names."""

        def said(lang: str) -> str:
            def name(match: re.Match[str]) -> str:
                found = match.group(0)
                if "-W" in found:
                    return "公众预警" if lang == "zh" else "a public warning"
                return self.title(found)[0 if lang == "zh" else 1]

            out = _INCIDENT_ID.sub(name, text)
            return _NOTE_ID.sub("通报" if lang == "zh" else "a notice", out)

        return both(said("zh"), said("en"))


def _facts(scenario: Scenario) -> str:
    def items(values: tuple[str, ...]) -> str:
        return (
            "".join(f"<li>{escape(v)}</li>" for v in values)
            or f"<li class='muted'>{both('未列出', 'none listed')}</li>"
        )

    first = scenario.timeline[0].at_ms if scenario.timeline else scenario.t0_ms
    n = len(scenario.timeline)
    return (
        f"<section><h2>{both('场景', 'Scenario')}</h2><div class='cols'>"
        f"<div><h3><span class='tag real'>{_w('real')}</span> {_w('from_sources')}</h3>"
        f"<ul class='facts'>{items(scenario.real)}</ul>"
        f"<h3>{_w('sources')}</h3><ul class='facts small'>{items(scenario.sources)}</ul></div>"
        f"<div><h3><span class='tag synthetic'>{_w('synthetic')}</span> {_w('made_up')}</h3>"
        f"<ul class='facts'>{items(scenario.synthetic)}</ul>"
        f"<p class='small muted'>{both(f'{n} 条输入，', f'{n} input message(s), ')}"
        f"{offset_text(first, scenario.t0_ms)} – {offset_text(scenario.end_ms, scenario.t0_ms)}"
        f"{_w('seed')} {scenario.fleet_seed}"
        f"{both('，规模', ', scale')} {scenario.fleet_scale}.</p></div></div></section>"
    )


def _expectations(result: DrillResult, said: _Said) -> str:
    t0 = result.scenario.t0_ms
    rows = []
    for n, r in enumerate(result.results, start=1):
        cls = "pass" if r.passed else "fail"
        met = offset_text(r.at_ms, t0) if r.at_ms is not None else "—"
        by = offset_text(r.expectation.by_ms, t0) if r.expectation.by_ms is not None else "—"
        verdict = both("达成", "PASS") if r.passed else both("未达成", "FAIL")
        rows.append(
            f"<tr class='{cls}'><td class='num'>#{n}</td><td class='mark'>{verdict}</td>"
            f"<td>{escape(r.expectation.text)}<div class='small muted'>{both('场景文件第', 'scenario file line')} "
            f"{r.expectation.line}{both(' 行', '')}</div></td>"
            f"<td>{by}</td><td>{met}</td><td class='small'>{said.humane(r.detail)}</td></tr>"
        )
    none = both("本场景未设定预期", "this scenario states no expectations")
    body = "".join(rows) or f"<tr><td colspan='6' class='muted'>{none}</td></tr>"
    return (
        f"<section id='expectations'><h2>{both('预期', 'Expectations')}</h2><table><thead><tr><th>#</th>"
        f"<th>{both('结果', 'result')}</th><th>{both('预期', 'expectation')}</th><th>{both('期限', 'by')}</th>"
        f"<th>{both('达成时间', 'met at')}</th><th>{both('演练中的表现', 'what the run showed')}</th></tr></thead>"
        f"<tbody>{body}</tbody></table></section>"
    )


def _refusals(result: DrillResult, said: _Said) -> str:
    """Every input the run did not use, with its scenario line and the reason: rejected at ingest (the contract's
    own words) or refused or ignored in the theater (said through the operator language)."""
    rows = []
    theater = {d.key: d for d in result.outcome.deltas if d.kind == "rejected"}
    for r in refusals(result.scenario, result.outcome):
        delta = theater.get(r.event_id)
        if delta is not None and str(delta.entity) == r.reason:
            lines = said.words.delta("rejected", delta.entity, delta.at_ms, said.lookup)
            reason = both(lines.zh[0], lines.en[0])
            where = both("指挥中枢", "theater")
        else:
            reason = escape(r.reason)
            where = both("接入", "ingest")
        line = str(r.line) if r.line is not None else "—"
        rows.append(f"<tr><td class='num'>{line}</td><td>{where}</td><td class='small'>{reason}</td></tr>")
    if not rows:
        return f"<p class='small muted'>{both('所有输入均已受理', 'every input was used')}</p>"
    return (
        f"<h3>{both('未受理或未处理的输入', 'Inputs not used')} ({len(rows)})</h3><table><thead><tr>"
        f"<th>{both('场景文件行', 'scenario line')}</th><th>{both('环节', 'where')}</th>"
        f"<th>{both('原因', 'reason')}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _unanswered(result: DrillResult, said: _Said) -> str:
    """What nobody answered in the run, and the declared default that applied instead."""
    t0 = result.scenario.t0_ms
    rows = []
    for u in unanswered(result.outcome):
        zh_title, en_title = said.title(u.incident_id)
        zh, en = u.said(said.words)
        rows.append(
            f"<tr><td class='num'>{offset_text(u.at_ms, t0)}</td><td>{both(escape(zh_title), escape(en_title))}</td>"
            f"<td class='small'>{both(escape(zh), escape(en))}</td></tr>"
        )
    if not rows:
        answered = both("所有审批和支援请求都有人答复", "every approval and request was answered")
        return f"<p class='small muted'>{answered}</p>"
    return (
        f"<h3>{both('无人答复，按默认处理', 'No answer → default')} ({len(rows)})</h3><table><thead><tr>"
        f"<th>{both('时间', 'at')}</th><th>{both('事件', 'incident')}</th><th>{both('处理', 'what happened')}</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _as_json(entity: Any) -> dict[str, Any]:
    """A feed entity as the operator language reads it: the object of an embedded run, or Kafka's mapping."""
    return entity if isinstance(entity, dict) else dict(msgspec.to_builtins(entity))


def _readiness(result: DrillResult, said: _Said) -> str:
    """Coverage under each warning, before → after the move-ups accepted, and what became of each proposal."""
    latest: dict[str, tuple[int, dict[str, Any]]] = {}
    moves: dict[str, tuple[int, dict[str, Any]]] = {}
    for d in result.outcome.deltas:
        if d.kind == "readiness":
            latest[d.key] = (d.at_ms, _as_json(d.entity))
        elif d.kind == "move_up":
            moves[d.key] = (d.at_ms, _as_json(d.entity))
    if not latest:
        return ""
    names = {
        "hazards_15": ("隐患点 15 分钟内", "hazards within 15 min"),
        "hazards_30": ("隐患点 30 分钟内", "hazards within 30 min"),
        "population_15": ("人口 15 分钟内", "population within 15 min"),
        "population_30": ("人口 30 分钟内", "population within 30 min"),
    }
    parts = [f"<section id='readiness'><h2>{both('预警下的备勤覆盖与前置', 'Readiness under warnings')}</h2>"]
    for _, (at_ms, r) in sorted(latest.items()):
        lines = said.words.delta("readiness", r, at_ms, said.lookup)
        parts.append(f"<p class='small'>{both(lines.zh[0], lines.en[0])}</p>")
        rows = "".join(
            f"<tr><td>{both(*names[key])}</td><td class='num'>{float(r['before'].get(key, 0)):.0%}</td>"
            f"<td class='num'>{float(r['after'].get(key, 0)):.0%}</td>"
            f"<td class='num'>{float(r['proposed'].get(key, 0)):.0%}</td></tr>"
            for key in names
        )
        parts.append(
            f"<table><thead><tr><th></th><th>{both('预警生效时', 'before')}</th>"
            f"<th>{both('采纳前置后', 'after the moves accepted')}</th>"
            f"<th>{both('若全部采纳', 'if every proposal were')}</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        said_moves = [
            said.words.delta("move_up", m, at, said.lookup)
            for at, m in (moves[k] for k in sorted(moves))
            if m.get("warning_id") == r.get("warning_id")
        ]
        items = "".join(f"<li>{both(x.zh[0], x.en[0])}</li>" for x in said_moves)
        parts.append(f"<ul class='small'>{items}</ul>" if items else "")
    parts.append("</section>")
    return "".join(parts)


def _spread_table(rows: tuple[Spread, ...], incidents: int) -> str:
    body = []
    for s in rows:
        zh, en = _FIGURE_NAMES[s.figure]
        values = dict(s.values)
        cells = "".join(f"<td class='num'>{_duration(values.get(p))}</td>" for p in (50, 90, 100))
        body.append(f"<tr><td>{both(zh, en)}</td><td class='num'>{s.count} / {incidents}</td>{cells}</tr>")
    return (
        f"<table class='spread'><thead><tr><th>{both('指标', 'figure')}</th><th>{both('事件数', 'incidents')}</th>"
        f"<th>{both('中位数', 'median')} (p50)</th><th>p90</th><th>{both('最长', 'longest')}</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _kpi_row(k: IncidentKpis, t0: int, said: _Said) -> str:
    zh, en = said.title(k.incident_id)
    on_scene = _duration(k.figure("on_scene")) + (
        f" <span class='muted'>{both('（估算）', '(est.)')}</span>" if k.on_scene_estimated else ""
    )
    words = said.words
    levels = "<br/>".join(
        f"{offset_text(c.at_ms, t0)} "
        + both(
            f"{words.word('level', c.old, 'zh')} → {words.word('level', c.new, 'zh')}",
            f"{words.word('level', c.old, 'en')} → {words.word('level', c.new, 'en')}",
        )
        for c in k.level_changes
    )
    return (
        f"<tr><td>{both(zh, en)}</td><td>{offset_text(k.opened_ms, t0)}</td>"
        + "".join(f"<td class='num'>{_duration(k.figure(f))}</td>" for f in ("detect", "first_task"))
        + f"<td class='num'>{on_scene}</td><td class='num'>{_duration(k.figure('controlled'))}</td>"
        f"<td class='small'>{levels or '—'}</td>"
        + "".join(
            f"<td class='num'>{v}</td>" for v in (k.tasks, k.cross_border_tasks, k.unfilled_tasks, k.notifications)
        )
        + "</tr>"
    )


def _kpis(result: DrillResult, said: _Said) -> str:
    rows = "".join(_kpi_row(k, result.scenario.t0_ms, said) for k in result.kpis)
    heads = "".join(f"<th>{both(*_FIGURE_NAMES[f])}</th>" for f in FIGURES)
    note = both(
        "每项指标都从该事件自身开始计：发现用时＝从首条相关信息到立案；首次派遣、首支队伍到场、得到控制＝从立案起。"
        "到场以队伍的到场回报为准，没有回报时按派遣时间加路程估算（标“估算”）。百分位取最近秩。",
        "Each figure is measured from the incident's own start: time to detect from its first report to its "
        "opening; first task, first unit on scene and controlled (recovery or closed) from its opening. On scene is "
        "a unit's on-scene report or, marked est., dispatch time plus the route's travel time. Percentiles are by "
        "nearest rank.",
    )
    none = both("没有事件", "no incident")
    return (
        f"<section id='kpis'><h2>{both('关键指标（按事件）', 'Key figures per incident')}</h2>"
        f"{_spread_table(spreads(result.kpis), len(result.kpis))}"
        f"<table><thead><tr><th>{both('事件', 'incident')}</th><th>{both('立案', 'opened')}</th>{heads}"
        f"<th>{both('响应级别变化', 'level changes')}</th><th>{both('派出队伍', 'units sent')}</th>"
        f"<th>{both('跨省', 'cross-border')}</th><th>{both('待补派', 'unfilled')}</th>"
        f"<th>{both('通报', 'notices')}</th></tr></thead>"
        f"<tbody>{rows or f'<tr><td colspan=11>{none}</td></tr>'}</tbody></table>"
        f"<p class='small muted'>{note}</p></section>"
    )


def _incident(inc: dict[str, Any], entries: dict[str, TimelineEntry], t0: int, said: _Said) -> str:
    words = said.words
    rows = []
    for d in inc["decisions"][:MAX_DECISIONS]:
        evidence = []
        for signal_id in d["evidence"]:
            entry = entries.get(signal_id.split(":", 1)[0])
            if entry is not None:
                evidence.append(f"{offset_text(entry.at_ms, t0)} {escape(describe(entry))}")
        line = words.timeline_entry({"kind": "decision", "at_ms": d["at_ms"], "data": d}, inc, said.lookup)
        rows.append(
            f"<tr><td>{offset_text(d['at_ms'], t0)}</td><td>{both(line['zh'], line['en'])}</td>"
            f"<td class='small'>{'<br/>'.join(evidence) or '—'}</td></tr>"
        )
    more = len(inc["decisions"]) - MAX_DECISIONS
    tail = (
        f"<p class='small muted'>{both(f'另有 {more} 项决定', f'and {more} more decision(s)')}</p>" if more > 0 else ""
    )
    zh, en = (words.labels("incident", inc, said.lookup)[lang] for lang in ("zh", "en"))
    counts = [
        (words.word("signal", kind, "zh"), words.word("signal", kind, "en"), n) for kind, n in sorted(inc["counts"])
    ]
    keys = ("stage", "level", "colour", "grade")
    return (
        f"<h3>{both(zh['title'], en['title'])} · "
        f"{both(' · '.join(zh[k] for k in keys), ' · '.join(en[k] for k in keys))}</h3>"
        f"<p class='small'>{both('立案', 'opened')} {offset_text(inc['opened_at_ms'], t0)} · "
        f"{both(zh['provinces'], en['provinces'])} · {both('信息：', 'reports: ')}"
        f"{both('、'.join(f'{z}×{n}' for z, _, n in counts), ', '.join(f'{e} ×{n}' for _, e, n in counts))}</p>"
        f"<table><thead><tr><th>{_w('when')}</th><th>{_w('decision')}</th><th>{_w('on_evidence')}</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>{tail}"
    )


def render_report(
    result: DrillResult,
    geojson: dict[str, Any],
    bases: dict[str, tuple[float, float]] | None = None,
    words: Words | None = None,
) -> str:
    """The report as HTML text. `geojson`: simplified region outlines (RegionIndex.geojson); `bases`: where
    each responder is stationed (lon, lat), to draw who came from where; `words`: the operator language."""
    if words is None:
        raise ValueError("render_report needs the operator language: pass words=core.words")
    scenario, outcome = result.scenario, result.outcome
    said = _Said(words, result)
    bases = bases or {}
    t0 = scenario.t0_ms
    incidents = sorted((i for i in outcome.incidents.values() if i.status != "merged"), key=lambda i: i.id)
    titles = {i.id: said.title(i.id) for i in incidents}
    tasks = sorted(outcome.tasks.values(), key=lambda t: t.id)
    input_times = [e.at_ms for e in scenario.timeline]
    start = min([t0, *input_times[:1]])
    span_ = Span(start, max(scenario.end_ms, start + 60_000), t0)
    points = [(i.lon, i.lat) for i in incidents] + [bases[t.responder_id] for t in tasks if t.responder_id in bases]
    theater = frame_around([(113.4, 36.0), (119.9, 42.7)], width=480)
    zoom = frame_around(points, width=480)
    entries = {e.event_id: e for e in scenario.timeline}
    topics = Counter(e.topic for e in scenario.timeline)
    shown = sorted(incidents, key=lambda i: (-i.evidence_count, i.id))[:MAX_INCIDENT_SECTIONS]
    incident_html = "".join(
        _incident(said.lookup.incidents[i.id], entries, t0, said) for i in sorted(shown, key=lambda i: i.id)
    )
    if len(incidents) > len(shown):
        rest = len(incidents) - len(shown)
        not_shown = both(f"另有 {rest} 起较小事件未列出", f"{rest} smaller incident(s) not shown")
        incident_html += f"<p class='small muted'>{not_shown}</p>"
    inputs = ", ".join(f"{escape(topic)} {n}" for topic, n in sorted(topics.items()))
    counts = outcome.counts
    received, accepted, rejected = (counts.get(k, 0) for k in ("received", "accepted", "rejected"))
    body = "".join(
        [
            _facts(scenario),
            _expectations(result, said),
            _kpis(result, said),
            _readiness(result, said),
            f"<section id='timeline'><h2>{both('时间线', 'Timeline')}</h2>",
            timeline_svg(span_, input_times, incidents, tasks, result.results, titles),
            f"<p class='legend small'><span>■ {_w('legend_bins')}</span><span>▬ {_w('legend_open')}</span>"
            f"<span>▲ {_w('legend_sent')}</span><span>● {_w('legend_level')}</span>"
            f"<span>┆ {_w('legend_deadline')}</span></p></section>",
            f"<section id='map'><h2>{both('地图', 'Map')}</h2><div class='cols'><div>",
            map_svg(theater, geojson, incidents, tasks, bases, "京津冀 / Jing-Jin-Ji", titles),
            "</div><div>",
            map_svg(zoom, geojson, incidents, tasks, bases, "事件周边 / around the incidents", titles),
            f"</div></div><p class='legend small'><span>● {_w('legend_incident')}</span>"
            f"<span>■ {_w('legend_base')}</span><span>{_w('legend_regions')}</span></p></section>",
            f"<section id='incidents'><h2>{_w('incidents_title')}</h2>{incident_html or '—'}</section>",
            f"<section id='inputs'><h2>{both('输入', 'Inputs')}</h2><p class='small'>{inputs}. "
            + both(
                f"收到 {received}，受理 {accepted}，拒收 {rejected}；推送 {len(outcome.deltas)} 条动态；"
                f"{len(outcome.rejected)} 项未执行或未处理。",
                f"Received {received}, accepted {accepted}, rejected {rejected}; {len(outcome.deltas)} feed deltas; "
                f"{len(outcome.rejected)} refused or ignored in the theater.",
            )
            + "</p>"
            + _refusals(result, said)
            + _unanswered(result, said)
            + "</section>",
        ]
    )
    passed = sum(1 for r in result.results if r.passed)
    verdict = both(
        f"{len(result.results)} 项预期达成 {passed} 项", f"{passed} of {len(result.results)} expectations met"
    )
    return _template().substitute(
        title=escape(scenario.title),
        t0=both(full_date(t0, "zh"), full_date(t0, "en")),
        file=escape(scenario.file),
        verdict=verdict,
        verdict_class="pass" if result.passed else "fail",
        body=body,
    )
