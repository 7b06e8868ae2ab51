"""engine/facts/content.py: coordination with the units a post concerns; reposts."""

from __future__ import annotations

from datetime import date

import pytest
from factkit import UNIT, account_facts, base

from engine.errors import InputError
from engine.facts.content import normal_title, post_coordination, reposts

OTHER = 'name = "测试镇人民政府"\ntype = "town"\nsupervising_office = "党政综合办公室"\n'


def _posts(extra: str) -> str:
    return f'[[post]]\npublished = 2021-01-05T10:00:00\ntitle = "冬季防火"\ncategory = "routine"\n{extra}'


def test_coordination_counts_other_units_only() -> None:
    files = base(
        **{
            "units/xiaozhen/unit.toml": OTHER,
            "units/rsj/unit.toml": UNIT.replace("政务服务局", "人社局"),
            "accounts/wx/posts/2021-01.toml": _posts(
                'concerns_units = ["zwfwj", "xiaozhen", "rsj", "xiaozhen"]\ncoordinated_with = ["rsj"]\n'
            ),
        }
    )
    (fact,) = account_facts(post_coordination, files, date(2021, 1, 17))
    assert fact.fields == {"concerned_units": 2, "uncoordinated_units": 1}
    assert fact.context["uncoordinated"] == "测试镇人民政府"


def test_a_post_concerning_only_its_own_unit_has_no_fact() -> None:
    files = base(**{"accounts/wx/posts/2021-01.toml": _posts('concerns_units = ["zwfwj"]\n')})
    assert account_facts(post_coordination, files, date(2021, 1, 17)) == []


def test_an_unknown_concerned_unit_is_an_input_error() -> None:
    files = base(**{"accounts/wx/posts/2021-01.toml": _posts('concerns_units = ["nope"]\n')})
    with pytest.raises(InputError, match="单位「nope」不存在") as caught:
        account_facts(post_coordination, files, date(2021, 1, 17))
    assert caught.value.line == 5


@pytest.mark.parametrize(
    ("original", "title", "same"),
    [
        ("冬季防火", "【转载】冬季防火", True),
        ("冬季防火", "冬季防火——转自新华社", True),
        ("“冬季”防火", "冬季防火", True),
        ("冬季防火!", "冬季防火", False),  # ! and ? carry meaning (art 17: 不得歪曲标题原意)
        ("网传全面停暖？", "网传全面停暖", False),  # a full-width ？ folds to ? and still counts
        ("ＡＢＣ防火", "ABC防火", True),
        ("增长5.2%", "增长52%", False),
        ("冬季防火", "夏季防火", False),
        ("冬季 防火|通知", "冬季防火通知", True),  # white space and separators do not count
        ("《1号文》解读", "1号文解读", True),  # punctuation before a number is not its sign
        ("增长5%。", "增长5%", True),  # nor after it
        ("·12号1", "12号1", True),
        ("1-3月", "13月", False),  # a mark between digits carries the value
        ("温度-5度", "温度5度", False),  # a minus sign
        ("温度-5", "温度5", False),
    ],
    # ASCII ids: a test id is also a command-line argument (mutmut reruns tests by id).
    ids=[f"title{i}" for i in range(15)],
)
def test_normal_title(original: str, title: str, same: bool) -> None:
    assert (normal_title(original) == normal_title(title)) is same


def test_normal_title_text() -> None:
    assert normal_title("【转载】冬季 防火!") == "冬季防火!"
    assert normal_title("转载:【转载】冬季防火") == "冬季防火"  # labels, repeatedly
    assert normal_title("【转载】") == "转载"  # nothing but a label: the word is kept


def test_repost_fields() -> None:
    repost = (
        '[post.repost]\nsource_unit = "新巴尔虎右旗政务服务局"\n'
        'source_url = "https://example.invalid/a"\noriginal_title = "冬天防火"\n'
    )
    files = base(**{"accounts/wx/posts/2021-01.toml": _posts(repost)})
    (fact,) = account_facts(reposts, files, date(2021, 1, 17))
    assert fact.fields == {
        "source_unit": "新巴尔虎右旗政务服务局",
        "source_unit_type": "department",  # a registered unit, by its full name
        "source_named_like_organ": True,  # ends in 局 (art-17's organ_name_pattern)
        "has_source_url": True,
        "source_named": False,
        "has_original_title": True,
        "title_changed": True,
    }


@pytest.mark.parametrize(
    ("source", "unit_type", "like_organ"),
    [
        ("新华社", "", False),  # neither registered nor written like an organ
        ("呼伦贝尔市应急管理局", "", True),  # outside the banner, written like an organ
        ("呼伦贝尔供电局", "", False),  # an enterprise, although it ends in 局
    ],
    ids=["agency", "organ", "enterprise"],
)
def test_repost_source_type_and_organ_name(source: str, unit_type: str, like_organ: bool) -> None:
    files = base(
        **{"accounts/wx/posts/2021-01.toml": _posts(f'[post.repost]\nsource_unit = "{source}"\n')}
    )
    (fact,) = account_facts(reposts, files, date(2021, 1, 17))
    assert fact.fields["source_unit_type"] == unit_type
    assert fact.fields["source_named_like_organ"] is like_organ


def test_a_question_mark_added_to_the_title_is_a_change() -> None:
    repost = '[post.repost]\nsource_unit = "新华社"\noriginal_title = "冬季防火？"\n'
    files = base(**{"accounts/wx/posts/2021-01.toml": _posts(repost)})
    (fact,) = account_facts(reposts, files, date(2021, 1, 17))
    assert fact.fields["title_changed"] is True


def test_title_changed_is_absent_without_the_original_title() -> None:
    files = base(
        **{"accounts/wx/posts/2021-01.toml": _posts('[post.repost]\nsource_unit = "zwfwj"\n')}
    )
    (fact,) = account_facts(reposts, files, date(2021, 1, 17))
    assert "title_changed" not in fact.fields
    # A registered unit's id counts as well as its name.
    assert fact.fields["source_unit_type"] == "department"
    assert fact.fields["has_original_title"] is False
