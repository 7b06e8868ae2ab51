"""``govmedia new KIND`` at the prompt, for every KIND: a bad answer is asked again with a
Chinese reason (the answers before it are kept), a good answer writes a valid record,
and Ctrl-D (end of input) cancels without writing anything. A real terminal (pty)
shows Ctrl-C the same way."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import subprocess
import sys
import termios
import time
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ROOT, git, run_cli

from engine.cli import main
from engine.commands import new as new_cmd
from engine.scaffold import table

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGg0m8b5yP0l5Q2b0d9QmYwS7sYd1k0eH6m8Jr1fJc2X"

SETUP = {
    "records/units/xiaozhen/unit.toml": 'name = "测试镇人民政府"\ntype = "town"\n'
    'supervising_office = "党政综合办公室"\n',
    "records/accounts/wx-test/account.toml": 'unit = "xiaozhen"\nname = "测试镇发布"\n'
    'platform = "wechat-official"\nopened = 2021-01-04\n',
    "records/accounts/wx-test/posts/2021-01.toml": "[[post]]\npublished = 2021-01-05T10:00:00\n"
    'title = "冬季防火宣传"\ncategory = "routine"\n[[post.review]]\nlevel = 1\n'
    "at = 2021-01-05T09:00:00\n",
    "records/accounts/wx-test/messages/2021-01.toml": "# 一月留言\n[[message]]\n"
    'received = 2021-01-04T21:30:00\ntopic = "咨询取暖补贴"\nasker = "测试群众甲"\n\n'
    '[[message]]\nreceived = 2021-01-08T08:00:00\ntopic = "道路维修"\n'
    "answered = 2021-01-08T10:00:00\n",
}

# kind -> {field: [typed answers]}: the first of two is bad and asked again. Fields not
# listed are optional and skipped (Enter). "review" holds the post's review prompts.
# The last item is (what the stderr says about the bad answer, the file, a line of it).
SCRIPTS: dict[str, tuple[dict[str, list[str]], str, str, str]] = {
    "unit": (
        {"id": ["Xin Zhen", "xinzhen"], "name": ["新镇人民政府"], "type": ["县城", "1"],
         "supervising_office": ["党政综合办公室"], "sectors": ["经济发展,2"],
         "public_functions": ["是"], "contact.phone": ["电话", "0470-1234567"]},
        "id 只能用小写字母", "records/units/xinzhen/unit.toml", 'sectors = ["economy", "livelihood"]',
    ),
    "account": (
        {"id": ["wx-test", "wx-new"], "unit": ["xiaozhen"], "name": ["新镇发布"],
         "platform": ["wechat", "微信公众号"], "certification": ["测试镇人民政府"],
         "opened": ["2021-02-30", "2021-01-04"]},
        "已有这个账号,不会覆盖", "records/accounts/wx-new/account.toml",
        'platform = "wechat-official"',
    ),
    "post": (
        {"account": ["wx-nope", "wx-test"], "published": ["2021-01-12 10:00"],
         "title": ["惠民政策解读"], "category": ["政策", "2"],
         "review": ["2021-01-12 9点", "2021-01-12 09:00", "张三", "2021-01-12 09:30", ""]},
        "账号不存在", "records/accounts/wx-test/posts/2021-01.toml",
        '\n[[post]]\npublished = 2021-01-12T10:00:00\ntitle = "惠民政策解读"\ncategory = "policy"\n\n'
        '[[post.review]]\nlevel = 1\nat = 2021-01-12T09:00:00\nreviewer = "张三"\n\n'
        "[[post.review]]\nlevel = 2\nat = 2021-01-12T09:30:00\n",
    ),
    "message": (
        {"account": ["wx-test"], "received": ["昨天", "2021-01-11 20:00"],
         "topic": ["咨询医保报销"], "asker": ["测试群众乙"]},
        "不是有效的日期时间", "records/accounts/wx-test/messages/2021-01.toml",
        'received = 2021-01-11T20:00:00\ntopic = "咨询医保报销"',
    ),
    "answer": (
        {"account": ["wx-test"], "received": ["2021-01-08 08:00", "2021-01-04 21:30"],
         "answered": ["2021-01-06 09:00"], "answer": ["已电话答复"]},
        "这条留言已有答复", "records/accounts/wx-test/messages/2021-01.toml",
        'received = 2021-01-04T21:30:00\nanswered = 2021-01-06T09:00:00\nanswer = "已电话答复"\n',
    ),
    "evidence": (
        {"unit": ["nobody", "xiaozhen"], "type": ["9", "应急预案"],
         "document": ["测政发〔2021〕1号"], "adopted": ["2021-01-04"]},
        "单位不存在", "records/units/xiaozhen/evidence/2021-01-04-emergency-plan.toml",
        'type = "emergency-plan"',
    ),
    "calendar": (
        {"year": ["二〇二一", "2021"], "complete": ["否"], "source": ["国办发明电〔2020〕27号"],
         "day": ["2022-06-14", "2021-06-14", "1", "端午节", "2021-09-18", "调休上班", "中秋节调休", ""]},
        "应为整数", "records/calendar/2021.toml",
        'complete = false\nsource = "国办发明电〔2020〕27号"\n\n[[day]]\ndate = 2021-06-14\n'
        'kind = "holiday"\nname = "端午节"\n\n[[day]]\ndate = 2021-09-18\nkind = "workday"\n',
    ),
    "opening": (
        {"account": ["wx-test"], "date": ["2021-13-01", "2021-01-04"], "need": ["政务公开需要"]},
        "不是日历上存在的日期", "records/accounts/wx-test/events/2021-01-04-opening.toml",
        'type = "opening"',
    ),
    "closure-decision": (
        {"account": ["wx-test"], "date": ["2021-03-01"], "basis": ["投票", "集体研究"]},
        "不是可选的值", "records/accounts/wx-test/events/2021-03-01-closure-decision.toml",
        'basis = "collective"',
    ),
    "filing": (
        {"account": ["wx-test"], "date": ["2021-03-02"], "with": ["nobody", "xiaozhen"]},
        "单位不存在", "records/accounts/wx-test/events/2021-03-02-filing.toml", 'with = "xiaozhen"',
    ),
    "notice": (
        {"account": ["wx-test"], "start": ["3月3日", "2021-03-03"], "end": ["2021-03-20"]},
        "不是日历上存在的日期", "records/accounts/wx-test/events/2021-03-03-notice.toml",
        "end = 2021-03-20",
    ),
    "closure": (
        {"account": ["wx-test"], "date": ["2021-03-25"], "ground": ["别的", "1"]},
        "不是可选的值", "records/accounts/wx-test/events/2021-03-25-closure.toml", 'ground = "work"',
    ),
    "responsible": (
        {"account": ["wx-test"], "from": ["2021-01-04"], "person": ["孙某某"],
         "to": ["不知道", ""]},
        "不是日历上存在的日期", "records/accounts/wx-test/events/2021-01-04-responsible.toml",
        'person = "孙某某"',
    ),
    "contract": (
        {"account": ["wx-test"], "contractor": ["某传媒公司"], "start": ["2021-01-01"],
         "end": ["2021-12-31"], "rights_duties": ["也许", "是"], "amount": ["三万", "30000"]},
        "应为「是」或「否」", "records/accounts/wx-test/events/2021-01-01-contract.toml",
        "amount = 30000",
    ),
    "incident": (
        {"account": ["wx-test"], "date": ["2021-02-01"], "kind": ["被黑", "账号被盗用"],
         "description": ["账号被盗用发布无关内容"]},
        "不是可选的值", "records/accounts/wx-test/events/2021-02-01-incident.toml",
        'kind = "account-hijack"',
    ),
    "rectification-order": (
        {"unit": ["xiaozhen"], "issued": ["2021-02-01"], "deadline": ["2021-02-30", "2021-02-28"],
         "issue": ["连续两周未更新"]},
        "不是日历上存在的日期", "records/supervision/2021-02-01-rectification-order.toml",
        'issue = "连续两周未更新"',
    ),
    "sanction": (
        {"measure": ["约谈"], "account": ["wx-gone", "wx-test"], "date": ["2021-02-05"]},
        "账号不存在", "records/supervision/2021-02-05-sanction.toml", 'measure = "interview"',
    ),
    "waiver": (
        {"rule": ["第十五条", "art-15/weekly-update"],
         "target": ["records/accounts/wx-test/account.toml"], "reason": ["账号迁移"],
         "approved_by": ["xiaozhen"], "approver": ["吴某某"], "approved": ["2021-01-15"],
         "expires": ["2021-03-31"]},
        "写法不对", "records/waivers/2021-01-15-art-15-weekly-update.toml",
        'rule = "art-15/weekly-update"',
    ),
    "signer": (
        {"unit": ["xiaozhen"], "name": ["吴某某"], "key": ["不是公钥", KEY]},
        "写法不对", "records/authority.toml", f'[[identity]]\nunit = "xiaozhen"\nname = "吴某某"\nkey = "{KEY}"',
    ),
    "acknowledgement": (
        {"fingerprint": ["xyz", "0123456789abcdef"], "reason": ["留言 11 月 24 日收到,12 月 4 日才登记"],
         "recorded": ["2021-12-04"]},
        "写法不对", "records/acknowledgements/2021-12-04-0123456789abcdef.toml",
        'fingerprint = "0123456789abcdef"',
    ),
}  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "banner"
    root.mkdir()
    for rel, text in SETUP.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    return root


def files(repo: Path) -> dict[str, bytes]:
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in sorted((repo / "records").rglob("*"))
        if p.is_file()
    }


def typed(kind: str, answers: dict[str, list[str]]) -> list[str]:
    """The lines a clerk types, in the order ``new`` asks."""
    lines: list[str] = []
    for name in table.asked(table.KINDS[kind]):
        lines.extend(answers.get(name, [""]))
    return lines


def new_at_prompt(repo: Path, kind: str, lines: list[str], end: bool = True) -> Result:
    stdin = "".join(f"{line}\n" for line in lines)
    return CliRunner().invoke(
        main, ["new", kind, "--repo", str(repo)], input=stdin, catch_exceptions=False
    )


def test_every_kind_has_a_script() -> None:
    assert sorted(SCRIPTS) == sorted(table.KINDS)


@pytest.mark.parametrize("kind", sorted(SCRIPTS))
def test_new_at_the_prompt(repo: Path, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_cmd, "interactive", lambda: True)
    answers, reason, rel, expected = SCRIPTS[kind]
    before = files(repo)
    lines = typed(kind, answers)

    # Ctrl-D right after the bad answer: cancelled, nothing written, no traceback.
    bad_field = next(n for n, a in answers.items() if len(a) > 1 or n == "review")
    cut = typed(kind, {**answers, bad_field: answers[bad_field][:1]})
    cut = cut[: cut.index(answers[bad_field][0]) + 1]
    stopped = new_at_prompt(repo, kind, cut)
    assert stopped.exit_code == 1, stopped.output
    assert "已取消,未写入任何文件" in stopped.stderr
    assert reason in stopped.stderr, stopped.stderr
    assert "Traceback" not in stopped.output and "内部错误" not in stopped.output
    assert files(repo) == before

    # The bad answer asked again, then the whole record written.
    done = new_at_prompt(repo, kind, lines)
    assert done.exit_code == 0, done.output
    assert reason in done.stderr
    assert f"已写入 {rel}" in done.stdout
    text = (repo / rel).read_text(encoding="utf-8")
    assert expected in text, text
    for old, data in before.items():  # other files untouched; an appended file only grew
        if old != rel:
            assert (repo / old).read_bytes() == data
        elif table.KINDS[kind].mode == "append":
            assert (repo / old).read_bytes().startswith(data)

    # The same record again is refused with its path, and nothing changes.
    after = files(repo)
    good = {n: a[1:] if n == "review" else a[-1:] for n, a in answers.items()}
    again = new_at_prompt(repo, kind, typed(kind, good))
    # Refused when written (exit 2), or at the prompt that names it (then the input ends).
    assert again.exit_code in (1, 2), again.output
    assert rel in again.stderr, again.stderr
    assert any(w in again.stderr for w in ("不会重复登记", "不会覆盖", "已有答复")), again.stderr
    assert files(repo) == after


def test_written_records_pass_check(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_cmd, "interactive", lambda: True)
    for kind in ("post", "message", "answer", "responsible", "evidence"):
        answers = {n: a[-1:] for n, a in SCRIPTS[kind][0].items() if n != "review"}
        if kind == "post":
            answers["review"] = ["2021-01-12 09:00", "", "2021-01-12 09:30", ""]
        assert new_at_prompt(repo, kind, typed(kind, answers)).exit_code == 0
    out = run_cli("check", "--repo", str(repo), "--as-of", "2021-01-31", "--format", "json")
    assert out.returncode in (0, 1), out.stderr  # parsed and judged: no input error
    assert '"posts": 2' in out.stdout


def test_post_asks_the_levels_of_its_category(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_cmd, "interactive", lambda: True)
    # 重要信息 needs three levels (art-14 version 1): three review prompts, then the flags.
    answers = {"account": ["wx-test"], "published": ["2021-01-20 10:00"], "title": ["重要通知"],
               "category": ["重要信息"],
               "review": ["2021-01-20 08:00", "", "2021-01-20 08:30", "", "2021-01-20 09:00", ""]}  # fmt: skip
    done = new_at_prompt(repo, "post", typed("post", answers))
    assert done.exit_code == 0, done.output
    assert "须经 3 级审核" in done.stderr
    assert "终审时间" in done.stderr
    text = (repo / "records/accounts/wx-test/posts/2021-01.toml").read_text(encoding="utf-8")
    assert text.count("[[post.review]]") == 4 and "level = 3" in text


def _controlling_terminal() -> None:
    """In the child, after setsid: make the pty its terminal, so that Ctrl-C sends SIGINT."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _pty_new(repo: Path, kind: str, keys: list[bytes]) -> tuple[int, str]:
    """``govmedia new KIND`` on a real terminal; ``keys`` typed one per prompt."""
    main_fd, child_fd = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "engine.cli", "new", kind, "--repo", str(repo)],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, cwd=ROOT, start_new_session=True,
        preexec_fn=_controlling_terminal,
    )  # fmt: skip
    os.close(child_fd)
    out = b""

    def read_until(marker: bytes, start: int, timeout: float = 60) -> None:
        nonlocal out
        end = time.monotonic() + timeout
        while marker not in out[start:] and time.monotonic() < end:
            ready, _, _ = select.select([main_fd], [], [], 0.2)
            if ready:
                try:
                    out += os.read(main_fd, 4096)
                except OSError:  # the child closed the terminal
                    return

    for key in keys:
        read_until(b": ", len(out))  # the next prompt
        seen = len(out)
        os.write(main_fd, key)
        read_until(b"\n", seen)  # the terminal's echo of the answer, or the cancel line
    code = proc.wait(timeout=60)
    read_until("已取消".encode(), 0, timeout=5)
    os.close(main_fd)
    return code, out.decode("utf-8", errors="replace")


