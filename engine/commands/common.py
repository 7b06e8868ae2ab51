"""What several commands share: options turned into a snapshot, a policy and a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from engine import snapshot as snapshot_mod
from engine.cache import Cache, default_dir
from engine.errors import InputError

if TYPE_CHECKING:
    from engine import policy as policy_mod
    from engine.evaluate import Plan, Result

# The rulebook and the evaluation are imported when first used: every command line
# imports this module, and a check answered from its cache (engine/commands/warm.py)
# never needs them.

# Check dates outside these years are typing mistakes (9999, 1900): refused at once,
# before any record is read. The measures date from 2020; 2100 leaves room.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_as_of(text: str | None, option: str = "--as-of", bounded: bool = True) -> date | None:
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{option} 的值「{text}」不是日历上存在的日期",
            hint=f"写成 YYYY-MM-DD,例如 {option} 2024-06-30。",
        ) from None
    if bounded and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InputError(
            f"{option} 的值「{text}」不合理:年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间",
            hint=f"检查年份是否写错,例如 {option} 2024-06-30"
            "(也检查环境变量 GOVMEDIA_AS_OF 是否设了错误的日期)。",
        )
    return day


def repo_root(path: Path) -> Path:
    """The top of the git work tree containing ``path``, or ``path`` itself outside git."""
    if not path.exists():
        raise InputError(f"目录 {path} 不存在", hint="用 --repo 指定记录仓库的根目录。")
    try:
        return Path(snapshot_mod.open_repo(path).working_tree_dir or path)
    except InputError:
        return path


@dataclass
class Options:
    repo: Path
    rev: str | None
    staged: bool
    as_of: date | None
    policy_dir: Path | None
    use_cache: bool = True

    def cache(self) -> Cache:
        return Cache(default_dir() if self.use_cache else None)

    def policy(self) -> policy_mod.Policy:
        """The rulebook: ``--policy DIR``; else, for a commit or the staged index, the
        ``policy/`` that commit or index holds (never the work tree's: an unstaged rule
        edit changes nothing), or the installed rulebook; for the work tree, its
        ``policy/`` or the installed rulebook."""
        from engine import policy as policy_mod

        if self.policy_dir:
            return policy_mod.load(self.policy_dir)
        if self.rev or self.staged:
            repo = snapshot_mod.open_repo(self.repo)
            source = (
                ":index"
                if self.staged
                else snapshot_mod.resolve_commit(repo, self.rev or "").hexsha
            )
            return policy_mod.load_committed(Path(repo.working_tree_dir or self.repo), source)
        return policy_mod.load(policy_mod.default_policy_dir(self.repo))

    def policy_at(self, rev: str) -> policy_mod.Policy:
        """The rulebook a commit holds (``--policy DIR`` if given)."""
        from engine import policy as policy_mod

        if self.policy_dir:
            return policy_mod.load(self.policy_dir)
        repo = snapshot_mod.open_repo(self.repo)
        sha = snapshot_mod.resolve_commit(repo, rev).hexsha
        return policy_mod.load_committed(Path(repo.working_tree_dir or self.repo), sha)


def run_evaluation(
    opts: Options,
    rev: str | None = None,
    staged: bool | None = None,
    as_of: date | None = None,
    policy: policy_mod.Policy | None = None,
) -> Result:
    from engine.evaluate import judge_all

    return judge_all(plan_evaluation(opts, rev, staged, as_of, policy))


def plan_evaluation(
    opts: Options,
    rev: str | None = None,
    staged: bool | None = None,
    as_of: date | None = None,
    policy: policy_mod.Policy | None = None,
    as_stood: bool | None = None,
) -> Plan:
    """``run_evaluation`` up to its plan (engine/evaluate.py ``plan``); ``as_stood``
    overrides whether the check date is taken as explicit."""
    from engine.evaluate import plan

    snap = snapshot_mod.load(
        opts.repo, rev if rev is not None else opts.rev, opts.staged if staged is None else staged
    )
    day = as_of or opts.as_of or snap.default_as_of()
    # An explicit check date asks how the records stood on that day: later posts are
    # left out (one reminder says so). The default date (today, the commit's date) keeps
    # a post dated after it as bad input: a typing mistake.
    explicit = (as_of or opts.as_of) is not None if as_stood is None else as_stood
    return plan(snap, policy or opts.policy(), day, opts.cache(), as_stood=explicit)
