"""Command line: thin wrappers; each command's work lives in engine/commands/."""

from __future__ import annotations

import gc
import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from engine import i18n
from engine.commands.common import Options, parse_as_of, repo_root
from engine.errors import EngineError, InputError
from engine.labels import NEW_KIND, UNIT_TYPE

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
    except click.exceptions.Abort:  # Ctrl-D or Ctrl-C at a question
        click.echo("已取消,未写入任何文件。", err=True)
        sys.exit(EXIT_INPUT)
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


# A command runs once and exits: the collector looks for cycles every 100,000 new
# containers instead of every 700, as in the workers (engine/pool.py). Reading records
# and the cache makes many short-lived containers and almost no cycles; the hook spends
# a sixth of its time in collections otherwise.
gc.set_threshold(100_000, 50, 50)

i18n.install()


class _Command(click.Command):
    context_class = i18n.Context


class _Group(click.Group):
    context_class = i18n.Context
    command_class = _Command
    group_class = type  # subgroups are _Group too

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("standalone_mode", True)
        i18n.choose(list(args[0] if args else kwargs.get("args") or sys.argv[1:]))
        _install_signal_handlers()
        try:
            return super().main(*args, **{**kwargs, "standalone_mode": False})
        except KeyboardInterrupt as exc:
            _interrupted(exc)
        except click.exceptions.Abort as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):  # click's own handling of Ctrl-C
                _interrupted(exc.__cause__)
            click.echo("已取消,未写入任何文件。", err=True)
            sys.exit(EXIT_INPUT)
        except click.UsageError as exc:
            sub = (
                exc.ctx.command_path.split(" ", 1)[-1] + " "
                if exc.ctx and " " in exc.ctx.command_path
                else ""
            )
            if i18n.lang() == "en":
                click.echo(
                    f"Usage error: {exc.format_message()}\n  See govmedia {sub}--help.", err=True
                )
            else:
                click.echo(
                    f"用法错误: {exc.format_message()}\n  用 govmedia {sub}--help 查看用法。",
                    err=True,
                )
            sys.exit(EXIT_INPUT)
        except click.ClickException as exc:
            click.echo(f"错误: {exc.format_message()}", err=True)
            sys.exit(EXIT_INPUT)


def _subcommand(ctx: click.Context | None) -> str:
    """``check `` for an error in ``govmedia check``, whatever the program was called."""
    names = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return " ".join(reversed(names)) + " " if names else ""


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


REPO_HELP = "记录仓库的目录(含 records/ 的目录)。"
AS_OF_HELP = (
    "检查日,用于「每周更新」等看日期的规则(默认: 提交的日期,工作区和暂存区为北京时间今天;"
    "也可用环境变量 GOVMEDIA_AS_OF)。"
)
POLICY_HELP = "规则集目录(默认: 仓库中的 policy/,没有时用 govmedia 自带的)。"
LANG_HELP = "消息的语言: zh 中文,en 英文(也可用环境变量 GOVMEDIA_LANG)。"

i18n.en(
    {
        REPO_HELP: "Records repository (contains records/).",
        "检查暂存区(将要提交的内容),而不是工作区。": "Check the staged index instead of the work tree.",
        AS_OF_HELP: "Reference date for absence rules (default: commit date, else today in "
        "China; env GOVMEDIA_AS_OF).",
        POLICY_HELP: "Rulebook directory (default: <repo>/policy or the bundled one).",
        "不读也不写检查结果的缓存。": "Do not read or write the result cache.",
        LANG_HELP: "Language of messages: zh Chinese, en English (env GOVMEDIA_LANG).",
    }
)


def _lang_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--lang",
        default="zh",
        type=click.Choice(["zh", "en"]),
        envvar="GOVMEDIA_LANG",
        show_default=True,
        help=LANG_HELP,
    )(fn)


_common = [
    click.option("--repo", default=".", show_default=True, metavar="目录", help=REPO_HELP),
    click.option("--staged", is_flag=True, help="检查暂存区(将要提交的内容),而不是工作区。"),
    click.option(
        "--as-of",
        "as_of",
        metavar="YYYY-MM-DD",
        envvar="GOVMEDIA_AS_OF",
        help=AS_OF_HELP,
    ),
    click.option("--policy", metavar="目录", help=POLICY_HELP),
    click.option("--no-cache", is_flag=True, help="不读也不写检查结果的缓存。"),
    click.option(
        "--trust-root",
        metavar="文件",
        expose_value=False,
        callback=lambda _ctx, _param, value: _set_trust_root(value),
        help="签名授权的信任根(默认: 安装的规则集中的 policy/trust-root.toml;"
        "也可用环境变量 GOVMEDIA_TRUST_ROOT)。",
    ),
]


