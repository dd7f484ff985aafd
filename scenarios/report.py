"""The after-action report: one self-contained HTML file (inline CSS and SVG, nothing fetched).

It shows what is real and what is synthetic in the scenario, the expectations passed and failed, the key
figures per region, a timeline chart, a map, and for each incident which rules fired on what evidence.
Everything is in scenario time (T±h:mm) and sorted, so the same run always gives the same bytes.
"""

from __future__ import annotations

from collections import Counter
from html import escape
from importlib import resources
from string import Template
from typing import Any

import msgspec

from playbooks.incident import Incident
from scenarios.drill import DrillResult
from scenarios.kpis import RegionKpis
from scenarios.model import Scenario, TimelineEntry
from scenarios.offsets import offset_text
from scenarios.report_svg import Span, frame_around, map_svg, timeline_svg
from streams.wire.timefmt import format_time_ms

MAX_DECISIONS = 80
MAX_INCIDENT_SECTIONS = 12


def _template() -> Template:
    text = resources.files("scenarios").joinpath("report_template.html").read_text(encoding="utf-8")
    return Template(text)


def _minutes(ms: int | None) -> str:
    if ms is None:
        return "—"
    minutes = ms / 60_000
    return f"{minutes:.0f} min" if abs(minutes) < 120 else f"{minutes / 60:.1f} h"


def describe(entry: TimelineEntry) -> str:
    """A line a trainer recognises: the message type and its text (or the file's note)."""
    message: dict[str, Any] = msgspec.json.decode(entry.value)
    kind = str(message.get("type", ""))
    text = (
        message.get("content")
        or message.get("description")
        or message.get("headline")
        or message.get("reason")
        or (f"{message.get('kind')} {message.get('value')} {message.get('unit')}" if "kind" in message else "")
        or message.get("status")
        or message.get("action")
        or ""
    )
    return f"{kind}: {str(text)[:90]}" + (f" ({entry.note})" if entry.note else "")


def _facts(scenario: Scenario) -> str:
    def items(values: tuple[str, ...]) -> str:
        return "".join(f"<li>{escape(v)}</li>" for v in values) or "<li class='muted'>none listed</li>"

    return (
        "<section><h2>Scenario</h2><div class='cols'>"
        "<div><h3><span class='tag real'>real</span> from public sources</h3>"
        f"<ul class='facts'>{items(scenario.real)}</ul>"
        f"<h3>Sources</h3><ul class='facts small'>{items(scenario.sources)}</ul></div>"
        f"<div><h3><span class='tag synthetic'>synthetic</span> made up for the drill</h3>"
        f"<ul class='facts'>{items(scenario.synthetic)}</ul>"
        f"<p class='small muted'>{len(scenario.timeline)} input message(s) from "
        f"{offset_text(scenario.timeline[0].at_ms if scenario.timeline else scenario.t0_ms, scenario.t0_ms)} to "
        f"{offset_text(scenario.end_ms, scenario.t0_ms)}; fleet seed {scenario.fleet_seed}, scale "
        f"{scenario.fleet_scale}.</p></div></div></section>"
    )


def _expectations(result: DrillResult) -> str:
    t0 = result.scenario.t0_ms
    rows = []
    for n, r in enumerate(result.results, start=1):
        cls = "pass" if r.passed else "fail"
        met = offset_text(r.at_ms, t0) if r.at_ms is not None else "—"
        by = offset_text(r.expectation.by_ms, t0) if r.expectation.by_ms is not None else "—"
        rows.append(
            f"<tr class='{cls}'><td class='num'>#{n}</td><td class='mark'>{'PASS' if r.passed else 'FAIL'}</td>"
            f"<td>{escape(r.expectation.text)}<div class='small muted'>{escape(r.expectation.kind)} · "
            f"{escape(r.expectation.name)} · line {r.expectation.line}</div></td>"
            f"<td>{by}</td><td>{met}</td><td class='small'>{escape(r.detail)}</td></tr>"
        )
    body = "".join(rows) or "<tr><td colspan='6' class='muted'>this scenario states no expectations</td></tr>"
    return (
        "<section id='expectations'><h2>Expectations</h2><table><thead><tr><th>#</th><th>result</th>"
        "<th>expectation</th><th>by</th><th>met at</th><th>what the run showed</th></tr></thead>"
        f"<tbody>{body}</tbody></table></section>"
    )


