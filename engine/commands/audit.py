"""``govmedia audit``: reviews written into git after the posts they approve."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from engine import history, snapshot


def run(repo_path: Path, rev: str, max_count: int | None, fmt: str) -> int:
    repo = snapshot.open_repo(repo_path)
    commit = snapshot.resolve_commit(repo, rev)
    found = history.in_history(repo, commit.hexsha, max_count=max_count)
    if fmt == "json":
        click.echo(json.dumps([asdict(b) for b in found], ensure_ascii=False, indent=2))
    else:
        click.echo(render(found, f"{rev} 的历史"))
    return 1 if found else 0


def render(found: list[history.Backfill], scope: str) -> str:
    if not found:
        return f"{scope}中没有发现事后补录的审核记录。"
    lines = [f"{scope}中有 {len(found)} 条审核记录是在信息发布之后才写入记录的(可能是事后补录):"]
    for b in found:
        who = f",提交 {b.commit[:10]}({b.author})" if b.commit else "(本次提交)"
        lines.append(
            f"  {b.path}:{b.line}: 「{b.title}」{b.published.replace('T', ' ')} 发布,"
            f"第 {b.level} 级审核(记为 {b.review_at.replace('T', ' ')})"
            f"于 {b.recorded.replace('T', ' ')} 才记录{who}"
        )
    lines.append("  请主管单位核实:审核是否确在发布前完成(第十四条「先审后发」)。")
    return "\n".join(lines)
