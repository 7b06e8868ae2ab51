"""``govmedia site``: build the public site with MkDocs and the govmedia plugin."""

from __future__ import annotations

import io
import json
import logging
import time
from datetime import date
from importlib import resources
from pathlib import Path
from typing import IO

import click

from engine import gitsafe, snapshot
from engine.errors import InputError
from engine.resources import theme_dir

PLUGIN = "govmedia"


def run(repo: Path, ref: str, as_of: date | None, site_dir: Path, config_file: str | None) -> int:
    # Imported here: MkDocs is only needed by this command.
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    git_repo = snapshot.open_repo(repo)
    if not (ref == "HEAD" and not gitsafe.has_commits(git_repo)):
        snapshot.resolve_commit(git_repo, ref)  # a bad ref is bad input: exit 2
    config_path = Path(config_file) if config_file else repo / "mkdocs.yml"
    if config_file and not config_path.is_file():
        raise InputError(
            f"找不到站点配置文件 {config_path}",
            hint="检查 --config 后的路径;不写 --config 时使用仓库中的 mkdocs.yml 或 govmedia 自带的设置。",
        )
    _quiet_mkdocs()
    started = time.perf_counter()
    try:
        source: str | IO[bytes] = str(config_path)
        if not config_path.is_file():  # no local mkdocs.yml: the bundled defaults
            source = io.BytesIO(default_config().encode("utf-8"))
        config = load_config(config_file=source, site_dir=str(site_dir.resolve()))
        plugin = config.plugins.get(PLUGIN)
        if plugin is None:
            raise InputError(
                f"{config_path} 没有启用 govmedia 插件",
                hint="在 mkdocs.yml 的 plugins 中加入 govmedia。",
            )
        plugin.config.repo = str(repo.resolve())
        plugin.config.ref = ref
        if as_of is not None:
            plugin.config.as_of = as_of.isoformat()
        build(config)
    except MkDocsException as exc:
        # The plugin wraps bad input (records, ref, policy) in a PluginError, which
        # MkDocs turns into an Abort: report the original, with its path and hint.
        link: BaseException | None = exc
        stopped: str | None = None
        while link is not None:
            if isinstance(link, InputError):
                raise link from None
            if stopped is None and str(link).startswith("govmedia: "):
                stopped = str(link).removeprefix("govmedia: ")  # the plugin stopped the build
            link = link.__cause__ or link.__context__
        if stopped is not None:
            raise InputError(
                stopped, hint="站点没有生成完;按上面的说明检查所说的页面或文件。"
            ) from exc
        raise InputError(f"生成站点失败: {exc}", hint="检查 mkdocs.yml 的设置。") from exc
    seconds = time.perf_counter() - started
    click.echo(f"站点已生成: {site_dir.resolve() / 'index.html'}({seconds:.1f} 秒)")
    return 0


def default_config() -> str:
    """The bundled mkdocs.yml, pointed at the theme shipped with govmedia."""
    text = resources.files("engine.site").joinpath("mkdocs-default.yml").read_text("utf-8")
    theme = theme_dir()
    # JSON strings are YAML strings: a path with spaces or colons stays one value.
    return text.replace("__DOCS_DIR__", json.dumps(theme.as_posix())).replace(
        "__CUSTOM_DIR__", json.dumps((theme / "overrides").as_posix())
    )


def _quiet_mkdocs() -> None:
    """Show MkDocs warnings and errors on stderr, not its progress chatter.

    The plugin's own errors are left out: they are re-raised as InputError and
    printed once by the CLI.
    """
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        handler.addFilter(lambda record: not str(record.msg).startswith("govmedia: "))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
