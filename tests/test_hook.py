"""The pre-commit hook with real ``git commit``, both installed plainly and through pre-commit."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, git, run_cli

POSTS = "records/accounts/wx-test/posts/2021-01.toml"
AD = '\n[[post]]\npublished = 2021-01-14T10:00:00\ntitle = "促销"\ncategory = "routine"\nad = true\n[[post.review]]\nlevel = 1\nat = 2021-01-14T09:00:00\n'
FINE = '\n[[post]]\npublished = 2021-01-15T10:00:00\ntitle = "通知"\ncategory = "routine"\n[[post.review]]\nlevel = 1\nat = 2021-01-15T09:00:00\n'
AS_OF = "2021-01-17"


def _append(root: Path, text: str) -> None:
    path = root / POSTS
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _env() -> dict[str, str]:
    # The hook runs the CLI from this interpreter's environment; pin the check date.
    return {
        "GOVMEDIA_AS_OF": AS_OF,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }


def _scenario(root: Path, env: dict[str, str]) -> None:
    # 1. A commit that adds a violation is refused, with the reason in Chinese.
    _append(root, AD)
    git(root, "add", "-A")
    refused = git(root, "commit", "-m", "加一条广告", check=False, env=env)
    assert refused.returncode != 0
    assert "商业广告" in refused.stdout + refused.stderr
    assert "提交被拒绝" in refused.stdout + refused.stderr
    # 2. The same violation committed with --no-verify becomes an old problem ...
    git(root, "commit", "-qm", "旧问题", "--no-verify", env=env)
    # 3. ... which does not block an unrelated, clean change.
    _append(root, FINE)
    git(root, "add", "-A")
    ok = git(root, "commit", "-m", "正常发布", check=False, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_plain_git_hook(records_repo: Callable[..., Path]) -> None:
    root = records_repo()
    out = run_cli("hook", "install", "--repo", str(root))
    assert out.returncode == 0, out.stderr
    hook = root / ".git/hooks/pre-commit"
    assert hook.exists()
    again = run_cli("hook", "install", "--repo", str(root))
    assert again.returncode == 2 and "不会覆盖" in again.stderr
    _scenario(root, _env())


def test_pre_commit_framework(records_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = records_repo()
    manifest = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = manifest
    # Our manifest, run by the real pre-commit as a local hook (language: system uses the
    # govmedia installed in this environment instead of building a fresh one from PyPI).
    local = {
        k: hook[k]
        for k in ("id", "name", "entry", "pass_filenames", "require_serial", "always_run")
    }
    local["language"] = "system"
    config = {"repos": [{"repo": "local", "hooks": [local]}]}
    (root / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
    )
    git(root, "add", ".pre-commit-config.yaml")
    git(root, "commit", "-qm", "启用 pre-commit", "--no-verify")
    env = {**_env(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    pre_commit = Path(sys.executable).parent / "pre-commit"
    subprocess.run(
        [str(pre_commit), "install"],
        cwd=root,
        check=True,
        capture_output=True,
        env={**os.environ, **env},
    )
    _scenario(root, env)


def test_hook_remembers_the_index_so_head_is_not_judged_again(
    records_repo: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from engine.commands import check
    from engine.commands.common import Options

    root = records_repo()
    _append(root, AD)
    git(root, "add", "-A")
    opts = Options(repo=root, rev=None, staged=True, as_of=date(2021, 1, 17), policy_dir=None)
    assert check.run(opts, "HEAD", "json", "zh") == 1  # judges the index, remembers it
    git(root, "commit", "-qm", "带广告的发布", "--no-verify")

    def no_evaluation(*args: object, **kwargs: object) -> None:
        raise AssertionError("HEAD was judged again although its records tree was remembered")

    policy = opts.policy()
    monkeypatch.setattr(check, "run_evaluation", no_evaluation)
    seen = check.base_fingerprints(opts, "HEAD", date(2021, 1, 17), policy)
    assert len(seen) == 1
    # A tree nobody has judged is evaluated, not guessed.
    _append(root, FINE)
    git(root, "commit", "-qam", "未经钩子的提交", "--no-verify")
    with pytest.raises(AssertionError, match="judged again"):
        check.base_fingerprints(opts, "HEAD", date(2021, 1, 17), policy)
