"""Call understanding: whole-text topics with negation, fear, objects, several topics, and how the caller knows."""

from __future__ import annotations

import pytest

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
    assert seen.topics == ("explosion",) and seen.role == "remote"
    assert "explosion" in seen.scores_text()
    assert reader.read("一声巨响我家窗户玻璃全碎了").role == "here"
    assert reader.read("刚才是不是地震了？床晃了好几下").role == "felt"


def test_a_table_whose_order_misses_a_topic_is_refused() -> None:
    doc = {"threshold": 1, "kind_order": ["fire", "other"], "felt_topics": [], "topics": {"fire": {}, "flood": {}}}
    with pytest.raises(ValueError, match="kind_order and topics differ"):
        CallReader(doc)
