"""Command line: thin wrappers; each command's work lives in engine/commands/."""

from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from engine.commands.common import Options, parse_as_of, repo_root
from engine.errors import InputError
from engine.rules_engine import EngineError

EXIT_INPUT = 2
EXIT_INTERNAL = 3
EXIT_SIGINT = 128 + signal.SIGINT  # 130, what shells report for Ctrl-C
EXIT_SIGTERM = 128 + signal.SIGTERM  # 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so that the same clean-up runs (workers are stopped)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def _install_signal_handlers() -> None:
    # Explicitly: a process started with SIGINT ignored (a background job) would not
    # get KeyboardInterrupt otherwise.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)


def _interrupted(exc: BaseException) -> None:
    """Ctrl-C or SIGTERM: one short line, no traceback, the conventional exit code."""
    if isinstance(exc, Terminated):
        click.echo("已终止(收到 SIGTERM),检查没有完成。", err=True)
        sys.exit(EXIT_SIGTERM)
    click.echo("已中断(Ctrl-C),检查没有完成。", err=True)
    sys.exit(EXIT_SIGINT)


def _guard(fn: Callable[[], int]) -> None:
    """Run a command: bad input exits 2 with a Chinese message, a bug exits 3,
    an interruption 130 (Ctrl-C) or 143 (SIGTERM)."""
    try:
        code = fn()
    except KeyboardInterrupt as exc:
        _interrupted(exc)
    except InputError as exc:
        click.echo(exc.render(), err=True)
        sys.exit(EXIT_INPUT)
    except (EngineError, Exception) as exc:
        if os.environ.get("GOVMEDIA_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"内部错误: {type(exc).__name__}: {exc}\n"
            "  这是 govmedia 的缺陷,不是记录的问题。设置 GOVMEDIA_DEBUG=1 重新运行可看到详细信息,请报告给维护者。",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
    sys.exit(code)


class _Group(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("standalone_mode", True)
        _install_signal_handlers()
        try:
            return super().main(*args, **{**kwargs, "standalone_mode": False})
        except KeyboardInterrupt as exc:
            _interrupted(exc)
        except click.exceptions.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):  # click's own handling of Ctrl-C
                _interrupted(exc.__cause__)
            click.echo("已取消。", err=True)
            sys.exit(EXIT_INPUT)
        except click.UsageError as exc:
            click.echo(
                f"用法错误: {exc.format_message()}\n  用 govmedia {exc.ctx.command_path.split(' ', 1)[-1] + ' ' if exc.ctx and ' ' in exc.ctx.command_path else ''}--help 查看用法。",
                err=True,
            )
            sys.exit(EXIT_INPUT)
        except click.ClickException as exc:
            click.echo(f"错误: {exc.format_message()}", err=True)
            sys.exit(EXIT_INPUT)


def _options(
    repo: str, rev: str | None, staged: bool, as_of: str | None, policy: str | None, no_cache: bool
) -> Options:
    return Options(
        repo=repo_root(Path(repo)),
        rev=rev,
        staged=staged,
        as_of=parse_as_of(as_of),
        policy_dir=Path(policy) if policy else None,
        use_cache=not no_cache,
    )


_common = [
    click.option(
        "--repo", default=".", show_default=True, help="Records repository (contains records/)."
    ),
    click.option("--staged", is_flag=True, help="Check the staged index instead of the work tree."),
    click.option(
        "--as-of",
        "as_of",
        metavar="YYYY-MM-DD",
        envvar="GOVMEDIA_AS_OF",
        help="Reference date for absence rules (default: commit date, else today in China; "
        "env GOVMEDIA_AS_OF).",
    ),
    click.option(
        "--policy",
        metavar="DIR",
        help="Rulebook directory (default: <repo>/policy or the bundled one).",
    ),
    click.option("--no-cache", is_flag=True, help="Do not read or write the result cache."),
]


def common(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_common):
        fn = option(fn)
    return fn


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govmedia")
def main() -> None:
    """govmedia: 政务新媒体管理办法的规则引擎 (policy-as-code)."""


@main.command()
@click.argument("rev", required=False)
@common
@click.option("--base", metavar="REF", help="Report only violations not present at REF.")
@click.option(
    "--since",
    metavar="YYYY-MM-DD",
    help="Report only violations new since DATE (base = last commit before that date).",
)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "sarif", "junit", "github"]),
)
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]), show_default=True)
@click.option("--output", "-o", metavar="FILE", help="Write the report to FILE instead of stdout.")
def check(
    rev: str | None,
    repo: str,
    staged: bool,
    as_of: str | None,
    policy: str | None,
    no_cache: bool,
    base: str | None,
    since: str | None,
    fmt: str,
    lang: str,
    output: str | None,
) -> None:
    """Check records at REV (a commit), the staged index (--staged) or the work tree."""
    from engine.commands import check as cmd

    _guard(
        lambda: cmd.run(
            _options(repo, rev, staged, as_of, policy, no_cache), base, fmt, lang, output, since
        )
    )


