"""``govmedia init``: start a records repository for a unit or for the whole banner.

It makes (when missing) a git repository, ``records/`` with the unit and the banner's
supervising unit, a ``.gitignore``, the commit hook (plain, or a ``.pre-commit-config.yaml``
for the pre-commit framework) and a short Chinese README for the clerk. What is not given
as an option is asked for. Nothing existing is overwritten: a file that is already there
is kept and named in the output. Everything is checked before the first file is written.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
import tomli_w

from engine import gitsafe, snapshot
from engine import policy as policy_mod
from engine.commands import hook as hook_cmd
from engine.errors import InputError
from engine.fsutil import write_atomic
from engine.labels import SECTOR, UNIT_TYPE
from engine.resources import bundled_policy_dir

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# The supervising unit's own functions (as in the banner's records).
SUPERVISOR_SECTORS = ("social-management",)
# In a unit's repository the supervising unit is registered only so that references to it
# resolve; its accounts are kept and judged in the banner's repository, so it is not held
# to article 10 here (a known simplification: see CHANGELOG).
REFERENCE_SECTORS = ("other",)
HOOKS = {"plain": "普通 git 钩子", "pre-commit": "pre-commit 框架", "none": "暂不安装"}
GITIGNORE = """# govmedia 生成的文件,不提交
build/
.govmedia-cache/
"""


@dataclass
class Setup:
    root: Path
    banner: bool
    unit: str
    name: str
    unit_type: str
    office: str
    supervisor: str
    supervisor_name: str
    hook: str
    source: str
    rev: str
    # Fields of art-10 (a banner department must say what its functions touch).
    sectors: tuple[str, ...] = ()


def _ask_choice(title: str, choices: dict[str, str], default: str) -> str:
    """A numbered question in Chinese; a bad answer is asked again."""
    keys = list(choices)
    menu = "  ".join(f"{i} {choices[k]}" for i, k in enumerate(keys, 1))
    while True:
        answer = click.prompt(
            f"{title}({menu})", default=str(keys.index(default) + 1), show_default=True
        ).strip()
        if answer.isdigit() and 1 <= int(answer) <= len(keys):
            return keys[int(answer) - 1]
        if answer in choices:
            return answer
        for key, label in choices.items():
            if answer == label:
                return key
        click.echo(f"  「{answer}」不是可选的编号,请输入 1 到 {len(keys)} 之间的数字。", err=True)


def _ask_id(title: str, default: str | None = None) -> str:
    while True:
        answer = click.prompt(title, default=default).strip()
        if _ID.match(answer):
            return answer
        click.echo("  只能用小写字母、数字和连字符,以字母或数字开头,例如 lcj。", err=True)


def _ask_text(title: str, default: str | None = None) -> str:
    while True:
        answer = click.prompt(title, default=default).strip()
        if answer:
            return answer
        click.echo("  不能为空。", err=True)


def _checkout_source() -> tuple[str, str]:
    """The govmedia checkout this command runs from, as a pre-commit source (URL, commit)."""
    top = bundled_policy_dir().parent
    if not top.is_dir():
        return "", ""
    found = gitsafe.rev_parse(top, "--show-toplevel")
    head = gitsafe.rev_parse(top, "--verify", "-q", "HEAD")
    if not found or not head or Path(found).resolve() != top.resolve():
        return "", ""
    return top.resolve().as_uri(), head


def default_supervisor(day: date | None = None) -> tuple[str, str]:
    """The banner's supervising unit (id, full name) as art 6 of the bundled rulebook names
    it on ``day`` (today): the law's constant has its one home in policy/art-06.toml."""
    rule = policy_mod.load(bundled_policy_dir()).rules["art-06"]
    version = rule.version_on(day or date.today()) or rule.versions[-1]
    return (
        str(version.parameters["supervising_unit"]),
        str(version.parameters["supervising_unit_name"]),
    )


