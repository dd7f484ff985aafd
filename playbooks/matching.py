"""Whether a rule's condition holds for an incident, and which evidence made it hold."""

from __future__ import annotations

from collections.abc import Iterable

from playbooks.evidence import Signal
from playbooks.incident import Incident
from playbooks.places import km_between
from playbooks.plan import Condition, CountSpec
from playbooks.reader import SCALES

MAX_CITED_EVIDENCE = 20  # a decision cites at most this many signals (the newest)


def kind_matches(kind: str, patterns: Iterable[str]) -> bool:
    return any(p == kind or p == "*" or (p.endswith("*") and kind.startswith(p[:-1])) for p in patterns)


def signal_matches(signal: Signal, patterns: Iterable[str]) -> bool:
    """A signal matches its kind's patterns; a call also matches `call:<topic>` for every topic it reports (a person
    trapped in a collapse is `call:collapse` and `call:trapped`), so a rule on either fires."""
    if kind_matches(signal.kind, patterns):
        return True
    topics = signal.attr("topics") if signal.source == "hotline" else ""
    return bool(topics) and any(kind_matches(f"call:{t}", patterns) for t in topics.split(",") if t)


def _counted(spec: CountSpec, incident: Incident, now_ms: int) -> list[Signal]:
    return [
        s
        for s in incident.evidence
        if signal_matches(s, spec.kinds)
        and (spec.within_ms is None or s.at_ms > now_ms - spec.within_ms)
        and (spec.value_at_least is None or (s.value is not None and s.value >= spec.value_at_least))
    ]


def _count_holds(spec: CountSpec, incident: Incident, now_ms: int) -> bool:
    at_least: float = spec.at_least
    if spec.at_least_ref is not None:
        bound = spec.at_least_ref.table.bound(incident.province, spec.at_least_ref.tier)
        if bound is None:
            return False
        at_least = bound[1]
    if spec.within_ms is None and spec.value_at_least is None:
        # every signal counts, also those no longer kept (a surge of calls keeps only the first ones)
        return sum(n for kind, n in incident.counts if kind_matches(kind, spec.kinds)) >= at_least
    return len(_counted(spec, incident, now_ms)) >= at_least


def _covers(warning: Signal, incident: Incident) -> bool:
    area = warning.attr("area").split(",") if warning.attr("area") else []
    if area:
        return any(code in area for code in incident.adcodes)
    return warning.province in incident.provinces


def holds(
    cond: Condition, incident: Incident, trigger: Signal | None, now_ms: int, warnings: tuple[Signal, ...] = ()
) -> bool:
    """`trigger` is the signal being processed, or None when only event time moved on."""
    if cond.needs_trigger and trigger is None:
        return False
    if cond.incident_types is not None and incident.type not in cond.incident_types:
        return False
    if cond.signal_kinds is not None and (trigger is None or not signal_matches(trigger, cond.signal_kinds)):
        return False
    if trigger is not None and any(trigger.attr(k) != v for k, v in cond.attrs):
        return False
    if cond.stages is not None and incident.stage not in cond.stages:
        return False
    if cond.count is not None and not _count_holds(cond.count, incident, now_ms):
        return False
    value = trigger.value if trigger is not None else None
    if cond.value_at_least is not None and (value is None or value < cond.value_at_least):
        return False
    if cond.figures_at_least and (trigger is None or not _figures_hold(cond.figures_at_least, trigger)):
        return False
    if cond.threshold is not None:
        bound = cond.threshold.table.bound(trigger.province if trigger else incident.province, cond.threshold.tier)
        if value is None or bound is None or value < bound[1]:
            return False
    if cond.severity_at_least is not None and (trigger is None or trigger.severity < cond.severity_at_least):
        return False
    if cond.no_evidence_for_ms is not None and now_ms - incident.last_evidence_ms < cond.no_evidence_for_ms:
        return False
    if cond.lasting is not None:
        kinds, duration_ms = cond.lasting
        times = [s.at_ms for s in incident.evidence if kind_matches(s.kind, kinds)]
        if not times or now_ms - min(times) < duration_ms:
            return False
    if cond.inside is not None and not cond.inside.intersection(incident.adcodes):
        return False
    if cond.downstream_of is not None and not cond.downstream_of.intersection(incident.adcodes):
        return False
    if cond.near is not None and not any(
        km_between(incident.lon, incident.lat, lon, lat) <= cond.near.km for lon, lat, _ in cond.near.points
    ):
        return False
    if cond.at_facility is not None and not any(h.cls in cond.at_facility for h in incident.hazards):
        return False
    if cond.in_warning_area is not None:
        spec = cond.in_warning_area
        if not any(
            w.severity >= spec.min_severity
            and (spec.hazards is None or w.attr("hazard") in spec.hazards)
            and _covers(w, incident)
            for w in warnings
        ):
            return False
    if cond.not_acknowledged and incident.acknowledged:
        return False
    for field, level in cond.scales_at_least:
        current = getattr(incident, field)
        if current is None or SCALES[field].index(current) < SCALES[field].index(level):
            return False
    for field, level in cond.scales_below:
        current = getattr(incident, field)
        if current is not None and SCALES[field].index(current) >= SCALES[field].index(level):
            return False
    return not cond.any_of or any(holds(c, incident, trigger, now_ms, warnings) for c in cond.any_of)


