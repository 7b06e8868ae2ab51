"""``govmedia due``: what falls due in the next days (engine/due.py), as text or JSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import date
from functools import partial

from engine import records, snapshot
from engine.commands.common import Options
from engine.due import Due, DueItem, compute, count_post_days, md, post_months
from engine.errors import InputError
from engine.evaluate import Result, evaluate
from engine.labels import DUE_KIND, WEEKDAY, account_zh, article_zh, label


def prepare(result: Result, within: int, accounts: Iterable[str] | None = None) -> Due:
    """A ``Due`` for an evaluation's records, reading the post files of the current weeks
    (only those months, and only of ``accounts`` when given: the hook stays cheap)."""
    months = post_months(result.as_of, within)
    wanted = set(accounts) if accounts is not None else None
    snapshot = result.snapshot
    post_days: dict[str, list[date]] = {}
    for files in result.banner.accounts.values():
        if wanted is not None and files.id not in wanted:
            continue
        paths = [
            p for p in files.post_paths if p.rsplit("/", 1)[-1].removesuffix(".toml") in months
        ]
        if not paths:
            continue
        loaded = records.load_many(
            (p, snapshot.entries[p], partial(snapshot.read, p)) for p in paths
        )
        post_days[files.id] = count_post_days(loaded)
    return Due(
        result.banner,
        result.policy,
        result.as_of,
        within,
        result.violations,
        post_days,
        waivers=list(result.authority.waivers),
    )


def who(due: Due, item: DueItem) -> str:
    if item.account and item.account in due.banner.accounts:
        data = due.banner.accounts[item.account].record.data
        return account_zh(str(data["platform"]), str(data["name"]), item.account)
    if item.unit in due.banner.units:
        return f"{due.banner.unit_name(item.unit)}({item.unit})"
    return "全旗"


def render_text(due: Due, items: list[DueItem]) -> str:
    head = (
        f"截至 {due.as_of.isoformat()}({WEEKDAY[due.as_of.weekday()]}),"
        f"{due.within} 天内(至 {due.horizon.isoformat()})到期和已逾期的事项"
    )
    if not items:
        return f"{head}:没有。\n"
    overdue = sum(1 for i in items if i.overdue)
    lines = [f"{head}:共 {len(items)} 项,其中已逾期 {overdue} 项。", ""]
    for item in items:
        state = "已逾期" if item.overdue else "待办"
        article = article_zh(item.article) if item.article else DUE_KIND["calendar"]
        lines.append(
            f"[{state}] {item.deadline.isoformat()} 24:00({md(item.deadline)[6:]})"
            f"  {article} {label(DUE_KIND, item.kind)}  {who(due, item)}"
        )
        lines.append(f"    {item.title}")
        lines.append(f"    怎么办: {item.todo}")
        lines.append(f"    记录: {item.path}" + (f":{item.line}" if item.line else ""))
        lines.append("")
    return "\n".join(lines)


def render_json(due: Due, items: list[DueItem]) -> str:
    data = {
        "as_of": due.as_of.isoformat(),
        "within": due.within,
        "until": due.horizon.isoformat(),
        "items": [{**i.to_dict(), "who": who(due, i)} for i in items],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def run(
    opts: Options, units: tuple[str, ...], accounts: tuple[str, ...], within: int, fmt: str
) -> int:
    if within < 0:
        raise InputError(
            f"--within 的值 {within} 不能是负数", hint="写未来的天数,例如 --within 7。"
        )
    snap = snapshot.load(opts.repo, opts.rev, opts.staged)
    # Checked before evaluating: names are known from the paths alone.
    for unit in units:
        if f"{snapshot.RECORDS_DIR}/units/{unit}/unit.toml" not in snap.entries:
            raise InputError(
                f"没有单位「{unit}」",
                hint="--unit 写 records/units/ 下的单位 id,例如 --unit zwfwj。",
            )
    for account in accounts:
        if f"{snapshot.RECORDS_DIR}/accounts/{account}/account.toml" not in snap.entries:
            raise InputError(
                f"没有账号「{account}」",
                hint="--account 写 records/accounts/ 下的账号 id,例如 --account zwfwj-wx。",
            )
    result = evaluate(snap, opts.policy(), opts.as_of or snap.default_as_of(), opts.cache())
    due = prepare(result, within, accounts or None)
    items = compute(due, units or None, accounts or None)
    sys.stdout.write(render_json(due, items) if fmt == "json" else render_text(due, items))
    return 0


# The hook prints at most this many lines of reminders.
REMINDER_LINES = 3


def reminders(result: Result, accounts: list[str], within: int = 7) -> list[str]:
    """At most three short lines on what falls due for ``accounts`` (the hook's reminder).

    Reads only those accounts' post files of the current week. Something that cannot be
    computed (an input error) yields no reminder: the check above has said what is wrong.
    """
    accounts = [a for a in accounts if a in result.banner.accounts]
    if not accounts:
        return []
    try:
        due = prepare(result, within, accounts)
        items = [i for i in compute(due, accounts=accounts) if i.kind != "waiver"]
    except InputError:
        return []
    lines: list[str] = []
    for item in items:
        if len(lines) == REMINDER_LINES - 1 and len(items) > REMINDER_LINES:
            rest = len(items) - len(lines)
            lines.append(
                f"govmedia 提醒: 还有 {rest} 项即将到期,运行 govmedia due "
                + " ".join(f"--account {a}" for a in accounts)
                + " 查看"
            )
            break
        files = due.banner.accounts.get(item.account or "")
        name = (
            account_zh(str(files.record.data["platform"]), str(files.record.data["name"]))
            if files is not None and item.kind != "closure"  # a closure's title names it
            else ""
        )
        lines.append(f"govmedia 提醒: {name + ' ' if name else ''}{item.title}")
    return lines
