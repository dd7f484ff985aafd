from pathlib import Path

import pytest

from geo.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gazetteer(regions):
    return Gazetteer.from_regions(regions)


@pytest.mark.parametrize(
    ("text", "adcode", "precision", "matched"),
    [
        ("河北省三河市燕郊镇小张各庄小区3号楼燃气味", "131082", "place", "小张各庄"),
        ("燕郊有燃气味", "131082", "town", "燕郊"),
        ("涿州市码头镇大街村进水了", "130681", "town", "码头镇"),
        ("房山区河北镇老人被困屋顶", "110111", "town", "河北镇"),
        ("K396次列车停在落坡岭", "110109", "place", "落坡岭"),
        ("城子水厂进水", "110109", "place", "城子水厂"),
        ("北京市通州区梨园", "110112", "county", "梨园"),  # a township: no point of its own, its county's
        ("通州有人求助", "110112", "county", "通州"),
    ],
)
def test_most_specific_match_wins(gazetteer, text, adcode, precision, matched):
    got = gazetteer.locate(text)
    assert got is not None
    assert (got.adcode, got.precision, got.matched) == (adcode, precision, matched)


def test_a_place_in_another_county_than_the_one_named_falls_back_to_the_county(gazetteer):
    got = gazetteer.locate("北京市通州区小张各庄")
    assert got is not None
    assert (got.adcode, got.precision) == ("110112", "county")


def test_a_landmark_by_the_border_of_the_county_named_is_that_landmark(gazetteer):
    # the table puts 广渠门桥 (on the East 2nd Ring Road) in 朝阳, 0.2 km from 东城: named with either, it is the bridge
    for text in ("北京市东城区广渠门桥", "朝阳区广渠门桥"):
        got = gazetteer.locate(text)
        assert got is not None and got.unit == "place:广渠门桥"


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("北京市东城区天坛街道金鱼池", "110101/天坛街道"),
        ("大港油田 海滨街", "120116/海滨街道"),  # a former district and the short form of a street
        ("青龙湖镇北车营", "110111/青龙湖镇/北车营村"),  # a village is a unit; 青龙湖镇 is not 青龙县
        ("黄骅市南排河镇", "130983/南排河镇"),  # not the village 排河 inside the town's name
        ("丰台区万源路9号院", "110106"),  # 丰台 is the district here, not 丰台街道
        ("沧州", "130900"),  # a prefecture
        ("东城区金鱼池", "110101/天坛街道"),  # an estate's communities (金鱼池中区, 西区) in one street: the street
    ],
)
def test_an_address_resolves_to_its_finest_administrative_unit(gazetteer, text, unit):
    got = gazetteer.locate(text)
    assert got is not None and got.unit == unit


def test_an_address_in_another_province_is_named_as_such(gazetteer):
    assert gazetteer.locate("山东省济南市历下区") is None
    assert gazetteer.outside("山东省济南市历下区") == "山东省"
    assert gazetteer.outside("郑州市金水区") == "河南省"


def test_unknown_text_gives_none(gazetteer):
    assert gazetteer.locate("我家楼下有积水") is None


def test_every_place_lies_in_its_county(gazetteer, regions):
    assert len(gazetteer.places) >= 9
    for place in gazetteer.places:
        assert regions.locate(place.lon, place.lat).adcode == place.adcode
        assert place.source


def _write(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "places.csv"
    path.write_text("name,aliases,adcode,lon,lat,precision,source\n" + row + "\n", encoding="utf-8")
    return path


def test_a_point_outside_its_county_fails_with_file_and_line(regions, tmp_path):
    path = _write(tmp_path, "错位村,,110112,115.97,39.49,place,test")
    with pytest.raises(ValueError, match=r"places.csv:2: 错位村 .* lies in 涿州市 130681, not in 通州区 110112"):
        Gazetteer.from_regions(regions, path)


def test_an_unknown_adcode_fails_with_did_you_mean(regions, tmp_path):
    path = _write(tmp_path, "某村,,11011,116.7,39.8,place,test")
    with pytest.raises(ValueError, match=r"places.csv:2: .*'11011'.*did you mean"):
        Gazetteer.from_regions(regions, path)


def test_a_bad_precision_fails_with_did_you_mean(regions, tmp_path):
    path = _write(tmp_path, "某村,,110112,116.7,39.8,palce,test")
    with pytest.raises(ValueError, match=r"places.csv:2: precision='palce'.*did you mean 'place'"):
        Gazetteer.from_regions(regions, path)


def test_a_spread_is_the_same_on_the_first_call_and_every_later_one(regions):
    """The first call computed it unrounded and kept it rounded: a replay's output then depended on which replays
    had run before it in the same process (26.4893 km, then 26.5)."""
    fresh = Gazetteer.from_regions(regions)
    first = fresh.spread_km("110112")
    assert first == fresh.spread_km("110112") == round(first, 1)


@pytest.mark.parametrize(
    ("text", "hotline", "unit"),
    [
        ("沙河镇巩华城", "110000", "110114/沙河地区"),  # a township called 沙河, not 沙河市; the Beijing one
        ("朝阳高碑店乡附近", "110000", "110105/高碑店地区"),  # 高碑店乡 is no 高碑店市
        ("丰台东高地", "110000", "110106/东高地街道"),  # on the Beijing hotline: 丰台区, not 宁河's 丰台东村
        ("河北省沙河市", "130000", "130582"),  # the county itself
        ("天津南港工业区", "120000", "place:南港工业区"),  # 津南 inside 天津南港 is not the district
        ("沙河镇沙河北街", "110000", "110114/沙河地区"),  # named again, 沙河 is still the township, not 沙河市
        ("清河街道清河中街", "110000", "110108/清河街道"),  # not 清河县 of 河北
        ("朝阳区团结湖平房区", "110000", "110105/团结湖街道"),  # 平房区 is a quarter of bungalows, not 平房地区
        ("朝阳区平房乡石各庄", "110000", "110105/平房地区/石各庄村"),  # 平房乡 is 平房地区
        ("丰台区铁路桥下", "110000", "110106"),  # 路桥 in 铁路桥 is no 路桥乡 (of 馆陶)
    ],
)
def test_the_hotline_s_region_tells_homonyms_apart(gazetteer, text, hotline, unit):
    got = gazetteer.locate(text, hotline)
    assert got is not None and got.unit == unit


def test_a_zone_named_after_a_township_is_not_the_township(gazetteer):
    got = gazetteer.locate("渤海新区", "130000")
    assert got is None or "渤海乡" not in got.unit


def test_a_community_named_with_no_county_is_one_of_the_hotline_s_own_region(gazetteer):
    got = gazetteer.locate("东马路附近", "120000")  # 天津's hotline: not 石家庄's 东马路社区
    assert got is None or got.adcode.startswith("12")


@pytest.mark.parametrize("text", ["邢台开发区景家屯村", "邢台经济开发区景家屯村"])
def test_a_prefecture_named_tells_a_village_s_homonyms_apart(gazetteer, text):
    got = gazetteer.locate(text, "130000")
    assert got is not None and got.unit == "130571/东汪镇/景家屯村"
