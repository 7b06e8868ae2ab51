"""Law fixes of the rulebook audit: art. 10, 11, 17 fact builders and one violation per
(fact, check) when a condition's "$or" matches a fact through several branches.

The rule cases in policy/art-NN.toml cover the same boundaries through the whole
rulebook; these tests pin the builders and the engine directly.
"""

from __future__ import annotations

import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest
import tomli_w
from conftest import ROOT, base_records, git, run_cli, write_records

from engine import policy
from engine.cache import Cache
from engine.evaluate import evaluate
from engine.facts.accounts import _internal_body_in_name
from engine.facts.content import normal_title
from engine.rules_engine import match
from engine.snapshot import from_worktree

AS_OF = date(2021, 1, 17)

# A repost with neither a source unit nor a link: two branches of art-17/untraceable's "$or".
_UNTRACEABLE = """[[post]]
published = 2021-01-05T10:00:00
title = "国务院常务会议部署冬春农牧民增收工作"
category = "routine"
[post.repost]
original_title = "国务院常务会议部署冬春农牧民增收工作"
source_named = true
[[post.review]]
level = 1
at = 2021-01-05T09:00:00

[[post]]
published = 2021-01-12T10:00:00
title = "测试镇开展冬季防火宣传"
category = "routine"
[[post.review]]
level = 1
at = 2021-01-12T09:00:00
"""


def _checks(root: Path, policy_dir: Path = ROOT / "policy") -> list[str]:
    result = evaluate(from_worktree(root), policy.load(policy_dir), AS_OF, Cache(None))
    return sorted(v.check_id for v in result.open)


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_records(root, {**base_records(), **files})
    return root


# ---------------------------------------------------------------- "$or" reported once


def test_match_returns_a_fact_matching_two_or_branches_once() -> None:
    either = {"$and": [{"fact": "repost"}, {"$or": [{"source_unit": ""}, {"has_url": False}]}]}
    facts = [
        {"fact": "repost", "source_unit": "", "has_url": False},  # both branches
        {"fact": "repost", "source_unit": "", "has_url": True},  # one branch
        {"fact": "repost", "source_unit": "新华社", "has_url": True},  # none
    ]
    assert match({"untraceable": either}, facts) == [("untraceable", 0), ("untraceable", 1)]


def test_a_fact_matching_two_or_branches_is_one_violation(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"accounts/wx-test/posts/2021-01.toml": _UNTRACEABLE})
    assert [c for c in _checks(root) if c.startswith("art-17/")] == ["art-17/untraceable"]


def test_expansions_of_one_check_report_a_fact_once(tmp_path: Path) -> None:
    # An ``each`` check whose entries all match the same fact: its expansions have
    # distinct names in the ruleset but one id, hence one fingerprint per fact.
    policy_dir = tmp_path / "policy"
    shutil.copytree(ROOT / "policy", policy_dir)
    data = tomllib.loads((policy_dir / "art-17.toml").read_text("utf-8"))
    version = data["versions"][0]
    version["parameters"]["labels"] = {"a": "甲", "b": "乙"}
    version["checks"].append(
        {
            "id": "twice",
            "fact": "repost",
            "each": "labels",
            "when": {"source_named": True},
            "message": "{value}",
            "hint": "无",
        }
    )
    (policy_dir / "art-17.toml").write_text(tomli_w.dumps(data), "utf-8")
    root = _repo(tmp_path, {"accounts/wx-test/posts/2021-01.toml": _UNTRACEABLE})
    assert _checks(root, policy_dir).count("art-17/twice") == 1


# ---------------------------------------------------------------- art. 17 titles


