"""Operator endpoints: each command becomes a `contract.Command` for the core (202 with its id), and drill
replay control. What can be checked here is checked here, so the operator hears about a typo at once; the core
still decides, and a command it refuses comes back on the feed as a rejection to the issuing centre."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from dashboard_api.access import Viewer
from dashboard_api.commands import (
    Action,
    AidAnswerBody,
    ApprovalBody,
    CloseBody,
    CommandAccepted,
    LevelBody,
    MergeBody,
    NoteBody,
    SpeedBody,
    SplitBody,
    SupplyAnswerBody,
    build_command,
)
from dashboard_api.context import ApiContext
from dashboard_api.scoping import exchange_party, may_decide_move, scope
from geo.names import did_you_mean

SUBMIT_TIMEOUT_S = 10.0


def build_operator_routes(ctx: ApiContext) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["operator"])
    viewer_dep = Depends(ctx.viewer_dependency())
    pic, hub = ctx.picture, ctx.hub

    def open_incident(viewer: Viewer, incident_id: str) -> dict[str, Any]:
        incident = ctx.incident_for(viewer, incident_id)
        if incident["status"] != "open":
            raise HTTPException(409, f"incident {incident_id!r} is {incident['status']}; it takes no more commands")
        return incident

    def pending_approval(incident: dict[str, Any], approval_id: str) -> None:
        """404 for an approval the incident does not have, 409 for one already decided."""
        approvals = {a["id"]: a for a in incident["approvals"]}
        approval = approvals.get(approval_id)
        if approval is None:
            hint = did_you_mean(approval_id, approvals) or f" (it has {len(approvals)} approval(s))"
            raise HTTPException(404, f"incident {incident['id']!r} has no approval {approval_id!r}{hint}")
        if approval["state"] != "pending":
            by = f" by {approval['decided_by']}" if approval.get("decided_by") else ""
            raise HTTPException(409, f"approval {approval_id!r} is already {approval['state']}{by}")

    async def submit(
        viewer: Viewer,
        action: Action,
        incident_id: str = "",
        check: Callable[[dict[str, Any]], None] | None = None,
        open_only: bool = True,
        **fields: Any,
    ) -> CommandAccepted:
        """Check the incident is open and in scope (and `check` it), then stamp and hand over the command."""
        with hub.lock:
            if incident_id and open_only:
                incident = open_incident(viewer, incident_id)
                if check is not None:
                    check(incident)
            command = build_command(viewer, action, ctx.event_now(), incident_id=incident_id, **fields)
            pic.note_command(command.event_id, viewer.centre.code)
        try:
            await asyncio.wait_for(ctx.commands.submit(command), SUBMIT_TIMEOUT_S)
        except TimeoutError:
            raise HTTPException(
                503, f"the command queue did not accept {command.event_id} within {SUBMIT_TIMEOUT_S:g} s"
            ) from None
        return CommandAccepted(
            command_id=command.event_id,
            action=command.action,
            at=command.at,
            incident_id=command.incident_id,
            target=command.target,
        )

    post = functools.partial(router.post, status_code=202, response_model=CommandAccepted)

    @post("/incidents/{incident_id}/acknowledge", summary="Acknowledge an incident")
    async def acknowledge(incident_id: str, body: NoteBody | None = None, viewer: Viewer = viewer_dep) -> Any:
        return await submit(viewer, "acknowledge", incident_id, reason=body.reason if body else "")

    @post("/incidents/{incident_id}/level", summary="Set the response level (I highest)")
    async def set_level(incident_id: str, body: LevelBody, viewer: Viewer = viewer_dep) -> Any:
        return await submit(viewer, "set_level", incident_id, level=body.level, reason=body.reason)

    @post("/incidents/{incident_id}/close", summary="Close an incident")
    async def close(incident_id: str, body: CloseBody, viewer: Viewer = viewer_dep) -> Any:
        return await submit(viewer, "close", incident_id, reason=body.reason)

    def decide(action: Action) -> Callable[..., Awaitable[Any]]:
        async def endpoint(incident_id: str, body: ApprovalBody, viewer: Viewer = viewer_dep) -> Any:
            check = functools.partial(pending_approval, approval_id=body.approval_id)
            return await submit(viewer, action, incident_id, check, target=body.approval_id)

        return endpoint

    post("/incidents/{incident_id}/approve", summary="Approve a pending action", name="approve")(decide("approve"))
    post("/incidents/{incident_id}/reject", summary="Reject a pending action", name="reject")(decide("reject"))

    @post("/incidents/{incident_id}/merge", summary="Merge another incident into this one")
    async def merge(incident_id: str, body: MergeBody, viewer: Viewer = viewer_dep) -> Any:
        if body.other == incident_id:
            raise HTTPException(422, f"other={body.other!r}: an incident cannot be merged into itself")

        def other_open(_: dict[str, Any]) -> None:
            open_incident(viewer, body.other)

        return await submit(viewer, "merge", incident_id, other_open, target=body.other, reason=body.reason)

    @post("/incidents/{incident_id}/split", summary="Split evidence off into a new incident")
    async def split(incident_id: str, body: SplitBody, viewer: Viewer = viewer_dep) -> Any:
        def evidence_known(incident: dict[str, Any]) -> None:
            known = [s["signal_id"] for s in incident["evidence"]]
            for i, ev in enumerate(body.evidence_ids):
                if ev not in known:
                    raise HTTPException(
                        422, f"evidence_ids.{i}: {ev!r} is not evidence of {incident_id!r}{did_you_mean(ev, known)}"
                    )
            if set(body.evidence_ids) >= set(known):
                raise HTTPException(422, "evidence_ids: splitting off every piece of evidence would leave nothing")

        evidence = tuple(body.evidence_ids)
        return await submit(viewer, "split", incident_id, evidence_known, evidence_ids=evidence, reason=body.reason)

    @post("/responders/{responder_id}/release", summary="Release a responder back to available")
    async def release(responder_id: str, body: NoteBody | None = None, viewer: Viewer = viewer_dep) -> Any:
        with hub.lock:
            known = set(pic.responders) | (set(ctx.fleet.responders) if ctx.fleet is not None else set())
            if responder_id not in known:
                raise HTTPException(404, f"no responder {responder_id!r}{did_you_mean(responder_id, known)}")
            if not _may_release(ctx, viewer, responder_id):
                raise HTTPException(
                    403, f"responder {responder_id!r} is neither of centre {viewer.centre.code} nor on its incidents"
                )
        return await submit(viewer, "release", target=responder_id, reason=body.reason if body else "")

    def check_answer(kind: str, name: str, request_id: str, viewer: Viewer, stages: tuple[str, ...]) -> None:
        """The exchange exists in the viewer's scope (404), the viewer is a party to it (403), and it is at one of
        `stages` (409); the core still decides whose turn it is. Called holding the hub's lock."""
        entities = pic.mutual_aid if kind == "mutual_aid" else pic.supplies
        exchange = entities.get(request_id)
        if exchange is None or scope(viewer, kind, request_id, exchange, pic) is None:
            raise HTTPException(404, f"no {name} {request_id!r}{did_you_mean(request_id, entities)}")
        if not exchange_party(viewer, exchange):
            raise HTTPException(
                403,
                f"{name} {request_id!r}: only the borrowing ({exchange.get('borrower')}) or "
                f"lending ({exchange.get('lender')}) centre answers it, or the joint centre",
            )
        if exchange.get("stage") not in stages:
            raise HTTPException(409, f"{name} {request_id!r} is {exchange.get('stage')}")

    def answer(action: Action) -> Callable[..., Awaitable[Any]]:
        """A mutual-aid answer: the lender offers or declines, the borrower commits; the core checks whose turn."""

        async def endpoint(request_id: str, body: AidAnswerBody, viewer: Viewer = viewer_dep) -> Any:
            with hub.lock:
                check_answer("mutual_aid", "mutual-aid request", request_id, viewer, ("requested", "offered"))
            evidence = tuple(body.responder_ids)
            return await submit(viewer, action, target=request_id, evidence_ids=evidence, reason=body.reason)

        return endpoint

    def supply_answer(action: Action) -> Callable[..., Awaitable[Any]]:
        """A supply or shelter-place answer (offer, commit, decline) or a release that sends what was lent back."""
        stages = ("in_transit", "delivered") if action == "release" else ("requested", "offered")

        async def endpoint(request_id: str, body: SupplyAnswerBody | None = None, viewer: Viewer = viewer_dep) -> Any:
            body = body or SupplyAnswerBody(depot_ids=[], reason="")
            with hub.lock:
                check_answer("supply", "supply request", request_id, viewer, stages)
            return await submit(
                viewer, action, target=request_id, evidence_ids=tuple(body.depot_ids), reason=body.reason
            )

        return endpoint

    for action, summary in (
        ("offer", "Offer supplies or shelter places from the lender's depots (the lending centre)"),
        ("commit", "Commit the offered supplies: they leave the depots (the borrowing centre)"),
        ("decline", "Decline a supply request or offer"),
        ("release", "Send lent supplies back now (consumables are written off)"),
    ):
        post(f"/supplies/{{request_id}}/{action}", summary=summary, name=f"supply_{action}")(supply_answer(action))  # type: ignore[arg-type]

    @post("/reports/{report_id}/submit", summary="Submit a report upward (信息报告) as drafted from the incident now")
    async def submit_report(report_id: str, body: NoteBody | None = None, viewer: Viewer = viewer_dep) -> Any:
        with hub.lock:
            report = pic.reports.get(report_id)
            if report is None or scope(viewer, "report", report_id, report, pic) is None:
                raise HTTPException(404, f"no report {report_id!r}{did_you_mean(report_id, pic.reports)}")
            if report.get("status") == "submitted":
                raise HTTPException(409, f"report {report_id!r} was already submitted")
            owner = (report.get("province"), (report.get("draft") or {}).get("reporting_unit"))
            if viewer.centre.kind != "joint" and viewer.centre.code not in owner:
                raise HTTPException(
                    403, f"report {report_id!r} is owed by the region where it happened, not {viewer.centre.code}"
                )
            incident_id = str(report["incident_id"])
        reason = body.reason if body else ""
        return await submit(viewer, "submit_report", incident_id, open_only=False, target=report_id, reason=reason)

    def move_decision(action: Action) -> Callable[..., Awaitable[Any]]:
        """Accept (approve) or reject a move-up proposal: the core moves the unit and records who decided."""

        async def endpoint(move_id: str, body: NoteBody | None = None, viewer: Viewer = viewer_dep) -> Any:
            with hub.lock:
                move = pic.move_ups.get(move_id)
                if move is None or scope(viewer, "move_up", move_id, move, pic) is None:
                    raise HTTPException(404, f"no move-up {move_id!r}{did_you_mean(move_id, pic.move_ups)}")
                if not may_decide_move(viewer, move):
                    raise HTTPException(403, f"move-up {move_id!r} is for the centre where the unit would stand")
                if move.get("status") != "proposed":
                    raise HTTPException(409, f"move-up {move_id!r} is {move.get('status')}")
            reason = body.reason if body else ""
            return await submit(viewer, action, target=f"move:{move_id}", reason=reason)

        return endpoint

    post("/moves/{move_id}/accept", summary="Accept a move-up: the unit moves to stand there", name="accept_move")(
        move_decision("approve")
    )
    post("/moves/{move_id}/reject", summary="Reject a move-up: the unit stays where it stands", name="reject_move")(
        move_decision("reject")
    )

    @post("/closures/{closure_id}/lift", summary="Lift a road closure in force (the road is open again for routing)")
    async def lift_closure(closure_id: str, body: NoteBody | None = None, viewer: Viewer = viewer_dep) -> Any:
        with hub.lock:
            closure = pic.closures.get(closure_id)
            if closure is None:
                raise HTTPException(404, f"no closure {closure_id!r}{did_you_mean(closure_id, pic.closures)}")
            if closure.get("status") != "active":
                raise HTTPException(409, f"closure {closure_id!r} is {closure.get('status')}, not in force")
        return await submit(viewer, "lift_closure", target=closure_id, reason=body.reason if body else "")

    for action, summary in (
        ("offer", "Offer units for a mutual-aid request (the lending centre)"),
        ("commit", "Commit the offered units (the borrowing centre)"),
        ("decline", "Decline a mutual-aid request or offer"),
    ):
        post(f"/mutual-aid/{{request_id}}/{action}", summary=summary, name=f"aid_{action}")(answer(action))  # type: ignore[arg-type]

    return router