def _set_trust_root(value: str | None) -> None:
    """``--trust-root FILE``: read by engine/authority.py (and the site plugin) from the env."""
    if value:
        os.environ["GOVMEDIA_TRUST_ROOT"] = str(Path(value).resolve())


def common(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_common):
        fn = option(fn)
    return fn


_repo = click.option("--repo", default=".", show_default=True, metavar="目录", help=REPO_HELP)
_as_of = click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", envvar="GOVMEDIA_AS_OF", help=AS_OF_HELP
)
_policy = click.option("--policy", metavar="目录", help=POLICY_HELP)

i18n.en(
    {
        "govmedia:《新巴尔虎右旗政务新媒体管理办法(试行)》的规则检查工具。": "govmedia: the rules engine "
        "of the banner's measures for government new-media accounts (policy-as-code).",
        "检查记录:某次提交(写提交号)、暂存区(--staged)或工作区(默认)。": "Check records at "
        "REV (a commit), the staged index (--staged) or the work tree.",
        "只报告对照的那次提交中没有的违规(与之相比新增的)。": "Report only "
        "violations not present at REF.",
        "只报告这一天以来新增的违规(与这一天之前的最后一次提交相比)。": "Report only violations "
        "new since DATE (base = last commit before that date).",
        "报告格式。": "Report format.",
        "把报告写入文件,而不是显示在屏幕上。": "Write the report to FILE instead of stdout.",
        "列出发布之后才补录进 git 的审核(补填的台账)。": "List reviews recorded in git after "
        "the posts they approve (back-filled paperwork).",
        "只看最近的 N 次提交。": "Look at the newest N commits only.",
        "提交钩子:拦截新增违规的提交。": "Pre-commit hook: block commits that add violations.",
        "检查暂存区与上一次提交相比新增的违规(提交钩子运行的就是它)。": "Check the staged index "
        "against HEAD (what a pre-commit hook runs).",
        "安装普通 git 提交钩子(不用 pre-commit 框架的仓库)。": "Install a plain git pre-commit "
        "hook (for repositories without the pre-commit framework).",
        "列出各条款、规则类型和各版本的生效期间。": "List the articles, their kinds and rule "
        "versions with effective periods.",
        "解释一条违规(写指纹)或一个条款(第十三条、十三、13 或 art-13)。": "Explain a violation "
        "(by FINGERPRINT) or an article (第十三条, 13 or art-13).",
        "字段的值(字段名见 docs/records.md);其余字段在终端中逐项询问。": "Field values "
        "(field names in docs/records.md); the rest are asked for at the terminal.",
        "写到哪个文件(默认: 这类记录的标准位置)。": "Where to write (default: the standard "
        "place for KIND).",
        "用 MkDocs 生成公示网站(规则手册和合规状况)。": "Build the public site (rulebook and "
        "compliance status) with MkDocs.",
        "网站显示哪次提交的记录(默认: 最近一次提交)。": "Commit whose records the site shows "
        "(default: HEAD).",
        "网站生成到哪个目录。": "Directory to build the site into.",
        "使用的 mkdocs.yml(默认: 仓库中的 mkdocs.yml,没有时用 govmedia 自带的设置)。": "mkdocs.yml "
        "to use (default: <repo>/mkdocs.yml, else the bundled one).",
    }
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govmedia")
@click.option("--lang", type=click.Choice(["zh", "en"]), envvar="GOVMEDIA_LANG", help=LANG_HELP)
def main(lang: str | None) -> None:
    """govmedia:《新巴尔虎右旗政务新媒体管理办法(试行)》的规则检查工具。"""


@main.command()
@click.argument("rev", required=False, metavar="[提交]")
@common
@click.option(
    "--base",
    metavar="提交",
    help="只报告对照的那次提交中没有的违规(与之相比新增的)。",
)
@click.option(
    "--since",
    metavar="YYYY-MM-DD",
    help="只报告这一天以来新增的违规(与这一天之前的最后一次提交相比)。",
)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "sarif", "junit", "github"]),
    help="报告格式。",
)
@_lang_option
@click.option("--output", "-o", metavar="文件", help="把报告写入文件,而不是显示在屏幕上。")
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
    """检查记录:某次提交(写提交号)、暂存区(--staged)或工作区(默认)。"""
    from engine.commands import warm  # the report remembered, else the check itself

    _guard(
        lambda: warm.run(
            _options(repo, rev, staged, as_of, policy, no_cache), base, fmt, lang, output, since
        )
    )


