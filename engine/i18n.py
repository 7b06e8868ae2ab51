"""The command line's language: Chinese for clerks, English with ``--lang en``.

How it works (other commands follow it without code of their own):

- Help texts in ``engine/cli.py`` are written in Chinese. ``HELP_EN`` maps a Chinese
  help text to its English; with ``--lang en`` the help formatter shows the English
  where there is one (else the Chinese).
- click's own words (``Usage:``, ``Missing argument``, ``No such option``, ``invalid
  choice``, ``Show this message and exit.`` …) pass through ``gettext`` in click's
  modules; ``install()`` replaces those hooks with ``translate``/``ntranslate``, which
  look them up in ``CLICK_ZH`` under Chinese.
- Metavars in usage lines and option lists (``[OPTIONS]``, ``TEXT``, ``FILE`` …) are
  replaced word by word from ``METAVAR_ZH``; give new arguments and options a Chinese
  ``metavar`` or add the word there.
- The language is chosen once per run, before parsing: ``--lang en`` anywhere on the
  command line or ``GOVMEDIA_LANG=en`` (``choose``).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

import click

_lang = "zh"


def lang() -> str:
    return _lang


def set_lang(value: str) -> None:
    global _lang
    _lang = "en" if value == "en" else "zh"


def choose(args: Sequence[str]) -> str:
    """The language of this run: ``--lang en`` on the command line, else GOVMEDIA_LANG."""
    chosen = os.environ.get("GOVMEDIA_LANG", "zh")
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            chosen = args[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
    set_lang(chosen)
    return _lang


CLICK_ZH: dict[str, str] = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "default: {default}": "默认: {default}",
    "env var: {var}": "环境变量: {var}",
    "deprecated": "已弃用",
    "required": "必填",
    "Aborted!": "已取消。",
    "Missing command.": "缺少命令。",
    "Error: {message}": "错误: {message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值不对: {message}",
    "Invalid value: {message}": "值不对: {message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数: {param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "No such command {name!r}.": "没有命令「{name}」。",
    "No such option {name!r}.": "没有选项「{name}」。",
    "Try '{command} {option}' for help.": "用「{command} {option}」查看用法。",
    "Option {name!r} does not take a value.": "选项「{name}」不带值。",
    "Argument {name!r} takes {nargs} values.": "参数「{name}」需要 {nargs} 个值。",
    "Error: invalid input": "错误: 输入无效",
    "Error: The two entered values do not match.": "错误: 两次输入的值不一致。",
    "Repeat for confirmation": "再输入一次确认",
    "Do you want to continue?": "要继续吗?",
    "Confirm the action without prompting.": "不询问,直接执行。",
    "{value!r} is not a valid {number_type}.": "「{value}」不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "「{value}」不是是/否值,可用: {states}",
    "{name} {filename!r} does not exist.": "{name}「{filename}」不存在。",
    "{name} {filename!r} is a directory.": "{name}「{filename}」是目录。",
    "{name} {filename!r} is a file.": "{name}「{filename}」是文件。",
    "{name} {filename!r} is not readable.": "{name}「{filename}」不可读。",
    "{name} {filename!r} is not writable.": "{name}「{filename}」不可写。",
    "Could not open file {filename!r}: {message}": "无法打开文件「{filename}」: {message}",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选: {choices}",
    "unknown error": "未知错误",
}

# Plural messages: (singular, plural) → Chinese (no plural forms).
CLICK_NZH: dict[tuple[str, str], str] = {
    (
        "Got unexpected extra argument ({args})",
        "Got unexpected extra arguments ({args})",
    ): "多出了参数({args})",
    (
        "{value!r} is not {choice}.",
        "{value!r} is not one of {choices}.",
    ): "「{value}」不是可选的值,可选: {choices}。",
    (
        "Option {name!r} requires an argument.",
        "Option {name!r} requires {nargs} arguments.",
    ): "选项「{name}」后面要写一个值。",
    (
        "Did you mean {possibility}?",
        "(Did you mean one of: {possibilities}?)",
    ): "(是不是要写 {possibilities}?)",
    (
        "Takes {nargs} values but 1 was given.",
        "Takes {nargs} values but {len} were given.",
    ): "需要 {nargs} 个值,给了 {len} 个。",
}

# Words of usage lines and option lists that click (or a metavar) writes in English.
METAVAR_ZH: dict[str, str] = {
    "OPTIONS": "选项",
    "COMMAND": "命令",
    "ARGS": "参数",
    "TEXT": "文本",
    "INTEGER": "整数",
    "FLOAT": "数字",
    "BOOLEAN": "是/否",
    "FILENAME": "文件",
    "FILE": "文件",
    "PATH": "路径",
    "DIR": "目录",
    "DIRECTORY": "目录",
    "REF": "提交",
    "REV": "提交",
    "KIND": "类别",
    "TARGET": "对象",
    "URL": "地址",
    "KEY=VALUE": "字段=值",
    "FINGERPRINT": "指纹",
}

HELP_EN: dict[str, str] = {}
_CLICK_EN = {zh: english for english, zh in CLICK_ZH.items()}


def en(entries: dict[str, str]) -> None:
    """Register English help texts, keyed by their Chinese text (used under --lang en)."""
    HELP_EN.update(entries)


def translate(message: str) -> str:
    if _lang == "en":
        return message
    return CLICK_ZH.get(message, message)


def ntranslate(singular: str, plural: str, n: int) -> str:
    if _lang == "en":
        return singular if n == 1 else plural
    zh = CLICK_NZH.get((singular, plural))
    if zh is None:
        return singular if n == 1 else plural
    # The Chinese keeps every placeholder of both forms: fill the missing ones with "".
    return _SafeFormat(zh)


class _SafeFormat(str):
    """A message whose ``format`` leaves out placeholders the caller does not pass."""

    def format(self, *args: Any, **kwargs: Any) -> str:
        names = re.findall(r"{(\w+)}", self)
        return str.format(self, *args, **{n: "" for n in names} | kwargs)


_METAVAR = re.compile("|".join(re.escape(k) for k in sorted(METAVAR_ZH, key=len, reverse=True)))


def metavars(text: str) -> str:
    if _lang == "en":
        return text
    return _METAVAR.sub(lambda m: METAVAR_ZH[m.group(0)], text)


def help_text(text: str) -> str:
    key = text.strip()
    if _lang != "en":
        return CLICK_ZH.get(key, text)  # click's own option helps, made before install()
    if key in HELP_EN:
        return HELP_EN[key]
    if key in _CLICK_EN:  # made by click under Chinese earlier in this process
        return _CLICK_EN[key]
    cut = key.removesuffix("...")
    if cut != key:  # a command's short help in a group's list, cut by click
        for zh, english in HELP_EN.items():
            if zh.startswith(cut):
                return english
    return text


class Formatter(click.HelpFormatter):
    """click's help formatter, in the chosen language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, metavars(args), prefix)

    def write_text(self, text: str) -> None:
        """A command's help, paragraph by paragraph, wrapped by display width (click's
        own wrapping breaks only at spaces, and Chinese has none)."""
        indent = " " * self.current_indent
        columns = max(self.width - self.current_indent - 2, 20)  # room for a closing mark
        paragraphs = [p for p in re.split(r"\n\s*\n", help_text(text)) if p.strip()]
        for i, paragraph in enumerate(paragraphs):
            if i:
                self.write("\n")
            # A line break between two Chinese characters is no space.
            paragraph = re.sub(r"(?<=[^\x00-\x7f])\s*\n\s*(?=[^\x00-\x7f])", "", paragraph)
            for line in wrap(paragraph, columns):
                self.write(f"{indent}{line}\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        """click's definition list, measured in display columns (a Chinese character
        takes two), so that Chinese metavars and help line up."""
        rows = [(metavars(term), _help_with_extra(value)) for term, value in rows]
        if not rows:
            return
        first_col = min(max(width(term) for term, _ in rows), col_max) + col_spacing
        indent = " " * self.current_indent
        text_width = max(self.width - first_col - 2 - self.current_indent, 10)
        for term, value in rows:
            self.write(f"{indent}{term}")
            if not value:
                self.write("\n")
                continue
            if width(term) <= first_col - col_spacing:
                self.write(" " * (first_col - width(term)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(value, text_width)
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


_NO_LINE_START = frozenset(":;,.)]」』。,;:)、!?》")


def width(text: str) -> int:
    """Display columns of ``text`` in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Greedy wrapping by display width: Latin words stay whole, Chinese breaks anywhere."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[!-~]+|\s+|.", " ".join(text.split())):
        closing = token[0] in _NO_LINE_START  # punctuation stays with what it closes
        if width(line) + width(token) > columns and line.strip() and not closing:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _help_with_extra(value: str) -> str:
    """A help text, possibly followed by click's ``[default: …]`` bracket."""
    match = re.match(r"^(.*?)(\s*\[[^\[\]]*\])?$", value, re.S)
    if not match:
        return help_text(value)
    return help_text(match.group(1)) + (match.group(2) or "")


class Context(click.Context):
    formatter_class = Formatter


def install() -> None:
    """Route click's gettext calls through ``translate`` and ``ntranslate``."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types
    import click.utils

    modules: Iterable[Any] = (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.termui,
        click.types,
        click.utils,
    )
    for module in modules:
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = ntranslate
