"""Build facts from small hand-made record sets, without git or the rule engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import cache, partial

from engine import banner, records
from engine.cases import bundled_policy_dir
from engine.facts import Context, Fact, load_builders, undeclared
from engine.policy import Policy
from engine.policy import load as load_policy
from engine.snapshot import git_blob_id

MEASURES = date(2020, 8, 29)

UNIT = """name = "新巴尔虎右旗政务服务局"
type = "department"
supervising_office = "办公室"
sectors = ["other"]
"""


def account(platform: str = "wechat-official", opened: str = "2021-01-04", **extra: str) -> str:
    """account.toml text; ``extra`` values are TOML literals (quote strings yourself)."""
    lines = [
        'name = "政务服务发布"',
        f'platform = "{platform}"',
        'unit = "zwfwj"',
        f"opened = {opened}",
    ]
    lines += [f"{k} = {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def make_context(files: dict[str, str], as_of: date, judged_from: date = MEASURES) -> Context:
    """A context over ``files`` (paths relative to records/, TOML text), posts attached,
    with the bundled rulebook (builders read other articles' parameters from it)."""
    load_builders()
    loaded = [
        records.load_record(f"records/{rel}", git_blob_id(text.encode()), partial(_bytes, text))
        for rel, text in sorted(files.items())
    ]
    found = [r for r in loaded if r is not None]
    the_banner = banner.build([r for r in found if r.kind != "posts"])
    for entry in the_banner.accounts.values():
        own = [r for r in found if r.kind == "posts" and r.ids["account"] == entry.id]
        banner.attach_posts(entry, own)
    return Context(the_banner, the_banner.calendar(), as_of, judged_from, rulebook())


@cache
def rulebook() -> Policy:
    """The bundled policy, loaded once."""
    return load_policy(bundled_policy_dir())


def _bytes(text: str) -> bytes:
    return text.encode()


def account_facts(
    builder: Callable[[Context, banner.AccountFiles], Iterable[Fact]],
    files: dict[str, str],
    as_of: date,
    account_id: str = "wx",
    judged_from: date = MEASURES,
) -> list[Fact]:
    ctx = make_context(files, as_of, judged_from)
    return checked(builder(ctx, ctx.banner.accounts[account_id]))


def banner_facts(
    builder: Callable[[Context], Iterable[Fact]], files: dict[str, str], as_of: date
) -> list[Fact]:
    return checked(builder(make_context(files, as_of)))


def checked(facts: Iterable[Fact]) -> list[Fact]:
    """The facts, each asserted to keep to its kind's declaration."""
    out = list(facts)
    for fact in out:
        assert undeclared(fact) == [], undeclared(fact)
    return out


def base(**more: str) -> dict[str, str]:
    """One unit ``zwfwj`` and one WeChat account ``wx`` opened 2021-01-04, plus ``more``."""
    return {"units/zwfwj/unit.toml": UNIT, "accounts/wx/account.toml": account(), **more}
