"""Evidence masking by the classification policy, remembered per viewer province and bounded."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard_api.masking import EvidenceMasker
from streams.wire.classification import ClassificationPolicy


@pytest.fixture(scope="module")
def policy() -> ClassificationPolicy:
    return ClassificationPolicy.load()


def caller(signal_id: str, phone: str = "13812345678") -> dict[str, Any]:
    return {
        "signal_id": signal_id,
        "source": "hotline",
        "kind": "call:gas_smell",
        "at_ms": 0,
        "province": "130000",
        "adcode": "131082",
        "text": f"回电{phone}",
        "attrs": [],
        "personal": {"owner_province": "110000", "name": "张三丰", "phone": phone},
    }


def test_outside_the_owning_province_personal_data_is_masked(policy: ClassificationPolicy) -> None:
    masked = EvidenceMasker(policy).signal(caller("a"), "120000")
    assert masked["personal"] == {"owner_province": "110000", "name": "张**", "phone": "138****5678"}
    assert masked["text"] == "回电138****5678"
    assert masked["signal_id"] == "a" and masked["adcode"] == "131082"


def test_results_are_remembered_per_province_and_content(policy: ClassificationPolicy) -> None:
    masker = EvidenceMasker(policy)
    first = masker.signal(caller("a"), "120000")
    assert masker.signal(caller("a"), "120000") is first  # an equal copy of the same evidence
    assert masker.signal(caller("a"), None) is not first  # another viewer province
    changed = masker.signal(caller("a", phone="13900001111"), "120000")
    assert changed["personal"]["phone"] == "139****1111"  # other content, never a stale answer


def test_memory_is_bounded(policy: ClassificationPolicy) -> None:
    masker = EvidenceMasker(policy, remember=3)
    for n in range(10):
        masker.signal(caller(f"s{n}"), "120000")
    assert len(masker._memo) <= 3
