"""Every sentence of the measures accounted for (issue 11, section 3).

The rulebook maps each article's text, clause by clause, to the checks that
enforce it or to the reason it is not checked (``[[clauses]]`` in
``policy/art-NN.toml``). These tests hold the map complete and the article texts
equal to the source of the measures kept in the repository
(``policy/source/measures-2020.txt``); each failure mode is also shown to be
caught, on a broken copy.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from engine import clauses, policy
from engine.errors import InputError
from engine.policy import Clause, Rule

POLICY = ROOT / "policy"


@pytest.fixture(scope="module")
def rules() -> dict[str, Rule]:
    return policy.load(POLICY).rules


def _source() -> str:
    return clauses.SOURCE.read_text("utf-8")


# ---------------------------------------------------------------- the rulebook as it is


def test_the_source_copy_is_in_the_repository() -> None:
    assert clauses.SOURCE == POLICY / "source" / "measures-2020.txt"
    articles = clauses.source_articles(_source())
    assert list(articles) == [f"第{n}条" for n in _NUMERALS]


def test_every_article_text_matches_the_source(rules: dict[str, Rule]) -> None:
    assert len(rules) == 25
    assert clauses.source_problems(list(rules.values()), _source()) == []


@pytest.mark.parametrize("rule_id", [f"art-{n:02d}" for n in range(1, 26)])
def test_every_sentence_has_a_check_or_a_reason(rules: dict[str, Rule], rule_id: str) -> None:
    rule = rules[rule_id]
    assert rule.clauses, f"{rule_id} has no clause map"
    assert clauses.clause_problems(rule) == []
    for clause in rule.clauses:
        assert clause.text in rule.text
        assert clause.checks or clause.reason


def test_the_known_omissions_are_stated(rules: dict[str, Rule]) -> None:
    def reason_of(rule_id: str, words: str) -> str:
        (found,) = [c for c in rules[rule_id].clauses if words in c.text]
        assert not found.checks
        return found.reason

    assert "审核制度" in reason_of("art-14", "信息发布审核制度")
    assert "利用率" in reason_of("art-11", "应及时整合")
    assert "专人负责制度" in reason_of("art-19", "专人负责制度")
    assert reason_of("art-25", "施行")


def test_clauses_name_checks_of_their_own_rule(rules: dict[str, Rule]) -> None:
    for rule in rules.values():
        own = {c.id for v in rule.versions for c in v.checks}
        for clause in rule.clauses:
            assert set(clause.checks) <= own, (rule.id, clause.text)
    # art-02's platform check duplicates art-12 and is not part of the map
    assert all("unknown-platform" not in c.checks for c in rules["art-02"].clauses)


def test_sentences_split_on_full_stops_semicolons_and_colons() -> None:
    assert clauses.sentences("第九条  甲,乙。丙;丁:戊\n\n己。") == ["甲,乙", "丙", "丁", "戊己"]
    assert clauses.sentences("第二十五条  本办法自发布之日起施行。") == ["本办法自发布之日起施行"]


# ---------------------------------------------------------------- broken copies are caught


def _with(rule: Rule, *clause_list: Clause) -> Rule:
    return dataclasses.replace(rule, clauses=tuple(clause_list))


def test_a_sentence_left_out_is_caught(rules: dict[str, Rule]) -> None:
    rule = rules["art-13"]
    broken = _with(rule, *rule.clauses[:-1])  # 「公告时间不少于15个工作日」 dropped
    problems = clauses.clause_problems(broken)
    assert len(problems) == 1
    assert "公告时间不少于15个工作日" in problems[0]


def test_part_of_a_sentence_left_out_is_caught(rules: dict[str, Rule]) -> None:
    rule = rules["art-13"]
    broken = _with(rule, *(c for c in rule.clauses if c.text != "报主管单位备案"))
    (problem,) = clauses.clause_problems(broken)
    assert "缺「报主管单位备案」" in problem


def test_a_rule_without_a_map_is_caught(rules: dict[str, Rule]) -> None:
    assert clauses.clause_problems(_with(rules["art-01"])) != []


def test_a_clause_with_neither_check_nor_reason_is_caught(rules: dict[str, Rule]) -> None:
    rule = rules["art-19"]
    first = dataclasses.replace(rule.clauses[0], checks=(), reason="  ")
    (problem,) = clauses.clause_problems(_with(rule, first, *rule.clauses[1:]))
    assert "既没有检查也没有不检查的理由" in problem


def test_a_clause_not_in_the_article_is_caught(rules: dict[str, Rule]) -> None:
    rule = rules["art-25"]
    wrong = Clause(text="本办法自印发之日起施行", checks=(), reason="施行日期")
    problems = clauses.clause_problems(_with(rule, wrong))
    assert any("不是条文原文" in p for p in problems)
    assert any("没有全部对照" in p for p in problems)  # and the real sentence is uncovered


def test_a_clause_found_twice_is_caught(rules: dict[str, Rule]) -> None:
    rule = rules["art-11"]
    twice = Clause(text="政务新媒体", checks=(), reason="两次")
    problems = clauses.clause_problems(_with(rule, *rule.clauses, twice))
    assert any("出现不止一次" in p for p in problems)


def test_an_edited_article_text_is_caught(rules: dict[str, Rule]) -> None:
    edited = dataclasses.replace(rules["art-13"], text=rules["art-13"].text.replace("15", "10"))
    others = [r for r in rules.values() if r.id != "art-13"]
    assert clauses.source_problems([*others, edited], _source()) == [
        "policy/art-13.toml(art-13): 条文与原文第十三条不一致"
    ]


def test_an_edited_source_is_caught(rules: dict[str, Rule]) -> None:
    source = _source().replace("每周更新发布信息不少于1次", "每周更新发布信息不少于2次")
    assert clauses.source_problems(list(rules.values()), source) == [
        "policy/art-15.toml(art-15): 条文与原文第十五条不一致"
    ]


def test_a_missing_article_or_rule_is_caught(rules: dict[str, Rule]) -> None:
    without_art_22 = [r for r in rules.values() if r.id != "art-22"]
    assert clauses.source_problems(without_art_22, _source()) == [
        "原文的第二十二条在规则集中没有对应的规则文件"
    ]
    assert _source().count("第二十二条") == 1
    source = _source().replace("第二十二条", "")  # its text now runs on into article 21
    assert clauses.source_problems(list(rules.values()), source) == [
        "policy/art-21.toml(art-21): 条文与原文第二十一条不一致",
        "policy/art-22.toml(art-22): 原文中没有第二十二条",
    ]


def test_whitespace_and_paragraph_breaks_do_not_count(rules: dict[str, Rule]) -> None:
    rule = rules["art-06"]  # two paragraphs
    reflowed = dataclasses.replace(rule, text=rule.text.replace("\n\n", "\n").replace("  ", " "))
    others = [r for r in rules.values() if r.id != "art-06"]
    assert clauses.source_problems([*others, reflowed], _source()) == []


# ---------------------------------------------------------------- the loader refuses bad maps


def _broken_policy(tmp_path: Path, rule_id: str, old: str, new: str) -> Path:
    target = tmp_path / "policy"
    shutil.copytree(POLICY, target)
    path = target / f"{rule_id}.toml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return target


def _line_of(policy_dir: Path, rule_id: str, stderr: str) -> str:
    line = int(stderr.split(f"policy/{rule_id}.toml:")[1].split(":")[0])
    return (policy_dir / f"{rule_id}.toml").read_text("utf-8").splitlines()[line - 1]


def test_an_unknown_check_exits_2_with_file_and_line(tmp_path: Path) -> None:
    policy_dir = _broken_policy(
        tmp_path, "art-13", 'checks = ["no-notice"]', 'checks = ["decision-missing"]'
    )
    out = run_cli("rules", "--policy", str(policy_dir))
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert "引用了本规则没有的检查「decision-missing」" in out.stderr
    assert _line_of(policy_dir, "art-13", out.stderr) == 'checks = ["decision-missing"]'


def test_a_check_of_another_rule_is_refused(tmp_path: Path) -> None:
    policy_dir = _broken_policy(
        tmp_path, "art-12", 'checks = ["unapproved-platform"]', 'checks = ["unknown-platform"]'
    )
    with pytest.raises(InputError, match="unknown-platform"):
        policy.load(policy_dir)


def test_a_clause_with_neither_exits_2(tmp_path: Path) -> None:
    policy_dir = _broken_policy(
        tmp_path,
        "art-25",
        "checks = []\nreason = ",
        "checks = []\nexplained = ",
    )
    # an unknown key is a schema error; the loader must also refuse the bare clause
    out = run_cli("rules", "--policy", str(policy_dir))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    path = policy_dir / "art-25.toml"
    lines = path.read_text("utf-8").splitlines()
    kept = [ln for ln in lines if not ln.startswith("explained = ")]
    path.write_text("\n".join(kept) + "\n", "utf-8")
    out = run_cli("rules", "--policy", str(policy_dir))
    assert out.returncode == 2, out.stdout + out.stderr
    assert "既没有写检查,也没有写不检查的理由" in out.stderr
    assert _line_of(policy_dir, "art-25", out.stderr) == "[[clauses]]"


def test_a_clause_not_copied_from_the_text_exits_2(tmp_path: Path) -> None:
    policy_dir = _broken_policy(
        tmp_path,
        "art-13",
        'text = "公告时间不少于15个工作日"',
        'text = "公告时间不少于十五个工作日"',
    )
    out = run_cli("rules", "--policy", str(policy_dir))
    assert out.returncode == 2, out.stdout + out.stderr
    assert "不是本条条文的原文" in out.stderr
    assert _line_of(policy_dir, "art-13", out.stderr) == 'text = "公告时间不少于十五个工作日"'


_NUMERALS = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
    "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
    "二十一", "二十二", "二十三", "二十四", "二十五",
]  # fmt: skip


# ---------------------------------------------------------------- shown to people


def test_explain_shows_the_clause_map(tmp_path: Path) -> None:
    out = run_cli("explain", "art-14", "--repo", str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    assert "逐句对照(共 2 句/分句,1 句有检查,1 句不检查):" in text
    assert "  1. 「政务新媒体主办单位应建立健全信息发布审核制度」\n     不检查: 记录中没有" in text
    assert "  2. 「实行分级分类审核、先审后发」\n     检查: art-14/review-missing、" in text
    assert "     未检查的部分: 审核级数按发布类别" in text


def test_explain_of_one_check_shows_its_clauses_only(tmp_path: Path) -> None:
    out = run_cli("explain", "art-13/no-notice", "--repo", str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "  3. 「并向社会公告」\n     检查: art-13/no-notice" in out.stdout
    assert "「报主管单位备案」" not in out.stdout


def test_rules_counts_the_clauses(tmp_path: Path) -> None:
    out = run_cli("rules", "--repo", str(tmp_path), "--as-of", "2024-01-01")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("    逐句对照: ") == 25
    assert "    逐句对照: 4 句/分句,4 句有检查,0 句不检查" in out.stdout  # art-13
    assert "    逐句对照: 1 句/分句,0 句有检查,1 句不检查" in out.stdout  # art-25