@pytest.mark.parametrize(
    ("original", "published"),
    [
        ("国务院常务会议部署冬春农牧民增收工作", "【转载】国务院常务会议部署冬春农牧民增收工作"),
        ("国务院常务会议部署冬春农牧民增收工作", "[转载] 国务院常务会议部署冬春农牧民增收工作"),
        ("国务院常务会议部署冬春农牧民增收工作", "转载:国务院常务会议部署冬春农牧民增收工作"),
        ("国务院常务会议部署冬春农牧民增收工作", "转自新华社:国务院常务会议部署冬春农牧民增收工作"),
        (
            "国务院常务会议部署冬春农牧民增收工作",
            "转自新华社 | 国务院常务会议部署冬春农牧民增收工作",
        ),
        ("国务院常务会议部署冬春农牧民增收工作", "国务院常务会议部署冬春农牧民增收工作(转载)"),
        (
            "国务院常务会议部署冬春农牧民增收工作",
            "国务院常务会议部署冬春农牧民增收工作——转自新华社",
        ),
        ("会议强调:抓好“冬春”工作", "会议强调:抓好「冬春」工作"),
        ("会议强调:抓好『冬春』工作", "会议强调,抓好'冬春'工作"),
        ("寒潮来袭,注意防寒保暖!", "寒潮来袭, 注意防寒保暖\uff01"),
        ("网传我旗本周全面停暖?", "网传我旗本周全面停暖\uff1f"),
        ("《草原法》实施细则解读", '"草原法"实施细则解读'),
        ("2021年GDP增长5.2%", "２０２１年ＧＤＰ增长５．２％"),
        ("一窗受理 改革推进会", "一窗受理改革推进会"),
    ],
)
def test_labels_punctuation_quotes_width_and_spaces_do_not_change_a_title(
    original: str, published: str
) -> None:
    assert normal_title(original) == normal_title(published)


@pytest.mark.parametrize(
    ("original", "published"),
    [
        ("网传我旗本周全面停暖?", "网传我旗本周全面停暖"),
        ("网传我旗本周全面停暖\uff1f", "网传我旗本周全面停暖。"),
        ("会议强调抓好冬春工作", "会议强调抓好冬春工作!"),
    ],
)
def test_question_and_exclamation_marks_change_a_title(original: str, published: str) -> None:
    """Art 17 「不得歪曲、篡改标题原意」: a dropped ? turns a question about a rumour into
    an assertion; an added ! adds emphasis the source did not give."""
    assert normal_title(original) != normal_title(published)


@pytest.mark.parametrize(
    ("original", "published"),
    [
        ("牧区取暖补贴标准今年调整", "牧区取暖补贴标准今年不调整"),
        ("冬季牧区取暖补贴标准调整", "【转载】冬季牧区取暖补贴标准上调"),
        ("2021年GDP增长5.2%", "2021年GDP增长52%"),
        ("2021年GDP增长5.2%", "2021年GDP增长5.2"),
        ("气温-3℃", "气温3℃"),
        ("1-3月经济运行情况", "13月经济运行情况"),
        # 转自 without a bracket or separator is text (转 + 自治区), not a label
        ("转自治区人民政府关于做好冬春工作的通知", "关于做好冬春工作的通知"),
    ],
)
def test_a_changed_word_or_number_still_changes_a_title(original: str, published: str) -> None:
    assert normal_title(original) != normal_title(published)


def test_a_label_alone_is_not_stripped_to_nothing() -> None:
    assert normal_title("【转载】") == "转载"


# ---------------------------------------------------------------- art. 11 internal bodies

_BODIES = ["党政综合办公室", "综治办", "社会事务办", "办公室"]
_UNITS = ["测试镇人民政府", "测试旗政务公开工作领导小组办公室"]


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("测试镇综治办", "综治办"),
        ("测试镇人民政府综治办", "综治办"),
        ("测试镇党政综合办公室", "党政综合办公室"),  # the longest name wins
        ("测试镇社会事务办发布", "社会事务办"),
        ("测试镇社会事务办理指南", ""),  # 办 + 理 = 办理: another word
        ("测试旗政务公开工作领导小组办公室", ""),  # inside a unit's full name
        ("测试旗政务公开工作领导小组办公室信息办公室", "办公室"),  # and once outside it
        ("测试镇发布", ""),
    ],
)
def test_internal_body_named_in_text(text: str, body: str) -> None:
    assert _internal_body_in_name(text, _BODIES, _UNITS) == body


