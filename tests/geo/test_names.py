from geo.names import NameMatcher, did_you_mean


def test_longest_then_leftmost():
    m = NameMatcher.build([("燕郊", 1), ("燕郊镇", 2), ("三河", 3)])
    hit = m.find("三河市燕郊镇")
    assert hit is not None
    assert (hit.value, hit.matched, hit.start) == (2, "燕郊镇", 3)
    assert [h.value for h in m.find_all("三河市燕郊镇")] == [2, 3, 1]


def test_a_name_with_two_values_never_matches():
    m = NameMatcher.build([("桥西区", 1), ("桥西区", 2), ("张家口桥西区", 2)])
    assert m.find("桥西区") is None
    assert m.ambiguous == {"桥西区"}
    hit = m.find("张家口桥西区")
    assert hit is not None
    assert hit.value == 2


def test_did_you_mean():
    assert "'tianditu'" in did_you_mean("tiandito", ["tianditu", "amap"])
    assert did_you_mean("zzz", ["tianditu"]) == ""
