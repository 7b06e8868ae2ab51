"""Content facts (articles 16, 17): coordination with units a post concerns; reposts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import date

from engine.banner import AccountFiles
from engine.errors import InputError
from engine.facts import Context, Fact, FactValue, account_fact, declare, parameter
from engine.records import Record
from engine.timeutil import iso_local, parse_datetime

# A repost label: 转载, or 转自 followed by the source's name (policy/art-17.toml, choices).
_LABEL = r"(?:转载|转自[^:|丨\s【】\[\]()〔〕「」『』<>《》—-]*)"
_OPEN = r"[【\[(〔「『<《]"
_CLOSE = r"[】\])〕」』>》]"
# After NFKC (full-width forms folded), at the start or the end of a title:
# 【转载】 [转载] (转自新华社) ..., 转载: 转自新华社| 转载—— ..., and trailing ——转自新华社.
_LEADING_LABEL = re.compile(
    rf"^\s*(?:{_OPEN}\s*{_LABEL}\s*{_CLOSE}|{_LABEL}\s*(?:[:|丨]|—+|-+|\s))\s*"
)
_TRAILING_LABEL = re.compile(
    rf"\s*(?:{_OPEN}\s*{_LABEL}\s*{_CLOSE}|(?:—+|-+|[|丨])\s*{_LABEL})\s*$"
)
# Punctuation that changes a number's value is kept: %, ‰ anywhere, any mark between
# two digits (5.2, 1,000, 1-3, 1:2), a minus sign in front of a digit that does not follow one.
# Question and exclamation marks are kept too: they turn an assertion into a question
# (「网传……全面停暖?」) or carry emphasis; NFKC folds ？ and ！ into them first.
_KEEP = frozenset("%‰?!")
# Title separators that Unicode does not class as punctuation.
_SEPARATORS = frozenset("|丨")


def _strip_labels(text: str) -> str:
    while True:
        stripped = _TRAILING_LABEL.sub("", _LEADING_LABEL.sub("", text, count=1), count=1)
        if stripped == text or not stripped.strip():
            return text
        text = stripped


def normal_title(text: str) -> str:
    """A title as compared for a change of meaning (art. 17, see the rule's choices).

    Full-width and half-width forms are folded (NFKC); repost labels at the start or
    end are dropped; white space, punctuation of any script (quotes of every style
    included) and the separators | 丨 do not count, except the marks that carry a
    number's value. Letters (case included), digits and other symbols are compared
    as they are.
    """
    text = _strip_labels(unicodedata.normalize("NFKC", text))
    out: list[str] = []
    for i, ch in enumerate(text):
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        in_number = (before.isdigit() and after.isdigit() and not ch.isspace()) or (
            ch == "-" and after.isdigit() and not before.isdigit()
        )
        ignored = ch.isspace() or ch in _SEPARATORS or unicodedata.category(ch).startswith("P")
        if ch in _KEEP or in_number or not ignored:
            out.append(ch)
    return "".join(out)


def named_like_organ(ctx: Context, source: str, day: date) -> bool:
    """Whether ``source`` reads as the name of a party or government organ, by art-17's
    ``organ_name_pattern`` and not its ``non_organ_name_pattern`` (the version in force
    on ``day``): 中华人民共和国教育部, 呼伦贝尔市应急管理局, 中共呼伦贝尔市委宣传部; not
    an enterprise whose name happens to end in 局."""
    organ = parameter(ctx, "art-17", "organ_name_pattern", day)
    other = parameter(ctx, "art-17", "non_organ_name_pattern", day)
    if not isinstance(organ, str) or not source:
        return False
    if isinstance(other, str) and re.search(other, source):
        return False
    return re.search(organ, source) is not None


_UNIT_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _unit_key(ctx: Context, name: str, record: Record, line: int) -> str:
    """A unit a post concerns or coordinated with, as one comparable key: the id of a
    registered unit (written as its id or its full name), else the name of a unit outside
    the banner (art 16 is not limited to the banner's units). An unregistered value
    written like an id is a typing mistake: an input error."""
    name = name.strip()
    if name in ctx.banner.units:
        return name
    for unit_id, unit in ctx.banner.units.items():
        if str(unit.data["name"]) == name:
            return unit_id
    if _UNIT_ID.match(name):
        raise InputError(
            f"单位「{name}」不存在",
            path=record.path,
            line=line,
            hint="本旗单位写 records/units/ 下的目录名(单位 id)或单位全称;旗外单位写全称,"
            "例如「呼伦贝尔市司法局」。",
        )
    return name


POST_COORDINATION = declare(
    "post-coordination", {"concerned_units": int, "uncoordinated_units": int}
)


@account_fact("post-coordination")
def post_coordination(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Each post that concerns other units' work, with the units it did not coordinate with."""
    for record in files.posts:
        for i, post in enumerate(record.data["post"]):
            if "concerns_units" not in post and "coordinated_with" not in post:
                continue  # the usual post: concerns no other unit
            keys: dict[str, list[str]] = {}
            for field in ("concerns_units", "coordinated_with"):
                keys[field] = [
                    _unit_key(ctx, str(u), record, record.line("post", i, field))
                    for u in post.get(field, [])
                ]
            concerns = keys["concerns_units"]
            coordinated = set(keys["coordinated_with"])
            others = [u for u in dict.fromkeys(concerns) if u != files.unit]
            if not others:
                continue
            missing = [u for u in others if u not in coordinated]
            published = iso_local(parse_datetime(post["published"]))
            yield Fact(
                kind="post-coordination",
                key=f"{files.id}/post/{published}/coordination",
                day=parse_datetime(post["published"]).date(),
                record=record,
                where=("post", i, "concerns_units"),
                unit=files.unit,
                account=files.id,
                fields={"concerned_units": len(others), "uncoordinated_units": len(missing)},
                context={
                    "title": str(post["title"]),
                    "published": published.replace("T", " "),
                    "uncoordinated": "、".join(
                        ctx.banner.unit_name(u) if u in ctx.banner.units else u for u in missing
                    )
                    or "无",
                },
            )


# title_changed: only when the original title is recorded.
REPOST = declare(
    "repost",
    {
        "source_unit": str,
        "source_unit_type": str,
        "source_named_like_organ": bool,
        "has_source_url": bool,
        "source_named": bool,
        "has_original_title": bool,
        "title_changed": bool,
    },
    optional={"title_changed"},
    reads={"art-17": ("organ_name_pattern", "non_organ_name_pattern")},
)


@account_fact("repost")
def reposts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Each repost: where it came from, whether that is shown and traceable, whether the title held."""
    unit_type: dict[str, str] = {}
    for unit_id, unit in ctx.banner.units.items():
        unit_type[unit_id] = unit_type[str(unit.data["name"])] = str(unit.data["type"])
    for record in files.posts:
        for i, post in enumerate(record.data["post"]):
            repost = post.get("repost")
            if repost is None:
                continue
            published = parse_datetime(post["published"])
            stamp = iso_local(published)
            source = str(repost.get("source_unit", "")).strip()
            original = str(repost.get("original_title", ""))
            fields: dict[str, FactValue] = {
                "source_unit": source,
                "source_unit_type": unit_type.get(source, ""),
                "source_named_like_organ": named_like_organ(ctx, source, published.date()),
                "has_source_url": bool(str(repost.get("source_url", "")).strip()),
                "source_named": bool(repost.get("source_named", False)),
                "has_original_title": bool(original.strip()),
            }
            if original.strip():
                fields["title_changed"] = normal_title(original) != normal_title(str(post["title"]))
            yield Fact(
                kind="repost",
                key=f"{files.id}/post/{stamp}/repost",
                day=published.date(),
                record=record,
                where=("post", i, "repost"),
                unit=files.unit,
                account=files.id,
                fields=fields,
                context={
                    "title": str(post["title"]),
                    "original_title": original or "未记录",
                    "source": source or "未记录",
                    "published": stamp.replace("T", " "),
                },
            )
