"""An installed govmedia has everything the checker needs: the pre-commit route from a git URL.

pre-commit clones a clean copy of this checkout's committed HEAD and pip-installs it
(``language: python`` in .pre-commit-hooks.yaml), so the rulebook, the schemas and the
site's theme must come from package data, not from a checkout next to the code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from conftest import ROOT, git, run_cli
from precommit_env import clone, home, pip_env

ACCOUNT = """unit = "lcj"
name = "新巴尔虎右旗林业和草原局"
platform = "wechat-official"
certification = "新巴尔虎右旗林业和草原局"
opened = 2026-11-30
purpose = "general"
operated_by = "self"
login_holder = "张三"
"""


def test_every_package_is_listed() -> None:
    """pyproject.toml lists packages explicitly (policy/ and site/ are mapped in): a new
    package under engine/ must be added there, or an installed govmedia lacks it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(folder.relative_to(ROOT).parts)
        for folder in [ROOT / "engine", *(ROOT / "engine").rglob("*")]
        if folder.is_dir()
        and folder.name != "__pycache__"
        and any(f.is_file() and f.suffix in (".py", ".json", ".yml") for f in folder.iterdir())
    }
    assert on_disk - listed == set()
    assert config["tool"]["setuptools"]["package-dir"] == {
        "govmedia_policy": "policy",
        "govmedia_theme": "site",
    }


def test_manifest_uses_language_python() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "python" and hook["entry"] == "govmedia hook run"


def test_pre_commit_from_a_git_url(tmp_path: Path) -> None:
    url, sha = clone()
    root = tmp_path / "lcj-records"
    env = {
        **os.environ,
        **pip_env(),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(home()),
        "GOVMEDIA_AS_OF": "2026-12-04",
    }
    out = run_cli(
        "init", str(root), "--unit", "--id", "lcj", "--name", "新巴尔虎右旗林业和草原局",
        "--type", "department", "--office", "办公室",
        "--hook", "pre-commit", "--source", url, "--rev", sha,
        env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert (root / ".git/hooks/pre-commit").is_file()  # pre-commit install ran
    config = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert config["repos"][0] == {"repo": url, "rev": sha, "hooks": [{"id": "govmedia"}]}
    git(root, "add", "-A")
    first = git(root, "commit", "-m", "建立记录仓库", check=False, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    # The hook ran from pre-commit's own environment: an installed (not editable) govmedia
    # whose rulebook is package data.
    shipped = list(home().glob("repo*/py_env-*/lib/python*/site-packages/govmedia_policy"))
    assert shipped and (shipped[0] / "art-14.toml").is_file(), list(home().iterdir())
    assert not list(home().glob("repo*/py_env-*/lib/python*/site-packages/__editable__*"))
    # A commit that adds violations is blocked, with the reason in Chinese.
    account = root / "records/accounts/lcj-wx/account.toml"
    account.parent.mkdir(parents=True)
    account.write_text(ACCOUNT, encoding="utf-8")
    git(root, "add", "-A")
    blocked = git(root, "commit", "-m", "登记账号", check=False, env=env)
    assert blocked.returncode != 0
    output = blocked.stdout + blocked.stderr
    assert "提交被拒绝" in output and "第二十条" in output and "安全管理制度" in output
    assert "找不到规则目录" not in output and "Traceback" not in output
    # With the unit's security rules and the account's responsible person recorded,
    # the same commit goes through.
    (root / "records/accounts/lcj-wx/events").mkdir()
    (root / "records/accounts/lcj-wx/events/2026-11-30-responsible.toml").write_text(
        'type = "responsible"\nfrom = 2026-11-30\nperson = "张三"\nphone = "13900000000"\n',
        encoding="utf-8",
    )
    for kind, title in [
        ("security-system", "安全管理制度"),
        ("confidentiality-review", "保密审查制度"),
        ("emergency-plan", "应急预案"),
    ]:
        (root / f"records/units/lcj/evidence/{kind}.toml").parent.mkdir(exist_ok=True)
        (root / f"records/units/lcj/evidence/{kind}.toml").write_text(
            f'type = "{kind}"\ntitle = "{title}"\nadopted = 2026-11-20\ndocument = "林草发〔2026〕1号"\n',
            encoding="utf-8",
        )
    git(root, "add", "-A")
    accepted = git(root, "commit", "-m", "登记账号和安全制度", check=False, env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Passed" in accepted.stdout + accepted.stderr
    log = subprocess.run(
        ["git", "log", "--format=%s"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split()
    assert log == ["登记账号和安全制度", "建立记录仓库"]
    # The installed govmedia also builds the site without a mkdocs.yml: bundled settings
    # and the theme shipped as package data.
    (installed,) = home().glob("repo*/py_env-*/bin/govmedia")
    site = subprocess.run(
        [str(installed), "site", "--repo", str(root), "--output", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert site.returncode == 0, site.stderr
    assert (tmp_path / "site/index.html").is_file()
    assert (tmp_path / "site/stylesheets/govmedia.css").is_file()
