"""Carrying out one playbook action on an incident: a new incident value, effects as data, a decision recorded."""

from __future__ import annotations

from dataclasses import replace
from typing import assert_never

from geo.regions import PROVINCES
from playbooks.effects import (
    ApprovalEffect,
    AssignEffect,
    ClosureEffect,
    DispatchEffect,
    Effect,
    MutualAidEffect,
    NotifyEffect,
    SupplyEffect,
    WarningEffect,
)
from playbooks.incident import STAGE_ORDER, Approval, Decision, Incident, Timer, WarningRecord
from playbooks.places import PlaybookPlaces, km_between
from playbooks.plan import (
    Action,
    Assign,
    CancelTimer,
    Close,
    CloseRoad,
    Dispatch,
    EnterStage,
    LiftClosure,
    Notify,
    Playbook,
    PublicWarningAction,
    RequestMutualAid,
    RequestSupplies,
    RequireApproval,
    SetScale,
    StartTimer,
    StepScale,
)
from playbooks.reader import SCALES

_DEFAULT_SENDER = "{province}.ebrain@jingjinji.ebrain"
_DEFAULT_EXPIRY_MS = 6 * 3_600_000
_DEFAULT_DOWNWIND_KM = 5.0  # [choice] when no register is loaded (dry runs of a file alone)
_COLOUR_CN = {"red": "红色", "orange": "橙色", "yellow": "黄色", "blue": "蓝色"}

Result = tuple[Incident, tuple[Effect, ...]]


def decided(
    incident: Incident, at_ms: int, what: str, rule: str, evidence: tuple[str, ...] = (), reason: str = ""
) -> Incident:
    return replace(incident, decisions=(*incident.decisions, Decision(at_ms, what, rule, evidence, reason)))


def start_timer(incident: Incident, playbook: Playbook, timer_id: str, rule: str, now_ms: int) -> Incident:
    spec = playbook.timer(timer_id)
    if spec is None:  # the loader resolves every timer a playbook names; held actions of another one may not
        return decided(incident, now_ms, f"timer {timer_id} not started (not in playbook {playbook.id})", rule)
    if any(t.id == timer_id for t in incident.timers):
        return incident  # already running: a timer is not restarted by repeated evidence
    timer = Timer(id=timer_id, due_ms=now_ms + spec.after_ms, rule=rule, unless=spec.unless, stage=incident.stage)
    what = f"timer {timer_id} started (due in {spec.after_ms // 60_000} min)"
    return decided(replace(incident, timers=(*incident.timers, timer)), now_ms, what, rule)


def cancel_timers(incident: Incident, ids: set[str], why: str, rule: str, now_ms: int) -> Incident:
    for timer in incident.timers:
        if timer.id in ids:
            incident = replace(incident, timers=tuple(t for t in incident.timers if t.id != timer.id))
            incident = decided(incident, now_ms, f"timer {timer.id} cancelled ({why})", rule)
    return incident


def run_actions(
    incident: Incident,
    playbook: Playbook,
    actions: tuple[Action, ...],
    rule: str,
    evidence: tuple[str, ...],
    now_ms: int,
) -> Result:
    effects: list[Effect] = []
    for action in actions:
        incident, produced = apply(incident, playbook, action, rule, evidence, now_ms)
        effects.extend(produced)
    return incident, tuple(effects)


