"""The evaluation (调查评估) of one incident as HTML: the drill report's page (its template, the language switch
without a script) with the evaluation's sections. Every name is said through the operator language: no id, no
epoch time, no JSON; times are clock times in China Standard Time, stretches are durations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from scenarios.evaluation import Evaluation, Miss, RegionPart, ReportLine, Segment, evaluate
from scenarios.report import _template, both
from streams.words import Words, span
from streams.words.clock import full_date
from streams.words.render import Lookup

_SEGMENTS = {
    "first_call": ("首次接报", "first call"),
    "first_dispatch": ("首次派遣", "first dispatch"),
    "first_on_scene": ("首支队伍到场", "first unit on scene"),
    "controlled": ("得到控制（转入恢复）", "controlled (into recovery)"),
    "closed": ("结束", "closed"),
}
_MISS = {
    "report": ("报告逾期", "report late"),
    "arrival": ("到场晚于时限", "arrived after the deadline"),
    "unfilled": ("任务未能派出", "task never filled"),
}
_COLON = both("：", ": ")
_COMMA = both("，", ", ")
_NONE = "<li>" + both("无", "none") + "</li>"
_HEADER = '<span class="zh">事后评估报告</span><span class="en">after-action report</span>'
_SUBTITLE = '<span class="zh">调查评估</span><span class="en">investigation and evaluation</span>'


def _said(say: Callable[[str], str]) -> str:
    """One saying in both languages."""
    return both(say("zh"), say("en"))


def _when(at_ms: int | None) -> str:
    return "—" if at_ms is None else _said(lambda lang: full_date(at_ms, lang))


def _word(words: Words, kind: str, key: Any) -> str:
    return _said(lambda lang: words.word(kind, key, lang)) if key else "—"


def _table(head: tuple[tuple[str, str], ...], rows: list[str]) -> str:
    cells = "".join(f"<th>{both(zh, en)}</th>" for zh, en in head)
    return f"<table><tr>{cells}</tr>{''.join(rows)}</table>"


def _section(anchor: str, zh: str, en: str, inner: str) -> str:
    return f"<section id='{anchor}'><h2>{both(zh, en)}</h2>{inner}</section>"


def _facts(ev: Evaluation, w: Words) -> str:
    inc = ev.incident
    items = (
        (("事件分级", "event grade"), _word(w, "grade", inc.get("event_grade"))),
        (("响应级别", "response level"), _word(w, "level", inc.get("response_level"))),
        (("预警级别", "warning colour"), _word(w, "colour", inc.get("warning_colour"))),
        (("指挥权", "who leads"), _word(w, "lead", inc.get("lead"))),
        (("阶段", "stage"), _word(w, "stage", inc.get("stage"))),
        (("地点", "where"), _said(lambda lang: w.places_list(inc.get("adcodes") or [inc.get("adcode")], lang))),
    )
    lis = "".join(f"<li>{both(*label)}{_COLON}{value}</li>" for label, value in items)
    return _section("facts", "事件概况", "The incident", f"<ul>{lis}</ul>")


def _segments(segments: tuple[Segment, ...]) -> str:
    rows, previous = [], None
    for s in segments:
        gap = "—"
        if s.at_ms is not None and previous is not None:
            gap = both(span(s.at_ms - previous, "zh"), span(s.at_ms - previous, "en"))
        estimated = both("（估算）", " (est.)") if s.estimated else ""
        rows.append(f"<tr><td>{both(*_SEGMENTS[s.name])}</td><td>{_when(s.at_ms)}{estimated}</td><td>{gap}</td></tr>")
        previous = s.at_ms if s.at_ms is not None else previous
    head = (("环节", "moment"), ("时间", "when"), ("距上一环节", "since the one before"))
    return _section("segments", "时间分段", "Time segments", _table(head, rows))


def _region_row(part: RegionPart, w: Words) -> str:
    def units(lang: str) -> str:
        sep = "、" if lang == "zh" else ", "
        return sep.join(f"{w.word('capability', c, lang)} ×{n}" for c, n in part.units) or "—"

    def work(lang: str) -> str:
        return "; ".join(
            f"{w.word('capability', kind, lang)}: {w.owner(owner, lang)} ({w.word('task_status', status, lang)})"
            for kind, owner, status in part.agency_work
        )

    return (
        f"<tr><td>{_said(lambda lang: w.place(part.province, lang))}</td><td>{_said(units)}</td>"
        f"<td>{part.aid_given}</td><td>{part.aid_received}</td><td>{_said(work) if part.agency_work else '—'}</td></tr>"
    )


def _regions(ev: Evaluation, w: Words) -> str:
    head = (
        ("地区", "region"),
        ("派出队伍", "units sent"),
        ("支援他省（支）", "units lent"),
        ("获得支援（支）", "units borrowed"),
        ("恢复重建任务", "recovery work"),
    )
    return _section(
        "regions", "各地区做了什么", "What each region did", _table(head, [_region_row(p, w) for p in ev.regions])
    )


def _report_row(r: ReportLine, w: Words) -> str:
    if r.late:
        result = both("逾期", "late")
    elif r.submitted_ms is not None:
        result = both("按时", "in time")
    else:
        result = both("待报", "due")
    what = (
        f"{_word(w, 'report_kind', r.kind)} {both('（', '(')}{_word(w, 'report_channel', r.channel)}{both('）', ')')}"
    )
    return (
        f"<tr><td>{what}</td><td>{_word(w, 'report_to', r.to)}</td><td>{_when(r.due_ms)}</td>"
        f"<td>{_when(r.submitted_ms)}</td><td>{result}</td></tr>"
    )


def _reports(ev: Evaluation, w: Words) -> str:
    if not ev.reports:
        return _section("reports", "向上报告", "Reports upward", f"<p>{both('无应报告', 'none due')}</p>")
    head = (("报告", "report"), ("报送", "to"), ("时限", "due"), ("报送时间", "submitted"), ("结果", "result"))
    return _section("reports", "向上报告", "Reports upward", _table(head, [_report_row(r, w) for r in ev.reports]))


def _miss(m: Miss, w: Words) -> str:
    subject = _word(w, "report_kind", m.subject) if m.kind == "report" else _word(w, "capability", m.subject)
    return (
        f"<li>{both(*_MISS[m.kind])}{_COLON}{subject}{_COMMA}{both('时限', 'due')} {_when(m.due_ms)}{_COMMA}"
        f"{both('完成', 'done')} {_when(m.at_ms)}</li>"
    )


def _misses(ev: Evaluation, w: Words) -> str:
    items = "".join(_miss(m, w) for m in ev.misses) or _NONE
    return _section("misses", "未按时完成", "Deadlines missed", f"<ul>{items}</ul>")


def _playbook(ev: Evaluation, w: Words) -> str:
    playbook = str(ev.incident.get("playbook", ""))

    def rule(rule_id: str) -> str:
        return _said(lambda lang: w.rule_title(rule_id, lang, playbook=playbook))

    fired = "".join(f"<li>{rule(r)}{both(f'（{n} 次）', f' ({n} times)') if n > 1 else ''}</li>" for r, n in ev.fired)
    not_fired = "".join(f"<li>{rule(r)}</li>" for r in ev.not_fired)

    def timer(timer_id: str) -> str:
        return _said(lambda lang: w.timer_title(timer_id, lang, playbook=playbook))

    lapsed = "".join(f"<li>{timer(t)}</li>" for t in ev.timers_lapsed)
    defaults = "".join(
        f"<li>{both(w.text(s, 'zh'), w.text(s, 'en'))} → {_word(w, 'verdict', d)}</li>" for s, d in ev.defaults
    )
    parts = (
        (("已触发的规则", "Rules that fired"), fired),
        (("未触发的规则", "Rules armed but never fired"), not_fired),
        (("到期执行的计时器（无人先行处置）", "Timers that lapsed (nobody acted first)"), lapsed),
        (("无人答复、按默认处理的审批", "Approvals left to their default"), defaults),
    )
    inner = "".join(f"<h3>{both(*title)}</h3><ul>{items or _NONE}</ul>" for title, items in parts)
    return _section("playbook", "预案做了什么、没做什么", "What the playbook did and did not do", inner)


def _feed_lines(w: Words, kind: str, entities: Sequence[dict[str, Any]], lookup: Lookup | None) -> str:
    """Each entity as the feed says it (the same words the page shows), one list item each."""
    items: list[str] = []
    for data in entities:
        said = w.delta(kind, data, int(data.get("at_ms") or data.get("decided_ms") or 0), lookup)
        items.extend(f"<li>{both(zh, en)}</li>" for zh, en in zip(said.zh, said.en, strict=True))
    return "".join(items) or _NONE


def _readiness(ev: Evaluation, w: Words, lookup: Lookup | None) -> str:
    if not ev.readiness:
        text = both("事发地不在任何预警区内", "no warning covered the place")
        return _section("readiness", "事前：备勤覆盖与力量前置", "Before: readiness and move-up", f"<p>{text}</p>")
    inner = "".join(
        f"<ul>{_feed_lines(w, 'readiness', [r.warning], lookup)}</ul>"
        f"<h3>{both('前置建议及决定', 'Move-ups proposed and decided')}</h3>"
        f"<ul>{_feed_lines(w, 'move_up', r.moves, lookup)}</ul>"
        for r in ev.readiness
    )
    return _section("readiness", "事前：备勤覆盖与力量前置", "Before: readiness and move-up", inner)


def _supplies(ev: Evaluation, w: Words, lookup: Lookup | None) -> str:
    inner = f"<ul>{_feed_lines(w, 'supply', ev.supplies, lookup)}</ul>"
    return _section(
        "supplies", "物资与避难场所（调拨、送达、归还）", "Supplies and shelters (lent, delivered, returned)", inner
    )


def _work_orders(ev: Evaluation, w: Words, lookup: Lookup | None) -> str:
    inner = f"<ul>{_feed_lines(w, 'work_order', ev.work_orders, lookup)}</ul>"
    return _section("work-orders", "12345工单办结", "12345 work orders closed back", inner)


def _losses(ev: Evaluation, w: Words) -> str:
    if not ev.losses:
        return _section(
            "losses", "伤亡与损失", "Losses", f"<p>{both('无部门报送损失统计', 'no agency reported loss figures')}</p>"
        )
    t = {k: int(ev.losses.get(k) or 0) for k in ("deaths", "injured", "missing", "relocated", "houses_damaged")}
    money = int(ev.losses.get("direct_loss_cny") or 0)
    zh = (
        f"死亡 {t['deaths']} 人，受伤 {t['injured']} 人，失踪 {t['missing']} 人，紧急转移 {t['relocated']} 人，"
        f"房屋受损 {t['houses_damaged']} 间，直接经济损失 {w.money(money, 'zh')}"
    )
    en = (
        f"{t['deaths']} dead, {t['injured']} injured, {t['missing']} missing, {t['relocated']} relocated, "
        f"{t['houses_damaged']} houses damaged, direct loss {w.money(money, 'en')}"
    )
    return _section("losses", "伤亡与损失", "Losses", f"<p>{both(zh, en)}</p>")


def _timeline(ev: Evaluation, w: Words, lookup: Lookup | None) -> str:
    rows = []
    for d in ev.decisions:
        said = w.timeline_entry({"kind": "decision", "at_ms": d.get("at_ms"), "data": d}, ev.incident, lookup)
        if said.get("zh"):
            rows.append(f"<tr><td>{_when(int(d['at_ms']))}</td><td>{both(said['zh'], said['en'])}</td></tr>")
    return _section("timeline", "时间线", "Timeline", _table((("时间", "when"), ("决定", "decision")), rows))


def render_evaluation(ev: Evaluation, words: Words, lookup: Lookup | None = None) -> str:
    """The evaluation as one self-contained HTML page; `lookup` names the tasks and exchanges decisions cite."""
    inc = ev.incident
    body = "".join(
        [
            _facts(ev, words),
            _readiness(ev, words, lookup),
            _segments(ev.segments),
            _regions(ev, words),
            _reports(ev, words),
            _misses(ev, words),
            _playbook(ev, words),
            _supplies(ev, words, lookup),
            _work_orders(ev, words, lookup),
            _losses(ev, words),
            _timeline(ev, words, lookup),
        ]
    )
    zh, en = words.incident_title(inc, "zh"), words.incident_title(inc, "en")
    page = _template().substitute(
        title=escape(f"{zh} / {en}"),
        t0=_when(int(inc["opened_at_ms"])),
        file="",
        verdict=both("调查评估报告", "evaluation report"),
        verdict_class="pass",
        body=body,
    )
    page = page.replace(f"<h1>{escape(f'{zh} / {en}')}</h1>", f"<h1>{both(zh, en)}</h1>", 1)
    return page.replace(_HEADER, _SUBTITLE).replace(" · </div>", "</div>")


def evaluation_page(
    incident: dict[str, Any],
    tasks: Sequence[dict[str, Any]],
    reports: Sequence[dict[str, Any]],
    exchanges: Sequence[dict[str, Any]],
    losses: dict[str, Any] | None,
    armed: Sequence[str],
    words: Words,
    lookup: Lookup | None,
    *,
    supplies: Sequence[dict[str, Any]] = (),
    work_orders: Sequence[dict[str, Any]] = (),
    readiness: Sequence[dict[str, Any]] = (),
    moves: Sequence[dict[str, Any]] = (),
) -> str:
    """The API's evaluation page of one live incident (`dashboard_api.context.EvaluationPage`)."""
    model = evaluate(
        incident,
        tasks,
        reports,
        exchanges,
        losses,
        armed,
        supplies=supplies,
        work_orders=work_orders,
        readiness=readiness,
        moves=moves,
    )
    return render_evaluation(model, words, lookup)
