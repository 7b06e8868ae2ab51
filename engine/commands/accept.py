"""``govmedia hook accept FINGERPRINT --reason …`` (also ``govmedia accept``): record that a
violation is recorded as it really happened (如实登记).

It writes ``records/acknowledgements/<日期>-<指纹>.toml``, to be committed together with
the record that shows the violation. The violation is not waived: it stays a violation
in ``check`` and on the site, counted, and marked 如实登记; only the hook lets a *new*
violation through when its acknowledgement is added in the same commit.
"""

from __future__ import annotations

import re
from datetime import datetime

import click

from engine import gitsafe, snapshot
from engine.commands.common import Options, run_evaluation
from engine.errors import InputError
from engine.labels import article_zh
from engine.scaffold import place, table
from engine.timeutil import CHINA_TZ
from engine.violations import Violation

_FINGERPRINT = re.compile(r"^[0-9a-f]{16}$")


def _find(opts: Options, fingerprint: str) -> Violation | None:
    """The violation with this fingerprint in the staged index, else in the work tree."""
    repo = snapshot.open_repo(opts.repo)
    where = [True, False] if gitsafe.has_commits(repo) or gitsafe.ls_files(repo) else [False]
    for staged in where:
        result = run_evaluation(opts, staged=staged)
        for v in result.violations:
            if v.fingerprint == fingerprint:
                return v
    return None


def run(opts: Options, fingerprint: str, reason: str) -> int:
    fingerprint = fingerprint.strip().lower()
    if not _FINGERPRINT.match(fingerprint):
        raise InputError(
            f"「{fingerprint}」不是违规指纹",
            hint="指纹是检查报告中「指纹」后面的 16 位字母数字,例如 3f2a9c0d11e4b7a8。",
        )
    if not reason.strip():
        raise InputError(
            "缺少说明:--reason 不能为空",
            hint="写明记录的是已经发生的事、为什么现在才登记,例如 "
            '--reason "11 月 24 日收到的留言,12 月 4 日补登记,答复时间照实填写"。',
        )
    violation = _find(opts, fingerprint)
    if violation is None:
        raise InputError(
            f"暂存区和工作区中都没有指纹为 {fingerprint} 的违规",
            hint="先用 git add 暂存要提交的记录,再运行 govmedia check --staged 查看违规及其指纹。",
        )
    if violation.acknowledged:
        raise InputError(
            "这处违规已经如实登记过,不会重复登记",
            path=violation.acknowledged,
            hint="无需再登记;把这个文件与记录一起提交即可。",
        )
    kind = table.KINDS["acknowledgement"]
    today = datetime.now(CHINA_TZ).date()
    data = {
        "fingerprint": fingerprint,
        "reason": reason.strip(),
        "recorded": today,
        "rule": violation.check_id,
        "target": violation.path,
        "message": violation.message,
    }
    rel = place.standard_path(kind, data)
    place.find_duplicate_file(opts.repo, kind, rel, data)
    place.write_new(opts.repo, kind, rel, data)
    click.echo(
        f"已写入 {rel}:{violation.path} 的{article_zh(violation.article)}违规"
        f"「{violation.message}」如实登记。\n"
        f"  请把它与记录一起提交: git add {rel} 后再次 git commit。\n"
        "  如实登记不是豁免:这处违规仍在检查结果和网站上列出、照常计数,并标注「如实登记」;"
        "不计入违规只能由主管单位登记豁免。"
    )
    return 0
