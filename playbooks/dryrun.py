"""A dry run of one playbook over a file of evidence (`ebrain playbooks try PLAYBOOK EVENTS.jsonl`).

One incident, no fusion and no dispatch: each line is a signal, an operator command or a tick, in event
time; timers and time-driven rules fire in due order between them, exactly as in the theater. The result
lists every decision (rule, evidence, event time) and every effect, which the tests also assert on.

Each line is a JSON object: a signal `{"at", "kind", "province", "adcode"?, "lon"?, "lat"?, "severity"?,
"value"?, "attrs"?, "id"?, "source"?, "text"?}`, a command `{"at", "command": "acknowledge" | "approve" |
"reject", "target"?: approval id, "by"?}`, or `{"at", "command": "tick"}` to let time pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

import msgspec

from geo.datafiles import LoadError
from playbooks import lifecycle
from playbooks.effects import (
    AssignEffect,
    ClosureEffect,
    DispatchEffect,
    Effect,
    MutualAidEffect,
    NotifyEffect,
    SupplyEffect,
    WarningEffect,
)
from playbooks.evidence import Signal
from playbooks.incident import MAX_KEPT_EVIDENCE, Decision, Incident
from playbooks.plan import Playbook

Command = Literal["", "acknowledge", "approve", "reject", "tick"]
_CST = timezone(timedelta(hours=8))  # the dry run prints China Standard Time


class TryEvent(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    at: str
    kind: str = ""
    command: Command = ""
    province: str = ""
    adcode: str | None = None
    lon: float | None = None
    lat: float | None = None
    severity: int = 0
    value: float | None = None
    attrs: dict[str, str] = {}
    id: str = ""
    source: Literal["sensor", "hotline", "agency", "operator"] = "agency"
    text: str = ""
    target: str = ""
    by: str = "duty-officer"


_DECODER = msgspec.json.Decoder(TryEvent)


@dataclass(frozen=True)
class Timed:  # what one step of the run decided and asked for
    at_ms: int
    decisions: tuple[Decision, ...]
    effects: tuple[Effect, ...]
    line: int


@dataclass
class DryRun:
    playbook: Playbook
    incident_type: str
    incident: Incident | None = None
    warnings: dict[str, Signal] = field(default_factory=dict)
    steps: list[Timed] = field(default_factory=list)
    now_ms: int = 0

    def _record(self, before: Incident | None, after: Incident, effects: tuple[Effect, ...], line: int) -> None:
        seen = len(before.decisions) if before is not None else 0
        if after.decisions[seen:] or effects:
            self.steps.append(Timed(self.now_ms, after.decisions[seen:], effects, line))
        self.incident = after

    def advance(self, until_ms: int, line: int) -> None:
        """Fire timers and time-driven rules due by `until_ms`, in due order."""
        while self.incident is not None and self.incident.status == "open":
            due = [t.due_ms for t in self.incident.timers if t.due_ms <= until_ms]
            if not due:
                break
            self.now_ms = max(self.now_ms, min(due))
            before = self.incident
            after, effects = lifecycle.fire_timers(before, self.playbook, self.now_ms)
            self._record(before, after, effects, line)
        self.now_ms = max(self.now_ms, until_ms)
        if self.incident is not None:
            before = self.incident
            after, effects = lifecycle.evaluate(before, self.playbook, None, self.now_ms, self._active())
            self._record(before, after, effects, line)

    def _active(self) -> tuple[Signal, ...]:
        return tuple(self.warnings[k] for k in sorted(self.warnings))

    def signal(self, signal: Signal, line: int) -> None:
        if signal.kind == "warning":
            if signal.attr("action") == "cancel":
                self.warnings.pop(signal.attr("warning_id"), None)
            else:
                self.warnings[signal.attr("warning_id") or signal.signal_id] = signal
        before = self.incident
        incident = self._with_evidence(signal)
        if before is None:
            incident = lifecycle.on_open(incident, self.playbook, signal.at_ms)
        if signal.kind == "warning" and signal.attr("colour") and signal.attr("action") != "cancel":
            incident = replace(incident, warning_colour=signal.attr("colour"))  # the issuing authority's fact
        after, effects = lifecycle.evaluate(incident, self.playbook, signal, signal.at_ms, self._active())
        self._record(before, after, effects, line)

    def command(self, event: TryEvent, line: int) -> None:
        if self.incident is None:
            raise ValueError(f"command {event.command}: no incident yet")
        before = self.incident
        effects: tuple[Effect, ...] = ()
        if event.command == "acknowledge":
            after = lifecycle.acknowledge(before, event.by, self.now_ms)
        else:
            after, effects = lifecycle.decide_approval(
                before, self.playbook, event.target, event.command, event.by, self.now_ms
            )
        self._record(before, after, effects, line)

    def _with_evidence(self, s: Signal) -> Incident:
        if self.incident is None:
            return Incident(
                id="TRY-000001",
                theater="try",
                type=self.incident_type,
                family="try",
                opened_at_ms=s.at_ms,
                updated_at_ms=s.at_ms,
                last_evidence_ms=s.at_ms,
                lon=s.lon if s.lon is not None else 0.0,
                lat=s.lat if s.lat is not None else 0.0,
                province=s.province,
                adcode=s.adcode or s.province,
                provinces=(s.province,),
                adcodes=(s.adcode,) if s.adcode else (),
                evidence=(s,),
                counts=((s.kind, 1),),
                confidence=1.0,
            )
        inc = self.incident
        counts = dict(inc.counts)
        counts[s.kind] = counts.get(s.kind, 0) + 1
        return replace(
            inc,
            updated_at_ms=s.at_ms,
            last_evidence_ms=max(inc.last_evidence_ms, s.at_ms),
            provinces=tuple(dict.fromkeys((*inc.provinces, s.province))),
            adcodes=tuple(dict.fromkeys((*inc.adcodes, *((s.adcode,) if s.adcode else ())))),
            evidence=inc.evidence if len(inc.evidence) >= MAX_KEPT_EVIDENCE else (*inc.evidence, s),
            counts=tuple(counts.items()),
        )


def parse_at(text: str) -> int:
    """ISO 8601 with an offset ("2023-07-31T09:00:00+08:00") → epoch ms; a time without offset is refused."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"at: {text!r} has no UTC offset (write +08:00 for China Standard Time)")
    return int(moment.timestamp() * 1000)