def cited_evidence(cond: Condition, incident: Incident, trigger: Signal | None, now_ms: int) -> tuple[str, ...]:
    """The signals a decision rests on: the trigger, and the evidence its counts and durations were over."""
    cited: list[Signal] = []
    if cond.count is not None:
        cited += _counted(cond.count, incident, now_ms)
    if cond.lasting is not None:
        cited += [s for s in incident.evidence if kind_matches(s.kind, cond.lasting[0])]
    ids = [s.signal_id for s in sorted(cited, key=lambda s: (s.at_ms, s.signal_id))]
    if trigger is not None:
        ids.append(trigger.signal_id)
    unique = list(dict.fromkeys(ids))
    return tuple(unique[-MAX_CITED_EVIDENCE:])


def describe(cond: Condition) -> str:
    """A short account of a condition for the decision record and the dry run."""
    parts: list[str] = []
    if cond.signal_kinds is not None:
        parts.append("signal " + "|".join(cond.signal_kinds))
    if cond.stages is not None:
        parts.append("stage " + "|".join(sorted(cond.stages)))
    if cond.count is not None:
        within = f" within {cond.count.within_ms // 60_000} min" if cond.count.within_ms else ""
        ref = cond.count.at_least_ref
        at_least = f"{ref.table.name} {ref.tier}" if ref else str(cond.count.at_least)
        parts.append(f"{at_least}+ of {'|'.join(cond.count.kinds)}{within}")
    if cond.threshold is not None:
        parts.append(f"value ≥ {cond.threshold.table.name} {cond.threshold.tier}")
    if cond.value_at_least is not None:
        parts.append(f"value ≥ {cond.value_at_least:g}")
    parts += [f"{name} ≥ {bound:g}" for name, bound in cond.figures_at_least]
    if cond.severity_at_least is not None:
        parts.append(f"severity ≥ {cond.severity_at_least}")
    if cond.no_evidence_for_ms is not None:
        parts.append(f"no evidence for {cond.no_evidence_for_ms // 60_000} min")
    if cond.lasting is not None:
        parts.append(f"{'|'.join(cond.lasting[0])} lasting {cond.lasting[1] // 60_000} min")
    if cond.near is not None:
        parts.append(f"within {cond.near.km:g} km of a {cond.near.facility}")
    if cond.at_facility is not None:
        parts.append(f"at a registered {'|'.join(sorted(cond.at_facility))}")
    if cond.inside is not None:
        parts.append("inside region")
    if cond.downstream_of is not None:
        parts.append("downstream on a river")
    if cond.in_warning_area is not None:
        parts.append("in a warning area")
    parts += [f"{field} ≥ {level}" for field, level in cond.scales_at_least]
    parts += [f"{field} < {level}" for field, level in cond.scales_below]
    if cond.any_of:
        parts.append("any of (" + "; ".join(describe(c) for c in cond.any_of) + ")")
    return ", ".join(parts)


def _figures_hold(figures: tuple[tuple[str, float], ...], trigger: Signal) -> bool:
    """Every figure the trigger carries at least its bound (a figure it does not carry does not hold)."""
    for name, bound in figures:
        try:
            if float(trigger.attr(name) or "nan") >= bound:
                continue
        except ValueError:
            pass
        return False
    return True