def gather(
    root: Path,
    *,
    banner: bool | None,
    unit: str | None,
    name: str | None,
    unit_type: str | None,
    office: str | None,
    supervisor: str | None,
    supervisor_name: str | None,
    hook: str | None,
    source: str | None,
    rev: str | None,
    sectors: tuple[str, ...] = (),
) -> Setup:
    """Options first; what is missing is asked for (numbered choices, asked again when wrong)."""
    sectors = tuple(_sector(s) for s in sectors)
    for value, option in ((unit, "--unit"), (supervisor, "--supervisor")):
        if value is not None and not _ID.match(value):
            raise InputError(
                f"{option} 的值「{value}」不能用作单位 id",
                hint="单位 id 只能用小写字母、数字和连字符,以字母或数字开头,例如 --unit lcj。",
            )
    if banner is None:
        banner = (
            _ask_choice(
                "这个仓库记录",
                {"unit": "一个单位的账号", "banner": "全旗(主管单位使用)"},
                "unit",
            )
            == "banner"
        )
    if not supervisor or not supervisor_name:
        default_id, default_name = default_supervisor()
        supervisor, supervisor_name = supervisor or default_id, supervisor_name or default_name
    if banner:
        unit, name, unit_type = supervisor, supervisor_name, unit_type or "department"
    else:
        unit = unit or _ask_id("本单位的 id(小写字母、数字和连字符,例如 lcj)")
        name = name or _ask_text("本单位的全称(例如 新巴尔虎右旗林业和草原局)")
        unit_type = unit_type or _ask_choice("本单位的类型", UNIT_TYPE, "department")
    if unit_type == "department" and not sectors:
        sectors = (
            SUPERVISOR_SECTORS
            if banner
            else (
                _ask_choice(
                    "本单位的职能主要涉及(第十条据此判断是否应开设政务新媒体)", SECTOR, "other"
                ),
            )
        )
    office = office or _ask_text("本单位负责政务新媒体工作的办公室", default="办公室")
    hook = hook or _ask_choice("提交钩子", HOOKS, "plain")
    default_source, default_rev = _checkout_source()
    if hook == "pre-commit":
        source = source or default_source or _ask_text("govmedia 的 git 仓库地址")
        rev = (
            rev
            or (default_rev if source == default_source else "")
            or _ask_text("govmedia 的版本(标签或提交号)")
        )
    return Setup(
        root=root,
        banner=banner,
        unit=unit,
        name=name,
        unit_type=unit_type,
        office=office,
        supervisor=supervisor,
        supervisor_name=supervisor_name,
        hook=hook,
        source=source or "",
        rev=rev or "",
        sectors=tuple(sectors) if unit_type == "department" else (),
    )


def _sector(value: str) -> str:
    """A --sector value: the id or its Chinese label."""
    for key, label in SECTOR.items():
        if value in (key, label):
            return key
    raise InputError(
        f"--sector 的值「{value}」不是可选的领域",
        hint="写 " + "、".join(SECTOR.values()) + " 之一(可写多次)。",
    )


def _unit_toml(name: str, unit_type: str, office: str, sectors: tuple[str, ...] = ()) -> str:
    data: dict[str, object] = {
        "name": name,
        "type": unit_type,
        "supervising_office": office,
        "newmedia_office": office,
    }
    if unit_type == "department":
        data["sectors"] = list(sectors)
    return tomli_w.dumps(data)


def _pre_commit_config(source: str, rev: str) -> str:
    return (
        "# pre-commit 框架的设置:每次 git commit 前运行 govmedia 检查。\n"
        "# 安装:pre-commit install\n"
        "repos:\n"
        f"  - repo: {source}\n"
        f"    rev: {rev}\n"
        "    hooks:\n"
        "      - id: govmedia\n"
    )


def _readme(s: Setup) -> str:
    who = "全旗" if s.banner else f"{s.name}(单位 id `{s.unit}`)"
    hook = {
        "plain": "已安装普通 git 提交钩子(`.git/hooks/pre-commit`)。",
        "pre-commit": "使用 pre-commit 框架(`.pre-commit-config.yaml`);新克隆本仓库后先运行 `pre-commit install`。",
        "none": "还没有安装提交钩子:运行 `govmedia hook install` 安装。",
    }[s.hook]
    return f"""# {who}政务新媒体记录

本仓库按《新巴尔虎右旗政务新媒体管理办法(试行)》记录{who}的政务新媒体账号、发布、审核和留言,
由 govmedia 检查。

## 目录

- `records/units/{s.unit}/unit.toml`:本单位的基本信息。
- `records/units/{s.supervisor}/unit.toml`:主管单位({s.supervisor_name}),第六条。它在这里只作引用,
  它自己的账号在全旗的记录库中登记和检查。
- `records/accounts/`:账号、发布记录、留言和事件(用 `govmedia new` 新建)。
- `records/authority.toml`:授权名录,**由主管单位创建并签名提交**,本单位不要自己创建。

## 每天的工作

1. 用 `govmedia new` 新建记录,或按 govmedia 文档 `docs/records.md` 填写。
2. `git add` 之后 `git commit`。{hook}
   提交前的检查只拦截本次提交**新增**的违规,并说明文件、行号和改正办法。
3. `govmedia check` 查看全部记录的检查结果,`govmedia site` 生成公示网站(在 `build/site/`,不提交)。

## 豁免和监管记录

豁免(`records/waivers/`)和监管记录(`records/supervision/`)只有由主管单位登记过的人员**单独签名提交**
(`govmedia approve 文件`)才算数;豁免要在它所豁免的记录之前提交。签名密钥用 `govmedia key new` 生成。
"""


