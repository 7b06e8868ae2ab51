"""``govmedia init``: a records repository for a unit or the banner, and its site without mkdocs.yml."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import rtoml
from conftest import ROOT, git, run_cli

UNIT = "新巴尔虎右旗林业和草原局"
FLAGS = (
    "--unit", "--id", "lcj", "--name", UNIT, "--type", "department", "--sector", "其他",
    "--office", "办公室",
)  # fmt: skip


def _init(target: Path, *extra: str, stdin: str | None = None) -> str:
    out = run_cli("init", str(target), *extra, stdin=stdin)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_unit_repository_with_flags(tmp_path: Path) -> None:
    root = tmp_path / "lcj-records"
    text = _init(root, *FLAGS, "--hook", "plain")
    assert (root / ".git").is_dir()
    unit = rtoml.load(root / "records/units/lcj/unit.toml")
    assert unit["name"] == UNIT and unit["type"] == "department"
    supervisor = rtoml.load(root / "records/units/zwfwj/unit.toml")
    assert supervisor["name"] == "新巴尔虎右旗政务服务局"
    assert "build/" in (root / ".gitignore").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert UNIT in readme and "govmedia approve" in readme
    assert (root / ".git/hooks/pre-commit").is_file()
    assert not (root / "records/authority.toml").exists()  # the supervising unit makes it
    assert "授权名录" in text and "主管单位" in text
    # The new repository is clean and its first commit goes through the hook.
    git(root, "add", "-A")
    done = git(root, "commit", "-m", "初始化", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    check = run_cli("check", "--repo", str(root))
    assert check.returncode == 0, check.stdout + check.stderr


def test_never_overwrites(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    git(root, "init", "-q")
    (root / "README.md").write_text("本单位自己的说明\n", encoding="utf-8")
    (root / ".gitignore").write_text("*.bak\n", encoding="utf-8")
    text = _init(root, *FLAGS, "--hook", "plain")
    assert (root / "README.md").read_text(encoding="utf-8") == "本单位自己的说明\n"
    assert (root / ".gitignore").read_text(encoding="utf-8") == "*.bak\n"
    assert "保留 README.md" in text and "build/" in text
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    hook = (root / ".git/hooks/pre-commit").read_bytes()
    again = _init(root, *FLAGS, "--hook", "plain")
    assert "新建" not in again and "已有提交钩子" in again
    after = {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before and (root / ".git/hooks/pre-commit").read_bytes() == hook


def test_interactive_asks_again_and_keeps_answers(tmp_path: Path) -> None:
    root = tmp_path / "asked"
    answers = [
        "1",  # 一个单位的账号
        "LCJ!",  # not an id: asked again
        "lcj",
        UNIT,
        "9",  # not a type number: asked again
        "旗直部门",  # the label works too
        "4",  # its functions: 其他 (article 10)
        "",  # office: default 办公室
        "3",  # no hook
    ]
    out = run_cli("init", str(root), stdin="\n".join(answers) + "\n")
    assert out.returncode == 0, out.stderr
    assert "只能用小写字母" in out.stderr and "不是可选的编号" in out.stderr
    unit = rtoml.load(root / "records/units/lcj/unit.toml")
    assert unit == {
        "name": UNIT,
        "type": "department",
        "supervising_office": "办公室",
        "newmedia_office": "办公室",
        "sectors": ["other"],
    }
    assert "1 镇" in out.stdout and "4 旗直部门" in out.stdout  # numbered Chinese choices
    assert not (root / ".git/hooks/pre-commit").exists()


def test_banner_repository(tmp_path: Path) -> None:
    root = tmp_path / "banner"
    _init(root, "--banner", "--sector", "其他", "--office", "办公室", "--hook", "none")
    assert sorted(p.name for p in (root / "records/units").iterdir()) == ["zwfwj"]


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "bad"
    out = run_cli("init", str(root), "--unit", "--id", "Lin Cao", "--hook", "plain")
    assert out.returncode == 2 and "不能用作单位 id" in out.stderr
    assert "Traceback" not in out.stderr and not root.exists()
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    inner = outer / "records-repo"
    out = run_cli("init", str(inner), *FLAGS, "--hook", "none")
    assert out.returncode == 2 and "在另一个 git 仓库之中" in out.stderr
    assert not inner.exists()


def test_site_without_and_with_a_local_mkdocs_yml(tmp_path: Path) -> None:
    root = tmp_path / "r"
    _init(root, *FLAGS, "--hook", "none")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "初始化")
    out = run_cli("site", "--repo", str(root), "--output", str(tmp_path / "site"))
    assert out.returncode == 0, out.stderr
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "政务新媒体合规公示" in index and UNIT in index
    assert (tmp_path / "site" / "stylesheets" / "govmedia.css").is_file()  # the shipped theme
    # A local mkdocs.yml replaces the bundled settings.
    from engine.commands.site import default_config

    (root / "mkdocs.yml").write_text(
        default_config().replace("site_name: 政务新媒体合规公示", "site_name: 林草局公示"),
        encoding="utf-8",
    )
    out = run_cli("site", "--repo", str(root), "--output", str(tmp_path / "site2"))
    assert out.returncode == 0, out.stderr
    assert "林草局公示" in (tmp_path / "site2" / "index.html").read_text(encoding="utf-8")


def test_default_supervisor_is_art_06s(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The default supervising unit is the one art 6 names, never a copy in the code: an
    amendment of art 6 moves ``govmedia init``'s default with it."""
    from engine.commands import init

    policy = tmp_path / "policy"
    shutil.copytree(ROOT / "policy", policy)
    art06 = policy / "art-06.toml"
    text = art06.read_text(encoding="utf-8")
    amended = (
        '\n[[versions]]\nversion = 2\neffective_from = "2024-01-01"\nsummary = "机构改革。"\n'
        "[versions.parameters]\n"
        + text.split("[versions.parameters]\n", 1)[1]
        .split("[versions.parameter_notes]", 1)[0]
        .replace('"zwfwj"', '"zsj"')
        .replace('"新巴尔虎右旗政务服务局"', '"新巴尔虎右旗政务数据局"')
    )
    art06.write_text(text + amended, encoding="utf-8")
    monkeypatch.setattr(init, "bundled_policy_dir", lambda: policy)
    assert init.default_supervisor(date(2023, 12, 31)) == ("zwfwj", "新巴尔虎右旗政务服务局")
    assert init.default_supervisor(date(2024, 1, 1)) == ("zsj", "新巴尔虎右旗政务数据局")
