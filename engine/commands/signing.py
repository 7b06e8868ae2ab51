"""``govmedia key new`` and ``govmedia approve``: signing that a clerk can do.

``key new`` makes an SSH signing key (``ssh-keygen -t ed25519``), sets git up to sign
with it in the records repository, and prints the entry to register in
``records/authority.toml``. ``approve FILE`` commits one waiver or supervision record
on its own, signed (``git commit -S`` with only that path), refusing when anything
else is staged. On Windows, Git for Windows ships ssh-keygen (``usr/bin`` of its
install); it is found there when it is not on PATH.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import click
import tomli_w

from engine import gitsafe, records, snapshot
from engine.authority import GOVERNED_DIRS
from engine.errors import InputError
from engine.fsutil import write_atomic

DEFAULT_KEY = Path("~/.ssh/govmedia_signing")
ALLOWED_SIGNERS = "govmedia-allowed-signers"


def ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if found:
        return found
    # Git for Windows: <Git>/cmd/git.exe and <Git>/usr/bin/ssh-keygen.exe.
    git_exe = shutil.which("git")
    if git_exe:
        for candidate in (
            Path(git_exe).resolve().parent.parent / "usr" / "bin" / "ssh-keygen.exe",
            Path(git_exe).resolve().parent / "ssh-keygen.exe",
        ):
            if candidate.is_file():
                return str(candidate)
    raise InputError(
        "找不到 ssh-keygen 命令",
        hint="Linux 安装 openssh-client;Windows 安装 Git for Windows(自带 ssh-keygen),"
        "或在「可选功能」中添加 OpenSSH 客户端。",
    )


def _git(root: Path, *args: str) -> str:
    """git's output (engine/gitsafe.py); a failure is an input error (exit 2)."""
    try:
        return gitsafe.run(root, *args)
    except gitsafe.GitFailed as exc:
        raise exc.input_error(f"git {args[0]} 没有成功") from None


def _units(root: Path) -> list[str]:
    folder = root / "records" / "units"
    return (
        sorted(p.name for p in folder.iterdir() if (p / "unit.toml").is_file())
        if folder.is_dir()
        else []
    )


def key_new(root: Path, key_file: str | None, unit: str | None, name: str | None) -> int:
    snapshot.open_repo(root)  # a records repository: exit 2 with a hint otherwise
    units = _units(root)
    if unit is None:
        unit = click.prompt(f"登记给哪个单位(单位 id:{'、'.join(units) or '无'})").strip()
    if unit not in units:
        raise InputError(
            f"单位「{unit}」没有登记在 records/units/ 中",
            hint="写 records/units/ 下的目录名"
            + (f",可选: {'、'.join(units)}。" if units else "。"),
        )
    if name is None:
        name = click.prompt("签名人的姓名或岗位(不公开)").strip()
    path = Path(os.path.expanduser(str(key_file or DEFAULT_KEY)))
    keygen = ssh_keygen()
    public = path.with_name(path.name + ".pub")
    if path.exists():
        if not public.is_file():
            raise InputError(
                f"{path} 已存在,但没有对应的公钥 {public.name}",
                hint="用 --file 换一个密钥文件名。",
            )
        click.echo(f"沿用已有的密钥 {path}(没有改动)。")
    else:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        subprocess.run(
            [keygen, "-q", "-t", "ed25519", "-N", "", "-C", f"govmedia {unit}", "-f", str(path)],
            check=True,
            capture_output=True,
        )
        click.echo(f"已生成签名密钥 {path}(私钥只留在这台电脑上,不要放进仓库,也不要发给别人)。")
    key_type, key_data = public.read_text(encoding="utf-8").split()[:2]
    key_line = f"{key_type} {key_data}"
    git_dir = Path(snapshot.open_repo(root).git_dir)
    signers = git_dir / ALLOWED_SIGNERS
    if not signers.exists():
        write_atomic(signers, f'* namespaces="git" {key_line}\n'.encode())
    _git(root, "config", "gpg.format", "ssh")
    _git(root, "config", "user.signingkey", str(path))
    _git(root, "config", "gpg.ssh.allowedSignersFile", str(signers))
    if not shutil.which("ssh-keygen"):
        _git(root, "config", "gpg.ssh.program", keygen)
    entry = tomli_w.dumps({"identity": [{"unit": unit, "name": name, "key": key_line}]})
    click.echo("已设置本仓库用这个密钥签名提交(git 设置: gpg.format、user.signingkey)。")
    click.echo("请主管单位把下面几行登记进 records/authority.toml(由主管单位的签名人签名提交):\n")
    click.echo(entry)
    return 0


def approve(root: Path, file: str, yes: bool) -> int:
    repo = snapshot.open_repo(root)
    top = Path(repo.working_tree_dir or root).resolve()
    target = Path(file)
    if not target.is_absolute():
        # Relative to the current directory when it is inside the repository, else to the
        # repository (govmedia approve records/waivers/x.toml --repo ../records-repo).
        cwd = Path.cwd().resolve()
        target = cwd / target if cwd == top or top in cwd.parents else top / target
    target = target.resolve()
    try:
        rel = target.relative_to(top).as_posix()
    except ValueError:
        raise InputError(f"{file} 不在记录仓库 {top} 中", hint="写仓库中的文件路径。") from None
    if not rel.startswith(GOVERNED_DIRS) or not rel.endswith(".toml"):
        raise InputError(
            f"{rel} 不是豁免或监管记录",
            hint="只有 records/waivers/ 和 records/supervision/ 下的 .toml 文件需要签名提交。",
        )
    if not target.is_file():
        raise InputError(f"找不到文件 {rel}", hint="先写好这个文件(govmedia new waiver)。")
    # The record must be valid before it is signed: a signature over a broken file is wasted.
    data = target.read_bytes()
    records.load_record(rel, "", lambda: data)
    staged = [p for p in _git(top, "diff", "--cached", "--name-only", "-z").split("\0") if p]
    others = [p for p in staged if p != rel]
    if others:
        raise InputError(
            "暂存区里还有别的改动,豁免和监管记录要单独提交",
            hint=f"先提交或撤下这些文件(git restore --staged 文件): {'、'.join(others[:5])}"
            + (f" 等 {len(others)} 个" if len(others) > 5 else ""),
        )
    if not _git(top, "status", "--porcelain", "--", rel).strip():
        raise InputError(f"{rel} 没有改动,不需要再提交", hint="已提交的文件不必再签名。")
    if not gitsafe.run(top, "config", "user.signingkey", check=False).strip():
        raise InputError(
            "这个仓库还没有设置签名密钥",
            hint="先运行 govmedia key new,再重新运行 govmedia approve。",
        )
    what = "豁免" if rel.startswith(records.directory("waiver")) else "监管记录"
    if not yes and not click.confirm(f"签名并单独提交{what} {rel}?", default=True):
        click.echo("没有提交。")
        return 0
    message = f"签名提交{what} {Path(rel).stem}"
    _git(top, "add", "--", rel)
    try:
        gitsafe.run(top, "commit", "-S", "-m", message, "--only", "--", rel)
    except gitsafe.GitFailed as exc:
        raise exc.input_error(
            "签名提交没有成功",
            hint="检查签名密钥(govmedia key new)和 git 的用户名、邮箱(git config user.name / user.email)。",
        ) from None
    click.echo(f"已单独签名提交{what} {rel}。")
    click.echo("现在可以提交它所涉及的记录了;这条记录经主管单位登记的密钥核验后才生效。")
    return 0