@main.command()
@click.argument("rev", default="HEAD")
@click.option("--repo", default=".", show_default=True)
@click.option("--max-count", type=int, default=None, help="Look at the newest N commits only.")
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]))
def audit(rev: str, repo: str, max_count: int | None, fmt: str) -> None:
    """List reviews recorded in git after the posts they approve (back-filled paperwork)."""
    from engine.commands import audit as cmd

    _guard(lambda: cmd.run(repo_root(Path(repo)), rev, max_count, fmt))


@main.group()
def hook() -> None:
    """Pre-commit hook: block commits that add violations."""


@hook.command("run")
@click.option("--repo", default=".", show_default=True)
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", envvar="GOVMEDIA_AS_OF")
@click.option("--policy", metavar="DIR")
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]))
def hook_run(repo: str, as_of: str | None, policy: str | None, lang: str) -> None:
    """Check the staged index against HEAD (what a pre-commit hook runs)."""
    from engine.commands import hook as cmd

    _guard(lambda: cmd.run(_options(repo, None, True, as_of, policy, False), lang))


@hook.command("install")
@click.option("--repo", default=".", show_default=True)
def hook_install(repo: str) -> None:
    """Install a plain git pre-commit hook (for repositories without the pre-commit framework)."""
    from engine.commands import hook as cmd

    _guard(lambda: cmd.install(repo_root(Path(repo))))


def _accept(repo: str, as_of: str | None, fingerprint: str, reason: str) -> None:
    from engine.commands import accept as cmd

    _guard(lambda: cmd.run(_options(repo, None, True, as_of, None, True), fingerprint, reason))


_accept_options = [
    click.argument("fingerprint"),
    click.option("--reason", required=True, help="说明:记录的是已经发生的事,为什么现在才登记。"),
    click.option("--repo", default=".", show_default=True, help="记录仓库(含 records/)。"),
    click.option(
        "--as-of",
        "as_of",
        metavar="YYYY-MM-DD",
        envvar="GOVMEDIA_AS_OF",
        help="检查日期(默认今天,北京时间;环境变量 GOVMEDIA_AS_OF)。",
    ),
]
_ACCEPT_HELP = "如实登记:声明指纹为 FINGERPRINT 的违规是照实记录的已发生的事(写入 records/acknowledgements/,与记录一起提交;仍是违规,不是豁免)。"
hook_accept = hook.command("accept", help=_ACCEPT_HELP)(_accept)
main.command("accept", help=_ACCEPT_HELP)(_accept)
for _option in _accept_options:
    _option(hook_accept)
    _option(main.commands["accept"])


@main.command()
@click.option("--repo", default=".", show_default=True)
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD")
@click.option("--policy", metavar="DIR")
@click.option(
    "--check",
    "check_dir",
    metavar="DIR",
    help="校验规则目录(格式、事实类型与字段、参数)并运行其用例;供规则作者和 CI 使用。",
)
def rules(repo: str, as_of: str | None, policy: str | None, check_dir: str | None) -> None:
    """List the articles, their kinds and rule versions with effective periods."""
    from engine.commands import rules as cmd

    if check_dir:
        _guard(lambda: cmd.check_rulebook(Path(check_dir)))
    _guard(lambda: cmd.run(_options(repo, None, False, as_of, policy, True)))


@main.command()
@click.argument("target")
@common
@click.argument("rev", required=False)
@click.option("--lang", default="zh", type=click.Choice(["zh", "en"]), show_default=True)
def explain(
    target: str,
    rev: str | None,
    repo: str,
    staged: bool,
    as_of: str | None,
    policy: str | None,
    no_cache: bool,
    lang: str,
) -> None:
    """Explain a violation (by FINGERPRINT) or an article (art-NN)."""
    from engine.commands import explain as cmd

    _guard(lambda: cmd.run(_options(repo, rev, staged, as_of, policy, no_cache), target, lang))


