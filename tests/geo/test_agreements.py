from pathlib import Path

import pytest

from geo.agreements import load_agreements
from geo.fleet import load_capabilities

BJ, TJ, HB = "110000", "120000", "130000"


def test_shipped_table_auto_accepts_rescue_everywhere_and_utilities_only_between_beijing_and_hebei():
    a = load_agreements(capabilities=frozenset(load_capabilities().capabilities))
    assert a.auto_accepts(BJ, HB, "fire_suppression") and a.auto_accepts(TJ, HB, "boat")
    assert a.auto_accepts(BJ, HB, "gas_isolation") and a.auto_accepts(HB, BJ, "power_repair")
    assert not a.auto_accepts(TJ, HB, "gas_isolation")
    assert a.needs_approval(TJ, HB, "gas_isolation")
    assert a.lenders_of(HB, "boat") == frozenset({BJ, TJ})
    assert (a.offer_within_ms, a.commit_within_ms) == (900_000, 600_000)


def write(tmp_path: Path, agreements: str) -> Path:
    path = tmp_path / "mutual_aid.yaml"
    path.write_text(f"agreements:\n{agreements}deadlines: {{offer_within_s: 900, commit_within_s: 600}}\n")
    return path


@pytest.mark.parametrize(
    ("agreements", "message"),
    [
        ('  - {lender: "110000", borrower: "130000", capabilities: [boat], auto_accept: [hazmat]}\n',
         r"auto_accept lists \['hazmat'\] that are not lent"),
        ('  - {lender: "110000", borrower: "130000", capabilities: [boat], approval: [hazmat]}\n',
         r"approval lists \['hazmat'\] that are not lent"),
        ('  - {lender: "110000", borrower: "130000", capabilities: [boats]}\n',
         r"capability 'boats' is unknown; did you mean 'boat'"),
        ('  - {lender: "110001", borrower: "130000", capabilities: [boat]}\n',
         r"lender='110001' is not a province; did you mean '110000'"),
        ('  - {lender: "110000", borrower: "130000", capabilities: [boat]}\n'
         '  - {lender: "110000", borrower: "130000", capabilities: [boat]}\n',
         "a second agreement for lender 110000 and borrower 130000"),
        ('  - {lender: "110000", borrower: "130000", capabilities: [boat], auto: [boat]}\n',
         r"mutual_aid.yaml:2: agreements.0.auto: Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_bad_tables_name_the_place(tmp_path: Path, agreements: str, message: str):
    with pytest.raises(ValueError, match=message):
        load_agreements(write(tmp_path, agreements), frozenset(load_capabilities().capabilities))


def test_supplies_are_lent_under_the_same_table_and_shelter_places_need_approval():
    a = load_agreements(capabilities=frozenset(load_capabilities().capabilities))
    assert a.lends_to(BJ, HB, "pumps") and a.auto_accepts(TJ, HB, "foam")
    assert a.needs_approval(BJ, TJ, "shelter_places") and not a.needs_approval(BJ, TJ, "tents")


@pytest.mark.parametrize(
    ("agreement", "message"),
    [
        ('  - {lender: "110000", borrower: "130000", capabilities: [boat], supplies: [pump]}\n',
         "supply 'pump' is unknown; did you mean 'pumps'"),
        ('  - {lender: "110000", borrower: "130000", capabilities: [boat], supplies: [tents],'
         " supplies_auto_accept: [foam]}\n", r"supplies_auto_accept lists \['foam'\] that are not lent"),
    ],
)  # fmt: skip
def test_a_bad_supply_line_is_refused(tmp_path: Path, agreement: str, message: str):
    with pytest.raises(ValueError, match=message):
        load_agreements(write(tmp_path, agreement))