@main.command()
@click.argument("rev", default="HEAD", metavar="[提交]")
@_repo
@click.option("--max-count", type=int, default=None, metavar="N", help="只看最近的 N 次提交。")
@click.option(
    "--format", "fmt", default="text", type=click.Choice(["text", "json"]), help="报告格式。"
)
def audit(rev: str, repo: str, max_count: int | None, fmt: str) -> None:
    """列出发布之后才补录进 git 的审核(补填的台账)。"""
    from engine.commands import audit as cmd

    _guard(lambda: cmd.run(repo_root(Path(repo)), rev, max_count, fmt))


@main.group()
def hook() -> None:
    """提交钩子:拦截新增违规的提交。"""


@hook.command("run")
@_repo
@_as_of
@_policy
@_lang_option
def hook_run(repo: str, as_of: str | None, policy: str | None, lang: str) -> None:
    """检查暂存区与上一次提交相比新增的违规(提交钩子运行的就是它)。"""
    from engine.commands import hook as cmd

    _guard(lambda: cmd.run(_options(repo, None, True, as_of, policy, False), lang))


@hook.command("install")
@_repo
def hook_install(repo: str) -> None:
    """安装普通 git 提交钩子(不用 pre-commit 框架的仓库)。"""
    from engine.commands import hook as cmd

    _guard(lambda: cmd.install(repo_root(Path(repo))))


def _accept(repo: str, as_of: str | None, fingerprint: str, reason: str) -> None:
    from engine.commands import accept as cmd

    _guard(lambda: cmd.run(_options(repo, None, True, as_of, None, True), fingerprint, reason))


_accept_options = [
    click.argument("fingerprint", metavar="指纹"),
    click.option("--reason", required=True, help="说明:记录的是已经发生的事,为什么现在才登记。"),
    _repo,
    click.option(
        "--as-of",
        "as_of",
        metavar="YYYY-MM-DD",
        envvar="GOVMEDIA_AS_OF",
        help="检查日期(默认今天,北京时间;环境变量 GOVMEDIA_AS_OF)。",
    ),
]
_ACCEPT_HELP = "如实登记:声明这条违规(写它的指纹)是照实记录的已发生的事(写入 records/acknowledgements/,与记录一起提交;仍是违规,不是豁免)。"
hook_accept = hook.command("accept", help=_ACCEPT_HELP)(_accept)
main.command("accept", help=_ACCEPT_HELP)(_accept)
for _option in _accept_options:
    _option(hook_accept)
    _option(main.commands["accept"])


@main.command()
@_repo
@_as_of
@_policy
@click.option(
    "--check",
    "check_dir",
    metavar="目录",
    help="校验一个规则目录(格式、事实类型与字段、参数)并运行其中的用例;供规则作者和持续集成使用。",
)
def rules(repo: str, as_of: str | None, policy: str | None, check_dir: str | None) -> None:
    """列出各条款、规则类型和各版本的生效期间。"""
    from engine.commands import rules as cmd

    if check_dir:
        _guard(lambda: cmd.check_rulebook(Path(check_dir)))
    _guard(lambda: cmd.run(_options(repo, None, False, as_of, policy, True)))


@main.command()
@click.argument("target", metavar="指纹或条款")
@common
@click.argument("rev", required=False, metavar="[提交]")
@_lang_option
@click.option(
    "--details", is_flag=True, help="同时显示判断条件、消息模板和事实的全部字段(给维护规则的人)。"
)
def explain(
    target: str,
    rev: str | None,
    repo: str,
    staged: bool,
    as_of: str | None,
    policy: str | None,
    no_cache: bool,
    lang: str,
    details: bool,
) -> None:
    """解释一条违规(写指纹)或一个条款(第十三条、十三、13 或 art-13)。"""
    from engine.commands import explain as cmd

    _guard(
        lambda: cmd.run(_options(repo, rev, staged, as_of, policy, no_cache), target, lang, details)
    )


_NEW_HELP = (
    f"新建一条记录。类别写中文名或 id:{'、'.join(NEW_KIND.values())};不写类别时从列表中选。"
    "不会覆盖或改写已有的内容;按 Ctrl-C 或 Ctrl-D 取消。"
)


