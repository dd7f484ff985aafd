import pytest

from geo.agreements import load_agreements
from geo.fleet import FleetState, Responder
from geo.mutual_aid import (
    AidCommit,
    AidDecline,
    AidMessage,
    AidOffer,
    AidRequest,
    MutualAidState,
    StatusChange,
    Tick,
    step,
)

BJ, TJ, HB = "110000", "120000", "130000"


@pytest.fixture(scope="module")
def start():
    return MutualAidState(load_agreements())


def boats(n=2):
    return AidRequest("r1", "flood-涿州", HB, BJ, "boat", n)


def test_request_offer_commit_assigns_the_lent_units(start):
    s, out = step(start, boats(), 1_000)
    assert [m.kind for m in out] == ["request"]
    assert (out[0].from_province, out[0].to_province) == (HB, BJ)
    assert "offer due by t=901000" in out[0].reason
    s, out = step(s, AidOffer("r1", BJ, ("boat-a", "boat-b")), 60_000)
    assert [m.kind for m in out] == ["offer"]
    s, out = step(s, AidCommit("r1", HB, ("boat-a",)), 120_000)
    assert isinstance(out[0], AidMessage)
    assert out[0].kind == "commit"
    changes = [o for o in out if isinstance(o, StatusChange)]
    assert [(c.responder_id, c.province, c.status) for c in changes] == [("boat-a", BJ, "assigned")]
    assert "lent to 河北省" in changes[0].reason
    assert s.exchanges["r1"].stage == "committed"
    assert s.exchanges["r1"].committed == ("boat-a",)
    # the caller applies the change to the lender's fleet
    lender = FleetState.initial(
        [Responder("boat-a", "a", "rescue_team", frozenset({"boat"}), 10, BJ, "110111", 116.1, 39.7)]
    )
    lender = lender.with_statuses({c.responder_id: c.status for c in changes})
    assert lender.available("boat") == ()


def test_the_offer_deadline_times_out_on_a_tick(start):
    s, _ = step(start, boats(), 0)
    s2, out = step(s, Tick(), 900_000)
    assert out == ()
    s3, out = step(s2, Tick(), 900_001)
    assert [m.kind for m in out] == ["timeout"]
    assert isinstance(out[0], AidMessage)
    assert out[0].reason.startswith("北京市 sent no offer by the deadline")
    assert s3.exchanges["r1"].stage == "timed_out"
    # a late offer is rejected, and the state says why
    s4, out = step(s3, AidOffer("r1", BJ, ("boat-a",)), 900_100)
    assert [m.kind for m in out] == ["rejected"]
    assert "timed_out" in out[0].reason
    assert s4 == s3


def test_an_expired_offer_times_out_before_a_late_commit(start):
    s, _ = step(start, boats(), 0)
    s, _ = step(s, AidOffer("r1", BJ, ("boat-a",)), 10_000)
    s, out = step(s, AidCommit("r1", HB), 10_000 + 600_001)
    assert [m.kind for m in out] == ["timeout", "rejected"]
    assert not any(isinstance(o, StatusChange) for o in out)


def test_declines_by_lender_and_by_borrower(start):
    s, _ = step(start, boats(), 0)
    _, out = step(s, AidDecline("r1", BJ, "boats committed in 房山"), 5_000)
    assert [(m.kind, m.to_province) for m in out] == [("decline", HB)]
    assert "boats committed in 房山" in out[0].reason
    s2, _ = step(s, AidOffer("r1", BJ, ("boat-a",)), 5_000)
    s2, out = step(s2, AidDecline("r1", HB, "local boats freed"), 6_000)
    assert [(m.kind, m.to_province) for m in out] == [("decline", BJ)]
    _, out = step(s2, AidDecline("r1", BJ, "late"), 7_000)
    assert [m.kind for m in out] == ["rejected"]


def test_capabilities_needing_approval(start):
    req = AidRequest("h1", "chem-1", TJ, HB, "hazmat", 1)
    s, out = step(start, req, 0)
    assert "approval" in out[0].reason
    s2, out = step(s, AidOffer("h1", HB, ("hz-1",)), 1_000)
    assert [m.kind for m in out] == ["rejected"]
    assert s2 == s
    _, out = step(s, AidOffer("h1", HB, ("hz-1",), approved=True), 1_000)
    assert [m.kind for m in out] == ["offer"]


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (AidOffer("r1", TJ, ("x",)), "was made to 北京市"),
        (AidOffer("r1", BJ, ()), "at least one responder"),
        (AidOffer("r1", BJ, ("a", "b", "c")), "3 responders but 2"),
        (AidOffer("zz", BJ, ("a",)), "'zz' is unknown"),
        (AidCommit("r1", HB), "is requested, not offered"),
        (AidRequest("r1", "t", HB, BJ, "boat", 1), "already in use"),
    ],
)
def test_bad_inputs_change_nothing(start, event, reason):
    s, _ = step(start, boats(), 0)
    s2, out = step(s, event, 1_000)
    assert s2 == s
    assert [m.kind for m in out] == ["rejected"]
    assert isinstance(out[0], AidMessage)
    assert reason in out[0].reason


def test_request_outside_the_agreements_is_rejected(start):
    s, out = step(start, AidRequest("x", "t", HB, BJ, "snow_clearing", 1), 0)
    assert s == start
    assert "does not lend snow_clearing" in out[0].reason
    s, out = step(start, AidRequest("y", "t", HB, BJ, "boat", 0), 0)
    assert "count=0" in out[0].reason


def test_commit_of_a_unit_not_offered(start):
    s, _ = step(start, boats(), 0)
    s, _ = step(s, AidOffer("r1", BJ, ("boat-a",)), 1)
    s2, out = step(s, AidCommit("r1", HB, ("boat-z",)), 2)
    assert s2 == s
    assert "'boat-z' was not offered" in out[0].reason
