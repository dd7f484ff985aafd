"""Call understanding: whole-text topics with negation, fear, objects, several topics, and how the caller knows."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from streams.ingest.understand import CallReader


@pytest.fixture(scope="module")
def reader() -> CallReader:
    return CallReader.load()


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("楼道里有燃气灶，家里进水了", ("flooding",)),  # an object is not a gas smell; the first keyword no longer wins
        ("没有闻到燃气味，就是问问", ("other",)),
        ("闻到燃气味，担心会爆炸", ("gas_smell",)),
        ("下凹桥积水，车里有人出不来", ("waterlogging", "trapped")),
        ("被困扰很久了，楼上噪音", ("other",)),
        ("房顶漏雨，接了好几个盆", ("roof_leak",)),
        ("然气味很大 楼道里", ("gas_smell",)),  # a homophone slip
        ("物业通知说下周二停水一天", ("other",)),  # expected, not happening
        ("地震了，老房子震塌了", ("collapse", "quake_felt")),
        ("雨太大了，家里没事", ("weather",)),
    ],
)
def test_topics_are_read_from_the_whole_text(reader: CallReader, text: str, topics: tuple[str, ...]) -> None:
    assert reader.read(text).topics == topics


def test_praise_for_a_response_that_is_over_reports_nothing(reader: CallReader) -> None:
    assert reader.read("暴雨期间被洪水围困，消防连夜救出老人，特此表扬", category="表扬").topics == ("other",)


def test_the_reading_keeps_the_scores_and_says_how_the_caller_knows(reader: CallReader) -> None:
    seen = reader.read("东南边一声巨响，火光冲天，是哪爆炸了")
    assert seen.primary == "explosion" and seen.role == "remote"  # 火光冲天 may also read as a fire seen from afar
    assert "explosion" in seen.scores_text()
    assert reader.read("一声巨响我家窗户玻璃全碎了").role == "here"
    assert reader.read("刚才是不是地震了？床晃了好几下").role == "felt"


def test_the_learned_part_adds_keeps_or_drops_a_topic_by_its_thresholds() -> None:
    doc = yaml.safe_load(resources.files("streams").joinpath("data/hotline_topics.yaml").read_text(encoding="utf-8"))
    grams = {"困": [1.0, [0, 4000]], "火": [1.0, [4000, 0]]}
    model = {"topics": ["fire", "trapped"], "ngram": [1, 1], "scale": 1000, "intercept": [-2, -2], "grams": grams}
    sure = CallReader(doc, {**model, "keep": {"fire": 0.0, "trapped": 0.0}, "add": {"fire": 0.5, "trapped": 0.5}})
    assert sure.read("电梯里困着人").topics == ("trapped",)  # the model alone is sure: added
    assert sure.read("着火了").topics == ("fire",)
    strict = CallReader(doc, {**model, "keep": {"fire": 0.0, "trapped": 0.99}, "add": {"fire": 1.01, "trapped": 1.01}})
    assert strict.read("有人被困").topics == ("other",)  # the cues report it, the model does not agree: dropped
    reading = strict.read("着火了")
    assert reading.topics == ("fire",) and reading.learned[0][0] == "fire"  # kept, and its probability shown
    assert reading.scores_text().startswith("cues fire ")


def test_a_model_with_an_unknown_topic_or_a_short_row_is_refused() -> None:
    doc = yaml.safe_load(resources.files("streams").joinpath("data/hotline_topics.yaml").read_text(encoding="utf-8"))
    model = {"topics": ["fire"], "ngram": [1, 1], "scale": 1, "intercept": [0], "keep": {"fire": 0}, "add": {"fire": 1}}
    with pytest.raises(ValueError, match=r"not in hotline_topics\.yaml"):
        CallReader(doc, {**model, "topics": ["fires"], "keep": {"fires": 0}, "add": {"fires": 1}, "grams": {}})
    with pytest.raises(ValueError, match="gram='火' has 2 weights for 1 topics"):
        CallReader(doc, {**model, "grams": {"火": [1.0, [1, 2]]}})


def test_a_table_whose_order_misses_a_topic_is_refused() -> None:
    doc = {"threshold": 1, "kind_order": ["fire", "other"], "felt_topics": [], "topics": {"fire": {}, "flood": {}}}
    with pytest.raises(ValueError, match="kind_order and topics differ"):
        CallReader(doc)


@pytest.mark.parametrize(
    ("text", "of_event"),
    [
        ("雷声太大了，睡不着", ""),  # thunder is the weather itself: a weather call
        ("昨天晚上的雨太吓人了，家里没事", "weather"),  # a cue of the weather below the threshold
        ("担心地下室一会儿进水，现在还没进", "feared"),  # only a fear
        ("问一下社保卡怎么补办", ""),  # an everyday matter, about nothing
    ],
)
def test_a_call_that_speaks_only_of_the_weather_or_of_a_fear_is_about_the_event(
    reader: CallReader, text: str, of_event: str
) -> None:
    reading = reader.read(text)
    assert reading.of_event == of_event
    assert reading.topics == (("weather",) if text.startswith("雷声") else ("other",))


@pytest.mark.parametrize("text", ["俺家房山墙裂了个大口子", "玻璃震碎了划了手", "院墙震裂倾斜，存在倒塌隐患"])
def test_damage_alone_names_no_event(reader: CallReader, text: str) -> None:
    """Cracks are no collapse and a broken window is no explosion without a word of the blast or the fall: the call
    names damage at the caller's place (role `effect`), not which event did it."""
    reading = reader.read(text)
    assert reading.topics == ("other",) and reading.role == "effect" and reading.of_event == ""


def test_damage_beside_a_word_of_the_event_still_names_it(reader: CallReader) -> None:
    assert reader.read("一声巨响，窗户全碎了").primary == "explosion"
    assert reader.read("墙裂了，接着房子就塌了").primary == "collapse"


def test_a_blast_likened_to_thunder_is_no_weather(reader: CallReader) -> None:
    assert "weather" not in reader.read("听到一声巨响，跟打雷似的").topics


@pytest.mark.parametrize("text", ["电梯困人了，人已经救出来了", "车抛锚了，困在高速上"])
def test_trapped_and_now_out_or_a_car_broken_down_is_no_rescue(reader: CallReader, text: str) -> None:
    assert "trapped" not in reader.read(text).topics


def test_a_lift_is_an_everyday_cause_unless_a_hazard_is_named(reader: CallReader) -> None:
    assert reader.read("电梯困人了，快来").everyday
    assert not reader.read("停电了，电梯里困着人").everyday  # the power cut's: the event's
    assert "trapped" in reader.read("电梯里还困着人，没救出来").topics  # denied: not over