def _trust_note(s: Setup) -> str:
    return (
        f"授权名录 records/authority.toml 由主管单位({s.supervisor_name})创建:"
        "主管单位的签名人用 govmedia key new 生成密钥,把打印出的一行登记进名录,"
        "签名提交名录的第一个版本。名录是否可信,以 govmedia 规则集(policy/)中固定的"
        "主管单位密钥指纹为准;本单位自己创建的名录不会让豁免生效。"
    )


def run(s: Setup) -> int:
    root = s.root
    files: dict[str, str] = {
        f"records/units/{s.unit}/unit.toml": _unit_toml(s.name, s.unit_type, s.office, s.sectors),
        ".gitignore": GITIGNORE,
        "README.md": _readme(s),
    }
    if s.unit != s.supervisor:
        files[f"records/units/{s.supervisor}/unit.toml"] = _unit_toml(
            s.supervisor_name, "department", "办公室", REFERENCE_SECTORS
        )
    if s.hook == "pre-commit":
        files[".pre-commit-config.yaml"] = _pre_commit_config(s.source, s.rev)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} 不是目录", hint="换一个目录名。")
    made_git = not (root / ".git").exists()
    if made_git:
        existing = root.resolve()
        while not existing.exists():
            existing = existing.parent
        try:
            snapshot.open_repo(existing)
            inside = True
        except InputError:
            inside = False
        if inside:
            raise InputError(
                f"{root} 在另一个 git 仓库之中",
                hint="记录仓库应是独立的仓库:换一个不在其他仓库里的目录。",
            )
    root.mkdir(parents=True, exist_ok=True)
    if made_git:
        gitsafe.run(root, "init", "-q")
    written, kept = [], []
    for rel, text in files.items():
        target = root / rel
        if target.exists():
            kept.append(rel)
            continue
        write_atomic(target, text.encode("utf-8"))
        written.append(rel)
    hook_note = _install_hook(s, root)
    click.echo(f"已在 {root.resolve()} 建立记录仓库" + (",并初始化了 git。" if made_git else "。"))
    for rel in written:
        click.echo(f"  新建 {rel}")
    for rel in kept:
        click.echo(f"  保留 {rel}(已存在,没有改动)")
    if ".gitignore" in kept:
        click.echo("  请确认 .gitignore 中有 build/ 和 .govmedia-cache/ 两行。")
    click.echo(hook_note)
    click.echo(_trust_note(s))
    click.echo("下一步: git add -A && git commit -m 初始化记录仓库;然后用 govmedia new 登记账号。")
    return 0


def _install_hook(s: Setup, root: Path) -> str:
    hook_file = Path(snapshot.open_repo(root).git_dir) / "hooks" / "pre-commit"
    if s.hook == "none":
        return "没有安装提交钩子;需要时运行 govmedia hook install。"
    if hook_file.exists():
        return f"已有提交钩子 {hook_file},没有改动。"
    if s.hook == "plain":
        hook_cmd.write_hook(hook_file)
        return f"已安装提交钩子 {hook_file}。"
    pre_commit = shutil.which("pre-commit") or _beside_python("pre-commit")
    if pre_commit is None:
        return "还没有 pre-commit 命令:安装 pre-commit(pip install pre-commit)后在仓库中运行 pre-commit install。"
    done = subprocess.run([pre_commit, "install"], cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        return f"pre-commit install 没有成功:{done.stderr.strip() or done.stdout.strip()};请在仓库中手动运行 pre-commit install。"
    return "已用 pre-commit install 安装提交钩子;第一次提交时 pre-commit 会准备 govmedia 的运行环境,需要一两分钟。"


def _beside_python(name: str) -> str | None:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.is_file() else None
