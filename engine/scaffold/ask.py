"""Asking for one field at a terminal, in Chinese, until the answer is valid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from engine import labels
from engine.scaffold.fields import BadValue, Field, check, parse


class Cancelled(Exception):
    """The clerk pressed Ctrl-C (``interrupt``) or Ctrl-D at a prompt."""

    def __init__(self, interrupt: bool) -> None:
        super().__init__("cancelled")
        self.interrupt = interrupt


def read(prompt: str) -> str:
    try:  # Ctrl-C while the prompt is being shown cancels too
        click.echo(prompt, nl=False, err=True)
        return input()
    except EOFError:
        raise Cancelled(interrupt=False) from None
    except KeyboardInterrupt:
        raise Cancelled(interrupt=True) from None


def _options(f: Field) -> str:
    names = f.choices or {}
    items = [
        f"{i} {names.get(o, labels.VALUE.get(str(o), str(o)))}"
        for i, o in enumerate(f.enum or [], 1)
    ]
    return "  " + "  ".join(items)


def prompt_text(f: Field) -> str:
    need = "必填" if f.required else "可不填"
    fmt = f.prop.get("format")
    if f.enum is not None:
        how = "输入编号、名称或 id" + (
            ",可多选,用逗号分隔" if f.prop.get("type") == "array" else ""
        )
    elif fmt == "date":
        how = "YYYY-MM-DD"
    elif fmt == "datetime-cn":
        how = "YYYY-MM-DD HH:MM"
    elif f.prop.get("type") == "boolean":
        how = "是/否"
    elif f.prop.get("type") == "array":
        how = "多项用逗号分隔"
    else:
        how = ""
    return f"{f.label}({need}{',' + how if how else ''}): "


def ask_field(f: Field, facts: Callable[[Any], None]) -> Any:
    """The value of ``f`` typed at the terminal; None when an optional field is skipped."""
    if f.enum is not None:
        click.echo(_options(f), err=True)
    elif f.prop.get("description") and f.prop["description"] not in f.label:
        click.echo(f"  ({f.prop['description']})", err=True)
    while True:
        raw = read(prompt_text(f))
        if not raw.strip():
            if f.required:
                click.echo("  这一项必填,请输入。", err=True)
                continue
            return None
        try:
            value = parse(f, raw)
            check(f, value)
            facts(value)
        except BadValue as exc:
            click.echo(f"  「{raw.strip()}」{exc.reason}。{exc.hint}", err=True)
            continue
        return value
