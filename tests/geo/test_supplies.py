from types import MappingProxyType

import pytest

from geo import supplies as sp
from geo.agreements import load_agreements
from geo.stockpiles import load_stockpiles

BJ, TJ, HB = "110000", "120000", "130000"


@pytest.fixture(scope="module")
def start() -> sp.SupplyState:
    piles = load_stockpiles()
    places = (*piles.depots, *piles.shelters)
    stock = {d.id: MappingProxyType(dict(d.stock)) for d in piles.depots}
    stock |= {s.id: MappingProxyType({"shelter_places": s.capacity}) for s in piles.shelters}
    return sp.SupplyState(
        load_agreements(),
        MappingProxyType({p.id: p.province for p in places}),
        piles.consumable,
        MappingProxyType(stock),
    )


def pumps(n=10):
    return sp.SupplyRequest("s1", "flood-涿州", HB, BJ, "pumps", n)


def test_pumps_lent_across_the_border_leave_the_depot_arrive_and_come_back(start):
    s, out = sp.step(start, pumps(), 0)
    assert [m.kind for m in out] == ["request"]
    s, out = sp.step(s, sp.SupplyOffer("s1", BJ, (("BJ-D-FANGSHAN", 8),)), 1_000)
    assert [m.kind for m in out] == ["offer"] and "offers 8 of 10 pumps" in out[0].reason
    s, out = sp.step(s, sp.SupplyCommit("s1", HB, arrive_ms=1_000 + 1_800_000), 1_000)
    assert [m.kind for m in out] == ["commit"]
    assert s.has("BJ-D-FANGSHAN", "pumps") == 32 and s.exchanges["s1"].stage == "in_transit"
    assert sp.next_due_ms(s.exchanges) == 1_801_000
    s, out = sp.step(s, sp.Tick(), 1_801_000)
    assert [m.kind for m in out] == ["delivered"] and out[0].at_ms == 1_801_000
    s, out = sp.step(s, sp.SupplyReturn("s1", "rule:recovery", back_ms=9_000_000), 5_000_000)
    assert [m.kind for m in out] == ["return"] and s.has("BJ-D-FANGSHAN", "pumps") == 32
    s, out = sp.step(s, sp.Tick(), 9_000_000)
    assert [m.kind for m in out] == ["returned"]
    assert s.has("BJ-D-FANGSHAN", "pumps") == 40 and s.exchanges["s1"].stage == "returned"
    assert sp.next_due_ms(s.exchanges) is None


def test_consumables_are_written_off_not_returned(start):
    s, _ = sp.step(start, sp.SupplyRequest("f1", "hazmat", HB, TJ, "foam", 20), 0)
    s, _ = sp.step(s, sp.SupplyOffer("f1", TJ, (("TJ-D-BINHAI", 20),)), 0)
    s, _ = sp.step(s, sp.SupplyCommit("f1", HB, 0), 0)
    s, out = sp.step(s, sp.SupplyReturn("f1", "operator:x@130000", 10), 10)
    assert [m.kind for m in out] == ["returned"] and "written off" in out[0].reason
    assert s.has("TJ-D-BINHAI", "foam") == 40 and s.exchanges["f1"].written_off == 20


def test_shelter_places_need_the_lenders_approval_and_are_in_use_at_once(start):
    s, out = sp.step(start, sp.SupplyRequest("p1", "flood", HB, BJ, "shelter_places", 500), 0)
    assert "needs the lender’s approval" in out[0].reason
    _, out = sp.step(s, sp.SupplyOffer("p1", BJ, (("BJ-S-FANGSHAN", 500),)), 0)
    assert [m.kind for m in out] == ["rejected"] and "needs approval" in out[0].reason
    s, _ = sp.step(s, sp.SupplyOffer("p1", BJ, (("BJ-S-FANGSHAN", 500),), approved=True), 0)
    s, out = sp.step(s, sp.SupplyCommit("p1", HB, 0), 0)
    assert [m.kind for m in out] == ["commit", "delivered"]
    assert s.has("BJ-S-FANGSHAN", "shelter_places") == 2500
    s, out = sp.step(s, sp.SupplyReturn("p1", "rule:recovery", 0), 100)
    assert [m.kind for m in out] == ["return", "returned"] and s.has("BJ-S-FANGSHAN", "shelter_places") == 3000


@pytest.mark.parametrize(
    ("offer", "message"),
    [
        (sp.SupplyOffer("s1", BJ, (("TJ-D-BINHAI", 2),)), "'TJ-D-BINHAI' is no depot or shelter of 北京市"),
        (sp.SupplyOffer("s1", BJ, (("BJ-D-FANGSHAN", 41),)), "BJ-D-FANGSHAN has 40 pumps, not 41"),
        (sp.SupplyOffer("s1", BJ, (("BJ-D-FANGSHAN", 6), ("BJ-D-DAXING", 6))), "offered 12 pumps but 10 were asked"),
        (sp.SupplyOffer("s1", TJ, (("TJ-D-XIQING", 2),)), "was made to 北京市, not 天津市"),
        (sp.SupplyOffer("s1", BJ, ()), "at least one lot"),
    ],
)
def test_a_bad_offer_changes_nothing_and_says_why(start, offer, message):
    s, _ = sp.step(start, pumps(), 0)
    s2, out = sp.step(s, offer, 10)
    assert [m.kind for m in out] == ["rejected"] and message in out[0].reason
    assert s2 == s


def test_deadlines_time_out_and_declines_close_the_exchange(start):
    s, _ = sp.step(start, pumps(), 0)
    s2, out = sp.step(s, sp.Tick(), 900_001)
    assert [m.kind for m in out] == ["timeout"] and s2.exchanges["s1"].stage == "timed_out"
    s3, out = sp.step(s, sp.SupplyDecline("s1", BJ, "pumps all out in 房山"), 10)
    assert [(m.kind, m.to_province) for m in out] == [("decline", HB)] and "房山" in out[0].reason
    _, out = sp.step(s3, sp.SupplyReturn("s1", "x", 0), 20)
    assert [m.kind for m in out] == ["rejected"] and "declined" in out[0].reason


def test_local_stock_needs_no_agreement_and_a_request_without_one_is_rejected(start):
    _, out = sp.step(start, sp.SupplyRequest("l1", "i", HB, HB, "sandbags", 500), 0)
    assert [m.kind for m in out] == ["request"] and "its own depots" in out[0].reason
    _, out = sp.step(start, sp.SupplyRequest("x1", "i", HB, BJ, "rope", 5), 0)
    assert [m.kind for m in out] == ["rejected"] and "does not lend rope" in out[0].reason


def test_stock_taken_since_the_offer_makes_the_commit_fail(start):
    s, _ = sp.step(start, sp.SupplyRequest("a", "i", HB, HB, "pumps", 6), 0)
    s, _ = sp.step(s, sp.SupplyOffer("a", HB, (("HB-D-ZHUOZHOU", 6),)), 0)
    s, _ = sp.step(s, sp.SupplyRequest("b", "i", HB, HB, "pumps", 6), 0)
    s, _ = sp.step(s, sp.SupplyOffer("b", HB, (("HB-D-ZHUOZHOU", 6),)), 0)
    s, _ = sp.step(s, sp.SupplyCommit("a", HB, 0), 0)
    _, out = sp.step(s, sp.SupplyCommit("b", HB, 0), 0)
    assert [m.kind for m in out] == ["rejected"] and "has 0 pumps left, not the 6 offered" in out[0].reason
