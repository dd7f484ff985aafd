"""Loss statistics: each agency's latest figures, summed per incident and per region; the grade follows the sums."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.evidence import Signal
from streams.theater import losses
from streams.theater.losses import LossTotals
from streams.theater.state import TheaterState
from tests.streams.theater.theater_geo_kit import BJ, HB, T0, YANJIAO, incident_at, run, start, stepwise

MIN = 60_000


def loss(
    agency: str, province: str, at_ms: int, deaths: int = 0, loss_cny: int = 0, relocated: int = 0,
    adcode: str = "131082", houses: int = 0,
) -> Signal:  # fmt: skip
    figures = {"deaths": deaths, "injured": 0, "missing": 0, "relocated": relocated, "houses_damaged": houses}
    return Signal(
        signal_id=f"loss-{agency}-{at_ms}", source="agency", kind="losses", at_ms=at_ms, province=HB,
        adcode=adcode, lon=YANJIAO[0], lat=YANJIAO[1], value=float(deaths),
        attrs=(
            ("agency", agency), ("reporting_province", province),
            *((k, str(v)) for k, v in figures.items()), ("direct_loss_cny", str(loss_cny)),
        ),
    )  # fmt: skip


def test_agencies_add_up_and_a_later_report_replaces_the_same_agencys(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    incident = incident_at()
    out = start(state, incident)
    losses.record(state, incident, loss("sanhe-emergency", HB, T0, deaths=2, loss_cny=3_000_000), out)
    losses.record(state, incident, loss("tongzhou-emergency", BJ, T0 + MIN, relocated=300, adcode="110112"), out)
    summed = losses.record(
        state, incident, loss("sanhe-emergency", HB, T0 + 2 * MIN, deaths=3, loss_cny=8_000_000), out
    )
    totals = [d.entity for d in out.deltas if d.kind == "losses"][-1]
    assert isinstance(totals, LossTotals)
    assert (totals.deaths, totals.relocated, totals.direct_loss_cny, totals.agencies) == (3, 300, 8_000_000, 2)
    assert totals.by_province == ((BJ, (0, 0, 0, 300, 0, 0)), (HB, (3, 0, 0, 0, 0, 8_000_000)))
    assert summed.value == 3.0 and summed.attr("direct_loss_cny") == "8000000"
    assert state.loss_totals[incident.id] == (3, 0, 0, 300, 0, 8_000_000)


def test_agencies_of_one_county_never_count_the_same_people_twice_but_their_losses_add_up(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    incident = incident_at()
    out = start(state, incident)
    # the fire brigade and the emergency bureau of 三河 both count the 24 dead of one blast
    losses.record(state, incident, loss("sanhe-fire", HB, T0, deaths=24, loss_cny=2_000_000, houses=40), out)
    losses.record(state, incident, loss("sanhe-emergency", HB, T0 + MIN, deaths=24, loss_cny=3_000_000), out)
    # the housing bureau reports more damaged houses than the brigade saw: the higher count stands
    losses.record(state, incident, loss("sanhe-housing", HB, T0 + 2 * MIN, houses=55, loss_cny=1_000_000), out)
    assert state.loss_totals[incident.id] == (24, 0, 0, 0, 55, 6_000_000)
    # another county's own part adds to it (大厂: 2 dead of its own)
    losses.record(state, incident, loss("dachang-emergency", HB, T0 + 3 * MIN, deaths=2, adcode="131028"), out)
    totals = [d.entity for d in out.deltas if d.kind == "losses"][-1]
    assert (totals.deaths, totals.houses_damaged, totals.direct_loss_cny, totals.agencies) == (26, 55, 6_000_000, 4)
    assert totals.by_province == ((HB, (26, 0, 0, 0, 55, 6_000_000)),)


def test_the_grade_follows_the_summed_direct_loss(core: Core) -> None:
    state = TheaterState(fleet=core.initial_fleet)
    ctx = stepwise(core.theater)
    blast = Signal(
        signal_id="blast", source="agency", kind="report:explosion", at_ms=T0, province=HB, adcode="131082",
        lon=YANJIAO[0], lat=YANJIAO[1], severity=3, attrs=(("agency", "langfang-fire"),),
    )  # fmt: skip
    run(state, ctx, blast, until_ms=T0 + MIN)
    (incident_id,) = state.fusion.incidents
    run(state, ctx, loss("sanhe-emergency", HB, T0 + 2 * MIN, loss_cny=6_000_000), until_ms=T0 + 3 * MIN)
    assert state.fusion.incidents[incident_id].event_grade == "一般"
    # a second agency's part takes the sum over ¥10 M: 较大, and a first report is due to the province
    deltas = run(state, ctx, loss("yanjiao-housing", HB, T0 + 4 * MIN, loss_cny=5_000_000), until_ms=T0 + 5 * MIN)
    assert state.fusion.incidents[incident_id].event_grade == "较大"
    reports = [d.entity for d in deltas if d.kind == "report"]
    assert [(r.kind, r.reason, r.to, r.draft.direct_loss_cny) for r in reports] == [
        ("followup", "grade+casualties", "province", 11_000_000),
        ("first", "grade", "province", 11_000_000),
    ]
