"""Attacks by a clerk who knows git (issue 12): each one fails closed, or is reported.

Every case uses real git commands as a clerk with write access would (replace, graft,
merge, autocrlf, chmod, mv), real SSH keys (tests/signing.py), ``check HEAD`` and the
installed hook, and the site built for the attacked repository at HEAD (``on_site``:
the site's model and pages, tests/authority_repos.py; a few cases also through a real
``govmedia site``). The threat model: docs/decisions/0011-threat-model.md.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from authority_repos import (
    ORDER,
    ORDER_TEXT,
    REGISTRY,
    WAIVER_REASON,
    WAIVER_TEXT,
    Site,
    check_json,
    hook_env,
    overdue,
    reasons,
    signed_records,
    site_of,
    waived,
)
from conftest import BASE_AS_OF, ROOT, base_records, git, run_cli, write_records
from signing import authority, commit, key, signed_repo
from test_waivers import AD_POSTS, POSTS, WAIVER

from engine.errors import InputError

# git as the clerk runs it: replace objects and grafts in force (engine/gitsafe.py
# turns them off in every git govmedia starts, and in this test process too).
PLAIN_GIT = {"GIT_NO_REPLACE_OBJECTS": "", "GIT_GRAFT_FILE": ""}


def plain_git(root: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in PLAIN_GIT}
    env.pop("GIT_CONFIG_COUNT", None)
    return subprocess.run(
        ["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout


def check(root: Path, *args: str) -> dict[str, Any]:
    _code, doc, stderr = check_json(root, *args)
    assert stderr == "", stderr
    return doc


def signed(tmp_path: Path, name: str = "repo") -> Path:
    """Registry, base records, the ad post; then the waiver and the order, signed by zwfwj."""
    return signed_records(tmp_path, name=name)


def on_site(
    root: Path,
    as_of: str = BASE_AS_OF,
    policy: Path | None = None,
    doc: dict[str, Any] | None = None,
) -> Site:
    """The site for ``root`` at HEAD, checked against ``check HEAD`` (same check date; its
    report ``doc`` when the test has it): it publishes the same open violations, waived
    violations and authority warnings, and lists a waiver as 「有效期内的豁免」 only when
    it counts, and every waiver applied."""
    site = site_of(root, as_of, policy)
    if doc is None:
        args = ("HEAD", "--as-of", as_of, *(("--policy", str(policy)) if policy else ()))
        doc = check(root, *args)
    assert doc["snapshot"]["kind"] == "commit" and doc["as_of"] == as_of
    assert site.open_checks() == sorted(f"{v['rule']}/{v['check']}" for v in doc["violations"])
    assert site.waived() == waived(doc)
    assert site.reasons() == reasons(doc)
    in_force = site.waivers_in_force()
    if f"records/{WAIVER}" in waived(doc):
        assert WAIVER_REASON in in_force, in_force
    if WAIVER_REASON in in_force:  # only a waiver that counts is listed
        assert f"records/{WAIVER}" not in reasons(doc), in_force
    return site


def hook_commit(root: Path, message: str) -> tuple[int, str]:
    """``git commit`` through the installed hook: (exit code, what it printed)."""
    made = git(root, "commit", "-q", "-m", message, check=False, env=hook_env())
    return made.returncode, made.stdout + made.stderr


def install_hook(root: Path) -> None:
    assert run_cli("hook", "install", "--repo", str(root)).returncode == 0


# ---------------------------------------------------------------- S1: merges


def test_s1_an_unsigned_merge_cannot_bring_back_a_revoked_waiver(tmp_path: Path) -> None:
    root = signed(tmp_path)
    git(root, "branch", "old")
    # The supervisor revokes the waiver, signed.
    (root / "records" / WAIVER).unlink()
    commit(root, "撤销豁免", "zwfwj-key")
    assert waived(check(root, "HEAD")) == []
    # The clerk merges the old branch, resolving to its version (the waiver is back).
    git(root, "checkout", "-q", "old")
    git(root, "merge", "-q", "-s", "ours", "main", "-m", "合并")
    assert (root / "records" / WAIVER).is_file()
    # Default history simplification would find the signed commit on the old side.
    assert "登记豁免" in plain_git(root, "log", "-1", "--format=%s", "--", f"records/{WAIVER}")
    doc = check(root, "HEAD")
    assert waived(doc) == []
    assert reasons(doc) == {f"records/{WAIVER}": "unsigned"}
    assert "合并提交" in doc["authority_warnings"][0]["message"]
    assert reasons(check(root)) == {f"records/{WAIVER}": "unsigned"}  # the work tree too
    site = on_site(root, doc=doc)
    assert WAIVER_REASON not in site.waivers_in_force() and site.waived() == []
    assert "art-15/commercial-ad" in site.open_checks()
    assert site.reasons() == {f"records/{WAIVER}": "unsigned"}


def test_s1_an_unsigned_merge_cannot_restore_a_longer_expiry(tmp_path: Path) -> None:
    root = signed(tmp_path)
    git(root, "branch", "old")
    write_records(root, {WAIVER: WAIVER_TEXT.replace("2021-01-31", "2021-01-12")})
    commit(root, "缩短有效期", "zwfwj-key")
    assert waived(check(root, "HEAD")) == []  # expired on the check date
    git(root, "checkout", "-q", "old")
    git(root, "merge", "-q", "-s", "ours", "main", "-m", "合并")
    doc = check(root, "HEAD")
    assert waived(doc) == [] and reasons(doc) == {f"records/{WAIVER}": "unsigned"}
    site = on_site(root, doc=doc)
    assert WAIVER_REASON not in site.waivers_in_force()
    assert "art-15/commercial-ad" in site.open_checks()


def test_an_ordinary_merge_keeps_what_was_signed(tmp_path: Path) -> None:
    # A branch forked before the waiver, merged after it: the waiver is main's, signed.
    root = signed_repo(tmp_path / "repo", {**base_records(), POSTS: AD_POSTS}, registry=REGISTRY)
    git(root, "branch", "topic")
    write_records(root, {WAIVER: WAIVER_TEXT})
    commit(root, "登记豁免", "zwfwj-key")
    git(root, "checkout", "-q", "topic")
    write_records(root, {"units/xiaozhen/note.txt": "备注\n"})
    commit(root, "其他修改")
    git(root, "checkout", "-q", "main")
    git(root, "merge", "-q", "--no-ff", "topic", "-m", "合并")
    doc = check(root, "HEAD")
    assert waived(doc) == [f"records/{WAIVER}"] and doc["authority_warnings"] == []
    site = on_site(root, doc=doc)  # the signed waiver is published, in force
    assert WAIVER_REASON in site.waivers_in_force() and site.reasons() == {}


# ---------------------------------------------------------------- S2, S9: replace and graft


def test_s2_a_replaced_blob_does_not_count(tmp_path: Path) -> None:
    root = signed(tmp_path)
    signed_blob = git(root, "rev-parse", f"HEAD:records/{WAIVER}").stdout.strip()
    forged = WAIVER_TEXT.replace("2021-01-31", "2099-12-31")
    forged_blob = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=root,
        input=forged,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    plain_git(root, "replace", signed_blob, forged_blob)
    assert "2099-12-31" in plain_git(root, "show", f"HEAD:records/{WAIVER}")  # the attack is real
    doc = check(root, "HEAD", "--as-of", "2030-01-01")
    assert waived(doc) == []  # the signed waiver expired in 2021: the forged one is not read
    git(root, "add", "-A")
    staged = check(root, "--staged", "--as-of", "2030-01-01")
    assert waived(staged) == []
    site = on_site(root, "2030-01-01")  # the forged expiry is not read: expired, not listed
    assert WAIVER_REASON not in site.waivers_in_force()
    assert "art-15/commercial-ad" in site.open_checks()


def test_s9_a_graft_cannot_make_an_unsigned_registry_the_root(tmp_path: Path) -> None:
    root = signed(tmp_path)
    # The clerk rewrites the registry with their own key as zwfwj's, unsigned ...
    write_records(root, {"authority.toml": authority(("zwfwj", "clerk-key"), REGISTRY[1])})
    forged = commit(root, "改名录")
    # ... grafts that commit into a root, and signs a waiver with their own key.
    plain_git(root, "replace", "--graft", forged)
    write_records(root, {WAIVER: WAIVER_TEXT.replace("2021-01-31", "2021-01-30")})
    commit(root, "自己批准", "clerk-key")
    assert "改名录" in plain_git(root, "log", "--format=%s", "--", "records/authority.toml")
    assert len(plain_git(root, "log", "--format=%H", "--", "records/authority.toml").split()) == 1
    doc = check(root, "HEAD")
    assert waived(doc) == []
    assert reasons(doc)[f"records/{WAIVER}"] == "unknown-key"
    assert reasons(doc)["records/authority.toml"] == "authority-fallback"
    site = on_site(root, doc=doc)
    assert WAIVER_REASON not in site.waivers_in_force()
    assert site.reasons()[f"records/{WAIVER}"] == "unknown-key"
    assert "art-15/commercial-ad" in site.open_checks() and site.overdue()


def test_s9_info_grafts_is_ignored(tmp_path: Path) -> None:
    root = signed(tmp_path)
    write_records(root, {"authority.toml": authority(("zwfwj", "clerk-key"), REGISTRY[1])})
    forged = commit(root, "改名录")
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "grafts").write_text(forged + "\n")
    write_records(root, {WAIVER: WAIVER_TEXT.replace("2021-01-31", "2021-01-30")})
    commit(root, "自己批准", "clerk-key")
    doc = check(root, "HEAD")
    assert waived(doc) == [] and reasons(doc)[f"records/{WAIVER}"] == "unknown-key"
    site = on_site(root, doc=doc)
    assert WAIVER_REASON not in site.waivers_in_force()
    assert site.reasons()[f"records/{WAIVER}"] == "unknown-key"


# ---------------------------------------------------------------- modes and line endings


def test_a_mode_only_commit_does_not_unsign_a_waiver(tmp_path: Path) -> None:
    root = signed(tmp_path)
    (root / "records" / WAIVER).chmod(0o755)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "chmod")
    assert "100755" in git(root, "ls-tree", "HEAD", f"records/{WAIVER}").stdout
    doc = check(root, "HEAD")
    assert waived(doc) == [f"records/{WAIVER}"] and doc["authority_warnings"] == []
    assert waived(check(root)) == [f"records/{WAIVER}"]
    site = on_site(root, doc=doc)
    assert WAIVER_REASON in site.waivers_in_force() and site.reasons() == {}


def test_autocrlf_does_not_make_signed_records_uncommitted(tmp_path: Path) -> None:
    origin = signed(tmp_path)
    clone = tmp_path / "clone"
    git(tmp_path, "-c", "core.autocrlf=true", "clone", "-q", str(origin), str(clone))
    git(clone, "config", "core.autocrlf", "true")
    assert b"\r\n" in (clone / "records" / WAIVER).read_bytes()  # converted on checkout
    assert git(clone, "status", "--porcelain").stdout == ""
    doc = check(clone)
    assert doc["authority_warnings"] == [] and waived(doc) == [f"records/{WAIVER}"]
    assert overdue(doc)
    site = on_site(clone)
    assert WAIVER_REASON in site.waivers_in_force() and site.reasons() == {}
    assert site.overdue()


def test_gitattributes_eol_does_not_make_signed_records_uncommitted(tmp_path: Path) -> None:
    root = signed(tmp_path)
    (root / ".gitattributes").write_text("*.toml text eol=crlf\n")
    commit(root, "行尾")
    for path in (WAIVER, ORDER):
        (root / "records" / path).unlink()
    git(root, "checkout", "--", "records")
    assert b"\r\n" in (root / "records" / WAIVER).read_bytes()
    doc = check(root)
    assert doc["authority_warnings"] == [] and waived(doc) == [f"records/{WAIVER}"]
    site = on_site(root)
    assert WAIVER_REASON in site.waivers_in_force() and site.reasons() == {}


# ---------------------------------------------------------------- S6: duties do not vanish


def test_s6_the_hook_keeps_the_duty_of_an_order_deleted_unsigned(tmp_path: Path) -> None:
    root = signed(tmp_path)
    install_hook(root)
    git(root, "rm", "-q", f"records/{ORDER}")
    staged = check(root, "--staged")
    assert overdue(staged) and reasons(staged) == {f"records/{ORDER}": "kept-signed"}
    compared = check(root, "--staged", "--base", "HEAD")
    assert compared["fixed"] == []  # the order's violation is not shown as 「已改正」
    code, said = hook_commit(root, "删除整改通知")
    assert code == 0, said  # nothing new: the commit goes in, and the duty stays
    assert "仍按提交" in said and "已改正 0 处" in said
    assert overdue(check(root, "HEAD"))
    site = on_site(root)
    assert site.overdue() and site.reasons() == {f"records/{ORDER}": "kept-signed"}


def test_s6_unsigned_deletion_comment_move_and_closure_keep_the_signed_version(
    tmp_path: Path,
) -> None:
    edits = {
        "delete": lambda root: (root / "records" / ORDER).unlink(),
        "comment": lambda root: write_records(root, {ORDER: "# 备注\n" + ORDER_TEXT}),
        "close": lambda root: write_records(root, {ORDER: ORDER_TEXT + "closed = 2021-01-10\n"}),
        "move": lambda root: (root / "records" / ORDER).rename(
            root / "records" / "supervision" / "2021-01-05-moved.toml"
        ),
    }
    for name, edit in edits.items():
        root = signed(tmp_path, name)
        assert overdue(check(root, "HEAD"))
        edit(root)
        commit(root, name)
        doc = check(root, "HEAD")
        assert overdue(doc), name
        assert reasons(doc)[f"records/{ORDER}"] == "kept-signed", name
        message = next(w["message"] for w in doc["authority_warnings"] if w["path"].endswith(ORDER))
        assert "仍按提交" in message, name
        site = on_site(root, doc=doc)
        assert site.overdue(), name
        assert site.reasons()[f"records/{ORDER}"] == "kept-signed", name
        assert "仍按提交" in site.text(), name  # the signature section says why


def test_s6_a_signed_closure_by_the_issuer_takes_effect(tmp_path: Path) -> None:
    root = signed(tmp_path)
    (root / "records" / ORDER).unlink()
    commit(root, "撤销整改通知", "zwfwj-key")
    doc = check(root, "HEAD")
    assert not overdue(doc) and doc["authority_warnings"] == []
    assert not on_site(root, doc=doc).overdue()


# ---------------------------------------------------------------- S7: registry


def test_s7_an_unsigned_line_in_the_registry_drops_no_duty(tmp_path: Path) -> None:
    root = signed(tmp_path)
    before = check(root, "HEAD")
    text = (root / "records" / "authority.toml").read_text()
    (root / "records" / "authority.toml").write_text(text + "# 追加一行\n")
    commit(root, "名录追加一行")
    doc = check(root, "HEAD")
    assert len(doc["violations"]) == len(before["violations"])
    assert overdue(doc) and waived(doc) == [f"records/{WAIVER}"]
    assert reasons(doc) == {"records/authority.toml": "authority-fallback"}
    site = on_site(root, doc=doc)
    assert len(site.report["violations"]) == len(before["violations"]) and site.overdue()
    assert WAIVER_REASON in site.waivers_in_force()
    assert site.reasons() == {"records/authority.toml": "authority-fallback"}


# ---------------------------------------------------------------- S8 and the trust root


def test_s8_another_registered_unit_cannot_approve_a_waiver(tmp_path: Path) -> None:
    root = signed_repo(tmp_path / "repo", {**base_records(), POSTS: AD_POSTS}, registry=REGISTRY)
    write_records(
        root, {WAIVER: WAIVER_TEXT.replace('approved_by = "zwfwj"', 'approved_by = "xiaozhen"')}
    )
    commit(root, "测试镇自己批准", "xiaozhen-key")
    doc = check(root, "HEAD")
    assert waived(doc) == [] and reasons(doc) == {f"records/{WAIVER}": "not-supervisor"}
    site = on_site(root, doc=doc)
    assert WAIVER_REASON not in site.waivers_in_force()
    assert site.reasons() == {f"records/{WAIVER}": "not-supervisor"}
    assert "art-15/commercial-ad" in site.open_checks()


def test_s8_a_unit_the_supervisor_delegated_to_can_approve(tmp_path: Path) -> None:
    root = signed_repo(tmp_path / "repo", {**base_records(), POSTS: AD_POSTS}, registry=REGISTRY)
    text = (root / "records" / "authority.toml").read_text()
    (root / "records" / "authority.toml").write_text('waiver_delegates = ["xiaozhen"]\n\n' + text)
    commit(root, "授权测试镇批准豁免", "zwfwj-key")
    write_records(
        root, {WAIVER: WAIVER_TEXT.replace('approved_by = "zwfwj"', 'approved_by = "xiaozhen"')}
    )
    commit(root, "测试镇批准", "xiaozhen-key")
    doc = check(root, "HEAD")
    assert waived(doc) == [f"records/{WAIVER}"] and doc["authority_warnings"] == []
    assert WAIVER_REASON in on_site(root, doc=doc).waivers_in_force()


def test_a_delegation_the_supervisor_did_not_sign_is_ignored(tmp_path: Path) -> None:
    root = signed_repo(tmp_path / "repo", {**base_records(), POSTS: AD_POSTS}, registry=REGISTRY)
    text = (root / "records" / "authority.toml").read_text()
    (root / "records" / "authority.toml").write_text('waiver_delegates = ["xiaozhen"]\n\n' + text)
    commit(root, "自己授权", "xiaozhen-key")
    write_records(
        root, {WAIVER: WAIVER_TEXT.replace('approved_by = "zwfwj"', 'approved_by = "xiaozhen"')}
    )
    commit(root, "测试镇批准", "xiaozhen-key")
    doc = check(root, "HEAD")
    assert waived(doc) == []
    assert reasons(doc)[f"records/{WAIVER}"] == "not-supervisor"
    site = on_site(root, doc=doc)
    assert WAIVER_REASON not in site.waivers_in_force()
    assert site.reasons()[f"records/{WAIVER}"] == "not-supervisor"


def test_a_self_made_registry_does_not_make_its_waivers_count(tmp_path: Path) -> None:
    # A unit's clerk starts their own repository and registers their own key as zwfwj.
    root = signed_repo(
        tmp_path / "repo",
        {**base_records(), POSTS: AD_POSTS, WAIVER: WAIVER_TEXT},
        registry=(("zwfwj", "clerk-key"),),
        signer="clerk-key",
    )
    doc = check(root, "HEAD")
    assert waived(doc) == []
    assert reasons(doc) == {f"records/{WAIVER}": "authority-untrusted"}
    assert "信任根" in doc["authority_warnings"][0]["message"]
    site = on_site(root, doc=doc)
    assert WAIVER_REASON not in site.waivers_in_force()
    assert site.reasons() == {f"records/{WAIVER}": "authority-untrusted"}
    assert "授权名录根版本: 无" in site.text()


def test_the_trust_root_can_be_given_for_an_official_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = signed_repo(
        tmp_path / "repo",
        {**base_records(), POSTS: AD_POSTS, WAIVER: WAIVER_TEXT},
        registry=(("zwfwj", "other-supervisor"),),
        signer="other-supervisor",
    )
    from signing import key_fingerprint

    pinned = tmp_path / "root.toml"
    pinned.write_text(
        f'supervising_unit = "zwfwj"\nfingerprints = ["{key_fingerprint("other-supervisor")}"]\n'
    )
    assert waived(check(root, "HEAD")) == []
    doc = check(root, "HEAD", "--trust-root", str(pinned))
    assert waived(doc) == [f"records/{WAIVER}"] and doc["authority_warnings"] == []
    site = on_site(root)  # the tests' trust root: the repository's own registry is untrusted
    assert WAIVER_REASON not in site.waivers_in_force()
    assert site.reasons() == {f"records/{WAIVER}": "authority-untrusted"}
    monkeypatch.setenv("GOVMEDIA_TRUST_ROOT", str(pinned))  # what the plugin's trust_root sets
    site = on_site(root)
    assert WAIVER_REASON in site.waivers_in_force() and site.reasons() == {}


def test_a_bad_trust_root_file_exits_2(tmp_path: Path) -> None:
    root = signed(tmp_path)
    bad = tmp_path / "root.toml"
    bad.write_text('supervising_unit = "zwfwj"\nfingerprints = ["md5:00"]\n')
    out = run_cli("check", "--repo", str(root), "--trust-root", str(bad), "--as-of", BASE_AS_OF)
    assert out.returncode == 2 and "信任根文件" in out.stderr and "Traceback" not in out.stderr
    with pytest.MonkeyPatch.context() as patch:  # the site stops, it does not publish
        patch.setenv("GOVMEDIA_TRUST_ROOT", str(bad))
        with pytest.raises(InputError, match="信任根文件"):
            site_of(root)


def test_the_supervising_unit_is_not_read_from_the_work_tree(tmp_path: Path) -> None:
    # S3: naming another supervising unit in an uncommitted rule changes nothing.
    root = signed(tmp_path)
    policy = root / "policy"
    policy.mkdir()
    from conftest import ROOT

    for rule in (ROOT / "policy").glob("art-*.toml"):
        (policy / rule.name).write_bytes(rule.read_bytes())
    art06 = policy / "art-06.toml"
    art06.write_text(
        art06.read_text().replace('supervising_unit = "zwfwj"', 'supervising_unit = "xiaozhen"')
    )
    write_records(root, {"authority.toml": authority(*REGISTRY, ("xiaozhen", "clerk-key"))})
    commit(root, "测试镇改名录", "xiaozhen-key")
    doc = check(root, "HEAD")
    assert reasons(doc) == {"records/authority.toml": "authority-fallback"}
    site = on_site(root, doc=doc)  # the site's authority follows the trust root, not policy/ either
    assert site.reasons() == {"records/authority.toml": "authority-fallback"}
    assert WAIVER_REASON in site.waivers_in_force() and site.overdue()
    _ = key  # the keys are real (tests/signing.py)


# ---------------------------------------------------------------- S4, S5: the rulebook


def rulebook_repo(tmp_path: Path) -> Path:
    """A records repository that carries its own rulebook in policy/ (committed)."""
    from conftest import ROOT

    root = signed_repo(tmp_path / "repo", base_records(), registry=REGISTRY)
    (root / "policy").mkdir()
    for rule in (ROOT / "policy").glob("*.toml"):
        (root / "policy" / rule.name).write_bytes(rule.read_bytes())
    commit(root, "规则库")
    install_hook(root)
    return root


NEVER = 'when = { "$and" = [{ ad = true }, { ad = false }] }'


def hide_the_ad_rule(root: Path) -> None:
    art15 = root / "policy" / "art-15.toml"
    art15.write_text(art15.read_text().replace("when = { ad = true }", NEVER, 1))


def test_s4_an_unstaged_rule_edit_does_not_pass_a_new_violation(tmp_path: Path) -> None:
    root = rulebook_repo(tmp_path)
    hide_the_ad_rule(root)  # in the work tree only
    write_records(root, {POSTS: AD_POSTS})
    git(root, "add", "records")
    code, said = hook_commit(root, "发布记录")
    assert code == 1, said
    assert "commercial-ad" in said
    git(root, "commit", "-q", "--no-verify", "-m", "发布记录(跳过钩子)")
    # The site reads the committed rulebook, never the work tree's edit.
    assert "art-15/commercial-ad" in on_site(root).open_checks()


def test_s5_a_rule_edit_in_the_same_commit_is_judged_by_the_old_rulebook(tmp_path: Path) -> None:
    root = rulebook_repo(tmp_path)
    hide_the_ad_rule(root)
    write_records(root, {POSTS: AD_POSTS})
    git(root, "add", "-A")
    code, said = hook_commit(root, "发布记录并改规则")
    assert code == 1, said
    assert "以下违规被这次修改隐藏" in said and "本次提交新增" in said
    assert "特色牛肉干" in said
    # Pushed anyway (--no-verify): the ref's own rulebook hides the ad, in ``check HEAD``
    # and on a site built with it; an official site, built with the installed rulebook
    # (the plugin's ``policy`` option, docs/decisions/0008), publishes it.
    git(root, "commit", "-q", "--no-verify", "-m", "发布记录并改规则(跳过钩子)")
    assert "art-15/commercial-ad" not in on_site(root).open_checks()
    assert "art-15/commercial-ad" in on_site(root, policy=ROOT / "policy").open_checks()


def test_s5_removing_a_rule_file_in_the_same_commit_does_not_pass(tmp_path: Path) -> None:
    root = rulebook_repo(tmp_path)
    git(root, "rm", "-q", "policy/art-15.toml")
    write_records(root, {POSTS: AD_POSTS})
    git(root, "add", "-A")
    code, said = hook_commit(root, "发布记录并删规则")
    assert code == 1, said
    assert "以下违规被这次修改隐藏" in said
    git(root, "commit", "-q", "--no-verify", "-m", "发布记录并删规则(跳过钩子)")
    assert "art-15/commercial-ad" in on_site(root, policy=ROOT / "policy").open_checks()


def test_a_rule_change_alone_shows_what_it_hides_without_blocking(tmp_path: Path) -> None:
    root = rulebook_repo(tmp_path)
    write_records(root, {POSTS: AD_POSTS})
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "发布记录(违规,跳过钩子)")
    hide_the_ad_rule(root)
    git(root, "add", "-A")
    code, said = hook_commit(root, "改规则")
    assert code == 0, said
    assert "以下违规被这次修改隐藏" in said and "(原有)" in said
    assert "art-15/commercial-ad" in on_site(root, policy=ROOT / "policy").open_checks()


def test_check_rev_reads_the_rulebook_of_that_commit(tmp_path: Path) -> None:
    root = rulebook_repo(tmp_path)
    write_records(root, {POSTS: AD_POSTS})
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", "发布记录(违规,跳过钩子)")
    hide_the_ad_rule(root)  # uncommitted
    ads = [v for v in check(root, "HEAD")["violations"] if v["check"] == "commercial-ad"]
    assert len(ads) == 1
    assert not [v for v in check(root)["violations"] if v["check"] == "commercial-ad"]
    assert "art-15/commercial-ad" in on_site(root).open_checks()


# ---------------------------------------------------------------- accounts leaving records/


def test_an_account_moved_out_of_records_is_a_violation(tmp_path: Path) -> None:
    root = signed(tmp_path)
    install_hook(root)
    git(root, "mv", "records/accounts/wx-test", "wx-test-archive")
    code, said = hook_commit(root, "移走账号")
    assert code == 1, said
    assert "account-removed" in said and "移出了 records/" in said
    git(root, "commit", "-q", "--no-verify", "-m", "移走账号(跳过钩子)")
    doc = check(root, "HEAD")
    removed = [v for v in doc["violations"] if v["check"] == "account-removed"]
    assert [v["account"] for v in removed] == ["wx-test"]
    site = on_site(root, doc=doc)
    published = [v for v in site.report["violations"] if v["check"] == "account-removed"]
    assert [v["account"] for v in published] == ["wx-test"]
    assert "移出了 records/" in site.files["units/xiaozhen.md"]  # on its unit's page
    assert "移出了 records/" in site.files["data/violations.csv"]


def test_a_closed_account_may_leave_records(tmp_path: Path) -> None:
    root = signed(tmp_path)
    write_records(
        root,
        {
            "accounts/wx-test/events/2021-01-15-closure.toml": (
                'type = "closure"\ndate = 2021-01-15\nground = "work"\nreason = "整合"\n'
            )
        },
    )
    commit(root, "关停")
    git(root, "rm", "-q", "-r", "records/accounts/wx-test")
    commit(root, "归档已关停账号")
    doc = check(root, "HEAD")
    assert not [v for v in doc["violations"] if v["check"] == "account-removed"]
    assert "art-13/account-removed" not in on_site(root, doc=doc).open_checks()


# ---------------------------------------------------------------- input hardening


def test_a_file_name_that_is_not_utf8_exits_2_naming_it(tmp_path: Path) -> None:
    root = signed(tmp_path)
    bad = os.fsencode(root / "records" / "waivers") + b"/2021-\xff.toml"
    Path(os.fsdecode(bad)).write_text(WAIVER_TEXT)
    for args in ((), ("--staged",), ("HEAD",)):
        if args and args[0] != "--staged":
            commit(root, "非 UTF-8 文件名")
        elif args:
            git(root, "add", "-A")
        out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--no-cache", *args)
        assert out.returncode == 2, (args, out.stderr)
        assert "records/waivers/2021-\\xff.toml: 文件名不是 UTF-8 编码" in out.stderr, out.stderr
        assert "Traceback" not in out.stderr and "内部错误" not in out.stderr
    with pytest.raises(InputError, match="文件名不是 UTF-8 编码"):  # no site is built
        site_of(root)


def test_a_file_name_with_a_bidi_character_is_refused(tmp_path: Path) -> None:
    root = signed(tmp_path)
    (root / "records" / "waivers" / "2021-\u202eabc.toml").write_text(WAIVER_TEXT)
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--no-cache")
    assert out.returncode == 2
    assert "2021-\\u202eabc.toml: 文件名中有控制字符" in out.stderr
    commit(root, "控制字符文件名")
    with pytest.raises(InputError, match="文件名中有控制字符"):  # no site is built
        site_of(root)


HOSTILE = "\\u001b[2J\\u202e"  # TOML escapes: the records hold the characters themselves
HOSTILE_TITLE = f"牛肉干{HOSTILE}广告\\n共 0 处违规"


def hostile_repo(tmp_path: Path) -> Path:
    """A terminal escape and U+202E in a post's title, a unit's and an account's name, and
    in the reason of a waiver that counts (it matches nothing: listed in force)."""
    files = base_records()
    unit, account = "units/xiaozhen/unit.toml", "accounts/wx-test/account.toml"
    files[unit] = files[unit].replace('"测试镇人民政府"', f'"测试镇{HOSTILE}人民政府"')
    files[account] = files[account].replace('"测试镇发布"', f'"测试镇{HOSTILE}发布"')
    files[POSTS] = AD_POSTS.replace("测试镇特色牛肉干展销(含购买链接)", HOSTILE_TITLE)
    files[WAIVER] = WAIVER_TEXT.replace(WAIVER_REASON, f"理由{HOSTILE}").replace(
        "2021-01.toml", "2021-02.toml"
    )
    return signed_repo(tmp_path / "repo", files, registry=REGISTRY)


def raw_controls(text: str) -> list[str]:
    return [c for c in ("\x1b", "\u202e") if c in text]


def test_control_and_bidi_characters_are_escaped_in_every_format(tmp_path: Path) -> None:
    root = hostile_repo(tmp_path)
    for fmt in ("text", "json", "sarif", "junit", "github"):
        out = run_cli(
            "check", "--repo", str(root), "--as-of", BASE_AS_OF, "--no-cache", "--format", fmt
        )
        assert out.returncode == 1, (fmt, out.stderr)
        assert raw_controls(out.stdout) == [], fmt
        assert not any(line.startswith("共 0 处违规") for line in out.stdout.splitlines()), fmt
        assert "u001b" in out.stdout and "u202e" in out.stdout, (fmt, out.stdout[:2000])
    # The site: every page (Markdown and its HTML blocks), data file, feed and calendar.
    site = on_site(root)
    assert {p: raw_controls(t) for p, t in site.files.items() if raw_controls(t)} == {}
    escaped = "\\u001b[2J\\u202e"
    for path in ("index.md", "accounts/wx-test.md", "units/xiaozhen.md", "feed.xml"):
        assert escaped in site.files[path], path
    for path in ("data/violations.csv", "data/units.csv", "data/accounts.csv"):
        assert escaped in site.files[path], path
    assert "理由" + escaped in site.waivers_in_force()
    assert escaped.replace("\\", "\\\\") in site.files["due/xiaozhen.ics"]  # RFC 5545 TEXT
    # JSON escapes them by construction (``\u001b``); read back, the title is as recorded.
    report = json.loads(site.files["data/violations.json"])
    assert any("\x1b[2J\u202e" in v["message"] for v in report["violations"])


def test_a_float_where_an_integer_belongs_and_an_infinite_amount_are_refused(
    tmp_path: Path,
) -> None:
    posts = AD_POSTS.replace("level = 1\n", "level = 1.0\n", 1)
    root = signed_repo(tmp_path / "repo", {**base_records(), POSTS: posts}, registry=REGISTRY)
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--no-cache")
    assert out.returncode == 2 and "应为整数,实际是「1.0」" in out.stderr, out.stderr
    contract = (
        'type = "contract"\ncontractor = "某公司"\nstart = 2021-01-04\nend = 2021-12-31\n'
        "rights_duties = true\nconfidentiality_agreement = 2021-01-01\n"
        "qualification_review = 2021-01-01\namount = 1.0e400\n"
    )
    write_records(
        root, {POSTS: AD_POSTS, "accounts/wx-test/events/2021-01-04-contract.toml": contract}
    )
    out = run_cli("check", "--repo", str(root), "--as-of", BASE_AS_OF, "--no-cache")
    assert out.returncode == 2, out.stderr
    assert (
        out.stderr.count("错误:") == 1 and "合同金额(amount)应为数字,实际是「inf」" in out.stderr
    ), out.stderr
    assert "Traceback" not in out.stderr
    commit(root, "无穷大的合同金额")
    with pytest.raises(InputError, match="合同金额"):  # no site is built
        site_of(root)


def test_a_waiver_that_matches_nothing_is_a_reminder(tmp_path: Path) -> None:
    root = signed_repo(tmp_path / "repo", {**base_records(), POSTS: AD_POSTS}, registry=REGISTRY)
    mistyped = WAIVER_TEXT.replace("wx-test/posts/2021-01.toml", "wx-test/posts/2021-02.toml")
    write_records(root, {WAIVER: mistyped})
    commit(root, "豁免(目标写错)", "zwfwj-key")
    doc = check(root, "HEAD")
    assert waived(doc) == [] and doc["authority_warnings"] == []
    assert [(m["kind"], m["path"]) for m in doc["reminders"]] == [
        ("waiver-unmatched", f"records/{WAIVER}")
    ]
    text = run_cli("check", "--repo", str(root), "HEAD", "--as-of", BASE_AS_OF, "--no-cache")
    assert (
        "无法评判或值得核实(不是违规,不阻止提交)" in text.stdout
        and "豁免没有对应任何违规" in text.stdout
    )
    site = on_site(root, doc=doc)  # published as a reminder, and the waiver as in force (it counts)
    assert [m["kind"] for m in site.report["reminders"]] == ["waiver-unmatched"]
    assert "豁免没有对应任何违规" in site.files["data/reminders.csv"]
    assert "豁免没有对应任何违规" in site.files["index.md"]
    # The right target: no reminder.
    write_records(root, {WAIVER: WAIVER_TEXT})
    commit(root, "改正目标", "zwfwj-key")
    assert check(root, "HEAD")["reminders"] == []


# ---------------------------------------------------------------- the site


def site_text(root: Path, tmp_path: Path, as_of: str) -> str:
    """Every page of the site built for ``root`` at HEAD, as one text."""
    from test_site_fixture import write_config

    config = write_config(root)
    out_dir = tmp_path / "site-out"
    out = run_cli(
        "site", "--repo", str(root), "--as-of", as_of, "--output", str(out_dir),
        "--config", str(config), cwd=root,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    return "\n".join(p.read_text("utf-8") for p in out_dir.rglob("*.html"))


def test_the_site_does_not_publish_a_replaced_or_merged_back_waiver(tmp_path: Path) -> None:
    # S2: a replaced blob.
    root = signed(tmp_path)
    signed_blob = git(root, "rev-parse", f"HEAD:records/{WAIVER}").stdout.strip()
    forged = WAIVER_TEXT.replace("2021-01-31", "2099-12-31").replace(
        "公益性助农展销,经旗政务服务局同意临时发布", "伪造的豁免理由甲"
    )
    forged_blob = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"], cwd=root, input=forged,
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    plain_git(root, "replace", signed_blob, forged_blob)
    git(root, "add", "-A")  # the mkdocs.yml written below stays out of records/
    text = site_text(root, tmp_path, "2021-01-17")
    assert "伪造的豁免理由甲" not in text
    assert "公益性助农展销" in text  # the signed waiver, read as it is, is published


def test_the_built_site_shows_control_and_bidi_characters_escaped(tmp_path: Path) -> None:
    root = hostile_repo(tmp_path)
    site_text(root, tmp_path, BASE_AS_OF)
    built = {
        p.relative_to(tmp_path / "site-out").as_posix(): p.read_bytes().decode("utf-8", "replace")
        for p in (tmp_path / "site-out").rglob("*")
        if p.is_file() and p.suffix in (".html", ".xml", ".csv", ".json", ".ics")
    }
    assert {p: raw_controls(t) for p, t in built.items() if raw_controls(t)} == {}
    page = built["accounts/wx-test.html"]
    assert "测试镇\\u001b[2J\\u202e发布" in page  # the account's name, in its heading too
    assert "<title>微信公众号·测试镇\\u001b[2J\\u202e发布" in page
    assert "牛肉干\\u001b[2J\\u202e广告" in built["index.html"]


def test_the_site_does_not_publish_a_waiver_brought_back_by_a_merge(tmp_path: Path) -> None:
    # S1 on the site: the revoked waiver (with its own reason) merged back unsigned.
    root = signed_repo(tmp_path / "repo", {**base_records(), POSTS: AD_POSTS}, registry=REGISTRY)
    marked = WAIVER_TEXT.replace("公益性助农展销,经旗政务服务局同意临时发布", "已撤销的豁免理由乙")
    write_records(root, {WAIVER: marked})
    commit(root, "登记豁免", "zwfwj-key")
    git(root, "branch", "old")
    (root / "records" / WAIVER).unlink()
    commit(root, "撤销豁免", "zwfwj-key")
    git(root, "checkout", "-q", "old")
    git(root, "merge", "-q", "-s", "ours", "main", "-m", "合并")
    text = site_text(root, tmp_path, "2021-01-17")
    assert "已撤销的豁免理由乙" not in text


def test_an_order_on_a_removed_account_does_not_break_the_check(tmp_path: Path) -> None:
    root = signed(tmp_path)
    sanction = (
        'type = "sanction"\nmeasure = "ordered-closure"\naccount = "wx-test"\n'
        'date = 2021-01-05\ndeadline = 2021-01-12\nreason = "更新不足"\n'
    )
    write_records(root, {"supervision/2021-01-05-sanction.toml": sanction})
    commit(root, "处置", "zwfwj-key")
    git(
        root,
        "rm",
        "-q",
        "-r",
        "records/accounts/wx-test",
        "records/supervision/2021-01-05-sanction.toml",
    )
    commit(root, "删掉账号和处置")
    doc = check(root, "HEAD")
    assert [v["account"] for v in doc["violations"] if v["check"] == "account-removed"] == [
        "wx-test"
    ]
    assert reasons(doc)["records/supervision/2021-01-05-sanction.toml"] == "kept-signed"
    site = on_site(root, doc=doc)
    assert "art-13/account-removed" in site.open_checks()
    assert site.reasons()["records/supervision/2021-01-05-sanction.toml"] == "kept-signed"


def test_a_rule_version_that_ends_before_it_begins_is_a_load_error(tmp_path: Path) -> None:
    from conftest import ROOT

    policy = tmp_path / "policy"
    policy.mkdir()
    for rule in (ROOT / "policy").glob("*.toml"):
        (policy / rule.name).write_bytes(rule.read_bytes())
    art14 = policy / "art-14.toml"
    art14.write_text(
        art14.read_text().replace(
            'effective_from = "measures"',
            'effective_from = "measures"\neffective_to = "2019-01-01"',
            1,
        )
    )
    root = signed(tmp_path)
    out = run_cli("check", "--repo", str(root), "--policy", str(policy), "--as-of", BASE_AS_OF)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "policy/art-14.toml:" in out.stderr and "不晚于它的生效日期" in out.stderr
    assert "Traceback" not in out.stderr
    with pytest.raises(InputError, match="不晚于它的生效日期"):  # no site is built
        site_of(root, policy=policy)
