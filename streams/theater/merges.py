"""Fusion in the theater: publishing merges and splits, operator merge/split, and surge pacing of the feed.

Merges and splits are announced on the feed as incident deltas (the merged incident with status `merged` and
`merged_into`, the new one of a split) and a notification to every region involved; the Decisions on both
incidents are the audit trail. Tasks of a merged incident follow it to the survivor.

Surge pacing keeps the feed readable when thousands of calls join one incident: once it has enough evidence,
an update that only adds evidence is held back and published with every N-th signal or when event time crosses
a minute boundary (numbers in fusion.yaml). The held-back set is theater state, so both runtimes and a
restarted worker publish exactly the same deltas.
"""

from __future__ import annotations

from dataclasses import replace

from geo.names import did_you_mean
from playbooks import lifecycle
from playbooks.incident import Incident, Notification
from streams.fusion import fuse
from streams.fusion.merge import evolve
from streams.fusion.rules import FeedPacing
from streams.theater.effects import carry_out
from streams.theater.state import Emitter, TheaterContext, TheaterState
from streams.wire.records import OperatorCommand


def held_back(previous: Incident | None, incident: Incident, pacing: FeedPacing) -> bool:
    """Whether this update of a surge incident may wait: it only adds evidence, and it is not the N-th signal."""
    if previous is None:
        return False
    count = incident.evidence_count
    if count < pacing.aggregate_from or count % pacing.every_signals == 0:
        return False
    moved_timers = len(incident.timers) == len(previous.timers) and all(
        replace(a, due_ms=b.due_ms) == b for a, b in zip(previous.timers, incident.timers, strict=True)
    )  # timers measuring quiet move with each piece of evidence: that alone is no news either
    same_but_evidence = evolve(
        incident,
        evidence=previous.evidence,
        counts=previous.counts,
        last_evidence_ms=previous.last_evidence_ms,
        updated_at_ms=previous.updated_at_ms,
        place_keys=previous.place_keys,
        timers=previous.timers if moved_timers else incident.timers,
    )
    return same_but_evidence == previous


def flush_feed(state: TheaterState, until_ms: int, pacing: FeedPacing, out: Emitter) -> None:
    """Publish held-back incidents when event time is about to cross a flush boundary."""
    pending = state.fusion.feed_pending
    if pending and until_ms // pacing.flush_every_ms > state.now_ms // pacing.flush_every_ms:
        for incident_id in sorted(pending):
            out.incident(state.fusion.incidents[incident_id])  # storing clears it from the pending set
        pending.clear()
        state.dirty.add(("meta", "feed"))


def announce(state: TheaterState, fused: fuse.Fused, ctx: TheaterContext, out: Emitter) -> None:
    """Publish every incident a signal changed besides its own: merged ones, survivors, and split-off ones."""
    for incident_id in fused.touched:
        incident = state.fusion.incidents[incident_id]
        if incident.status == "merged":
            _merged(state, incident, out)
        elif incident_id in fused.split:
            _start(state, incident, ctx, out)
            _notify_split(state, incident, out)
        else:
            _settle(state, incident, ctx, out)


def merge_by_operator(state: TheaterState, cmd: OperatorCommand, ctx: TheaterContext, out: Emitter) -> None:
    who = f"operator:{cmd.operator}@{cmd.centre}"
    incidents = state.fusion.incidents
    problem = _not_open(state, cmd.incident_id) or _not_open(state, cmd.target)
    if not problem and cmd.target == cmd.incident_id:
        problem = f"target={cmd.target!r}: an incident cannot be merged into itself"
    if problem:
        out.emit("rejected", cmd.event_id, f"command merge: {problem}")
        return
    survivor, absorbed = fuse.merge(
        state.fusion, ctx.fusion, cmd.incident_id, cmd.target, state.now_ms, who, cmd.reason or "operator merge"
    )
    _settle(state, survivor, ctx, out)
    _merged(state, incidents[absorbed.id], out)


