"""``govmedia new``: valid records in their standard place, never over an existing file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, git, run_cli, write_records
from signing import authority, commit

from engine.cli import main

FIXTURE_POLICY = ROOT / "tests" / "report" / "fixture" / "policy"

UNIT = ["--set", "id=xiaozhen", "--set", "name=测试镇人民政府", "--set", "type=town",
        "--set", "supervising_office=党政综合办公室", "--set", "sectors=economy,livelihood",
        "--set", "contact.name=赵某某", "--set", "contact.phone=0470-1234567"]  # fmt: skip
ACCOUNT = ["--set", "id=wx-test", "--set", "unit=xiaozhen", "--set", "name=测试镇发布",
           "--set", "platform=wechat-official", "--set", "certification=测试镇人民政府",
           "--set", "opened=2021-01-04"]  # fmt: skip
RESPONSIBLE = ["--set", "account=wx-test", "--set", "from=2021-01-04", "--set", "person=孙某某"]
POST = ["--set", "account=wx-test", "--set", "published=2021-01-05T10:00", "--set", "title=冬季防火宣传",
        "--set", "category=routine", "--set", "review=[{level = 1, at = 2021-01-05T09:00:00}]"]  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "banner"
    root.mkdir()
    shutil.copytree(FIXTURE_POLICY, root / "policy")
    git(root, "init", "-q", "-b", "main")
    return root


def new(repo: Path, kind: str, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        main, ["new", kind, "--repo", str(repo), *args], input=stdin, catch_exceptions=False
    )


def files(repo: Path) -> dict[str, bytes]:
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in sorted((repo / "records").rglob("*"))
        if p.is_file()
    }


def test_new_records_pass_check(repo: Path) -> None:
    for kind, args in (
        ("unit", UNIT),
        ("account", ACCOUNT),
        ("responsible", RESPONSIBLE),
        ("post", POST),
    ):
        result = new(repo, kind, *args)
        assert result.exit_code == 0, result.stderr
    assert list(files(repo)) == [
        "records/accounts/wx-test/account.toml",
        "records/accounts/wx-test/events/2021-01-04-responsible.toml",
        "records/accounts/wx-test/posts/2021-01.toml",
        "records/units/xiaozhen/unit.toml",
    ]
    assert "已写入 records/accounts/wx-test/posts/2021-01.toml" in result.stdout
    account = (repo / "records/accounts/wx-test/account.toml").read_text(encoding="utf-8")
    assert "opened = 2021-01-04\n" in account  # a TOML date, as clerks write it
    # The real command, in a subprocess: the records are accepted and break no rule.
    out = run_cli("check", "--repo", str(repo), "--as-of", "2021-01-10")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "检查了 1 个单位、1 个账号、1 条发布" in out.stdout


def test_new_events_and_waiver_take_free_names(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # This one-unit banner's supervising unit is the town itself: its trust root pins
    # the town's key (docs/decisions/0011-threat-model.md).
    from signing import key_fingerprint

    root_file = tmp_path / "trust-root.toml"
    root_file.write_text(
        f'supervising_unit = "xiaozhen"\nfingerprints = ["{key_fingerprint("xiaozhen-key")}"]\n'
    )
    monkeypatch.setenv("GOVMEDIA_TRUST_ROOT", str(root_file))
    new(repo, "unit", *UNIT)
    new(repo, "account", *ACCOUNT)
    for person in ("孙某某", "李某某", "王某某"):
        assert (
            new(repo, "responsible", *RESPONSIBLE[:4], "--set", f"person={person}").exit_code == 0
        )
    # The same person from the same day again is the same record: refused, with its path.
    again = new(repo, "responsible", *RESPONSIBLE)
    assert again.exit_code == 2
    assert "已有同一条专人负责记录" in again.stderr
    assert "records/accounts/wx-test/events/2021-01-04-responsible.toml" in again.stderr
    events = sorted(p.name for p in (repo / "records/accounts/wx-test/events").iterdir())
    assert events == [
        "2021-01-04-responsible-2.toml",
        "2021-01-04-responsible-3.toml",
        "2021-01-04-responsible.toml",
    ]
    waiver = ["--set", "rule=art-15/weekly-update", "--set", "target=records/accounts/wx-test/account.toml",
              "--set", "reason=账号迁移期间暂停更新", "--set", "approved_by=xiaozhen", "--set", "approver=吴某某",
              "--set", "approved=2021-01-15", "--set", "expires=2021-03-31"]  # fmt: skip
    result = new(repo, "waiver", *waiver)
    assert result.exit_code == 0, result.stderr
    assert (repo / "records/waivers/2021-01-15-art-15-weekly-update.toml").is_file()
    # Not committed yet, so not signed: it waives nothing (docs/decisions/0007-authority.md).
    out = CliRunner().invoke(main, ["check", "--repo", str(repo), "--as-of", "2021-01-17"])
    assert out.exit_code == 1 and "0 处已豁免" in out.stdout and "尚未提交" in out.stdout
    # Committed with a key the approving unit registered: the run of both weeks without
    # posts (one violation) is waived.
    write_records(repo, {"authority.toml": authority(("xiaozhen", "xiaozhen-key"))})
    commit(repo, "登记豁免", "xiaozhen-key")
    out = CliRunner().invoke(main, ["check", "--repo", str(repo), "--as-of", "2021-01-17"])
    assert out.exit_code == 0, out.output
    assert "1 处已豁免" in out.stdout


def test_new_refuses_to_overwrite(repo: Path) -> None:
    new(repo, "unit", *UNIT)
    new(repo, "account", *ACCOUNT)
    new(repo, "post", *POST)
    before = files(repo)
    again = new(repo, "account", *ACCOUNT[:-2], "--set", "opened=2022-02-02")
    assert again.exit_code == 2
    assert (
        "已有这个账号" in again.stderr and "records/accounts/wx-test/account.toml" in again.stderr
    )
    same = new(repo, "post", *POST)  # same account, time and title
    assert same.exit_code == 2
    assert "已有同一条发布记录" in same.stderr
    assert "records/accounts/wx-test/posts/2021-01.toml:1" in same.stderr
    assert files(repo) == before  # every byte unchanged, nothing added


def test_missing_fields_non_interactive_exit_2(repo: Path) -> None:
    result = new(repo, "account", "--set", "id=wx-test", "--set", "name=测试镇发布")
    assert result.exit_code == 2
    assert "缺少必填字段: 单位 id(unit)、平台(platform)、开设日期(opened)" in result.stderr
    assert "--set unit=" in result.stderr
    assert not (repo / "records").exists()


def test_bad_values_exit_2_and_write_nothing(repo: Path) -> None:
    new(repo, "unit", *UNIT)
    before = files(repo)
    cases = [
        ("account", [*ACCOUNT[:-2], "--set", "opened=2021-02-30"], "不是日历上存在的日期"),
        ("account", [*ACCOUNT[:-2], "--set", "opened=2021/01/04"], "YYYY-MM-DD"),
        ("account", [*ACCOUNT, "--set", "colour=red"], "没有字段「colour」"),
        ("account", [*ACCOUNT[:2], "--set", "unit=nobody", *ACCOUNT[4:]], "单位不存在"),
        ("account", [*ACCOUNT[:6], "--set", "platform=We Chat", *ACCOUNT[8:]], "不是可选的值"),
        (
            "account",
            [*ACCOUNT[:6], "--set", "platform=wechat", *ACCOUNT[8:]],
            "平台(--set platform=wechat)",
        ),
        (
            "account",
            [*ACCOUNT, "--set", "purpose=party"],
            "开设目的(--set purpose=party): 不是可选的值",
        ),
        ("responsible", RESPONSIBLE, "账号不存在"),
        (
            "unit",
            [*UNIT, "--set", "classified=maybe"],
            "是否涉密单位(--set classified=maybe): 应为「是」或「否」",
        ),
        ("closure", ["--set", "account=wx-test", "--set", "type=closure"], "不能设置"),
        ("punishment", [], "不认识的记录种类"),
    ]
    for kind, args, expected in cases:
        result = new(repo, kind, *args)
        assert result.exit_code == 2, (kind, args, result.output)
        assert expected in result.stderr, (expected, result.stderr)
        assert "Traceback" not in result.output
    assert files(repo) == before


def test_bad_date_in_subprocess(repo: Path) -> None:
    out = run_cli("new", "notice", "--repo", str(repo), "--set", "account=x", "--set", "start=2021-13-01",
                  "--set", "end=2021-01-20", stdin="")  # fmt: skip
    assert out.returncode == 2
    assert "开始日期(--set start=2021-13-01): 不是日历上存在的日期" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (repo / "records").exists()


def test_set_mode_appends_and_answers_without_rewriting(repo: Path) -> None:
    new(repo, "unit", *UNIT)
    new(repo, "account", *ACCOUNT)
    assert new(repo, "post", *POST).exit_code == 0
    posts = repo / "records/accounts/wx-test/posts/2021-01.toml"
    first = posts.read_bytes()
    second = new(repo, "post", *POST[:2], "--set", "published=2021-01-12T10:00", "--set", "title=第二条",
                 "--set", "category=routine", "--set", "review=[{level = 1, at = 2021-01-12T09:00:00}]")  # fmt: skip
    assert second.exit_code == 0, second.output
    grown = posts.read_bytes()
    assert grown.startswith(first) and grown.count(b"[[post]]") == 2
    assert b"[[post.review]]\nlevel = 1\nat = 2021-01-12T09:00:00\n" in grown

    msg = ["--set", "account=wx-test", "--set", "received=2021-01-04T21:30", "--set", "topic=咨询"]
    assert new(repo, "message", *msg).exit_code == 0
    messages = repo / "records/accounts/wx-test/messages/2021-01.toml"
    before = messages.read_text(encoding="utf-8")
    answer = ["--set", "account=wx-test", "--set", "received=2021-01-04T21:30",
              "--set", "answered=2021-01-05T09:00", "--set", "answer=已答复"]  # fmt: skip
    done = new(repo, "answer", *answer)
    assert done.exit_code == 0, done.output
    after = messages.read_text(encoding="utf-8")
    assert after == before.replace(
        "received = 2021-01-04T21:30:00\n",
        'received = 2021-01-04T21:30:00\nanswered = 2021-01-05T09:00:00\nanswer = "已答复"\n',
    )
    again = new(repo, "answer", *answer)
    assert again.exit_code == 2 and "这条留言已有答复" in again.stderr
    assert messages.read_text(encoding="utf-8") == after
    missing = new(repo, "answer", *answer[:2], "--set", "received=2021-01-06T08:00", *answer[4:])
    assert missing.exit_code == 2 and "没有这个时间收到的留言" in missing.stderr
