import json
from collections import Counter

import numpy as np
import pytest
import shapely

from geo.regions import PROVINCES, THEATER, RegionIndex


def test_theater_has_199_units_16_16_167(regions):
    assert THEATER == "jingjinji"
    counts = Counter(u.province_adcode for u in regions.units)
    assert counts == {"110000": 16, "120000": 16, "130000": 167}
    assert len({u.adcode for u in regions.units}) == 199
    assert all(u.province_name == PROVINCES[u.province_adcode] for u in regions.units)


def test_hebei_has_eleven_prefectures(regions):
    hebei = {u.city_adcode for u in regions.units if u.province_adcode == "130000"}
    assert len(hebei) == 11


@pytest.mark.parametrize(
    ("lon", "lat", "adcode"),
    [
        (116.397, 39.909, "110101"),  # 天安门 → 东城区
        (116.81, 39.96, "131082"),  # 燕郊 → 三河市
        (115.97, 39.49, "130681"),  # 涿州
        (117.20, 39.12, "120101"),  # 天津 和平区
        (114.51, 38.04, "130102"),  # 石家庄 长安区
    ],
)
def test_locate_known_points(regions, lon, lat, adcode):
    unit = regions.locate(lon, lat)
    assert unit is not None
    assert unit.adcode == adcode


@pytest.mark.parametrize(("lon", "lat"), [(121.47, 31.23), (112.5, 37.8), (0.0, 0.0), (float("nan"), 39.9)])
def test_points_outside_the_theater_are_none(regions, lon, lat):
    assert regions.locate(lon, lat) is None
    assert not regions.in_theater(lon, lat)


def test_locate_many_agrees_with_exact_containment(regions):
    rng = np.random.default_rng(3)
    lon = rng.uniform(113.4, 119.9, 20_000)
    lat = rng.uniform(36.0, 42.7, 20_000)
    got = regions.locate_many(lon, lat)
    geoms = np.array([regions.unit_geometry(u.adcode) for u in regions.units])
    for i in rng.choice(20_000, 400, replace=False):
        inside = np.flatnonzero(shapely.contains_xy(geoms, lon[i], lat[i]))
        if inside.size:
            assert got[i] == inside[0]
        else:
            assert got[i] == -1 or shapely.intersects(geoms[got[i]], shapely.Point(lon[i], lat[i]))
    assert (got >= 0).any()
    assert (got == -1).any()


def test_locate_many_keeps_the_input_shape(regions):
    lon = np.array([[116.397, 0.0], [116.81, 115.97]])
    lat = np.array([[39.909, 0.0], [39.96, 39.49]])
    got = regions.locate_many(lon, lat)
    assert got.shape == (2, 2)
    assert regions.units[got[1, 0]].adcode == "131082"
    assert got[0, 1] == -1


def test_unknown_adcode_names_the_code_and_suggests(regions):
    with pytest.raises(KeyError, match=r"'110113x'.*did you mean"):
        regions.unit("110113x")
    with pytest.raises(KeyError, match="'140000'"):
        regions.province_geometry("140000")


def test_unknown_source_suggests_the_right_one():
    with pytest.raises(ValueError, match=r"tiandito.*did you mean 'tianditu'"):
        RegionIndex.load("tiandito")


def test_neighbours_cross_province_borders(regions):
    tongzhou = regions.neighbours("110112")
    assert "131082" in tongzhou  # 三河市, Hebei
    assert "120114" in tongzhou  # 武清区, Tianjin
    assert "110105" in tongzhou  # 朝阳区
    assert "110101" not in tongzhou  # 东城区 is inside the ring roads, not on Tongzhou's border
    for code, others in ((c, regions.neighbours(c)) for c in ("110112", "130681")):
        assert all(code in regions.neighbours(o) for o in others)


def test_units_tile_their_provinces(regions):
    report = regions.tiling_report()
    assert report.units == 199
    assert 210_000 < report.area_km2 < 222_000  # 京津冀 is about 216,000 km²
    assert abs(report.overlap_km2) < 0.01
    assert report.gap_km2 < 0.01
    assert report.outside_km2 < 0.01
    assert report.holes_km2 < 0.01


def test_geometries_are_valid_and_provinces_cover_their_units(regions):
    assert all(regions.unit_geometry(u.adcode).is_valid for u in regions.units)
    beijing = regions.province_geometry("110000")
    assert beijing.contains(shapely.Point(116.397, 39.909))
    assert not beijing.contains(shapely.Point(116.81, 39.96))


def test_geojson_is_rfc7946(regions):
    fc = regions.geojson()
    assert fc["type"] == "FeatureCollection"
    assert len(fc["features"]) == 199
    first = fc["features"][0]
    assert set(first["properties"]) == {"adcode", "name", "province_adcode", "province_name"}
    for feature in fc["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        polys = getattr(geom, "geoms", [geom])
        assert all(p.exterior.is_ccw for p in polys)  # right-hand rule: exterior counter-clockwise
        assert all(not ring.is_ccw for p in polys for ring in p.interiors)
    coords = json.dumps(fc["features"][5]["geometry"]["coordinates"])
    assert all(len(num.split(".")[1]) <= 5 for num in coords.replace("[", "").replace("]", "").split(",") if "." in num)
    assert len(json.dumps(fc)) < 2_000_000  # simplified for a web page


def test_geojson_province_level_and_bad_level(regions):
    fc = regions.geojson("province")
    assert [f["properties"]["adcode"] for f in fc["features"]] == list(PROVINCES)
    with pytest.raises(ValueError, match="level='city'"):
        regions.geojson("city")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "adcode"),
    [
        ("河北省廊坊市三河市燕郊镇小张各庄", "131082"),
        ("涿州码头镇大街村", "130681"),
        ("北京市通州区梨园镇", "110112"),
        ("张家口市桥西区", "130703"),
        ("石家庄桥西区", "130104"),
        ("大厂县", "131028"),
    ],
)
def test_find_in_text(regions, text, adcode):
    unit = regions.find_in_text(text)
    assert unit is not None
    assert unit.adcode == adcode


@pytest.mark.parametrize("text", ["北京市长安街", "桥西区", "复兴门外", "不在这里", ""])
def test_find_in_text_ignores_everyday_words_and_homonyms(regions, text):
    assert regions.find_in_text(text) is None


def test_amap_source_loads_the_same_units():
    amap = RegionIndex.load("amap")
    assert len(amap.units) == 199
    assert amap.locate(116.397, 39.909).adcode == "110101"
