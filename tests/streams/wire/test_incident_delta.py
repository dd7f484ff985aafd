"""The wire form of an incident delta: what changed of its evidence, and the fold that gives the whole list back."""

from __future__ import annotations

import msgspec
import pytest

from playbooks.evidence import Signal
from playbooks.incident import Incident
from streams.wire.incident_delta import (
    check_incident_data,
    evidence_change,
    fold,
    incident_data,
    incident_from_data,
    whole_incident,
)
from streams.wire.records import EvidenceChange

T0 = 1_710_287_640_000


def signal(n: int, source: str = "hotline") -> Signal:
    return Signal(f"s{n}", source, "call:gas_smell", T0 + n, "110000")  # type: ignore[arg-type]


def incident(*evidence: Signal) -> Incident:
    counts = (("call:gas_smell", len(evidence) + 5),)  # five more counted than kept
    return Incident(
        "INC-1", "jingjinji", "gas_leak", "gas", T0, T0, T0, 116.4, 39.9, "110000", "110105", ("110000",), ("110105",),
        tuple(evidence), counts, 0.5,
    )  # fmt: skip


S1, S2, S3, S4 = signal(1), signal(2, "sensor"), signal(3), signal(4)


@pytest.mark.parametrize(
    ("before", "after", "change"),
    [
        (None, (S1, S2), EvidenceChange((S1, S2), (), True)),  # its first delta: whole
        (("s1",), (S1, S2), EvidenceChange((S2,))),  # appended
        (("s1", "s2"), (S1, S2), EvidenceChange(())),  # unchanged
        (("s1", "s2", "s3"), (S1, S3, S4), EvidenceChange((S4,), ("s2",))),  # one split off, one added
        (("s2",), (S1, S2), EvidenceChange((S1, S2), (), True)),  # reordered (a merge's union in time order)
    ],
)
def test_the_change_is_what_the_last_delta_did_not_have(
    before: tuple[str, ...] | None, after: tuple[Signal, ...], change: EvidenceChange
) -> None:
    assert evidence_change(before, after) == change
    prior = [s for s in (S1, S2, S3, S4) if before and s.signal_id in before]
    prior.sort(key=lambda s: before.index(s.signal_id) if before else 0)
    assert fold(prior, change.added, change.removed, change.complete, lambda s: s.signal_id) == list(after)


def test_the_wire_data_has_the_change_and_the_counts_in_place_of_the_evidence() -> None:
    data = msgspec.json.decode(msgspec.json.encode(incident_data(incident(S1, S2), EvidenceChange((S2,)))))
    names = list(data)
    assert "evidence" not in data
    assert names[names.index("adcodes") + 1] == "evidence_added"  # where the evidence was
    assert [e["signal_id"] for e in data["evidence_added"]] == ["s2"]
    assert (data["evidence_removed"], data["evidence_complete"]) == ([], False)
    assert (data["evidence_kept"], data["evidence_total"]) == (2, 7)
    assert data["evidence_by_source"] == {"hotline": 1, "sensor": 1}
    assert incident_data(incident(S1), None)["evidence_complete"] is True  # None: whole


def test_folding_gives_the_whole_incident_back_on_both_sides() -> None:
    one, two = incident(S1, S2), incident(S1, S2, S3)
    first = msgspec.json.decode(msgspec.json.encode(incident_data(one, evidence_change(None, one.evidence))))
    second = msgspec.json.decode(msgspec.json.encode(incident_data(two, evidence_change(("s1", "s2"), two.evidence))))
    whole = whole_incident(second, whole_incident(first, None))
    assert [e["signal_id"] for e in whole["evidence"]] == ["s1", "s2", "s3"]
    assert not {"evidence_added", "evidence_removed", "evidence_complete"} & set(whole)
    assert whole["evidence_kept"] == 3
    folded, change = incident_from_data(second, incident_from_data(first, None)[0])
    assert folded == two and change == EvidenceChange((S3,))
    # a delta applied to a picture already ahead of it (rebuilt from a newer record) changes nothing
    assert whole_incident(second, whole)["evidence"] == whole["evidence"]


def test_a_whole_incident_of_the_earlier_form_is_a_complete_delta() -> None:
    data = msgspec.to_builtins(incident(S1, S2))
    fields = check_incident_data(data)
    assert (fields.evidence_added, fields.evidence_complete, fields.evidence_kept) == ((S1, S2), True, 2)
    assert whole_incident(data, None) is data
    bad = {**incident_data(incident(S1), None), "evidence_added": [{"signal_id": 1}]}
    with pytest.raises(msgspec.ValidationError, match=r"evidence_added\[0\]"):
        check_incident_data(msgspec.json.decode(msgspec.json.encode(bad)))
