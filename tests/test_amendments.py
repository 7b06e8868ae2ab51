"""Amending a rule: a new version judges facts dated in its period, old facts keep the old one.

The amendment used throughout: art-13 version 2, in force from 2025-01-01, asks
for 10 working days of notice instead of 15. A closure on 2024-12-30 and one on
2025-03-03, each after a 12-working-day notice, must be judged by v1 (violation)
and v2 (none) respectively, whatever the commit date or today's date.
"""

from __future__ import annotations

import copy
import json
import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest
import tomli_w
from conftest import ROOT, base_records, git, run_cli, write_records

from engine import cases, policy
from engine.commands.common import Options, run_evaluation
from engine.errors import InputError
from engine.workdays import WorkCalendar


def _v2(effective_from: str, min_days: int) -> str:
    """A ``[[versions]]`` block for art-13: version 1 copied, dated and re-parameterised."""
    data = tomllib.loads((ROOT / "policy" / "art-13.toml").read_text("utf-8"))
    version = copy.deepcopy(data["versions"][-1])
    version.update(
        version=len(data["versions"]) + 1,
        effective_from=effective_from,
        summary=f"公告期缩短为 {min_days} 个工作日(修订示例)。",
    )
    version["parameters"]["min_notice_working_days"] = min_days
    version["parameter_notes"]["min_notice_working_days"] = (
        f"修订后:公告时间不少于{min_days}个工作日。"
    )
    return "\n" + tomli_w.dumps({"versions": [version]})


def amended_policy(tmp: Path, effective_from: str = "2025-01-01", min_days: int = 10) -> Path:
    """policy/ copied, with a version appended to the end of art-13.toml as an editor would."""
    target = tmp / "policy"
    shutil.copytree(ROOT / "policy", target)
    with open(target / "art-13.toml", "a", encoding="utf-8") as fh:
        fh.write(_v2(effective_from, min_days))
    return target


def _closed_account(
    account: str, platform: str, notice: tuple[str, str], closed: str
) -> dict[str, str]:
    prefix = f"accounts/{account}"
    return {
        f"{prefix}/account.toml": (
            f'unit = "xiaozhen"\nname = "测试镇发布"\nplatform = "{platform}"\n'
            f'certification = "测试镇人民政府"\nopened = 2024-01-02\n'
        ),
        f"{prefix}/events/responsible.toml": 'type = "responsible"\nfrom = 2024-01-02\nperson = "测试员"\n',
        f"{prefix}/events/decision.toml": (
            f'type = "closure-decision"\ndate = {notice[0]}\nbasis = "collective"\n'
        ),
        f"{prefix}/events/filing.toml": f'type = "filing"\ndate = {notice[0]}\nwith = "zwfwj"\n',
        f"{prefix}/events/notice.toml": f'type = "notice"\nstart = {notice[0]}\nend = {notice[1]}\n',
        f"{prefix}/events/closure.toml": f'type = "closure"\ndate = {closed}\n',
    }


OLD = _closed_account("dy-2024", "douyin", ("2024-12-12", "2024-12-29"), "2024-12-30")
NEW = _closed_account("ks-2025", "kuaishou", ("2025-02-13", "2025-03-02"), "2025-03-03")


def test_the_two_notices_run_twelve_working_days() -> None:
    calendar = WorkCalendar()
    assert calendar.working_days(date(2024, 12, 12), date(2024, 12, 29)) == 12
    assert calendar.working_days(date(2025, 2, 13), date(2025, 3, 2)) == 12


def test_amended_policy_has_two_versions_with_periods(tmp_path: Path) -> None:
    rule = policy.load(amended_policy(tmp_path)).rules["art-13"]
    v1, v2 = rule.versions
    assert (v1.effective_from, v1.effective_to) == (date(2020, 8, 29), date(2025, 1, 1))
    assert (v2.effective_from, v2.effective_to) == (date(2025, 1, 1), None)
    assert v2.parameters["min_notice_working_days"] == 10
    assert rule.version_on(date(2024, 12, 31)) is v1
    assert rule.version_on(date(2025, 1, 1)) is v2


