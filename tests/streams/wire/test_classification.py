"""The classification policy: every field has a class; what crosses a region border is masked as the file says."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.wire.classification import DATA_FILE, SHAPES, ClassificationPolicy, field_paths


@pytest.fixture(scope="module")
def policy() -> ClassificationPolicy:
    return ClassificationPolicy.load()


ORDER = {
    "type": "hotline.work_order",
    "hotline": "130000",
    "order_id": "HE12345-20240313-0001",
    "content": "燃气味很重，回电13800138001或010-61234567",
    "address": "三河市燕郊镇小张各庄",
    "caller": {"name": "王建国", "phone": "13800138001"},
}


def test_every_field_of_every_shape_has_one_of_the_four_classes(policy: ClassificationPolicy) -> None:
    for tag, shape in SHAPES.items():
        for path in field_paths(shape):
            assert policy.field_class(tag, path) in {"public", "internal", "sensitive", "personal"}


@pytest.mark.parametrize(
    ("tag", "field", "klass"),
    [
        ("hotline.work_order", "caller.phone", "personal"),
        ("hotline.work_order", "caller.name", "personal"),
        ("hotline.work_order", "caller", "personal"),
        ("hotline.work_order", "content", "sensitive"),
        ("hotline.work_order", "address", "internal"),
        ("agency.warning", "colour", "public"),
        ("agency.warning", "area.adcodes", "public"),
        ("sensor.reading", "position.lon", "internal"),
        ("signal", "personal.phone", "personal"),
        ("dead_letter", "raw_base64", "personal"),
    ],
)
def test_field_class(policy: ClassificationPolicy, tag: str, field: str, klass: str) -> None:
    assert policy.field_class(tag, field) == klass


def test_unknown_names_get_a_did_you_mean(policy: ClassificationPolicy) -> None:
    with pytest.raises(KeyError, match=r"did you mean 'hotline\.work_order'"):
        policy.field_class("hotline.workorder", "caller")
    with pytest.raises(KeyError, match=r"did you mean 'caller\.phone'"):
        policy.field_class("hotline.work_order", "caller.phon")


def test_another_region_sees_personal_data_masked(policy: ClassificationPolicy) -> None:
    seen = policy.mask("hotline.work_order", ORDER, viewer_province="110000")
    assert seen["caller"] == {"name": "王**", "phone": "138****8001"}
    assert seen["content"] == "燃气味很重，回电138****8001或010*****4567"
    assert seen["address"] == ORDER["address"]
    assert ORDER["caller"]["name"] == "王建国"  # the input is not changed


def test_the_owning_region_sees_everything(policy: ClassificationPolicy) -> None:
    assert policy.mask("hotline.work_order", ORDER, viewer_province="130000") == ORDER


def test_no_region_means_masked(policy: ClassificationPolicy) -> None:
    assert policy.mask("hotline.work_order", ORDER, viewer_province=None)["caller"]["phone"] == "138****8001"


def test_signal_evidence_is_masked_by_its_owner_province(policy: ClassificationPolicy) -> None:
    signal = {"signal_id": "s", "text": "电话13700137003", "personal": {"owner_province": "110000", "name": "赵磊"}}
    assert policy.mask("signal", signal, "110000") == signal
    masked = policy.mask("signal", signal, "130000")
    assert masked["personal"] == {"owner_province": "110000", "name": "赵*"}
    assert masked["text"] == "电话137****7003"


def test_dead_letters_drop_the_raw_bytes_across_the_border(policy: ClassificationPolicy) -> None:
    letter = {"reason": "r", "topic": "ingest.hotline", "partition": 0, "offset": 4, "raw_base64": "eyJ9"}
    assert policy.mask("dead_letter", letter, "110000")["raw_base64"] is None


def test_public_classes_are_the_publishable_ones(policy: ClassificationPolicy) -> None:
    assert policy.publishable == frozenset({"public"})


def test_a_misspelt_field_in_the_file_is_an_error_with_its_line(tmp_path: Path) -> None:
    text = DATA_FILE.read_text(encoding="utf-8").replace("caller.phone:", "caller.phon:")
    bad = tmp_path / "classification.yaml"
    bad.write_text(text, encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "caller.phon:" in row)
    with pytest.raises(ValueError, match=rf"classification.yaml:{line}: events.hotline.work_order.fields.caller.phon"):
        ClassificationPolicy.load(bad)


def test_a_missing_event_type_is_an_error(tmp_path: Path) -> None:
    text = DATA_FILE.read_text(encoding="utf-8").replace("  tick:\n    default: public\n", "")
    bad = tmp_path / "classification.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"events\.tick: Field required"):
        ClassificationPolicy.load(bad)
