"""Carrying out public warnings and approvals that a playbook asked for.

A public warning goes out as a feed delta of kind "warning": the CAP 1.2 XML and the same message as JSON.
Approvals reach the command centres that must act on them as notifications. (A playbook's mutual-aid request is
an exchange, not a notice: `streams/theater/effects.py`.)
"""

from __future__ import annotations

from typing import Any

import msgspec

from geo.regions import PROVINCES
from playbooks import actions
from playbooks.cap import PublicWarning, WarningArea, to_cap_xml
from playbooks.effects import ApprovalEffect, Effect, NotifyEffect, WarningEffect
from playbooks.evidence import Signal
from playbooks.incident import Incident
from playbooks.plan import Playbook, PublicWarningAction
from streams.theater import wind
from streams.theater.state import Emitter, TheaterContext
from streams.wire.timefmt import format_time_ms

PublicEffect = WarningEffect | ApprovalEffect
_GEOCODE_NAME = "GB/T 2260"  # China's administrative division codes (adcodes)


def carry_out_public(
    incident: Incident, effect: PublicEffect, ctx: TheaterContext, out: Emitter
) -> tuple[NotifyEffect, ...]:
    """Emit what the effect needs; returns the notifications it implies, for the caller to send."""
    if isinstance(effect, WarningEffect):
        publish_warning(effect, ctx, out, incident.type)
        return ()
    if effect.state == "requested":
        message = (
            f"待审批 {effect.approval_id}: {effect.summary}; default {effect.default} at "
            f"{format_time_ms(effect.deadline_ms)}"
        )
    else:
        message = f"审批 {effect.approval_id} {effect.state} ({effect.decided_by}): {effect.summary}"
    return (NotifyEffect(incident.id, effect.rule, ("own",), message),)


def to_public_warning(
    effect: WarningEffect, ctx: TheaterContext, incident_type: str = "", downwind: wind.Downwind | None = None
) -> PublicWarning:
    codes = area_codes(effect, downwind)
    names = []
    for code in codes:
        names.append(PROVINCES[code] if code in PROVINCES else ctx.regions.unit(code).name)
    area_text = "、".join(names) or effect.headline
    if downwind is not None:
        area_text = f"{area_text}（{_downwind_text(downwind, effect)}）"
    area = WarningArea(
        description=area_text,
        polygons=(downwind.ring,) if downwind is not None else (),
        geocodes=tuple((_GEOCODE_NAME, code) for code in codes),
    )
    return PublicWarning(
        identifier=effect.identifier,
        sender=effect.sender,
        sent_ms=effect.sent_ms,
        msg_type=effect.msg_type,
        references=effect.references,
        event_code=effect.event_code,
        event=effect.event,
        colour=effect.colour,  # type: ignore[arg-type]
        response_level=effect.response_level,  # type: ignore[arg-type]
        headline=effect.headline,
        description=effect.description or describe(effect, area_text, incident_type, ctx),
        instruction=_both_languages(effect.instruction, ctx),
        areas=(area,),
        onset_ms=effect.sent_ms,
        expires_ms=effect.expires_ms,
        incident_id=effect.incident_id,
        event_grade=effect.event_grade,
        status="Exercise" if ctx.exercise else effect.status,  # type: ignore[arg-type]
    )


def _both_languages(text: str, ctx: TheaterContext) -> str:
    """A playbook's instruction with its English after it when the phrase book has one (the message carries one
    zh-CN info block, read by people who may not read Chinese: shelter-in-place advice must reach them too)."""
    pair = ctx.phrases.texts.get(text.strip()) if text else None
    return f"{text} / {pair[1]}" if pair is not None and pair[1] != text else text


def describe(effect: WarningEffect, area: str, incident_type: str, ctx: TheaterContext) -> str:
    """The CAP description when the playbook gives none: Chinese text for the public (the message carries one
    zh-CN info block), from the phrase book's name of the incident type and never the type's id."""
    hazard = ctx.phrases.word("type", incident_type, "zh") or effect.event
    if effect.msg_type == "Cancel":
        return f"{area}{hazard}：{effect.headline}。此前发布的预警解除。"
    if effect.msg_type == "Update":
        return f"{area}{hazard}：{effect.headline}。本信息更新此前发布的预警。"
    return f"{area}{hazard}：{effect.headline}。"


def area_codes(effect: WarningEffect, downwind: wind.Downwind | None) -> tuple[str, ...]:
    """The units a message covers: the playbook's, and those the area downwind touches."""
    extra = [c for c in downwind.adcodes if c not in effect.area_adcodes] if downwind is not None else []
    return (*effect.area_adcodes, *extra)


def _downwind_text(downwind: wind.Downwind, effect: WarningEffect) -> str:
    assert effect.downwind_of is not None
    km = f"{effect.downwind_of[2]:g}"
    if downwind.from_deg is None:
        return f"风向不明，泄漏点周边{km}公里 / wind unknown: {km} km around the release"
    zh, en = wind.compass(downwind.from_deg)
    to_zh, to_en = wind.compass((downwind.from_deg + 180.0) % 360.0)
    return (
        f"{zh}{downwind.speed_ms:g}米/秒，泄漏点下风向（{to_zh[:-1]}方向）{km}公里 / "
        f"{en} wind {downwind.speed_ms:g} m/s: {km} km downwind ({to_en.removesuffix('erly')}) of the release"
    )


def publish_warning(effect: WarningEffect, ctx: TheaterContext, out: Emitter, incident_type: str = "") -> None:
    downwind = None
    if effect.downwind_of is not None and effect.msg_type != "Cancel":
        lon, lat, km = effect.downwind_of
        downwind = wind.downwind(out.state, ctx, lon, lat, km, effect.sent_ms)
    warning = to_public_warning(effect, ctx, incident_type, downwind)
    entity: dict[str, Any] = {
        "identifier": effect.identifier,
        "incident_id": effect.incident_id,
        "msg_type": effect.msg_type,
        "sender": effect.sender,
        "sent_ms": effect.sent_ms,
        "references": [ref[1] for ref in effect.references],
        "colour": effect.colour,
        "headline": effect.headline,
        "area_adcodes": list(area_codes(effect, downwind)),
        "rule": effect.rule,
        "cap_xml": to_cap_xml(warning),
        "cap": msgspec.to_builtins(warning),
    }
    out.emit("warning", effect.identifier, entity)


def follow_agency(
    incident: Incident, playbook: Playbook, signal: Signal, effects: tuple[Effect, ...]
) -> tuple[Incident, tuple[Effect, ...]]:
    """An issuing authority's update or lift of its warning, republished as a CAP Update or Cancel that references
    the incident's last public message, unless the playbook already said something public on this signal."""
    action = signal.attr("action")
    active = incident.active_warning
    if active is None or action not in ("update", "cancel") or any(isinstance(e, WarningEffect) for e in effects):
        return incident, effects
    colour = signal.attr("colour")
    if action == "update" and colour == active.colour:
        return incident, effects
    follow = (  # line 0: from an agency's message, not a playbook file
        PublicWarningAction(verb="cancel", line=0)
        if action == "cancel"
        else PublicWarningAction(verb="update", colour=colour, line=0)
    )
    rule = f"agency:{signal.attr('agency')}"
    incident, produced = actions.apply(incident, playbook, follow, rule, (signal.signal_id,), signal.at_ms)
    return incident, (*effects, *produced)