def test_certification_naming_an_internal_body_is_a_violation(tmp_path: Path) -> None:
    account = base_records()["accounts/wx-test/account.toml"].replace(
        'certification = "测试镇人民政府"', 'certification = "测试镇人民政府综治办"'
    )
    root = _repo(tmp_path, {"accounts/wx-test/account.toml": account})
    assert "art-11/internal-body-name" in _checks(root)


# ---------------------------------------------------------------- art. 10 superiors

_NMJ = {
    "units/nmj/unit.toml": 'name = "测试旗农牧局"\ntype = "department"\n'
    'supervising_office = "办公室"\nsectors = ["economy"]\n',
    "accounts/nmj-wx/account.toml": 'unit = "nmj"\nname = "测试旗农牧局"\n'
    'platform = "wechat-official"\ncertification = "测试旗农牧局"\nopened = 2021-01-04\n',
}


def _xczx(superior: str | None, via: str) -> str:
    line = f'superior = "{superior}"\n' if superior else ""
    return (
        f'name = "测试旗乡村振兴局"\ntype = "department"\n{line}supervising_office = "办公室"\n'
        f'sectors = ["livelihood"]\npublishes_via = "{via}"\n'
    )


@pytest.mark.parametrize(
    ("superior", "via", "fails"),
    [
        ("nmj", "nmj-wx", False),  # the superior's active account
        ("nmj", "wx-test", True),  # a town's account: not a superior
        (None, "nmj-wx", True),  # no superior recorded: nobody is a superior
    ],
)
def test_publishing_via_counts_only_for_a_superior_units_account(
    tmp_path: Path, superior: str | None, via: str, fails: bool
) -> None:
    root = _repo(tmp_path, {**_NMJ, "units/xczx/unit.toml": _xczx(superior, via)})
    assert ("art-10/no-account" in _checks(root)) is fails


def test_a_town_without_an_account_is_not_bound_by_art_10(tmp_path: Path) -> None:
    root = _repo(tmp_path, {})
    for rel in ("account.toml", "events/2021-01-04-responsible.toml", "posts/2021-01.toml"):
        (root / "records/accounts/wx-test" / rel).unlink()
    assert "art-10/no-account" not in _checks(root)


def test_a_cycle_of_superiors_exits_2_naming_file_and_line(tmp_path: Path) -> None:
    nmj = _NMJ["units/nmj/unit.toml"] + 'superior = "xczx"\n'
    root = _repo(
        tmp_path,
        {**_NMJ, "units/nmj/unit.toml": nmj, "units/xczx/unit.toml": _xczx("nmj", "nmj-wx")},
    )
    out = run_cli("check", "--repo", str(root), "--as-of", AS_OF.isoformat())
    assert out.returncode == 2, out.stdout + out.stderr
    assert "上级关系成环" in out.stderr
    assert "records/units/" in out.stderr and "unit.toml:" in out.stderr
    assert "Traceback" not in out.stderr


# ---------------------------------------------------------------- 原则上, one reading


def test_every_yuanzeshang_article_is_read_the_same_way() -> None:
    """docs/decisions/0005: an error, exceptions by waiver, the same choice text everywhere."""
    shared: list[tuple[str, str]] = []
    for path in sorted((ROOT / "policy").glob("art-*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        if "原则上" not in data["text"]:
            continue
        versions = data.get("versions", [])
        choices = [
            c for v in versions for c in v["choices"] if c["question"] == "「原则上」怎么处理?"
        ]
        if not choices:  # the clause is not checked: the rule says so and how it would be
            assert "原则上" in data.get("not_checked", ""), path.name
            assert "豁免" in data["not_checked"], path.name
            continue
        shared += [(c["choice"], c["reason"]) for c in choices]
        severities = {c.get("severity", data["severity"]) for v in versions for c in v["checks"]}
        assert severities == {"error"}, path.name
    assert len(shared) >= 4
    assert len(set(shared)) == 1
    assert "records/waivers/" in shared[0][0]
