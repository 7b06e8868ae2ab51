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
from engine.timeutil import CHINA_TZ, iso_local

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
    kept: list[Result] = []
    code = check.run(opts, base, "text", lang, keep=kept)
    for line in due.reminders(kept[0], touched_accounts(repo)) if kept else []:
        click.echo(line, err=True)  # a reminder, never a reason to refuse the commit
    if base:
        now = datetime.now(CHINA_TZ)
        late = history.in_index(repo, iso_local(now))
        if late:
            # Reported, not blocking: a late record can be an honest correction.
            click.echo(audit.render(late, "这次提交"), err=True)
    if code:
        click.echo(
            "提交被拒绝: 这次提交引入了新的违规(见上)。改正记录后重新 git add 再提交;"
            "确需例外的,请主管单位登记豁免(records/waivers/)。",
            err=True,
        )
    return code


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
