"""``govmedia import`` and ``govmedia export``: the ledgers units already keep.

Import reads a 信息发布审核台账 or 留言台账 (.xlsx or .csv) and appends its rows to the
month files under ``records/``; all or nothing, idempotent. Export writes a month's
records back as a ledger in the template's columns.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from engine import labels, records
from engine.errors import InputError, InputErrors
from engine.ledger import mapping, read, workbook, write

DRY_RUN_SHOWN = 3  # entries shown per file by --dry-run


def template(kind: str, target: Path) -> int:
    """Write an empty ledger with the template's columns and one example row."""
    _xlsx_target(target)
    data = workbook.build(kind, [workbook.EXAMPLES[kind]], labels.LEDGER_KIND[kind])
    workbook.write(target, data)
    headers = "、".join(workbook.columns(kind).values())
    click.echo(
        f"已写入{labels.LEDGER_KIND[kind]}模板 {target}(列: {headers};第 2 行是示例,导入前删除)。"
    )
    return 0


def run_import(root: Path, kind: str, source: Path, account: str | None, dry_run: bool) -> int:
    spec = mapping.SPECS[kind]
    accounts = mapping.load_accounts(root)
    if account is not None and account not in accounts.by_id:
        raise InputError(
            f"--account {account}: 没有这个账号(records/accounts/{account}/account.toml 不存在)",
            hint="账号 id 是 records/accounts/ 下的目录名;新账号先登记再导入。",
        )
    sheets = read.read(source)
    mapped = mapping.map_rows(spec, sheets, str(source), accounts, account)
    if mapped.errors:
        shown = len(mapped.errors)
        more = "(只列出前 200 处)" if shown >= mapping.MAX_ERRORS else ""
        click.echo(
            f"{source.name} 中有 {shown} 处错误{more},没有导入任何一行,记录文件都没有改动:",
            err=True,
        )
        raise InputErrors(mapped.errors)
    plans = write.plan(root, kind, mapped.entries)
    added = sum(len(p.new) for p in plans)
    already = sum(p.already for p in plans)
    _notes(mapped)
    if dry_run:
        _show_plan(kind, plans)
        click.echo(f"预演(--dry-run):将新增 {added} 条,已存在 {already} 条;没有写入任何文件。")
        return 0
    write.apply(plans)
    for p in plans:
        if p.new:
            action = "新建" if p.old_text is None else "追加"
            click.echo(f"  {action} {p.rel}: {len(p.new)} 条")
    click.echo(f"新增 {added} 条,已存在 {already} 条。")
    if added:
        click.echo("请用 govmedia check 检查,再提交(git add records && git commit)。")
    return 0


def _notes(mapped: mapping.Mapped) -> None:
    if mapped.skipped_sheets:
        click.echo(f"跳过没有表头的工作表: {'、'.join(mapped.skipped_sheets)}")
    if mapped.unused_columns:
        click.echo(f"这些列不导入(记录中没有对应字段): {'、'.join(mapped.unused_columns)}")


def _show_plan(kind: str, plans: list[write.FilePlan]) -> None:
    for p in plans:
        action = "新建" if p.old_text is None else "追加到"
        click.echo(f"== {action} {p.rel}: 新增 {len(p.new)} 条,已存在 {p.already} 条")
        for entry in p.new[:DRY_RUN_SHOWN]:
            click.echo(write.render(kind, entry.data))
        if len(p.new) > DRY_RUN_SHOWN:
            click.echo(f"……另有 {len(p.new) - DRY_RUN_SHOWN} 条\n")


def run_export(root: Path, kind: str, account: str, month: str, target: Path) -> int:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise InputError(f"--month 的值「{month}」不对", hint="写成 YYYY-MM,例如 --month 2026-03。")
    accounts = mapping.load_accounts(root)
    if account not in accounts.by_id:
        raise InputError(
            f"--account {account}: 没有这个账号",
            hint="账号 id 是 records/accounts/ 下的目录名。",
        )
    _xlsx_target(target)
    rel = f"records/accounts/{account}/{kind}/{month}.toml"
    path = root / rel
    items: list[dict[str, object]] = []
    if path.exists():
        data = records.parse_toml(rel, path.read_bytes())
        items = list(data.get(write.TABLE[kind], []))
    rows = (workbook.post_rows if kind == "posts" else workbook.message_rows)(account, items)
    workbook.write(target, workbook.build(kind, rows, month))
    platform, name = accounts.by_id[account]
    click.echo(
        f"已导出 {labels.account_zh(platform, name, account)} {month} 的"
        f"{labels.LEDGER_KIND[kind]} {len(rows)} 条到 {target}。"
        "文件中有审核人等不公开的信息,只供本单位留存和向上报送,不要公开发布。"
    )
    return 0


def _xlsx_target(target: Path) -> None:
    if target.suffix.lower() != ".xlsx":
        raise InputError(
            f"输出文件 {target} 应以 .xlsx 结尾", hint="例如 -o 2026-03发布台账.xlsx。"
        )
    if target.exists():
        raise InputError(
            "文件已存在,不会覆盖", path=str(target), hint="换一个文件名,或先移走已有的文件。"
        )