@main.command(context_settings={"ignore_unknown_options": False}, help=_NEW_HELP)
@click.argument("kind", required=False, metavar="类别")
@_repo
@click.option(
    "--set",
    "values",
    multiple=True,
    metavar="字段=值",
    help="字段的值(字段名见 docs/records.md);其余字段在终端中逐项询问。",
)
@click.option(
    "--path",
    "target",
    metavar="文件",
    help="写到哪个文件(默认: 这类记录的标准位置)。",
)
def new(kind: str | None, repo: str, values: tuple[str, ...], target: str | None) -> None:
    from engine.commands import new as cmd

    _guard(lambda: cmd.run(repo_root(Path(repo)), kind, list(values), target))


@main.command()
@common
@click.option("--unit", "units", multiple=True, metavar="单位id", help="只看这个单位(可多次)。")
@click.option(
    "--account", "accounts", multiple=True, metavar="账号id", help="只看这个账号(可多次)。"
)
@click.option("--within", default=7, show_default=True, metavar="天数", help="未来几天内到期。")
@click.option(
    "--format", "fmt", default="text", type=click.Choice(["text", "json"]),
    help="输出格式: text 文字(默认),json 供程序读取。",
)  # fmt: skip
def due(repo: str, staged: bool, as_of: str | None, policy: str | None, no_cache: bool,
        units: tuple[str, ...], accounts: tuple[str, ...], within: int, fmt: str) -> None:  # fmt: skip
    """列出即将到期和已逾期的事项:每周更新、留言答复、关停、整改、合同、负责人、豁免等。"""
    from engine.commands import due as cmd

    _guard(lambda: cmd.run(_options(repo, None, staged, as_of, policy, no_cache), units, accounts, within, fmt))  # fmt: skip


@main.command()
@_repo
@click.option(
    "--ref", default="HEAD", metavar="提交", help="网站显示哪次提交的记录(默认: 最近一次提交)。"
)
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help=AS_OF_HELP)
@click.option(
    "--output", "-o", "site_dir", default="build/site", show_default=True, metavar="目录",
    help="网站生成到哪个目录。",
)  # fmt: skip
@click.option(
    "--config",
    "config_file",
    default=None,
    metavar="文件",
    help="使用的 mkdocs.yml(默认: 仓库中的 mkdocs.yml,没有时用 govmedia 自带的设置)。",
)
def site(repo: str, ref: str, as_of: str | None, site_dir: str, config_file: str | None) -> None:
    """用 MkDocs 生成公示网站(规则手册和合规状况)。"""
    from engine.commands import site as cmd

    _guard(
        lambda: cmd.run(repo_root(Path(repo)), ref, parse_as_of(as_of), Path(site_dir), config_file)
    )


_KIND = click.Choice(["posts", "messages"])


@main.command("import")
@click.argument("kind", metavar="台账", type=_KIND)
@click.argument("file", metavar="文件", type=click.Path(path_type=Path))
@_repo
@click.option("--account", metavar="账号id", help="台账没有「账号」列时,所有行所属的账号 id。")
@click.option("--dry-run", is_flag=True, help="只显示将写入哪些文件、哪些条目,不写入。")
@click.option("--template", is_flag=True, help="不导入,而是把这种台账的模板写到所给文件(.xlsx)。")
def import_(
    kind: str, file: Path, repo: str, account: str | None, dry_run: bool, template: bool
) -> None:
    """导入台账:把信息发布审核台账或留言台账(.xlsx/.csv)追加到记录中。

    台账写 posts(信息发布审核台账)或 messages(留言台账)。

    已导入过的行(同一账号、同一时间、同一标题)不会重复;有任何一行出错则什么都不写。
    """
    from engine.commands import ledger as cmd

    if template:
        _guard(lambda: cmd.template(kind, file))
    _guard(lambda: cmd.run_import(repo_root(Path(repo)), kind, file, account, dry_run))


@main.command("export")
@click.argument("kind", metavar="台账", type=_KIND)
@_repo
@click.option("--account", metavar="账号id", required=True, help="账号 id。")
@click.option("--month", metavar="年-月", required=True, help="导出哪个月。")
@click.option(
    "--output", "-o", metavar="文件.xlsx", required=True, type=click.Path(path_type=Path),
    help="写到哪个 .xlsx 文件(已有的文件不覆盖)。",
)  # fmt: skip
def export(kind: str, repo: str, account: str, month: str, output: Path) -> None:
    """把一个账号一个月的记录导出为台账 .xlsx(与导入模板的列相同),供向上报送。

    导出的文件含审核人、留言人等不公开的信息,是本单位自己的文件,不要公开发布。
    """
    from engine.commands import ledger as cmd

    _guard(lambda: cmd.run_export(repo_root(Path(repo)), kind, account, month, output))