def read_events(path: Path | str, text: str | None = None) -> list[tuple[int, int, TryEvent]]:
    """(line, at_ms, event) for every non-blank line; a bad line fails with file, line and field."""
    name = str(path)
    body = Path(path).read_text(encoding="utf-8") if text is None else text
    events: list[tuple[int, int, TryEvent]] = []
    for number, raw in enumerate(body.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            event = _DECODER.decode(raw)
            at_ms = parse_at(event.at)
        except (msgspec.ValidationError, msgspec.DecodeError, ValueError) as exc:
            raise LoadError(name, number, str(exc)) from None
        if not event.command and (not event.kind or not event.province):
            raise LoadError(name, number, "a signal needs 'kind' and 'province' (or give 'command')")
        events.append((number, at_ms, event))
    return events


def run(playbook: Playbook, events: list[tuple[int, int, TryEvent]], incident_type: str | None = None) -> DryRun:
    dry = DryRun(playbook, incident_type or sorted(playbook.incident_types)[0])
    for line, at_ms, event in sorted(events, key=lambda e: (e[1], e[0])):
        dry.advance(at_ms, line)
        if event.command == "tick":
            continue
        if event.command:
            dry.command(event, line)
            continue
        signal = Signal(
            signal_id=event.id or f"L{line}",
            source=event.source,
            kind=event.kind,
            at_ms=at_ms,
            province=event.province,
            adcode=event.adcode,
            lon=event.lon,
            lat=event.lat,
            severity=event.severity,
            value=event.value,
            text=event.text,
            attrs=tuple(sorted(event.attrs.items())),
        )
        dry.signal(signal, line)
    return dry


def _clock(at_ms: int, t0_ms: int) -> str:
    minutes = (at_ms - t0_ms) // 60_000
    return f"T+{minutes // 60:d}:{minutes % 60:02d}"


def _effect_line(effect: Effect) -> str:
    if isinstance(effect, DispatchEffect):
        return f"dispatch {effect.capability} x{effect.count}, deadline {format_at(effect.deadline_ms)}"
    if isinstance(effect, AssignEffect):
        return f"assign {effect.work} to the {effect.agency_kind}, deadline {format_at(effect.deadline_ms)}"
    if isinstance(effect, NotifyEffect):
        units = f" units {','.join(effect.adcodes)}" if effect.adcodes else ""
        return f"notify {','.join(effect.to) or '-'}{units}: {effect.message}"
    if isinstance(effect, WarningEffect):
        refs = f" (references {effect.references[0][1]})" if effect.references else ""
        return f"CAP {effect.msg_type} {effect.identifier} {effect.colour or '-'}: {effect.headline}{refs}"
    if isinstance(effect, MutualAidEffect):
        return f"mutual aid {effect.request_id}: {effect.capability} x{effect.count} from {','.join(effect.lenders)}"
    if isinstance(effect, SupplyEffect):
        return f"supplies {effect.item} x{effect.quantity}: own depots first, then the lenders"
    if isinstance(effect, ClosureEffect):
        if effect.verb == "lift":
            return f"lift the incident's road closures: {effect.reason}"
        where = effect.place or f"({effect.lon:.5f}, {effect.lat:.5f})"
        return f"close road {effect.kind} {effect.radius_m:.0f} m around {where}: {effect.reason}"
    return f"approval {effect.approval_id} {effect.state}: {effect.summary}"


def format_at(at_ms: int) -> str:
    return datetime.fromtimestamp(at_ms / 1000, _CST).strftime("%Y-%m-%d %H:%M:%S")


def report(dry: DryRun) -> list[str]:
    """Each transition and action, with the rule, the evidence and the event time behind it."""
    t0 = dry.incident.opened_at_ms if dry.incident is not None else 0
    lines: list[str] = []
    for step in dry.steps:
        for d in step.decisions:
            because = f" — {d.reason}" if d.reason else ""
            evidence = f" ← {', '.join(d.evidence)}" if d.evidence else ""
            lines.append(f"{_clock(d.at_ms, t0)} {format_at(d.at_ms)}  [{d.rule}] {d.what}{because}{evidence}")
        for effect in step.effects:
            lines.append(f"{_clock(step.at_ms, t0)} {format_at(step.at_ms)}    → {_effect_line(effect)}")
    if dry.incident is not None:
        inc = dry.incident
        lines.append(
            f"end: stage {inc.stage}, response level {inc.response_level or '-'}, warning colour "
            f"{inc.warning_colour or '-'}, event grade {inc.event_grade or '-'}, "
            f"{len(inc.timers)} timer(s) pending"
        )
    return lines