def apply(
    incident: Incident, playbook: Playbook, action: Action, rule: str, evidence: tuple[str, ...], now_ms: int
) -> Result:
    match action:
        case EnterStage(stage=stage):
            return _enter_stage(incident, playbook, stage, rule, evidence, now_ms)
        case SetScale():
            return _set_scale(incident, action, rule, evidence, now_ms), ()
        case StepScale():
            return _step_scale(incident, action, rule, evidence, now_ms), ()
        case Dispatch(capability=capability, count=count, within_ms=within_ms):
            return incident, (DispatchEffect(incident.id, rule, capability, count, now_ms + within_ms),)
        case Assign(work=work, agency_kind=kind, within_ms=within_ms, reason=reason):
            return incident, (AssignEffect(incident.id, rule, work, kind, now_ms + within_ms, reason),)
        case Notify():
            return _notify(incident, playbook, action, rule, now_ms)
        case StartTimer(timer=timer):
            return start_timer(incident, playbook, timer, rule, now_ms), ()
        case CancelTimer(timer=timer):
            return cancel_timers(incident, {timer}, f"by rule {rule}", rule, now_ms), ()
        case Close():
            return _enter_stage(incident, playbook, "closed", rule, evidence, now_ms)
        case PublicWarningAction():
            return _public_warning(incident, playbook, action, rule, evidence, now_ms)
        case RequestMutualAid():
            return _mutual_aid(incident, playbook, action, rule, evidence, now_ms)
        case RequestSupplies(item=item, quantity=quantity, reason=reason):
            what = f"supplies {item} x{quantity} asked for"
            incident = decided(incident, now_ms, what, rule, evidence, reason)
            return incident, (SupplyEffect(incident.id, rule, item, quantity, reason),)
        case RequireApproval(approval=index):
            return _request_approval(incident, playbook, index, rule, evidence, now_ms)
        case CloseRoad():
            return _close_road(incident, playbook, action, rule, evidence, now_ms)
        case LiftClosure(reason=reason):
            return incident, (ClosureEffect(incident.id, rule, "lift", reason),)
    assert_never(action)


def _enter_stage(
    incident: Incident, playbook: Playbook, target: str, rule: str, evidence: tuple[str, ...], now_ms: int
) -> Result:
    current = STAGE_ORDER.index(incident.stage)
    reopen = incident.stage == "after" and target == "during"
    if incident.stage == "closed" or (STAGE_ORDER.index(target) <= current and not reopen):
        return incident, ()
    what = f"stage {incident.stage}→{target}" + (" (reopened)" if reopen else "")
    left = {t.id for t in incident.timers if t.unless == "stage_left"}
    incident = cancel_timers(incident, left, "stage_left", rule, now_ms)
    incident = decided(replace(incident, stage=target), now_ms, what, rule, evidence)  # type: ignore[arg-type]
    if target == "closed":
        return replace(incident, status="closed", timers=()), ()
    for spec in playbook.timers:
        if spec.start_on == f"stage:{target}":
            incident = start_timer(incident, playbook, spec.id, rule, now_ms)
    return run_actions(incident, playbook, playbook.entry_actions(target), rule, evidence, now_ms)


def _move(scale: tuple[str, ...], current: str | None, wanted: str, allow_lower: bool) -> str | None:
    if current is None or allow_lower or scale.index(wanted) > scale.index(current):
        return wanted
    return current


def _changed(
    incident: Incident, field: str, new: str | None, rule: str, evidence: tuple[str, ...], reason: str, now_ms: int
) -> Incident:
    old = getattr(incident, field)
    if new == old:
        return incident
    if field == "response_level":
        incident = replace(incident, response_level=new)
    elif field == "warning_colour":
        incident = replace(incident, warning_colour=new)
    else:
        incident = replace(incident, event_grade=new)
    return decided(incident, now_ms, f"{field} {old or '-'}→{new or '-'}", rule, evidence, reason)


def _set_scale(incident: Incident, action: SetScale, rule: str, evidence: tuple[str, ...], now_ms: int) -> Incident:
    field = action.scale
    new = _move(SCALES[field], getattr(incident, field), action.level, action.allow_lower)
    return _changed(incident, field, new, rule, evidence, action.reason, now_ms)


def _step_scale(incident: Incident, action: StepScale, rule: str, evidence: tuple[str, ...], now_ms: int) -> Incident:
    """Raise or lower a scale by steps; lowering below the lowest level lifts it (no level)."""
    field = action.scale
    scale = SCALES[field]
    current = getattr(incident, field)
    if current is None and action.steps < 0:
        return incident
    index = (scale.index(current) if current is not None else -1) + action.steps
    new = scale[min(len(scale) - 1, index)] if index >= 0 else None
    return _changed(incident, field, new, rule, evidence, action.reason, now_ms)