i18n.en(
    {
        "建立一个单位(或全旗)的记录仓库:records/、.gitignore、提交钩子和说明。": "Start a records "
        "repository for a unit (or the banner): records/, .gitignore, the hook and a README.",
    }
)


@main.command("init")
@click.argument("directory", default=".", metavar="[目录]")
@click.option(
    "--banner", "scope", flag_value="banner", default=None, help="全旗的记录仓库(主管单位使用)。"
)
@click.option("--unit", "scope", flag_value="unit", help="一个单位的记录仓库。")
@click.option("--id", "unit", metavar="单位id", help="本单位的 id(小写字母、数字和连字符,如 lcj)。")
@click.option("--name", metavar="名称", help="本单位的全称。")
@click.option("--type", "unit_type", type=click.Choice(list(UNIT_TYPE)), help="本单位的类型。")
@click.option("--office", metavar="名称", help="本单位负责政务新媒体工作的办公室。")
@click.option(
    "--sector", "sectors", multiple=True, metavar="领域",
    help="旗直部门的职能涉及的领域(第十条;可多次):经济发展、民生、社会管理或其他。",
)  # fmt: skip
@click.option(
    "--supervisor", metavar="单位id", help="主管单位的 id(默认为规则集第六条所定的主管单位)。"
)
@click.option(
    "--supervisor-name",
    metavar="名称",
    help="主管单位的全称(默认为规则集第六条所定的全称)。",
)
@click.option(
    "--hook",
    type=click.Choice(["plain", "pre-commit", "none"]),
    help="提交钩子: plain 普通 git 钩子,pre-commit 用 pre-commit 框架,none 暂不安装。",
)
@click.option("--source", metavar="地址", help="pre-commit 框架取 govmedia 的 git 仓库地址。")
@click.option("--rev", metavar="版本", help="pre-commit 框架使用的 govmedia 版本(标签或提交号)。")
def init_cmd(directory: str, scope: str | None, **answers: Any) -> None:
    """建立一个单位(或全旗)的记录仓库:records/、.gitignore、提交钩子和说明。"""
    from engine.commands import init as cmd

    banner = None if scope is None else scope == "banner"
    _guard(lambda: cmd.run(cmd.gather(Path(directory), banner=banner, **answers)))


i18n.en(
    {
        "签名密钥。": "Signing keys.",
        "同时显示判断条件、消息模板和事实的全部字段(给维护规则的人)。": "Also show conditions, "
        "message templates and every field of the fact (for rulebook maintainers).",
        "生成 SSH 签名密钥,设置本仓库用它签名提交,并显示要登记进授权名录的几行。": "Create an "
        "SSH signing key, set up git signing for the repository and print the entry to register.",
        "单独签名提交一个豁免或监管记录(暂存区里有别的改动时拒绝)。": "Commit one waiver or "
        "supervision record on its own, signed (refused when other changes are staged).",
    }
)


@main.group()
def key() -> None:
    """签名密钥。"""


@key.command("new")
@_repo
@click.option(
    "--file", "key_file", metavar="文件", help="私钥文件(默认 ~/.ssh/govmedia_signing,已有时沿用)。"
)
@click.option("--unit", metavar="单位id", help="登记给哪个单位(records/units/ 下的目录名)。")
@click.option("--name", metavar="名称", help="签名人的姓名或岗位(不公开)。")
def key_new(repo: str, key_file: str | None, unit: str | None, name: str | None) -> None:
    """生成 SSH 签名密钥,设置本仓库用它签名提交,并显示要登记进授权名录的几行。"""
    from engine.commands import signing as cmd

    _guard(lambda: cmd.key_new(repo_root(Path(repo)), key_file, unit, name))


@main.command()
@click.argument("file", metavar="文件")
@_repo
@click.option("--yes", "-y", is_flag=True, help="不询问,直接签名提交。")
def approve(file: str, repo: str, yes: bool) -> None:
    """单独签名提交一个豁免或监管记录(暂存区里有别的改动时拒绝)。"""
    from engine.commands import signing as cmd

    _guard(lambda: cmd.approve(repo_root(Path(repo)), file, yes))


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="govmedia")
