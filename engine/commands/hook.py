"""``govmedia hook``: the pre-commit check and a plain git hook installer."""

from __future__ import annotations

import shlex
import sys
from datetime import datetime
from pathlib import Path

import click
import git

from engine import history, snapshot
from engine.commands import audit, check, due
from engine.commands.common import Options
from engine.errors import InputError
from engine.evaluate import Result
from engine.fsutil import write_atomic
from engine.labels import article_zh
from engine.timeutil import CHINA_TZ, iso_local
from engine.violations import Violation

HOOK = """#!/bin/sh
# Installed by `govmedia hook install`: refuse commits that add rule violations.
exec {python} -m engine.cli hook run --repo "$(git rev-parse --show-toplevel)"
"""


def run(opts: Options, lang: str) -> int:
    repo = snapshot.open_repo(opts.repo)
    base = "HEAD" if repo.head.is_valid() else None
    if not repo.git.ls_files("--", snapshot.RECORDS_DIR) and (
        base is None or check.records_tree(repo, base) == "no-records"
    ):
        # A repository before its first records (say, committing its hook config):
        # nothing to judge. Dropping every record of HEAD is still refused by check.
        click.echo("govmedia: 还没有 records/ 目录,没有记录可检查。", err=True)
        return 0
    blocking: list[Violation] = []
    kept: list[Result] = []
    code = check.run(opts, base, "text", lang, keep=kept, blocking=blocking)
    for line in due.reminders(kept[0], touched_accounts(repo)) if kept else []:
        click.echo(line, err=True)  # a reminder, never a reason to refuse the commit
    if base:
        now = datetime.now(CHINA_TZ)
        late = history.in_index(repo, iso_local(now))
        if late:
            # Reported, not blocking: a late record can be an honest correction.
            click.echo(audit.render(late, "这次提交"), err=True)
    if code:
        click.echo(blocked(blocking), err=True)
    return code


def blocked(violations: list[Violation]) -> str:
    """Why the commit is refused, and the three honest ways on, with the real fingerprints."""
    commands = "".join(
        f'      govmedia hook accept {v.fingerprint} --reason "说明"   '
        f"# {v.path}:{v.line} {article_zh(v.article)}\n"
        for v in sorted(violations, key=Violation.sort_key)
    )
    return BLOCKED.format(
        commands=commands or '      govmedia hook accept <指纹> --reason "说明"\n'
    )


BLOCKED = (
    "提交被拒绝: 这次提交引入了新的违规(见上)。\n"
    "  - 记录写错了(时间、类别、审核级数等录入有误): 改正记录后重新 git add 再提交。\n"
    "  - 记录如实反映了已经发生的事(例如补登记一条当时答复晚了的留言): 不要改动事实,运行\n"
    "{commands}"
    "    写入如实登记,再把它与记录一起 git add 后提交。如实登记后仍是违规,照常计数,"
    "在检查和网站上标注「如实登记」。\n"
    "  - 确需例外、不计入违规的: 只能由主管单位登记豁免(records/waivers/,须主管单位签名提交)。"
)


def touched_accounts(repo: git.Repo) -> list[str]:
    """Accounts whose folder the staged changes touch."""
    names = repo.git.diff("--cached", "--name-only", "--", f"{snapshot.RECORDS_DIR}/accounts/")
    found = {p.split("/")[2] for p in names.splitlines() if p.count("/") >= 3}
    return sorted(found)


def install(root: Path) -> int:
    repo = snapshot.open_repo(root)
    hooks = Path(repo.git_dir) / "hooks"
    target = hooks / "pre-commit"
    if target.exists():
        raise InputError(
            "已有 pre-commit 钩子,不会覆盖",
            path=str(target),
            hint="如果用 pre-commit 框架,在 .pre-commit-config.yaml 中引用 govmedia 的钩子;"
            "否则先查看并移走现有钩子再安装。",
        )
    write_atomic(target, HOOK.format(python=shlex.quote(sys.executable)).encode())
    target.chmod(0o755)
    click.echo(f"已安装 pre-commit 钩子: {target}")
    return 0