@pytest.mark.parametrize(
    ("records", "expect"),
    [(OLD, ["art-13/notice-too-short@1"]), (NEW, [])],
    ids=["2024-12-30 关停由第1版评判", "2025-03-03 关停由第2版评判"],
)
def test_version_is_picked_by_the_closure_date(
    tmp_path: Path, records: dict[str, str], expect: list[str]
) -> None:
    policy_dir = amended_policy(tmp_path)
    amended = policy.load(policy_dir)
    case = {"name": "修订", "as_of": "2025-03-31", "expect": expect, "records": records}
    result = cases.run_case(amended, amended.rules["art-13"], case, cases.load_base(policy_dir))
    assert result.passed, result.explain()
    assert (1 if records is OLD else 2) in result.judged_by


def test_without_the_amendment_both_closures_violate(tmp_path: Path) -> None:
    original = policy.load(ROOT / "policy")
    case = {
        "name": "未修订",
        "as_of": "2025-03-31",
        "records": {**OLD, **NEW},
        "expect": ["art-13/notice-too-short@1", "art-13/notice-too-short@1"],
    }
    result = cases.run_case(
        original, original.rules["art-13"], case, cases.load_base(ROOT / "policy")
    )
    assert result.passed, result.explain()


def _art13(stdout: str) -> list[tuple[str | None, int]]:
    doc = json.loads(stdout)
    return sorted((v["account"], v["version"]) for v in doc["violations"] if v["rule"] == "art-13")


def test_an_older_commit_is_judged_by_the_facts_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Commit dates (2025-03-10, 2026-06-01) and today all fall in v2's period; only the
    2024 closure's own date selects v1."""
    policy_dir = amended_policy(tmp_path)
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_records(repo, {**base_records(), **OLD, **NEW})
    git(repo, "add", "-A")
    for name in ("GIT_COMMITTER_DATE", "GIT_AUTHOR_DATE"):
        monkeypatch.setenv(name, "2025-03-10T12:00:00+08:00")
    git(repo, "commit", "-q", "-m", "关停两个账号")
    write_records(
        repo,
        {
            "accounts/wx-test/posts/2021-02.toml": (
                '[[post]]\npublished = 2021-02-02T10:00:00\ntitle = "补录"\ncategory = "routine"\n'
                "[[post.review]]\nlevel = 1\nat = 2021-02-02T09:00:00\n"
            )
        },
    )
    git(repo, "add", "-A")
    for name in ("GIT_COMMITTER_DATE", "GIT_AUTHOR_DATE"):
        monkeypatch.setenv(name, "2026-06-01T12:00:00+08:00")
    git(repo, "commit", "-q", "-m", "补录发布")
    assert git(repo, "log", "-1", "--format=%cs", "HEAD~1").stdout.strip() == "2025-03-10"

    out = run_cli(
        "check",
        "HEAD~1",
        "--repo",
        str(repo),
        "--policy",
        str(policy_dir),
        "--format",
        "json",
        "--no-cache",
    )
    assert out.returncode == 1, out.stderr
    assert json.loads(out.stdout)["as_of"] == "2025-03-10"  # the commit's date
    assert _art13(out.stdout) == [("dy-2024", 1)]
    # The newer commit and the work tree (as of today) give the same judgement.
    amended = policy.load(policy_dir)
    for rev in ("HEAD", None):
        opts = Options(
            repo=repo, rev=rev, staged=False, as_of=None, policy_dir=policy_dir, use_cache=False
        )
        result = run_evaluation(opts, policy=amended)
        assert sorted((v.account, v.version) for v in result.open if v.rule == "art-13") == [
            ("dy-2024", 1)
        ]


def test_a_version_starting_before_the_previous_one_exits_2(tmp_path: Path) -> None:
    policy_dir = amended_policy(tmp_path, effective_from="2020-01-01")
    repo = tmp_path / "repo"
    write_records(repo, base_records())
    out = run_cli(
        "check", "--repo", str(repo), "--policy", str(policy_dir), "--as-of", "2021-01-17"
    )
    assert out.returncode == 2, out.stdout + out.stderr
    assert "第 2 版的生效日期不晚于第 1 版" in out.stderr
    line = int(out.stderr.split("policy/art-13.toml:")[1].split(":")[0])
    text = (policy_dir / "art-13.toml").read_text("utf-8").splitlines()
    assert text[line - 1].strip() == "[[versions]]"
    assert line > len(text) // 2  # the appended block, not version 1