@main.command(context_settings={"ignore_unknown_options": False})
@click.argument("kind", required=False)
@click.option("--repo", default=".", show_default=True)
@click.option(
    "--set",
    "values",
    multiple=True,
    metavar="KEY=VALUE",
    help="字段的值,例如 --set account=wx-xxx;其余字段在终端中逐项询问。",
)
@click.option(
    "--path",
    "target",
    metavar="FILE",
    help="写到哪个文件(默认: 这类记录的标准位置)。",
)
def new(kind: str | None, repo: str, values: tuple[str, ...], target: str | None) -> None:
    """新建一条记录 KIND(unit 单位、account 账号、post 发布、message 留言、answer 留言答复、
    evidence 制度与预案、calendar 工作日历、opening/closure-decision/filing/notice/closure
    关停各步骤、contract 委托合同、responsible 专人负责、incident 安全事件、
    rectification-order 整改通知、sanction 处置措施、waiver 豁免、signer 签名人员、
    acknowledgement 如实登记)。不会覆盖或改写已有的内容;Ctrl-C 或 Ctrl-D 取消。"""
    from engine.commands import new as cmd

    _guard(lambda: cmd.run(repo_root(Path(repo)), kind, list(values), target))


@main.command()
@common
@click.option("--unit", "units", multiple=True, metavar="ID", help="只看这个单位(可多次)。")
@click.option("--account", "accounts", multiple=True, metavar="ID", help="只看这个账号(可多次)。")
@click.option("--within", default=7, show_default=True, metavar="DAYS", help="未来几天内到期。")
@click.option("--format", "fmt", default="text", type=click.Choice(["text", "json"]))
def due(repo: str, staged: bool, as_of: str | None, policy: str | None, no_cache: bool,
        units: tuple[str, ...], accounts: tuple[str, ...], within: int, fmt: str) -> None:  # fmt: skip
    """列出即将到期和已逾期的事项:每周更新、留言答复、关停、整改、合同、负责人、豁免等。"""
    from engine.commands import due as cmd

    _guard(lambda: cmd.run(_options(repo, None, staged, as_of, policy, no_cache), units, accounts, within, fmt))  # fmt: skip


@main.command()
@click.option("--repo", default=".", show_default=True)
@click.option(
    "--ref", default="HEAD", show_default=True, help="Commit whose records the site shows."
)
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD")
@click.option("--output", "-o", "site_dir", default="build/site", show_default=True)
@click.option(
    "--config", "config_file", default=None, help="mkdocs.yml to use (default: <repo>/mkdocs.yml)."
)
def site(repo: str, ref: str, as_of: str | None, site_dir: str, config_file: str | None) -> None:
    """Build the public site (rulebook and compliance status) with MkDocs."""
    from engine.commands import site as cmd

    _guard(
        lambda: cmd.run(repo_root(Path(repo)), ref, parse_as_of(as_of), Path(site_dir), config_file)
    )


_KIND = click.Choice(["posts", "messages"])


@main.command("import")
@click.argument("kind", type=_KIND)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--repo", default=".", show_default=True, help="记录仓库的根目录。")
@click.option("--account", metavar="ID", help="台账没有「账号」列时,所有行所属的账号 id。")
@click.option("--dry-run", is_flag=True, help="只显示将写入哪些文件、哪些条目,不写入。")
@click.option("--template", is_flag=True, help="不导入,而是把 KIND 台账的模板写到 FILE(.xlsx)。")
def import_(
    kind: str, file: Path, repo: str, account: str | None, dry_run: bool, template: bool
) -> None:
    """导入台账:把信息发布审核台账(posts)或留言台账(messages)的 .xlsx/.csv 追加到记录中。

    已导入过的行(同一账号、同一时间、同一标题)不会重复;有任何一行出错则什么都不写。
    """
    from engine.commands import ledger as cmd

    if template:
        _guard(lambda: cmd.template(kind, file))
    _guard(lambda: cmd.run_import(repo_root(Path(repo)), kind, file, account, dry_run))


@main.command("export")
@click.argument("kind", type=_KIND)
@click.option("--repo", default=".", show_default=True, help="记录仓库的根目录。")
@click.option("--account", metavar="ID", required=True, help="账号 id。")
@click.option("--month", metavar="YYYY-MM", required=True, help="导出哪个月。")
@click.option("--output", "-o", metavar="FILE.xlsx", required=True, type=click.Path(path_type=Path))
def export(kind: str, repo: str, account: str, month: str, output: Path) -> None:
    """把一个账号一个月的记录导出为台账 .xlsx(与导入模板的列相同),供向上报送。

    导出的文件含审核人、留言人等不公开的信息,是本单位自己的文件,不要公开发布。
    """
    from engine.commands import ledger as cmd

    _guard(lambda: cmd.run_export(repo_root(Path(repo)), kind, account, month, output))


if __name__ == "__main__":  # pragma: no cover
    main()