def _may_release(ctx: ApiContext, viewer: Viewer, responder_id: str) -> bool:
    """The joint centre, the responder's home centre, or a centre that sees a task it is on."""
    centre = viewer.centre
    if centre.kind == "joint":
        return True
    home = ctx.picture.home_of(responder_id)
    if home is not None and centre.code in (home.province, home.adcode):
        return True
    return any(
        task.get("responder_id") == responder_id and scope(viewer, "task", key, task, ctx.picture) is not None
        for key, task in ctx.picture.tasks.items()
    )


def build_replay_routes(ctx: ApiContext) -> APIRouter:
    router = APIRouter(prefix="/api/replay", tags=["replay"])
    viewer_dep = Depends(ctx.viewer_dependency())

    def control(viewer: Viewer) -> Any:
        if ctx.replay is None:
            raise HTTPException(404, "no drill replay is running")
        if not viewer.can_control_replay:
            raise HTTPException(403, f"centre {viewer.centre.code} may not control the drill replay")
        return ctx.replay

    @router.get("", summary="Replay status")
    async def status(_: Viewer = viewer_dep) -> dict[str, Any]:
        if ctx.replay is None:
            raise HTTPException(404, "no drill replay is running")
        return ctx.replay.status()

    @router.post("/pause", summary="Pause the replay")
    async def pause(viewer: Viewer = viewer_dep) -> dict[str, Any]:
        replay = control(viewer)
        replay.pause()
        return replay.status()

    @router.post("/resume", summary="Resume the replay")
    async def resume(viewer: Viewer = viewer_dep) -> dict[str, Any]:
        replay = control(viewer)
        replay.resume()
        return replay.status()

    @router.post("/speed", summary="Set the replay speed (scenario seconds per second; null = as fast as possible)")
    async def speed(body: SpeedBody, viewer: Viewer = viewer_dep) -> dict[str, Any]:
        replay = control(viewer)
        replay.set_speed(body.speed)
        return replay.status()

    return router
