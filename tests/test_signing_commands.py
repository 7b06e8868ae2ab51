"""``govmedia key new`` and ``govmedia approve`` with real ssh-keygen and real signed commits."""

from __future__ import annotations

from pathlib import Path

import rtoml
from conftest import git, run_cli

WAIVER = """rule = "art-15/weekly-update"
target = "records/accounts/lcj-wx/account.toml"
reason = "2026 年 11 月断网一周,账号无法更新。"
approved_by = "zwfwj"
approver = "旗政务服务局分管领导"
approved = 2026-11-20
expires = 2026-12-31
"""


def _repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "banner"
    out = run_cli("init", str(root), "--banner", "--office", "办公室", "--hook", "plain")
    assert out.returncode == 0, out.stderr
    git(root, "add", "-A")
    git(root, "commit", "-qm", "初始化")
    identity = {"GIT_AUTHOR_NAME": "信息化股", "GIT_AUTHOR_EMAIL": "xxh@example.invalid"}
    identity |= {"GIT_COMMITTER_NAME": "信息化股", "GIT_COMMITTER_EMAIL": "xxh@example.invalid"}
    return root, {"HOME": str(tmp_path / "home"), **identity}


def _key_new(root: Path, env: dict[str, str]) -> str:
    out = run_cli(
        "key", "new", "--repo", str(root), "--unit", "zwfwj", "--name", "信息化股", env=env
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_key_new_sets_up_signing_and_prints_the_entry(tmp_path: Path) -> None:
    root, env = _repo(tmp_path)
    text = _key_new(root, env)
    private = tmp_path / "home/.ssh/govmedia_signing"
    assert private.is_file() and (private.stat().st_mode & 0o077) == 0
    public = private.with_name("govmedia_signing.pub").read_text().split()
    entry = rtoml.loads(text[text.index("[[identity]]") :])
    assert entry["identity"] == [
        {"unit": "zwfwj", "name": "信息化股", "key": f"{public[0]} {public[1]}"}
    ]
    assert git(root, "config", "gpg.format").stdout.strip() == "ssh"
    assert git(root, "config", "user.signingkey").stdout.strip() == str(private)
    # A second run keeps the key it made.
    again = _key_new(root, env)
    assert "沿用已有的密钥" in again and f"{public[0]} {public[1]}" in again


def test_key_new_refuses_an_unknown_unit(tmp_path: Path) -> None:
    root, env = _repo(tmp_path)
    out = run_cli("key", "new", "--repo", str(root), "--unit", "lcj", "--name", "某人", env=env)
    assert out.returncode == 2 and "没有登记" in out.stderr and "zwfwj" in out.stderr
    assert not (tmp_path / "home/.ssh/govmedia_signing").exists()


def test_approve_commits_the_record_alone_and_signed(tmp_path: Path) -> None:
    root, env = _repo(tmp_path)
    _key_new(root, env)
    waiver = root / "records/waivers/2026-11-20-lcj-wx-weekly.toml"
    waiver.parent.mkdir(parents=True)
    waiver.write_text(WAIVER, encoding="utf-8")
    # Something else staged: refused, nothing committed.
    (root / "README.md").write_text("改动\n", encoding="utf-8")
    git(root, "add", "README.md")
    head = git(root, "rev-parse", "HEAD").stdout
    out = run_cli("approve", str(waiver), "--repo", str(root), "-y", env=env)
    assert out.returncode == 2 and "单独提交" in out.stderr and "README.md" in out.stderr
    assert git(root, "rev-parse", "HEAD").stdout == head
    git(root, "restore", "--staged", "README.md")
    # Alone: committed and signed; the unstaged README change stays out of the commit.
    out = run_cli("approve", "records/waivers/2026-11-20-lcj-wx-weekly.toml", "--repo", str(root),
                  "-y", env=env)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "已单独签名提交豁免" in out.stdout
    files = git(root, "show", "--name-only", "--format=", "HEAD").stdout.split()
    assert files == ["records/waivers/2026-11-20-lcj-wx-weekly.toml"]
    assert git(root, "log", "-1", "--format=%G?").stdout.strip() == "G"
    assert git(root, "status", "--porcelain").stdout.strip() == "M README.md"
    # Nothing left to sign.
    again = run_cli("approve", str(waiver), "--repo", str(root), "-y", env=env)
    assert again.returncode == 2 and "没有改动" in again.stderr


def test_approve_refuses_other_files_and_broken_records(tmp_path: Path) -> None:
    root, env = _repo(tmp_path)
    _key_new(root, env)
    out = run_cli("approve", "README.md", "--repo", str(root), "-y", env=env)
    assert out.returncode == 2 and "不是豁免或监管记录" in out.stderr
    broken = root / "records/waivers/x.toml"
    broken.parent.mkdir(parents=True)
    broken.write_text('rule = "art-15/weekly-update"\n', encoding="utf-8")
    out = run_cli("approve", str(broken), "--repo", str(root), "-y", env=env)
    assert out.returncode == 2 and "records/waivers/x.toml" in out.stderr
    assert "Traceback" not in out.stderr
    assert git(root, "log", "--format=%s").stdout.split() == ["初始化"]


def test_approve_needs_a_signing_key(tmp_path: Path) -> None:
    root, env = _repo(tmp_path)
    waiver = root / "records/waivers/w.toml"
    waiver.parent.mkdir(parents=True)
    waiver.write_text(WAIVER, encoding="utf-8")
    out = run_cli("approve", str(waiver), "--repo", str(root), "-y", env=env)
    assert out.returncode == 2 and "govmedia key new" in out.stderr