@pytest.mark.parametrize(("key", "code"), [(b"\x03", 130), (b"\x04", 1)])
def test_ctrl_c_and_ctrl_d_on_a_real_terminal(repo: Path, key: bytes, code: int) -> None:
    before = files(repo)
    got, out = _pty_new(repo, "responsible", [b"wx-test\n", b"2021-01-04\n", key])
    assert got == code, out
    assert "已取消,未写入任何文件" in out
    assert "Traceback" not in out and "内部错误" not in out
    assert files(repo) == before


def test_a_file_that_cannot_take_an_appended_post_is_left_alone(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A month file written as an inline array: no byte changes, and the answers are kept
    as a command that gives them again."""
    monkeypatch.setattr(new_cmd, "interactive", lambda: True)
    inline = repo / "records/accounts/wx-test/posts/2021-02.toml"
    inline.write_text(
        'post = [{ published = 2021-02-01T10:00:00, title = "春节值班安排", category = "routine",'
        " review = [{ level = 1, at = 2021-02-01T09:00:00 }] }]\n",
        encoding="utf-8",
    )
    before = files(repo)
    answers = {"account": ["wx-test"], "published": ["2021-02-03 10:00"], "title": ["春节慰问"],
               "category": ["1"], "review": ["2021-02-03 09:00", "张三"]}  # fmt: skip
    done = new_at_prompt(repo, "post", typed("post", answers))
    assert done.exit_code == 2, done.output
    assert "无法自动写入" in done.stderr and "文件没有改动" in done.stderr
    assert "records/accounts/wx-test/posts/2021-02.toml" in done.stderr
    assert "govmedia new post --set account=wx-test --set published=2021-02-03T10:00" in done.stderr
    assert "title=春节慰问" in done.stderr and "reviewer = " in done.stderr
    assert files(repo) == before
    # The command it printed writes the same post once the file is fixed by hand.
    inline.write_text(
        '[[post]]\npublished = 2021-02-01T10:00:00\ntitle = "春节值班安排"\ncategory = "routine"\n'
        "[[post.review]]\nlevel = 1\nat = 2021-02-01T09:00:00\n",
        encoding="utf-8",
    )
    line = done.stderr.split("你输入的内容(改正后可直接运行):\n  ", 1)[1].splitlines()[0]
    import shlex

    args = shlex.split(line)[2:]
    monkeypatch.setattr(new_cmd, "interactive", lambda: False)
    again = CliRunner().invoke(main, ["new", *args, "--repo", str(repo)], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    text = inline.read_text(encoding="utf-8")
    assert text.count("[[post]]") == 2 and 'reviewer = "张三"' in text


def test_times_that_cannot_have_happened_are_refused(repo: Path) -> None:
    before = files(repo)
    cases = [
        ("message", ["received=2999-01-04T10:00", "topic=咨询"], "收到留言的时间(--set received=2999-01-04T10:00): 晚于现在"),
        ("post", ["published=2999-01-04T10:00", "title=t", "category=routine"], "发布时间(--set published=2999-01-04T10:00): 晚于现在"),
        ("message", ["received=2021-01-20T10:00", "topic=咨询", "answered=2021-01-19T10:00"], "答复时间(--set answered=2021-01-19T10:00): 早于收到留言的时间"),
    ]  # fmt: skip
    for kind, pairs, expected in cases:
        args = [a for p in ["account=wx-test", *pairs] for a in ("--set", p)]
        result = CliRunner().invoke(main, ["new", kind, "--repo", str(repo), *args])
        assert result.exit_code == 2, result.output
        assert expected in result.stderr, result.stderr
    assert files(repo) == before


def test_review_levels_follow_the_rule_version_in_force_on_the_day(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second art-14 version (from 2022, routine needs two levels) in the repository's
    own policy/: a routine post of 2021 is asked one level, one of 2022 two."""
    shutil.copytree(ROOT / "policy", repo / "policy")
    art14 = repo / "policy" / "art-14.toml"
    text = art14.read_text(encoding="utf-8")
    v2 = (
        '\n[[versions]]\nversion = 2\neffective_from = 2022-01-01\nsummary = "日常信息也须两级审核。"\n'
        "[versions.parameters]\nlevels = { routine = 2, policy = 2, emergency = 2, major = 3 }\n"
    )
    checks = text[text.index("[[versions.checks]]") : text.index("# ---")]
    art14.write_text(text.replace("# ---", v2 + "\n" + checks + "# ---", 1), encoding="utf-8")
    monkeypatch.setattr(new_cmd, "interactive", lambda: True)
    assert new_cmd.review_levels(repo, "routine", date(2021, 12, 31)) == 1
    assert new_cmd.review_levels(repo, "routine", datetime(2022, 1, 1, 8, 0)) == 2
    answers = {"account": ["wx-test"], "published": ["2022-01-05 10:00"], "title": ["新年通知"],
               "category": ["日常信息"], "review": ["2022-01-05 08:00", "", "2022-01-05 09:00", ""]}  # fmt: skip
    done = new_at_prompt(repo, "post", typed("post", answers))
    assert done.exit_code == 0, done.output
    assert "按 2022-01-05 施行的第十四条须经 2 级审核" in done.stderr
    text = (repo / "records/accounts/wx-test/posts/2022-01.toml").read_text(encoding="utf-8")
    assert "level = 2\nat = 2022-01-05T09:00:00" in text


def test_new_without_kind_asks_which(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_cmd, "interactive", lambda: True)
    answers = {"account": ["wx-test"], "from": ["2021-01-04"], "person": ["孙某某"]}
    kinds = list(table.KINDS)
    lines = ["专人", str(kinds.index("responsible") + 1), *typed("responsible", answers)]
    done = CliRunner().invoke(main, ["new", "--repo", str(repo)], input="\n".join(lines) + "\n")
    assert done.exit_code == 0, done.output
    assert "要新建哪种记录" in done.stderr and "「专人」不是可选的值" in done.stderr
    assert f"{kinds.index('responsible') + 1} 专人负责" in done.stderr
    assert (repo / "records/accounts/wx-test/events/2021-01-04-responsible.toml").is_file()
    monkeypatch.setattr(new_cmd, "interactive", lambda: False)
    refused = CliRunner().invoke(main, ["new", "--repo", str(repo)], input="")
    assert refused.exit_code == 2 and "缺少要新建的记录种类" in refused.stderr
