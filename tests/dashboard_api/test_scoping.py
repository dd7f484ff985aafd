"""Who sees which incident, and whose personal data is masked: one function for REST and the feed."""

from __future__ import annotations

from typing import Any

import pytest

from dashboard_api.access import AccessPolicy, Viewer
from dashboard_api.deltas import as_delta_json
from dashboard_api.picture import Picture
from dashboard_api.scoping import scope
from streams.theater import Delta

from .conftest import BEIJING_PHONE, HEBEI_PHONE, T0, TOKENS, base_deltas, incident


@pytest.fixture
def picture() -> Picture:
    pic = Picture()
    for delta in base_deltas():
        pic.apply(as_delta_json(delta)[0])
    return pic


def viewer(access: AccessPolicy, who: str) -> Viewer:
    found = access.authenticate(TOKENS[who])
    assert found is not None
    return found


def seen_incidents(who: str, access: AccessPolicy, picture: Picture) -> set[str]:
    v = viewer(access, who)
    return {key for key, inc in picture.incidents.items() if scope(v, "incident", key, inc, picture) is not None}


def test_each_centre_sees_its_share(access: AccessPolicy, picture: Picture) -> None:
    assert seen_incidents("joint", access, picture) == {"INC-YJ", "INC-DC", "INC-WQ", "INC-ZZ"}
    # The Yanjiao incident spans Hebei and Beijing: both see it.
    assert seen_incidents("beijing", access, picture) == {"INC-YJ", "INC-DC"}
    assert seen_incidents("hebei", access, picture) == {"INC-YJ", "INC-ZZ"}
    # Tianjin was notified about Yanjiao, so it sees it besides its own.
    assert seen_incidents("tianjin", access, picture) == {"INC-YJ", "INC-WQ"}
    # 三河 sees its own county's incident, not 涿州's in the same province.
    assert seen_incidents("sanhe", access, picture) == {"INC-YJ"}


def test_a_county_gets_incidents_returned_to_it(access: AccessPolicy, picture: Picture) -> None:
    sanhe = viewer(access, "sanhe")
    # Elsewhere, but spanning 三河.
    spans = incident("INC-TZ", "110000", "110112", adcodes=("110112", "131082"), provinces=("110000", "130000"))
    assert scope(
        sanhe, "incident", spans.id, as_delta_json(Delta(1, T0, "incident", spans.id, spans))[0]["data"], picture
    )
    # Elsewhere, with no relation to 三河.
    elsewhere = incident("INC-TZ2", "110000", "110112")
    data = as_delta_json(Delta(1, T0, "incident", elsewhere.id, elsewhere))[0]["data"]
    assert scope(sanhe, "incident", elsewhere.id, data, picture) is None
    # ... until one of 三河's responders is tasked to it.
    task = {"id": "T9", "incident_id": "INC-TZ2", "responder_province": "130000", "responder_adcode": "131082"}
    picture.apply({"seq": 99, "at_ms": T0, "kind": "task", "key": "T9", "data": task})
    assert scope(sanhe, "incident", elsewhere.id, data, picture) is not None


def phones_in(value: Any) -> str:
    return repr(value)


def test_tianjin_never_sees_a_beijing_callers_phone(access: AccessPolicy, picture: Picture) -> None:
    data = picture.incidents["INC-YJ"]
    tianjin = scope(viewer(access, "tianjin"), "incident", "INC-YJ", data, picture)
    assert tianjin is not None
    assert BEIJING_PHONE not in phones_in(tianjin) and HEBEI_PHONE not in phones_in(tianjin)
    caller = tianjin["evidence"][0]
    assert caller["personal"] == {"owner_province": "110000", "name": "张**", "phone": "138****5678"}
    assert caller["text"] == "张三丰反映燃气味很重，回电138****5678"
    # The picture itself is untouched: masking copies.
    assert picture.incidents["INC-YJ"]["evidence"][0]["personal"]["phone"] == BEIJING_PHONE


def test_the_owning_province_sees_its_callers_and_the_joint_centre_does_not(
    access: AccessPolicy, picture: Picture
) -> None:
    data = picture.incidents["INC-YJ"]
    beijing = scope(viewer(access, "beijing"), "incident", "INC-YJ", data, picture)
    assert beijing is not None
    assert beijing["evidence"][0]["personal"]["phone"] == BEIJING_PHONE
    assert beijing["evidence"][1]["personal"]["phone"] == "139****1111"  # the Hebei caller
    hebei = scope(viewer(access, "sanhe"), "incident", "INC-YJ", data, picture)
    assert hebei is not None and hebei["evidence"][1]["personal"]["phone"] == HEBEI_PHONE
    joint = scope(viewer(access, "joint"), "incident", "INC-YJ", data, picture)
    assert BEIJING_PHONE not in phones_in(joint) and HEBEI_PHONE not in phones_in(joint)


def test_tasks_notifications_and_rejections(access: AccessPolicy, picture: Picture) -> None:
    task = picture.tasks["INC-YJ-T001.1"]
    assert scope(viewer(access, "tianjin"), "task", task["id"], task, picture) is not None  # it sees the incident
    note = picture.notifications["N000001"]
    assert scope(viewer(access, "tianjin"), "notification", note["id"], note, picture) is not None
    wuqing_only = {**note, "incident_id": "INC-WQ", "to_province": "120000"}
    assert scope(viewer(access, "beijing"), "notification", "N2", wuqing_only, picture) is None
    picture.note_command("cmd-7", "110000")
    assert scope(viewer(access, "beijing"), "rejected", "cmd-7", "no incident", picture) == "no incident"
    assert scope(viewer(access, "hebei"), "rejected", "cmd-7", "no incident", picture) is None
    assert scope(viewer(access, "joint"), "rejected", "other", "unknown responder", picture) is not None
    with pytest.raises(ValueError, match="kind='incidents'"):
        scope(viewer(access, "joint"), "incidents", "x", {}, picture)


def test_masking_follows_the_classification_policy(access: AccessPolicy, picture: Picture) -> None:
    dongcheng = picture.incidents["INC-DC"]  # a Beijing caller who left a landline
    assert scope(viewer(access, "tianjin"), "incident", "INC-DC", dongcheng, picture) is None
    joint = scope(viewer(access, "joint"), "incident", "INC-DC", dongcheng, picture)
    assert joint is not None
    caller = joint["evidence"][0]
    assert caller["personal"] == {"owner_province": "110000", "name": "王*", "phone": "010****1234"}
    assert caller["text"] == "王五反映燃气味很重，回电010****1234"


def test_evidence_without_an_owner_has_phones_in_its_text_masked(access: AccessPolicy, picture: Picture) -> None:
    report = {
        "signal_id": "r1",
        "source": "agency",
        "kind": "report:explosion",
        "at_ms": T0,
        "province": "130000",
        "adcode": "131082",
        "text": "现场联系人 13911112222",
        "personal": None,
    }
    inc = {**picture.incidents["INC-YJ"], "evidence": [report]}
    seen = scope(viewer(access, "hebei"), "incident", "INC-YJ", inc, picture)
    assert seen is not None and seen["evidence"][0]["text"] == "现场联系人 139****2222"
