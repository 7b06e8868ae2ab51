"""Content facts (articles 16, 17): coordination with units a post concerns; reposts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from engine.banner import AccountFiles
from engine.errors import InputError
from engine.facts import Context, Fact, FactValue, account_fact, declare
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
_KEEP = frozenset("%‰")
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


POST_COORDINATION = declare(
    "post-coordination", {"concerned_units": int, "uncoordinated_units": int}
)


@account_fact("post-coordination")
def post_coordination(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Each post that concerns other units' work, with the units it did not coordinate with."""
    for record in files.posts:
        for i, post in enumerate(record.data["post"]):
            concerns = [str(u) for u in post.get("concerns_units", [])]
            coordinated = {str(u) for u in post.get("coordinated_with", [])}
            for key, ids in (
                ("concerns_units", concerns),
                ("coordinated_with", sorted(coordinated)),
            ):
                for unit_id in ids:
                    if unit_id not in ctx.banner.units:
                        raise InputError(
                            f"单位「{unit_id}」不存在",
                            path=record.path,
                            line=record.line("post", i, key),
                            hint="单位 id 是 records/units/ 下的目录名;先登记该单位,或改正拼写。",
                        )
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
                    "uncoordinated": "、".join(ctx.banner.unit_name(u) for u in missing) or "无",
                },
            )


# title_changed: only when the original title is recorded.
REPOST = declare(
    "repost",
    {
        "source_unit": str,
        "source_is_registered_unit": bool,
        "has_source_url": bool,
        "source_named": bool,
        "has_original_title": bool,
        "title_changed": bool,
    },
    optional={"title_changed"},
)


@account_fact("repost")
def reposts(ctx: Context, files: AccountFiles) -> Iterator[Fact]:
    """Each repost: where it came from, whether that is shown and traceable, whether the title held."""
    registered = {str(r.data["name"]) for r in ctx.banner.units.values()} | set(ctx.banner.units)
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
                "source_is_registered_unit": source in registered,
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
