"""Place names for people: the boundary data's Chinese names, official or Pinyin English names."""

from __future__ import annotations

from ebrain.compose import Core
from streams.words.places import PlaceNames, pinyin


def test_provinces_counties_and_prefectures_have_names_in_both_languages(core: Core) -> None:
    places = PlaceNames(core.regions)
    assert places.name("120000", "en") == "Tianjin" and places.name("120000", "zh") == "天津市"
    assert places.name("131082", "en") == "Sanhe" and places.name("131082", "zh") == "三河市"
    assert places.name("110112", "en") == "Tongzhou District"
    assert places.name("120116", "en") == "Binhai New Area"
    assert places.name("131028", "en") == "Dachang Hui Autonomous County"
    assert places.name("131028", "zh", short=True) == "大厂县"
    assert places.name("130600", "en") == "Baoding"  # a prefecture city, the level above a Hebei county
    assert all(places.name(u.adcode, "en") for u in core.regions.units)
    assert places.name("999999", "en") is None


def test_pinyin_marks_syllable_breaks_and_takes_known_readings() -> None:
    assert pinyin("固安") == "Gu'an"
    assert pinyin("泊头", {"泊头": "Botou"}) == "Botou"
    assert pinyin("小张各庄") == "Xiaozhanggezhuang"