def downstream_units(incident: Incident, playbook: Playbook, river: str = "") -> tuple[str, ...]:
    """Units below the incident's units on the rivers that pass them (or on `river` only)."""
    places = playbook.places
    if places is None:
        return ()
    rivers = [places.rivers[river]] if river else list(places.rivers.values())
    below: set[str] = set()
    for r in rivers:
        for adcode in incident.adcodes:
            below.update(r.downstream_from(adcode))
    return tuple(sorted(below - set(incident.adcodes)))


def _notify(incident: Incident, playbook: Playbook, action: Notify, rule: str, now_ms: int) -> Result:
    to = tuple(t for t in action.to if t != "downstream")
    adcodes = downstream_units(incident, playbook, action.river) if "downstream" in action.to else ()
    if not to and not adcodes:
        return decided(incident, now_ms, "notify downstream: no unit below on the river table", rule), ()
    return incident, (NotifyEffect(incident.id, rule, to, action.message, adcodes),)


def _public_warning(
    incident: Incident,
    playbook: Playbook,
    action: PublicWarningAction,
    rule: str,
    evidence: tuple[str, ...],
    now_ms: int,
) -> Result:
    active = incident.active_warning
    if action.verb == "cancel" and active is None:
        return incident, ()
    msg_type = "Cancel" if action.verb == "cancel" else ("Update" if active is not None else "Alert")
    places = playbook.places
    colour = incident.warning_colour if action.colour == "incident" else action.colour
    if msg_type == "Cancel":
        colour = active.colour if active is not None else colour
    event_code = action.event_code or (active.event_code if active else "")
    event = action.event or (active.event if active else "")
    if not event_code or not event:
        return decided(incident, now_ms, f"{action.verb}_warning: no event code (no warning issued before)", rule), ()
    label = _COLOUR_CN.get(colour or "", "")
    headline = action.headline or (f"解除{event}预警" if msg_type == "Cancel" else f"{event}{label}预警")
    area = action.area
    if area == "province":
        area_codes = tuple(sorted(incident.provinces))
    elif area == "downstream":
        area_codes = (*incident.adcodes, *downstream_units(incident, playbook, action.river))
    else:
        area_codes = incident.adcodes
    downwind = release_reach(incident, places) if area == "downwind" else None
    sender = (places.sender_template if places else _DEFAULT_SENDER).format(province=incident.province)
    sent_ms = now_ms - now_ms % 1000  # CAP times carry whole seconds
    identifier = f"{incident.id}-W{len(incident.public_warnings) + 1:02d}"
    references = () if active is None or msg_type == "Alert" else ((active.sender, active.identifier, active.sent_ms),)
    expiry = action.expires_ms or (places.default_expiry_ms if places else _DEFAULT_EXPIRY_MS)
    effect = WarningEffect(
        incident_id=incident.id,
        rule=rule,
        msg_type=msg_type,  # type: ignore[arg-type]
        identifier=identifier,
        sender=sender,
        sent_ms=sent_ms,
        references=references,
        event_code=event_code,
        event=event,
        colour=colour,
        response_level=incident.response_level,
        event_grade=incident.event_grade,
        headline=headline,
        description=action.description,  # "": said from the incident type where it is published
        instruction=action.instruction,
        area_adcodes=area_codes,
        expires_ms=None if msg_type == "Cancel" else sent_ms + expiry,
        status=places.warning_status if places else "Actual",
        downwind_of=downwind,
    )
    record = WarningRecord(identifier, sender, sent_ms, msg_type, colour, event_code, event, rule)  # type: ignore[arg-type]
    incident = replace(incident, public_warnings=(*incident.public_warnings, record))
    what = f"public warning {msg_type} {identifier} {colour or '-'}"
    return decided(incident, now_ms, what, rule, evidence, headline), (effect,)


def release_reach(incident: Incident, places: PlaybookPlaces | None) -> tuple[float, float, float]:
    """Where a release is and how far downwind people shelter: the registered plant the incident carries, as far as
    its substances reach (the farthest substance class); without one, the incident's site and the farthest reach of
    any class (the substance is not known)."""
    reaches = places.downwind_km if places is not None else {}
    default = max(reaches.values(), default=_DEFAULT_DOWNWIND_KM)
    plant = next((h for h in incident.hazards if h.cls == "chemical_plant"), None)
    if plant is None or places is None:
        return incident.lon, incident.lat, default
    site = next(f for f in places.facilities[plant.cls] if f.name == plant.name)
    reach = max((reaches.get(s.cls, default) for s in site.substances), default=default)
    return site.lon, site.lat, reach