def test_a_version_starting_with_the_previous_one_is_rejected(tmp_path: Path) -> None:
    policy_dir = amended_policy(tmp_path, effective_from="2020-08-29")
    with pytest.raises(InputError, match="不晚于"):
        policy.load(policy_dir)


def test_a_gap_between_versions_is_rejected(tmp_path: Path) -> None:
    policy_dir = amended_policy(tmp_path)
    path = policy_dir / "art-13.toml"
    text = path.read_text("utf-8")
    path.write_text(
        text.replace(
            'effective_from = "measures"\n',
            'effective_from = "measures"\neffective_to = "2024-06-01"\n',
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="不衔接"):
        policy.load(policy_dir)


V2_CASES = """
[[cases]]
name = "第2版:公告12个工作日即可"
as_of = "2025-03-31"
expect = []
[cases.records]
{new}

[[cases]]
name = "第2版:公告不足10个工作日"
as_of = "2025-03-31"
expect = ["art-13/notice-too-short@2"]
[cases.records]
{short}
"""


def _records_table(files: dict[str, str]) -> str:
    return "".join(f'"{path}" = """\n{text}"""\n' for path, text in files.items())


def test_an_amendment_needs_its_own_cases(tmp_path: Path) -> None:
    """The coverage rule of tests/test_cases.py catches a new version without cases."""
    policy_dir = amended_policy(tmp_path)
    amended = policy.load(policy_dir)
    rule = amended.rules["art-13"]
    base = cases.load_base(policy_dir)
    results = [cases.run_case(amended, rule, c, base) for c in rule.cases]
    assert all(r.passed for r in results), [r.explain() for r in results if not r.passed]
    covered = cases.coverage(rule, results)
    assert covered[1][0] and covered[1][1]
    assert covered[2] == ([], [])

    short = _closed_account("ks-2025", "kuaishou", ("2025-02-20", "2025-03-02"), "2025-03-03")
    with open(policy_dir / "art-13.toml", "a", encoding="utf-8") as fh:
        fh.write(V2_CASES.format(new=_records_table(NEW), short=_records_table(short)))
    amended = policy.load(policy_dir)
    rule = amended.rules["art-13"]
    results = [cases.run_case(amended, rule, c, base) for c in rule.cases]
    assert all(r.passed for r in results), [r.explain() for r in results if not r.passed]
    covered = cases.coverage(rule, results)
    assert covered[2] == (["第2版:公告12个工作日即可"], ["第2版:公告不足10个工作日"])


def test_an_amendment_of_art_06_moves_the_filings_art_13_asks_for(tmp_path: Path) -> None:
    """art-13 has no supervising unit of its own: a closure is filed with the unit art-06
    names on the closure day. After art-06 names 旗政务数据局 (zsj) from 2025-01-01, the
    2025 closure filed with zwfwj is filed elsewhere; the 2024 one is not."""
    target = tmp_path / "policy"
    shutil.copytree(ROOT / "policy", target)
    data = tomllib.loads((target / "art-06.toml").read_text("utf-8"))
    version = copy.deepcopy(data["versions"][-1])
    version.update(version=len(data["versions"]) + 1, effective_from="2025-01-01")
    version["summary"] = "机构改革:主管单位改为旗政务数据局(修订示例)。"
    version["parameters"].update(supervising_unit="zsj", supervising_unit_name="旗政务数据局")
    with open(target / "art-06.toml", "a", encoding="utf-8") as fh:
        fh.write("\n" + tomli_w.dumps({"versions": [version]}))
    amended = policy.load(target)
    zsj = (
        'name = "旗政务数据局"\ntype = "department"\nsupervising_office = "办公室"\n'
        'sectors = ["other"]\n'
    )
    case = {
        "name": "第六条修订后备案对象随之改变",
        "as_of": "2025-03-31",
        "records": {"units/zsj/unit.toml": zsj, **OLD, **NEW},
        # Both notices are short for art-13's own (unamended) 15 working days.
        "expect": [
            "art-13/filed-elsewhere@1",
            "art-13/notice-too-short@1",
            "art-13/notice-too-short@1",
        ],
    }
    result = cases.run_case(amended, amended.rules["art-13"], case, cases.load_base(target))
    assert result.passed, result.explain()
    filed_elsewhere = [v for v in result.violations if v.check == "filed-elsewhere"]
    assert [v.account for v in filed_elsewhere] == ["ks-2025"]
    assert "旗政务数据局" in filed_elsewhere[0].message
