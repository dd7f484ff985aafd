"""What nobody answered in a drill, with the default that applied: "no answer → default"."""

from __future__ import annotations

from ebrain.compose import Core
from playbooks.incident import Approval
from scenarios.drill import unanswered
from scenarios.run import Outcome
from streams.theater.state import Delta
from tests.scenarios.expectations_kit import MIN, T0, incident


def test_an_expired_approval_and_a_timed_out_request_are_listed_with_their_default(core: Core) -> None:
    expired = Approval("A1", "plume-over-homes", 0, T0, T0 + 20 * MIN, "reject", "请求外省危化救援队支援", "expired")
    answered = Approval("A2", "plume-over-homes", 0, T0, T0 + 20 * MIN, "reject", "请求外省危化救援队支援", "approved")
    outcome = Outcome()
    outcome.apply(Delta(1, T0, "incident", "I1", incident("III", T0, approvals=(expired, answered))))
    timeout = {
        "request_id": "R1",
        "incident_id": "I1",
        "capability": "hazmat",
        "lender": "130000",
        "stage": "timed_out",
    }
    outcome.apply(Delta(2, T0 + 30 * MIN, "mutual_aid", "R1", timeout))
    found = unanswered(outcome)
    assert [(u.kind, u.default, u.at_ms) for u in found] == [
        ("approval", "reject", T0 + 20 * MIN),
        ("mutual_aid", "timed_out", T0 + 30 * MIN),
    ]
    zh, en = found[0].said(core.words)
    assert "无人答复 → 按默认" in zh and en.endswith("no answer → default reject")
    zh, en = found[1].said(core.words)
    assert zh.startswith("河北省未答复") and en.startswith("Hebei: no answer")