def _kpi_row(k: RegionKpis, t0: int) -> str:
    def at(ms: int | None) -> str:
        return offset_text(ms, t0) if ms is not None else "—"

    arrival = f"{_minutes(k.after_detection(k.first_arrival_ms))}" + (" (est.)" if k.arrival_estimated else "")
    levels = "<br/>".join(
        f"{offset_text(c.at_ms, t0)} {escape(c.change)} <span class='muted small'>{escape(c.rule)}</span>"
        for c in k.level_changes
    )
    return (
        f"<tr><td>{escape(k.name)}</td><td class='num'>{k.incidents}</td><td>{at(k.detected_ms)}</td>"
        f"<td>{_minutes(k.after_detection(k.first_task_ms))}</td><td>{arrival}</td><td>{levels or '—'}</td>"
        f"<td class='num'>{k.tasks}</td><td class='num'>{k.cross_border_tasks}</td>"
        f"<td class='num'>{k.unfilled_tasks}</td><td class='num'>{k.notifications}</td></tr>"
    )


def _kpis(result: DrillResult) -> str:
    rows = "".join(_kpi_row(k, result.scenario.t0_ms) for k in result.kpis)
    return (
        "<section id='kpis'><h2>Key figures per region</h2><table><thead><tr><th>region</th><th>incidents</th>"
        "<th>time to detect</th><th>to first task</th><th>to arrival</th><th>level changes</th><th>units sent</th>"
        "<th>cross-border</th><th>unfilled</th><th>notifications</th></tr></thead>"
        f"<tbody>{rows or '<tr><td colspan=10>no incident</td></tr>'}</tbody></table>"
        "<p class='small muted'>Time to detect: when the region's first incident opened, in scenario time. "
        "First task and arrival: measured from that moment. Arrival is a unit's on-scene report, or, marked "
        "est., dispatch time plus the route's travel time.</p></section>"
    )


def _incident(inc: Incident, entries: dict[str, TimelineEntry], t0: int) -> str:
    rows = []
    for d in inc.decisions[:MAX_DECISIONS]:
        evidence = []
        for signal_id in d.evidence:
            entry = entries.get(signal_id.split(":", 1)[0])
            label = describe(entry) if entry is not None else signal_id
            when = offset_text(entry.at_ms, t0) + " " if entry is not None else ""
            evidence.append(f"{when}{escape(label)}")
        reason = "<br/>" + escape(d.reason) if d.reason else ""
        rows.append(
            f"<tr><td>{offset_text(d.at_ms, t0)}</td><td>{escape(d.what)}</td><td><code>{escape(d.rule)}</code></td>"
            f"<td class='small'>{'<br/>'.join(evidence) or '—'}{reason}</td></tr>"
        )
    more = len(inc.decisions) - MAX_DECISIONS
    tail = f"<p class='small muted'>and {more} more decision(s)</p>" if more > 0 else ""
    counts = ", ".join(f"{escape(kind)} ×{n}" for kind, n in sorted(inc.counts))
    return (
        f"<h3>{escape(inc.id)} · {escape(inc.type)} · stage {escape(inc.stage)} · response "
        f"{escape(inc.response_level or '-')} · warning {escape(inc.warning_colour or '-')} · grade "
        f"{escape(inc.event_grade or '-')}</h3><p class='small'>opened {offset_text(inc.opened_at_ms, t0)} in "
        f"{escape(', '.join(inc.provinces))}; evidence: {counts or 'none'}; rules fired: "
        f"{escape(', '.join(inc.fired) or 'none')}</p><table><thead><tr><th>when</th><th>decision</th><th>rule</th>"
        f"<th>on what evidence</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{tail}"
    )


