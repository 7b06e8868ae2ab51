"""The pre-commit hook with real ``git commit``, both installed plainly and through pre-commit."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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
