"""Supplies and shelter places through the exchange (streams/theater/supplies.py): own depots first, a lender's
where it is materially faster, answered by the centres when no standing agreement does; stock leaves the depot,
arrives at road time and goes back on release; a bad answer is refused and changes nothing."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.lifecycle import SupplyEffect
from streams.theater import store
from streams.theater.effects import carry_out
from streams.theater.state import TheaterContext, TheaterState
from tests.streams.theater import theater_geo_kit as kit

MIN = 60_000


def ask(ctx: TheaterContext, core: Core, item: str = "pumps", quantity: int = 40) -> tuple:  # type: ignore[type-arg]
    """燕郊 (Hebei, on Beijing's border) asks for supplies, as a playbook's `request_supplies` does."""
    state = TheaterState(fleet=core.initial_fleet)
    incident = kit.incident_at(kind="flood_rescue")
    out = kit.start(state, incident)
    carry_out(state, incident, (SupplyEffect(incident.id, "rule-under-test", item, quantity, "排涝"),), ctx, out)
    return state, out.deltas


def test_own_stock_moves_at_once_and_a_lender_without_a_standing_agreement_is_asked(core: Core) -> None:
    ctx = kit.manual_aid(core.theater)
    state, deltas = ask(ctx, core)
    updates = kit.of_kind(deltas, "supply")
    own = [u for u in updates if u.lender == kit.HB]
    assert [u.message for u in own][:3] == ["request", "offer", "commit"] and own[-1].stage == "in_transit"
    asked = [u for u in updates if u.lender == kit.BJ]
    assert [u.message for u in asked] == ["request"] and state.supplies[asked[0].request_id].stage == "requested"
    # 通州's depot is materially nearer than Hebei's own 廊坊 one, which then gives the rest
    assert (asked[0].moved, own[-1].moved) == (30, 10)
    for lot in own[-1].lots:  # the stock left its depots now
        assert state.supply_stock[lot.depot_id]["pumps"] == lot.left


def test_the_lender_offers_the_borrower_commits_delivers_and_releases(core: Core) -> None:
    ctx = kit.manual_aid(core.theater)
    state, deltas = ask(ctx, core)
    (asked,) = [u for u in kit.of_kind(deltas, "supply") if u.lender == kit.BJ]
    rid = asked.request_id
    offered = kit.of_kind(
        kit.run(state, ctx, kit.command("offer", kit.BJ, rid, kit.T0 + 2 * MIN), until_ms=kit.T0 + 2 * MIN), "supply"
    )
    assert [(u.stage, u.by) for u in offered] == [("offered", f"operator:duty@{kit.BJ}")]
    depot = offered[0].lots[0].depot_id
    before = state.supply_stock.get(depot, {}).get("pumps") or offered[0].lots[0].left
    committed = kit.of_kind(
        kit.run(state, ctx, kit.command("commit", kit.HB, rid, kit.T0 + 3 * MIN), until_ms=kit.T0 + 3 * MIN), "supply"
    )
    assert [u.stage for u in committed] == ["in_transit"]
    assert state.supply_stock[depot]["pumps"] == before - committed[0].lots[0].quantity
    arrived = kit.of_kind(kit.run(state, ctx, until_ms=committed[0].due_ms), "supply")
    assert [(u.request_id, u.stage, u.by) for u in arrived if u.request_id == rid] == [(rid, "delivered", "road_time")]
    sent = kit.of_kind(
        kit.run(state, ctx, kit.command("release", kit.HB, rid, kit.T0 + 5 * 60 * MIN), until_ms=kit.T0 + 5 * 60 * MIN),
        "supply",
    )
    sent = [u for u in sent if u.request_id == rid]  # the own exchange arrives on the way
    assert [u.stage for u in sent] == ["returning"]
    back = kit.of_kind(kit.run(state, ctx, until_ms=sent[0].due_ms), "supply")
    assert [u.stage for u in back if u.request_id == rid] == ["returned"]
    assert state.supply_stock[depot]["pumps"] == before


def test_a_bad_answer_is_refused_and_changes_nothing(core: Core) -> None:
    ctx = kit.manual_aid(core.theater)
    state, deltas = ask(ctx, core)
    (asked,) = [u for u in kit.of_kind(deltas, "supply") if u.lender == kit.BJ]
    exchanges = dict(state.supplies)
    wrong_depot = kit.command("offer", kit.BJ, asked.request_id, kit.T0 + MIN, evidence_ids=("BJ-D-TONGZHUO",))
    (refused,) = kit.of_kind(kit.run(state, ctx, wrong_depot, until_ms=kit.T0 + MIN), "rejected")
    assert "'BJ-D-TONGZHUO' holds no pumps; did you mean 'BJ-D-TONGZHOU'" in refused
    early = kit.command("commit", kit.HB, asked.request_id, kit.T0 + 2 * MIN)
    (refused,) = kit.of_kind(kit.run(state, ctx, early, until_ms=kit.T0 + 2 * MIN), "rejected")
    assert "is requested, not offered" in refused
    assert state.supplies == exchanges


def test_consumables_are_written_off_and_shelter_places_are_free_again_at_once(core: Core) -> None:
    ctx = kit.stepwise(core.theater)  # the standing agreements answer at once
    state, deltas = ask(ctx, core, item="shelter_places", quantity=5000)
    places = [u for u in kit.of_kind(deltas, "supply") if u.message == "delivered"]
    assert places and {u.stage for u in places} == {"delivered"}  # in use at once, own and lent alike
    assert any(u.lender == kit.BJ for u in places)  # 燕郊's own shelter holds 4,000
    for u in places:
        kit.run(state, ctx, kit.command("release", kit.HB, u.request_id, kit.T0 + 60 * MIN), until_ms=kit.T0 + 60 * MIN)
    assert {ex.stage for ex in state.supplies.values()} == {"returned"}
    foam_state, foam = ask(ctx, core, item="foam", quantity=5)
    rid = kit.of_kind(foam, "supply")[-1].request_id
    gone = kit.of_kind(
        kit.run(foam_state, ctx, kit.command("release", kit.HB, rid, kit.T0 + MIN), until_ms=kit.T0 + MIN), "supply"
    )
    assert [(u.stage, u.written_off) for u in gone] == [("returned", 5)]


def test_the_exchanges_and_stock_survive_a_restart(core: Core) -> None:
    state, _ = ask(kit.manual_aid(core.theater), core)
    records = list(store.all_records(state))
    meta = next(value for table, _, value in records if table == "meta")
    restored = store.restore(core.initial_fleet, [], [], [], meta)
    assert restored.supplies == state.supplies and restored.supply_stock == state.supply_stock


def test_shelter_places_need_a_province_centres_approval_not_a_county_posts(core: Core) -> None:
    ctx = kit.manual_aid(core.theater)
    state, deltas = ask(ctx, core, item="shelter_places", quantity=5000)
    (asked,) = [u for u in kit.of_kind(deltas, "supply") if u.lender == kit.BJ]
    by_county = kit.command("offer", "110111", asked.request_id, kit.T0 + MIN)  # 房山's post
    (refused,) = kit.of_kind(kit.run(state, ctx, by_county, until_ms=kit.T0 + MIN), "rejected")
    assert "needs approval; offer has none" in refused
    by_province = kit.command("offer", kit.BJ, asked.request_id, kit.T0 + 2 * MIN)
    (offered,) = kit.of_kind(kit.run(state, ctx, by_province, until_ms=kit.T0 + 2 * MIN), "supply")
    assert offered.stage == "offered" and "(approved)" in offered.reason