def _mutual_aid(
    incident: Incident, playbook: Playbook, action: RequestMutualAid, rule: str, evidence: tuple[str, ...], now_ms: int
) -> Result:
    borrower = incident.province
    wanted = set(PROVINCES) if "any" in action.lenders else set(action.lenders)
    capability = action.capability
    agreements = playbook.places.agreements if playbook.places else None
    lenders = tuple(
        sorted(p for p in wanted - {borrower} if agreements is None or agreements.lends_to(p, borrower, capability))
    )
    if not lenders:
        what = f"mutual aid {capability}: no agreement lends it to {borrower}"
        return decided(incident, now_ms, what, rule, evidence), ()
    request_id = f"{incident.id}-M{len(incident.aid_requests) + 1}"
    incident = replace(incident, aid_requests=(*incident.aid_requests, request_id))
    what = f"mutual aid {request_id}: {capability} x{action.count} asked of {', '.join(lenders)}"
    incident = decided(incident, now_ms, what, rule, evidence, action.reason)
    effect = MutualAidEffect(
        incident.id, rule, request_id, borrower, lenders, capability, action.count, action.reason,
        now_ms + action.within_ms,
    )  # fmt: skip
    return incident, (effect,)


def _close_road(
    incident: Incident, playbook: Playbook, action: CloseRoad, rule: str, evidence: tuple[str, ...], now_ms: int
) -> Result:
    """Where the road closes: the incident's site, or the nearest facility of the class within reach of it."""
    at_site = (incident.lon, incident.lat, "", f"C-{incident.id}-site", incident.adcode)
    if action.at == "incident":
        site = at_site
    else:
        facilities = playbook.places.facilities.get(action.at, ()) if playbook.places else ()
        reach = sorted((km_between(incident.lon, incident.lat, f.lon, f.lat), n, f) for n, f in enumerate(facilities))
        if not reach or reach[0][0] > action.within_km:
            what = f"close_road {action.closure}: no {action.at} within {action.within_km:g} km"
            incident = decided(incident, now_ms, what, rule, evidence, action.reason)
            if not action.or_incident:
                return incident, ()
            site = at_site  # the registered sites are approximate: the evidence's own place is where it is flooded
        else:
            _, number, facility = reach[0]
            site = (facility.lon, facility.lat, facility.name, f"C-{incident.id}-{action.at}-{number}", facility.adcode)
    lon, lat, place, closure_id, adcode = site
    effect = ClosureEffect(
        incident.id, rule, "close", action.reason, closure_id, action.closure, lon, lat, action.radius_m,
        action.factor, place, adcode,
    )  # fmt: skip
    return incident, (effect,)


def _request_approval(
    incident: Incident, playbook: Playbook, index: int, rule: str, evidence: tuple[str, ...], now_ms: int
) -> Result:
    spec = playbook.approvals[index]
    approval = Approval(
        id=f"A{len(incident.approvals) + 1}",
        rule=rule,
        action_index=index,
        requested_at_ms=now_ms,
        deadline_ms=now_ms + spec.within_ms,
        default=spec.default,  # type: ignore[arg-type]
        summary=spec.summary,
        playbook=playbook.id,
    )
    timer = Timer(id=f"approval:{approval.id}", due_ms=approval.deadline_ms, rule=rule)
    incident = replace(incident, approvals=(*incident.approvals, approval), timers=(*incident.timers, timer))
    what = (
        f"approval {approval.id} requested: {spec.summary} (default {spec.default} in {spec.within_ms // 60_000} min)"
    )
    incident = decided(incident, now_ms, what, rule, evidence)
    effect = ApprovalEffect(
        incident.id, rule, approval.id, "requested", spec.summary, approval.deadline_ms, spec.default
    )
    return incident, (effect,)
