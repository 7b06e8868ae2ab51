"""Authority: waivers and supervision records count only when their unit signed them.

Real SSH keys (ssh-keygen) and real signed commits (``git commit -S`` with
``gpg.format=ssh``), verified by git; see docs/decisions/0007-authority.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from authority_repos import (
    ORDER,
    ORDER_TEXT,
    REGISTRY,
    WAIVER_TEXT,
    check_json,
    hook_env,
    overdue,
    reasons,
    signed_records,
)
from conftest import BASE_AS_OF, base_records, git, run_cli, write_records
from signing import authority, commit, public, signed_repo
from test_waivers import AD_POSTS, POSTS, WAIVER

check = check_json
warnings = reasons


def repo(tmp_path: Path, signer: str | None) -> Path:
    """The authority file (trust root) first, then the waiver and the order, signed by ``signer``."""
    return signed_records(tmp_path, signer)


def test_signed_by_a_registered_identity_of_the_unit_counts(tmp_path: Path) -> None:
    code, doc, _ = check(repo(tmp_path, "zwfwj-key"))
    assert [v["waiver"] for v in doc["waived"]] == [f"records/{WAIVER}"]
    assert overdue(doc)  # the rectification order (issued by zwfwj by default) counts
    assert doc["authority_warnings"] == []
    assert code == 1  # the overdue order is an error


def test_unsigned_commit_gives_no_authority(tmp_path: Path) -> None:
    _code, doc, _ = check(repo(tmp_path, None))
    assert doc["waived"] == []
    assert [v["check"] for v in doc["violations"] if v["rule"] == "art-15"] == ["commercial-ad"]
    assert not overdue(doc)  # the order is ignored
    assert warnings(doc) == {f"records/{WAIVER}": "unsigned", f"records/{ORDER}": "unsigned"}
    text = run_cli("check", "--repo", str(tmp_path / "repo"), "--as-of", BASE_AS_OF, "--no-cache")
    assert text.returncode == 1
    assert f"records/{WAIVER}: 豁免不生效" in text.stdout and "没有签名" in text.stdout
    assert f"records/{ORDER}: 此监管记录不予采用" in text.stdout
    assert "commit -S" in text.stdout  # how to fix it


def test_a_key_nobody_registered_gives_no_authority(tmp_path: Path) -> None:
    _, doc, _ = check(repo(tmp_path, "stranger-key"))
    assert doc["waived"] == [] and not overdue(doc)
    assert set(warnings(doc).values()) == {"unknown-key"}
    assert "没有在 records/authority.toml 中登记" in doc["authority_warnings"][0]["message"]


def test_a_key_of_another_unit_gives_no_authority(tmp_path: Path) -> None:
    _, doc, _ = check(repo(tmp_path, "xiaozhen-key"))
    assert doc["waived"] == [] and not overdue(doc)
    assert set(warnings(doc).values()) == {"other-unit"}
    assert "登记给了单位「xiaozhen」" in doc["authority_warnings"][0]["message"]


def test_issued_by_names_the_unit_that_must_sign(tmp_path: Path) -> None:
    root = repo(tmp_path, "zwfwj-key")
    other = "supervision/2021-01-06-rectification.toml"
    write_records(root, {other: ORDER_TEXT + 'issued_by = "xiaozhen"\n'})
    commit(root, "测试镇作出的记录,旗政务服务局签名", "zwfwj-key")
    _, doc, _ = check(root)
    assert warnings(doc) == {f"records/{other}": "other-unit"}
    commit(root, "测试镇签名", "xiaozhen-key")  # an empty commit introduces nothing
    assert warnings(check(root)[1]) == {f"records/{other}": "other-unit"}
    write_records(root, {other: ORDER_TEXT + 'issued_by = "xiaozhen"\nnote = "测试镇签名"\n'})
    commit(root, "测试镇签名", "xiaozhen-key")
    _, doc, _ = check(root)
    assert doc["authority_warnings"] == [] and overdue(doc)


def test_another_unit_cannot_take_over_a_record_it_did_not_issue(tmp_path: Path) -> None:
    root = repo(tmp_path, "zwfwj-key")
    # xiaozhen rewrites zwfwj's order as its own, with a later deadline, and signs it.
    write_records(
        root,
        {ORDER: ORDER_TEXT.replace("2021-01-12", "2021-12-31") + 'issued_by = "xiaozhen"\n'},
    )
    commit(root, "改由测试镇作出", "xiaozhen-key")
    _, doc, _ = check(root)
    assert warnings(doc) == {f"records/{ORDER}": "kept-signed"}
    assert overdue(doc)  # zwfwj's signed version (deadline 2021-01-12) stays in force


def test_editing_a_signed_waiver_in_the_work_tree_suspends_it(tmp_path: Path) -> None:
    root = repo(tmp_path, "zwfwj-key")
    write_records(root, {WAIVER: WAIVER_TEXT.replace("2021-01-31", "2021-12-31")})
    _, doc, _ = check(root)
    assert doc["waived"] == [] and warnings(doc) == {f"records/{WAIVER}": "uncommitted"}
    assert "尚未提交" in doc["authority_warnings"][0]["message"]
    # The commit itself still carries the signed version.
    _, at_head, _ = check(root, "HEAD")
    assert len(at_head["waived"]) == 1 and at_head["authority_warnings"] == []


def test_an_unsigned_change_of_the_authority_file_breaks_the_chain(tmp_path: Path) -> None:
    root = repo(tmp_path, "zwfwj-key")
    # zwfwj (registered in the previous version) signs a change adding a third key: fine.
    registry = (*REGISTRY, ("zwfwj", "zwfwj-second"))
    write_records(root, {"authority.toml": authority(*registry)})
    commit(root, "登记第二个签名人", "zwfwj-key")
    _, doc, _ = check(root)
    assert doc["authority_warnings"] == [] and len(doc["waived"]) == 1
    # Anybody adding their own key without a signature: the last trusted version stays
    # in force. What was signed before still counts; the new key counts for nothing.
    write_records(root, {"authority.toml": authority(*registry, ("zwfwj", "stranger-key"))})
    commit(root, "自己登记", None)
    _code, doc, _ = check(root)
    assert len(doc["waived"]) == 1 and overdue(doc)
    assert warnings(doc) == {"records/authority.toml": "authority-fallback"}
    assert "没有签名" in doc["authority_warnings"][0]["message"]
    write_records(root, {WAIVER: WAIVER_TEXT.replace("2021-01-31", "2021-01-30")})
    commit(root, "陌生人签名的豁免", "stranger-key")
    _code, doc, _ = check(root)
    assert doc["waived"] == []
    assert warnings(doc)[f"records/{WAIVER}"] == "unknown-key"


def test_a_change_signed_by_the_key_it_adds_breaks_the_chain(tmp_path: Path) -> None:
    root = repo(tmp_path, "zwfwj-key")
    write_records(root, {"authority.toml": authority(*REGISTRY, ("zwfwj", "stranger-key"))})
    commit(root, "自己给自己授权", "stranger-key")
    _, doc, _ = check(root)
    assert warnings(doc) == {"records/authority.toml": "authority-fallback"}
    # A non-supervising unit's registered key cannot change the file either.
    root2 = repo(tmp_path / "two", "zwfwj-key")
    write_records(root2, {"authority.toml": authority(*REGISTRY, ("xiaozhen", "stranger-key"))})
    commit(root2, "测试镇改名录", "xiaozhen-key")
    assert warnings(check(root2)[1]) == {"records/authority.toml": "authority-fallback"}


def test_no_authority_file_means_no_authority(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write_records(root, {**base_records(), POSTS: AD_POSTS, WAIVER: WAIVER_TEXT})
    git(root, "init", "-q", "-b", "main")
    commit(root, "记录", "zwfwj-key")
    _, doc, _ = check(root)
    assert warnings(doc) == {f"records/{WAIVER}": "no-authority"}


def test_outside_git_nothing_can_be_verified(tmp_path: Path) -> None:
    write_records(tmp_path, {**base_records(), POSTS: AD_POSTS, WAIVER: WAIVER_TEXT})
    write_records(tmp_path, {"authority.toml": authority(*REGISTRY)})
    _, doc, _ = check(tmp_path)
    assert warnings(doc) == {f"records/{WAIVER}": "no-git"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        (
            '[[identity]]\nunit = "zwfwj"\nname = "甲"\nkey = "ssh-ed25519 AAAA"\n',
            4,
            "不是有效的 SSH 公钥",
        ),
        ('[[identity]]\nunit = "nobody"\nname = "甲"\nkey = "{k}"\n', 2, "单位「nobody」不存在"),
        ('[[identity]]\nunit = "zwfwj"\nkey = "{k}"\n', 1, "name"),
        (
            '[[identity]]\nunit = "zwfwj"\nname = "甲"\nkey = "{k}"\n\n'
            '[[identity]]\nunit = "xiaozhen"\nname = "乙"\nkey = "{k}"\n',
            9,
            "同时登记给了",
        ),
    ],
    ids=["坏公钥", "未知单位", "缺少姓名", "一钥两单位"],
)
def test_a_bad_authority_file_exits_2_with_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    files = {**base_records(), WAIVER: WAIVER_TEXT}
    write_records(tmp_path, {**files, "authority.toml": text.replace("{k}", public("zwfwj-key"))})
    out = run_cli("check", "--repo", str(tmp_path), "--as-of", BASE_AS_OF, "--no-cache")
    assert out.returncode == 2, out.stdout + out.stderr
    assert f"records/authority.toml:{line}:" in out.stderr, out.stderr
    assert words in out.stderr and "Traceback" not in out.stderr


def test_staged_waiver_and_order_in_the_hook(tmp_path: Path) -> None:
    root = signed_repo(tmp_path / "repo", {**base_records(), POSTS: AD_POSTS}, registry=REGISTRY)
    git(root, "commit", "-q", "--allow-empty", "-m", "x")
    env = hook_env()
    assert run_cli("hook", "install", "--repo", str(root)).returncode == 0
    # Staged, not yet committed: the waiver and the overdue order do not count yet.
    write_records(root, {WAIVER: WAIVER_TEXT, ORDER: ORDER_TEXT})
    git(root, "add", "-A")
    _, doc, _ = check(root, "--staged")
    assert warnings(doc) == {f"records/{WAIVER}": "uncommitted", f"records/{ORDER}": "uncommitted"}
    assert doc["waived"] == [] and not overdue(doc)
    sign = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={_key('zwfwj-key')}"]
    made = git(root, *sign, "commit", "-S", "-m", "登记豁免和整改通知", check=False, env=env)
    assert made.returncode == 0, made.stdout + made.stderr
    assert "尚未提交" in made.stdout + made.stderr  # the hook says why they do not count yet
    _, doc, _ = check(root)
    assert len(doc["waived"]) == 1 and overdue(doc) and doc["authority_warnings"] == []
    # The next, unrelated commit is not blamed for the order's violation, which the
    # previous commit brought in (the hook must not reuse the index it judged unsigned).
    write_records(root, {"units/xiaozhen/evidence-note.txt": "备注\n"})
    git(root, "add", "-A")
    ok = git(root, "commit", "-m", "无关的修改", check=False, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def _key(name: str) -> Path:
    from signing import key

    return key(name)


def _shallow(tmp_path: Path) -> Path:
    origin = repo(tmp_path, "zwfwj-key")
    write_records(origin, {"units/xiaozhen/note.txt": "x\n"})
    commit(origin, "之后的提交")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    return clone


def test_a_shallow_clone_warns_and_still_checks(tmp_path: Path) -> None:
    clone = _shallow(tmp_path)
    code, doc, _ = check(clone)
    assert code == 1 and doc["waived"] == []
    assert set(warnings(doc).values()) == {"shallow"}
    assert "git fetch --unshallow" in doc["authority_warnings"][0]["message"]
    assert "浅克隆" in doc["authority_warnings"][0]["message"]


@pytest.mark.parametrize(
    "args",
    [
        ("audit",),
        ("check", "--as-of", BASE_AS_OF, "--since", "2000-01-01"),
        ("check", "--as-of", BASE_AS_OF, "--base", "HEAD~1"),
        ("check", "--as-of", BASE_AS_OF, "HEAD~1"),
    ],
    ids=["audit", "since", "base", "rev"],
)
def test_history_commands_in_a_shallow_clone_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    clone = _shallow(tmp_path)
    out = run_cli(*args, "--repo", str(clone))
    assert out.returncode == 2, out.stdout + out.stderr
    assert "浅克隆" in out.stderr and "git fetch --unshallow" in out.stderr
    assert "Traceback" not in out.stderr


def test_rule_cases_trust_their_records_but_real_repositories_do_not(tmp_path: Path) -> None:
    from engine import snapshot
    from engine.cache import Cache
    from engine.evaluate import evaluate
    from engine.policy import default_policy_dir, load
    from engine.timeutil import parse_date

    write_records(tmp_path, {**base_records(), POSTS: AD_POSTS, WAIVER: WAIVER_TEXT})
    policy = load(default_policy_dir(tmp_path))
    snap = snapshot.from_worktree(tmp_path)
    day = parse_date(BASE_AS_OF)
    plain = evaluate(snap, policy, day, Cache(None))
    assert plain.waived == [] and len(plain.authority.warnings) == 1
    trusted = evaluate(snap, policy, day, Cache(None), trust_all=True)
    assert len(trusted.waived) == 1 and trusted.authority.warnings == []


def test_the_site_of_a_shallow_clone_exits_2(tmp_path: Path) -> None:
    from test_site_fixture import write_config

    clone = _shallow(tmp_path)
    config = write_config(clone)
    out = run_cli(
        "site", "--repo", str(clone), "--as-of", BASE_AS_OF, "--output", str(tmp_path / "site"),
        "--config", str(config), cwd=clone,
    )  # fmt: skip
    assert out.returncode == 2, out.stdout + out.stderr
    assert "浅克隆" in out.stderr and "git fetch --unshallow" in out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "site").exists()
