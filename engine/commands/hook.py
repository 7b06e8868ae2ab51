"""``govmedia hook``: the pre-commit check and a plain git hook installer."""

from __future__ import annotations

import shlex
import sys
from datetime import datetime
from pathlib import Path

import click

from engine import gitsafe, history, records, snapshot
from engine.commands import audit, check, due
from engine.commands.common import Options, run_evaluation
from engine.errors import InputError
from engine.evaluate import Result
from engine.fsutil import write_atomic
from engine.labels import article_zh
from engine.report import message
from engine.timeutil import CHINA_TZ, iso_local
from engine.violations import Violation, compare

HOOK = """#!/bin/sh
# Installed by `govmedia hook install`: refuse commits that add rule violations.
exec {python} -m engine.cli hook run --repo "$(git rev-parse --show-toplevel)"
"""


def run(opts: Options, lang: str) -> int:
    # The hook reads the refs and the index, never changes them: each git question once
    # (engine/gitsafe.py ``steady``), the index listed once for the rulebook and records.
    with gitsafe.steady((POLICY_DIR, snapshot.RECORDS_DIR)):
        return _run(opts, lang)


def _run(opts: Options, lang: str) -> int:
    repo = snapshot.open_repo(opts.repo)
    # HEAD asked as authority asks it (engine/authority.py): one git for both.
    base = "HEAD" if gitsafe.head(repo) is not None else None
    staged = check.index_records_tree(repo)
    if (
        staged == "no-records"
        or (staged is None and not gitsafe.ls_files(repo, snapshot.RECORDS_DIR))
    ) and (base is None or check.records_tree(repo, base) == "no-records"):
        # A repository before its first records (say, committing its hook config):
        # nothing to judge. Dropping every record of HEAD is still refused by check.
        click.echo("govmedia: 还没有 records/ 目录,没有记录可检查。", err=True)
        return 0
    blocking: list[Violation] = []
    kept: list[Result] = []
    # The hook reports back-filled reviews of this commit itself (below), quickly; the
    # whole history's are for `check` and `audit`.
    code = check.run(
        opts, base, "text", lang, keep=kept, blocking=blocking, backfills=False, by_change=True
    )
    raw = history.staged_diff(repo, records.directory("account"), POLICY_DIR) if base else None
    staged_paths = _staged_paths(repo, raw)
    rulebook_staged = any(p.startswith(POLICY_DIR) for p in staged_paths)
    if base and rulebook_staged and hidden_by_rulebook(opts, base, lang):
        code = 1
    for line in due.reminders(kept[0], touched_accounts(staged_paths)) if kept else []:
        click.echo(line, err=True)  # a reminder, never a reason to refuse the commit
    if base:
        now = datetime.now(CHINA_TZ)
        late = history.in_index(repo, iso_local(now), raw)
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


POLICY_DIR = "policy/"


def _staged_paths(repo: gitsafe.Repo, raw: str | None) -> list[str]:
    """The paths under the accounts' folders and ``policy/`` that the staged changes touch
    (one git for both questions), as ``git diff --cached --name-only`` lists them.

    ``raw``: the staged diff of HEAD without renames (``history.staged_diff``), when there
    is a HEAD. Without a deleted path no rename can be found, so its paths are the same
    as those ``diff --cached`` lists; with one, git is asked (it may pair renames)."""
    if raw is not None:
        lines = [line.split("\t", 1) for line in raw.splitlines() if line.startswith(":")]
        if all(len(meta_path) == 2 and meta_path[0].split()[4:5] != ["D"] for meta_path in lines):
            return [path for _, path in lines] + [""]
    accounts = records.directory("account")
    return gitsafe.run(repo, "diff", "--cached", "--name-only", "--", accounts, POLICY_DIR).split(
        "\n"
    )


def touched_accounts(staged_paths: list[str]) -> list[str]:
    """Accounts whose folder the staged changes touch."""
    accounts = records.directory("account")
    found = {p.split("/")[2] for p in staged_paths if p.startswith(accounts) and p.count("/") >= 3}
    return sorted(found)


def hidden_by_rulebook(opts: Options, base: str, lang: str) -> bool:
    """A commit that changes ``policy/`` is judged by the old rulebook too.

    Called when the staged changes touch ``policy/``. Violations the old rulebook
    (``base``'s) finds new in this commit, but the new
    (staged) one does not find, are what the rule change hides: they block the commit.
    Violations already at ``base`` that the new rulebook no longer finds are listed (the
    rule change hides them) without blocking. Returns whether to block.
    """
    if opts.policy_dir:
        return False  # one rulebook on both sides
    new_policy = opts.policy()
    old_policy = opts.policy_at(base)
    if new_policy.digest == old_policy.digest:
        return False
    new = run_evaluation(opts, policy=new_policy)
    old = run_evaluation(opts, policy=old_policy, as_of=new.as_of)
    base_old = check.base_violations(opts, base, new.as_of, old_policy)
    now = {v.fingerprint for v in new.violations}
    compared = compare(old.violations, base_old)
    brought = [v for v in compared.new if v.fingerprint not in now]
    gone = [
        v
        for v in old.open
        if v.fingerprint not in now and v not in brought and v not in compared.new
    ]
    if not brought and not gone:
        return False
    lines = ["这次提交修改了规则(policy/),按修改前的规则检查,以下违规被这次修改隐藏:"]
    for v in sorted(brought, key=Violation.date_key):
        lines.append(f"  {v.day} {v.path}:{v.line}: [{v.rule}] {message(v, lang)}(本次提交新增)")
    for v in sorted(gone, key=Violation.date_key):
        lines.append(f"  {v.day} {v.path}:{v.line}: [{v.rule}] {message(v, lang)}(原有)")
    if brought:
        lines.append(
            "提交被拒绝: 规则修改不能和它隐藏的新违规一起提交。规则的修改单独提交"
            "(由维护规则库的人员),记录的违规照常改正。"
        )
    click.echo("\n".join(lines), err=True)
    return bool([v for v in brought if v.severity == "error"])


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
    write_hook(target)
    click.echo(f"已安装 pre-commit 钩子: {target}")
    return 0


def write_hook(target: Path) -> None:
    """The plain hook, running this interpreter's govmedia (never over an existing hook)."""
    write_atomic(target, HOOK.format(python=shlex.quote(sys.executable)).encode())
    target.chmod(0o755)
