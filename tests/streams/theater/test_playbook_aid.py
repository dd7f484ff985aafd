"""A playbook's `request_mutual_aid` opens the same audited exchange as dispatch's borrowing: the lenders' nearest
units are asked for, the lender offers (by its centre, or at once under a standing agreement), the borrower
commits, and the lent units get their tasks. A notice alone is not the request."""

from __future__ import annotations

from dataclasses import replace

from ebrain.compose import Core
from playbooks.lifecycle import MutualAidEffect
from streams.theater.effects import carry_out
from streams.theater.state import TheaterContext, TheaterState
from tests.streams.theater.theater_geo_kit import BJ, HB, T0, TJ, command, incident_at, manual_aid, of_kind, run, start

MIN = 60_000


def ask_hazmat(ctx: TheaterContext, core: Core, lenders: tuple[str, ...] = (BJ, TJ), count: int = 2) -> tuple:  # type: ignore[type-arg]
    """燕郊 (Hebei) asks for hazmat teams from Beijing and Tianjin, as the hazmat playbook's approval does."""
    state = TheaterState(fleet=core.initial_fleet)
    incident = incident_at(kind="hazmat_leak")
    out = start(state, incident)
    effect = MutualAidEffect(
        incident.id, "plume-over-homes", f"{incident.id}-M1", HB, lenders, "hazmat", count, "本地危化救援力量不足",
        T0 + 60 * MIN,
    )  # fmt: skip
    carry_out(state, incident, (effect,), ctx, out)
    return state, out.deltas


def test_the_request_is_an_exchange_with_the_nearest_lenders_units_not_a_notice(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, deltas = ask_hazmat(ctx, core)
    asked = of_kind(deltas, "mutual_aid")
    assert asked and {a.message for a in asked} == {"request"}
    assert {a.borrower for a in asked} == {HB} and {a.lender for a in asked} <= {BJ, TJ}
    assert sum(a.count for a in asked) == 2
    assert of_kind(deltas, "notification") == []
    assert of_kind(deltas, "task") == []  # nothing local: only lenders' units are asked for
    incident = of_kind(deltas, "incident")[-1]
    assert any(d.what.startswith("dispatch hazmat x2: 0 sent") and "asked of" in d.what for d in incident.decisions)
    assert all(state.aid[a.request_id].stage == "requested" for a in asked)


def test_the_lender_offers_the_borrower_commits_and_the_units_go(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, deltas = ask_hazmat(ctx, core, lenders=(BJ,))
    (asked,) = of_kind(deltas, "mutual_aid")
    offered = run(state, ctx, command("offer", BJ, asked.request_id, T0 + 2 * MIN), until_ms=T0 + 2 * MIN)
    (offer,) = of_kind(offered, "mutual_aid")
    assert (offer.stage, offer.by) == ("offered", f"operator:duty@{BJ}")
    committed = run(state, ctx, command("commit", HB, asked.request_id, T0 + 3 * MIN), until_ms=T0 + 3 * MIN)
    assert [u.stage for u in of_kind(committed, "mutual_aid")] == ["committed"]
    tasks = of_kind(committed, "task")
    assert len(tasks) == 2 and all(t.cross_border and t.responder_province == BJ for t in tasks)
    assert all(state.fleet.status_of(t.responder_id) != "available" for t in tasks)


def test_a_standing_agreement_answers_at_once(core: Core) -> None:
    # Beijing lends every capability to Hebei at once (geo/data/mutual_aid.yaml): request, offer, commit in one step
    _, deltas = ask_hazmat(core.theater, core, lenders=(BJ,))
    assert [(u.message, u.by) for u in of_kind(deltas, "mutual_aid")] == [
        ("request", "dispatch:plume-over-homes"),
        ("offer", "agreement:auto_accept"),
        ("commit", "agreement:auto_accept"),
    ]
    assert len(of_kind(deltas, "task")) == 2


def test_nobody_answering_leaves_the_slots_unfilled_at_the_deadline(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, deltas = ask_hazmat(ctx, core, lenders=(BJ,))
    (asked,) = of_kind(deltas, "mutual_aid")
    later = run(state, ctx, until_ms=T0 + 16 * MIN)
    assert [u.stage for u in of_kind(later, "mutual_aid")] == ["timed_out"]
    assert [t.status for t in of_kind(later, "task")] == ["unfilled", "unfilled"]
    assert state.aid[asked.request_id].stage == "timed_out"


def test_a_standing_agreement_lends_only_up_to_its_limit(core: Core) -> None:
    agreements = core.theater.dispatch_policy.agreements
    limited = replace(agreements, auto_up_to={**agreements.auto_up_to, (BJ, HB): 1})
    ctx = replace(core.theater, dispatch_policy=replace(core.theater.dispatch_policy, agreements=limited))
    _, deltas = ask_hazmat(ctx, core, lenders=(BJ,))
    (offer,) = [u for u in of_kind(deltas, "mutual_aid") if u.message == "offer"]
    assert len(offer.responder_ids) == 1
    tasks = of_kind(deltas, "task")
    assert sorted(t.status for t in tasks) == ["dispatched", "unfilled"]


def test_a_scripted_answer_names_the_request_by_capability_and_the_centre(core: Core) -> None:
    ctx = manual_aid(core.theater)
    state, deltas = ask_hazmat(ctx, core, lenders=(BJ,))
    (asked,) = of_kind(deltas, "mutual_aid")
    wrong = run(state, ctx, command("offer", TJ, "capability:hazmat", T0 + MIN), until_ms=T0 + MIN)
    assert [d.kind for d in wrong] == ["rejected"]  # Tianjin was asked nothing
    offered = run(state, ctx, command("offer", BJ, "capability:hazmat", T0 + 2 * MIN), until_ms=T0 + 2 * MIN)
    assert [(u.request_id, u.stage) for u in of_kind(offered, "mutual_aid")] == [(asked.request_id, "offered")]
    committed = run(state, ctx, command("commit", HB, "capability:hazmat", T0 + 3 * MIN), until_ms=T0 + 3 * MIN)
    assert [u.stage for u in of_kind(committed, "mutual_aid")] == ["committed"]