def render_report(
    result: DrillResult, geojson: dict[str, Any], bases: dict[str, tuple[float, float]] | None = None
) -> str:
    """The report as HTML text. `geojson`: simplified region outlines (RegionIndex.geojson); `bases`: where
    each responder is stationed (lon, lat), to draw who came from where."""
    scenario, outcome = result.scenario, result.outcome
    bases = bases or {}
    t0 = scenario.t0_ms
    incidents = sorted((i for i in outcome.incidents.values() if i.status != "merged"), key=lambda i: i.id)
    tasks = sorted(outcome.tasks.values(), key=lambda t: t.id)
    input_times = [e.at_ms for e in scenario.timeline]
    start = min([t0, *input_times[:1]])
    span = Span(start, max(scenario.end_ms, start + 60_000), t0)
    points = [(i.lon, i.lat) for i in incidents] + [bases[t.responder_id] for t in tasks if t.responder_id in bases]
    theater = frame_around([(113.4, 36.0), (119.9, 42.7)], width=480)
    zoom = frame_around(points, width=480)
    entries = {e.event_id: e for e in scenario.timeline}
    topics = Counter(e.topic for e in scenario.timeline)
    shown = sorted(incidents, key=lambda i: (-i.evidence_count, i.id))[:MAX_INCIDENT_SECTIONS]
    incident_html = "".join(_incident(i, entries, t0) for i in sorted(shown, key=lambda i: i.id))
    if len(incidents) > len(shown):
        incident_html += f"<p class='small muted'>{len(incidents) - len(shown)} smaller incident(s) not shown</p>"
    inputs = ", ".join(f"{escape(topic)} {n}" for topic, n in sorted(topics.items()))
    counts = outcome.counts
    body = "".join(
        [
            _facts(scenario),
            _expectations(result),
            _kpis(result),
            "<section id='timeline'><h2>Timeline</h2>",
            timeline_svg(span, input_times, incidents, tasks, result.results),
            "<p class='legend small'><span>■ inputs per time bin</span><span>▬ incident open</span>"
            "<span>▲ unit sent (red: unfilled)</span><span>● response level change</span>"
            "<span>┆ expectation deadline (green met, red missed)</span></p></section>",
            "<section id='map'><h2>Map</h2><div class='cols'><div>",
            map_svg(theater, geojson, incidents, tasks, bases, "京津冀: incidents and units sent"),
            "</div><div>",
            map_svg(zoom, geojson, incidents, tasks, bases, "around the incidents"),
            "</div></div><p class='legend small'><span>● incident</span><span>■ unit's base, line to its "
            "incident (dashed: across a province border)</span><span>regions: Beijing red, Tianjin blue, Hebei "
            "green (boundaries simplified, for demonstration)</span></p></section>",
            f"<section id='incidents'><h2>Incidents: which rules fired on what evidence</h2>{incident_html or '—'}"
            "</section>",
            f"<section id='inputs'><h2>Inputs</h2><p class='small'>by topic: {inputs}. Received "
            f"{counts.get('received', 0)}, accepted {counts.get('accepted', 0)}, rejected {counts.get('rejected', 0)}; "
            f"{len(outcome.deltas)} feed deltas; {len(outcome.rejected)} rejected in the theater.</p></section>",
        ]
    )
    passed = sum(1 for r in result.results if r.passed)
    verdict = f"{passed} of {len(result.results)} expectations met"
    return _template().substitute(
        title=escape(scenario.title),
        scenario_id=escape(scenario.id),
        t0=escape(format_time_ms(t0)),
        file=escape(scenario.file),
        verdict=escape(verdict),
        verdict_class="pass" if result.passed else "fail",
        body=body,
    )
