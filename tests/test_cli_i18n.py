"""Chinese everywhere a clerk reads the command line: help, usage errors, prompts; --lang en."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import run_cli

from engine import i18n
from engine.cli import main
from engine.labels import article_zh, parse_article

# Words that may stay in Latin letters in Chinese help: names of tools, formats and
# things a clerk types (command names, option names, choice values, file names and
# environment variables are allowed separately, from the commands themselves).
ALLOWED = {
    "govmedia", "git", "Git", "TOML", "JSON", "SARIF", "JUnit", "GitHub", "MkDocs", "SSH",
    "pre-commit", "ssh-keygen", "YYYY-MM-DD", "id", "N", "lcj", "zwfwj", "Windows", "art-13", "Ctrl-C", "Ctrl-D",
}  # fmt: skip


def _walk(
    command: click.Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _walk(sub, (*path, name))


COMMANDS = list(_walk(main))


def _allowed_for(command: click.Command, path: tuple[str, ...]) -> set[str]:
    words = set(ALLOWED) | set(path)
    for _, other in COMMANDS:
        words.add(other.name or "")
    for param in command.params:
        if isinstance(param.type, click.Choice):
            words.update(str(c) for c in param.type.choices)
    return words


def english_words(text: str, allowed: set[str]) -> list[str]:
    text = re.sub(r"[\w~<>.-]*(?:/|\.\w)[\w~<>./-]*", " ", text)  # file names and paths
    text = re.sub(r"(?<![\w-])--?[A-Za-z][\w-]*", " ", text)  # option names
    text = re.sub(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b", " ", text)  # environment variables
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9-]*", text) if w not in allowed]


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(main, [*args, "--help"], prog_name="govmedia")
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(autouse=True)
def _chinese(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("GOVMEDIA_LANG", raising=False)
    yield
    i18n.set_lang("zh")


@pytest.mark.parametrize(
    ("path", "command"), COMMANDS, ids=[" ".join(p) or "govmedia" for p, _ in COMMANDS]
)
def test_every_help_is_chinese(path: tuple[str, ...], command: click.Command) -> None:
    text = _help(list(path))
    assert english_words(text, _allowed_for(command, path)) == [], text
    assert "用法:" in text and "显示本帮助并退出" in text
    # Lines fit the terminal (80 columns here; a Chinese character takes two).
    assert max(i18n.width(line) for line in text.splitlines()) <= 80, text
    # Every option says what it is for, in Chinese.
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help and re.search(r"[\u4e00-\u9fff]", param.help), (path, param.name)


def test_the_word_check_finds_english() -> None:
    # The detector itself: English prose is found; paths, options and env vars are not.
    assert english_words("Show this message and exit.", set()) == [
        "Show", "this", "message", "and", "exit",
    ]  # fmt: skip
    assert english_words("用 --repo 指定 records/ 或 mkdocs.yml(GOVMEDIA_AS_OF)", set()) == []


def test_english_with_lang_en(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _help(["--lang", "en", "check"])
    assert "Usage:" in text and "Check records at REV" in text
    assert "Show this message and exit." in text
    monkeypatch.setenv("GOVMEDIA_LANG", "en")
    assert "Records repository (contains records/)." in _help(["site"])
    assert "Commands:" in _help([])


def test_english_help_entries_are_used() -> None:
    """Every English text registered in engine/i18n.py translates a help text that exists."""
    texts = set()
    for _, command in COMMANDS:
        texts.add((command.help or "").strip())
        texts.update((p.help or "").strip() for p in command.params if isinstance(p, click.Option))
    assert set(i18n.HELP_EN) - texts == set()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["approve"], "缺少参数"),
        (["check", "--bogus"], "没有选项「--bogus」"),
        (["check", "--format", "xml"], "「xml」不是可选的值"),
        (["chek"], "没有命令「chek」"),
        (["check", "--as-of"], "后面要写一个值"),
        (["check", "a", "b"], "多出了参数"),
    ],
)
def test_usage_errors_in_chinese(args: list[str], expected: str) -> None:
    out = run_cli(*args, env={"GOVMEDIA_LANG": "zh"})
    assert out.returncode == 2, out.stderr
    assert expected in out.stderr and "用法错误" in out.stderr
    choices = {"text", "json", "sarif", "junit", "github"}  # what --format offers
    assert english_words(out.stderr, {*args, *choices, "govmedia", "check", "approve"}) == [], (
        out.stderr
    )
    assert "Traceback" not in out.stderr


def test_usage_errors_in_english() -> None:
    out = run_cli("--lang", "en", "approve")
    assert out.returncode == 2 and "Missing argument" in out.stderr, out.stderr
    out = run_cli("check", "--bogus", env={"GOVMEDIA_LANG": "en"})
    assert out.returncode == 2 and "No such option" in out.stderr, out.stderr


def test_prompt_cancelled_with_ctrl_d(tmp_path: Path) -> None:
    target = tmp_path / "records-repo"
    out = run_cli("init", str(target), stdin="")  # EOF at the first question
    assert out.returncode == 2
    assert "已取消,未写入任何文件" in out.stderr
    assert not target.exists()


@pytest.mark.parametrize("spelling", ["第十三条", "十三", "13", "art-13", "第13条"])
def test_explain_accepts_chinese_article_numbers(spelling: str) -> None:
    out = run_cli("explain", spelling)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("art-13 第十三条")


def test_parse_article_round_trip() -> None:
    for n in range(1, 100):
        assert parse_article(article_zh(n)) == n
        assert parse_article(article_zh(n)[1:-1]) == n
        assert parse_article(f"art-{n:02d}") == n
    for bad in ["零", "十十", "二零", "第", "0", "一百", "x"]:
        assert parse_article(bad) is None, bad


def test_field_paths_in_chinese() -> None:
    from engine.labels import field_path_zh, value_zh

    assert field_path_zh(["post", 1, "category"]) == "第 2 条发布记录的信息类别(category)"
    assert field_path_zh(["post", 0, "review", 1, "at"]) == (
        "第 1 条发布记录的第 2 条审核记录的时间(at)"
    )
    assert field_path_zh([]) == "文件顶层"
    assert value_zh("policy") == "policy(政策文件及解读)" and value_zh("x-y") == "x-y"