def split_by_operator(state: TheaterState, cmd: OperatorCommand, ctx: TheaterContext, out: Emitter) -> None:
    who = f"operator:{cmd.operator}@{cmd.centre}"
    problem = _not_open(state, cmd.incident_id)
    incident = state.fusion.incidents.get(cmd.incident_id)
    if not problem and incident is not None:
        known = [e.signal_id for e in incident.evidence]
        for i, evidence_id in enumerate(cmd.evidence_ids):
            if evidence_id not in known:
                problem = (
                    f"evidence_ids.{i}: {evidence_id!r} is not evidence of {cmd.incident_id!r}"
                    f"{did_you_mean(evidence_id, known)}"
                )
                break
        if not problem and not cmd.evidence_ids:
            problem = "evidence_ids: name the evidence to split off"
        elif not problem and set(cmd.evidence_ids) >= set(known):
            problem = "evidence_ids: splitting off every piece of evidence would leave nothing"
    if problem:
        out.emit("rejected", cmd.event_id, f"command split: {problem}")
        return
    try:
        remaining, new = fuse.split(
            state.fusion,
            ctx.fusion,
            cmd.incident_id,
            tuple(cmd.evidence_ids),
            state.now_ms,
            who,
            cmd.reason or "operator split",
            ctx.theater,
        )
    except ValueError as exc:
        out.emit("rejected", cmd.event_id, f"command split: {exc}")
        return
    out.incident(remaining)
    _start(state, new, ctx, out)
    _notify_split(state, state.fusion.incidents[new.id], out)


def _not_open(state: TheaterState, incident_id: str) -> str:
    incident = state.fusion.incidents.get(incident_id)
    if incident is None:
        return f"no incident {incident_id!r}{did_you_mean(incident_id, state.fusion.incidents)}"
    if incident.status != "open":
        return f"{incident_id} is {incident.status}" + (f" into {incident.merged_into}" if incident.merged_into else "")
    return ""


def _settle(state: TheaterState, incident: Incident, ctx: TheaterContext, out: Emitter) -> None:
    """Publish a survivor, switching playbook if a merge changed its type."""
    playbook = ctx.playbooks.get(incident.type)
    if playbook is not None and incident.playbook != playbook.id:
        incident = lifecycle.on_open(incident, playbook, state.now_ms)
    out.incident(incident)


def _start(state: TheaterState, incident: Incident, ctx: TheaterContext, out: Emitter) -> None:
    """A split-off incident starts its playbook as if its evidence had just arrived."""
    playbook = ctx.playbooks.get(incident.type)
    effects: list[lifecycle.Effect] = []
    if playbook is not None:
        incident = lifecycle.on_open(incident, playbook, state.now_ms)
        for signal in incident.evidence:
            incident, produced = lifecycle.evaluate(incident, playbook, signal, state.now_ms)
            effects.extend(produced)
    carry_out(state, incident, tuple(effects), ctx, out)


def _merged(state: TheaterState, absorbed: Incident, out: Emitter) -> None:
    """Publish a merged incident, move its tasks to the survivor and tell every region involved."""
    out.incident(absorbed)
    survivor = state.fusion.incidents[str(absorbed.merged_into)]
    for task_id in sorted(t for t, task in state.tasks.items() if task.incident_id == absorbed.id):
        moved = replace(state.tasks[task_id], incident_id=survivor.id)
        state.tasks[task_id] = moved
        out.emit("task", task_id, moved)
    decision = absorbed.decisions[-1]
    message = f"{absorbed.id} merged into {survivor.id}: {decision.reason}"
    _notify(state, survivor.id, sorted({*survivor.provinces, *absorbed.provinces}), decision.rule, message, out)


def _notify_split(state: TheaterState, new: Incident, out: Emitter) -> None:
    decision = new.decisions[0]
    source = state.fusion.incidents[decision.what.removeprefix("split from ")]
    message = f"{new.id} split off {source.id} ({len(new.evidence)} evidence): {decision.reason}"
    _notify(state, new.id, sorted({*source.provinces, *new.provinces}), decision.rule, message, out)


def _notify(state: TheaterState, incident_id: str, provinces: list[str], rule: str, message: str, out: Emitter) -> None:
    for province in provinces:
        state.notification_number += 1
        note = Notification(
            id=f"N{state.notification_number:06d}",
            incident_id=incident_id,
            at_ms=state.now_ms,
            to_province=province,
            rule=rule,
            message=message,
        )
        out.emit("notification", note.id, note)
